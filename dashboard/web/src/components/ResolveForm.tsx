import { useState } from 'react';
import type { TriageInput } from '../../../server/triage/actions.ts';

/** The benign causes tuning learns from (GET /tuning/proposals lists them with labels; the ids are the API's). */
export const causes = [
  { id: 'corporate-vpn', label: 'Corporate VPN or proxy egress' },
  { id: 'travel', label: 'Travel (a real trip)' },
  { id: 'own-script', label: "The user's own script or tool" },
  { id: 'shared-device', label: 'A shared device or kiosk' },
  { id: 'other', label: 'Other' },
] as const;

type Resolve = Extract<TriageInput, { action: 'resolve' }>;

/** Resolution, and for a benign one its cause (required: repeated causes become tuning proposals), and a reason. */
export function ResolveForm({ onSubmit, onCancel, busy }: { onSubmit: (input: Resolve) => void; onCancel?: () => void; busy?: boolean }) {
  const [resolution, setResolution] = useState<Resolve['resolution']>('true-positive');
  const [cause, setCause] = useState<Resolve['cause'] | ''>('');
  const [reason, setReason] = useState('');
  const needsCause = resolution === 'benign' && cause === '';
  return (
    <form
      className="resolve-form"
      aria-label="Resolve"
      onSubmit={(e) => {
        e.preventDefault();
        if (needsCause) return;
        onSubmit({ action: 'resolve', resolution, ...(resolution === 'benign' && cause !== '' ? { cause } : {}), ...(reason.trim() !== '' ? { reason: reason.trim() } : {}) });
      }}
    >
      <fieldset>
        <legend>Resolution</legend>
        {(['true-positive', 'benign', 'false-positive'] as const).map((r) => (
          <label key={r}>
            <input type="radio" name="resolution" value={r} checked={resolution === r} onChange={() => setResolution(r)} /> {r.replace('-', ' ')}
          </label>
        ))}
      </fieldset>
      {resolution === 'benign' && (
        <label>
          Why was it benign?{' '}
          <select value={cause} onChange={(e) => setCause(e.target.value as Resolve['cause'] | '')} required aria-label="Cause">
            <option value="">choose a cause…</option>
            {causes.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Reason <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} placeholder="optional: what you checked" />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy === true || needsCause}>
          Resolve
        </button>
        {onCancel !== undefined && (
          <button type="button" className="ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
