import { useState } from 'react';
import type { Finding } from '../../../../core/finding.ts';
import type { TriageInput } from '../../../server/triage/actions.ts';
import { api, ApiError } from '../api/client.ts';
import { ResolveForm } from './ResolveForm.tsx';

type Mode = 'idle' | 'resolve' | 'assign' | 'suppress' | 'comment';

/** Triage controls for one finding; each action posts to /findings/{id}/triage and then refreshes the page's data. */
export function TriagePanel({ finding, onChanged }: { finding: Finding; onChanged: () => void }) {
  const [mode, setMode] = useState<Mode>('idle');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [text, setText] = useState('');
  const closed = finding.status === 'resolved' || finding.status === 'false_positive';
  const send = async (input: TriageInput): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      await api('POST', `/findings/${encodeURIComponent(finding.id)}/triage`, input);
      setMode('idle');
      setText('');
      onChanged();
    } catch (error) {
      setMessage(error instanceof ApiError ? `${error.message} (${error.code})` : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel triage" aria-label="Triage">
      <h2>Triage</h2>
      <div className="actions">
        {(finding.status === 'open' || finding.status === 'suppressed') && (
          <button type="button" disabled={busy} onClick={() => void send({ action: 'acknowledge' })}>
            Acknowledge
          </button>
        )}
        {!closed && (
          <>
            <button type="button" className="primary" disabled={busy} onClick={() => setMode('resolve')}>
              Resolve…
            </button>
            <button type="button" disabled={busy} onClick={() => setMode('assign')}>
              Assign…
            </button>
            <button type="button" disabled={busy} onClick={() => setMode('suppress')}>
              Suppress…
            </button>
          </>
        )}
        {finding.status !== 'open' && (
          <button type="button" disabled={busy} onClick={() => void send({ action: 'reopen' })}>
            Reopen
          </button>
        )}
        <button type="button" className="ghost" disabled={busy} onClick={() => setMode('comment')}>
          Comment…
        </button>
      </div>
      {mode === 'resolve' && <ResolveForm busy={busy} onSubmit={(input) => void send(input)} onCancel={() => setMode('idle')} />}
      {(mode === 'assign' || mode === 'comment' || mode === 'suppress') && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const value = text.trim();
            if (value === '') return;
            if (mode === 'assign') void send({ action: 'assign', assignee: value });
            else if (mode === 'comment') void send({ action: 'comment', comment: value });
            else void send({ action: 'suppress', until: `${value}:00Z` });
          }}
        >
          <label>
            {mode === 'assign' ? 'Assignee' : mode === 'comment' ? 'Comment' : 'Suppress until (UTC)'}{' '}
            <input type={mode === 'suppress' ? 'datetime-local' : 'text'} value={text} onChange={(e) => setText(e.target.value)} required />
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
          <button type="button" className="ghost" onClick={() => setMode('idle')}>
            Cancel
          </button>
        </form>
      )}
      {message !== null && (
        <p className="state error" role="alert">
          {message}
        </p>
      )}
    </section>
  );
}
