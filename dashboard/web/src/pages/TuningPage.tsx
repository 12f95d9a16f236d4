import { useState } from 'react';
import type { ProposalView } from '../../../server/routes/tuning.ts';
import { api, ApiError } from '../api/client.ts';
import { Link } from '../components/Link.tsx';
import { Empty, ErrorState, Loading } from '../components/States.tsx';
import { utc } from '../format.ts';
import { useConfigVersions, useProposals } from '../hooks/useProposals.ts';

const changeText = (c: ProposalView['change']): string =>
  c.kind === 'trusted-network' ? `add ${c.network} to detectors.${c.detector}.trustedNetworks` : `set detectors.${c.detector}.keyFloors for ${c.key} to ${c.minCount}`;

/** Config changes proposed from benign closures; admins accept (written to the config, versioned) or reject them. */
export function TuningPage({ role }: { role: 'viewer' | 'analyst' | 'admin' }) {
  const proposals = useProposals();
  const versions = useConfigVersions(role === 'admin');
  if (proposals.error !== undefined) return <ErrorState error={proposals.error} what="tuning proposals" />;
  if (proposals.data === undefined) return <Loading what="tuning proposals" />;
  const { items, configPath, causes } = proposals.data;
  const reload = (): void => {
    proposals.reload();
    versions.reload();
  };
  return (
    <>
      <div className="page-head">
        <h1>Tuning from triage</h1>
      </div>
      <p className="muted">
        Closing a finding as benign asks for a cause ({causes.map((c) => c.label).join(', ')}). When several findings of one detector are closed with the same cause and share a
        network or a key, sspr-watch proposes the config change that would have kept them quiet. An accepted change is written to <code>{configPath}</code>, versioned, and used
        by the next <code>sspr detect</code>.
      </p>
      {items.length === 0 ? (
        <Empty>No proposals yet: they appear after repeated benign closures with the same cause.</Empty>
      ) : (
        items.map((p) => <Proposal key={p.id} proposal={p} admin={role === 'admin'} onDecided={reload} />)
      )}
      {versions.data !== undefined && (
        <section className="panel">
          <h2>Config versions</h2>
          {versions.data.items.length === 0 ? (
            <p className="muted">No change written yet.</p>
          ) : (
            <ol className="audit">
              {versions.data.items.map((v) => (
                <li key={v.version}>
                  <strong>v{v.version}</strong> {utc(v.at)} by {v.actor.name}: {v.summary}
                  <details>
                    <summary>{v.path}</summary>
                    <pre>{v.content}</pre>
                  </details>
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </>
  );
}

function Proposal({ proposal: p, admin, onDecided }: { proposal: ProposalView; admin: boolean; onDecided: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const decide = async (decision: 'accept' | 'reject'): Promise<void> => {
    setError(null);
    try {
      await api('POST', `/tuning/proposals/${encodeURIComponent(p.id)}/decision`, { decision, ...(reason.trim() !== '' ? { reason: reason.trim() } : {}) });
      onDecided();
    } catch (e) {
      setError(e instanceof ApiError ? `${e.message} (${e.code})` : String(e));
    }
  };
  return (
    <section className={`panel proposal proposal-${p.status}`} aria-label={p.summary}>
      <h2>{p.summary}</h2>
      <p>
        Change: <code>{changeText(p.change)}</code>
      </p>
      <p className="fine">
        From {p.findings.length} benign closures:{' '}
        {p.findings.map((id, i) => (
          <span key={id}>
            {i > 0 && ', '}
            <Link to={`/findings/${encodeURIComponent(id)}`}>{id.slice(0, 8)}</Link>
          </span>
        ))}
      </p>
      {p.status === 'pending' && admin && (
        <div className="actions">
          <input type="text" aria-label="Decision reason" placeholder="reason (optional)" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="button" className="primary" onClick={() => void decide('accept')}>
            Accept
          </button>
          <button type="button" onClick={() => void decide('reject')}>
            Reject
          </button>
        </div>
      )}
      {p.status === 'pending' && !admin && <p className="muted">Pending an admin&apos;s decision.</p>}
      {p.status !== 'pending' && (
        <p>
          <span className={`badge proposal-${p.status}`}>{p.status}</span> by {p.decidedBy?.name} {utc(p.decidedAt)}
          {p.decisionReason !== undefined && <> — {p.decisionReason}</>}
          {p.status === 'accepted' && (
            <>
              {' '}
              · config v{p.configVersion} ·{' '}
              {p.appliedInRun !== null ? `in effect since the detection run of ${utc(p.appliedInRun.finishedAt)}` : 'takes effect on the next sspr detect'}
            </>
          )}
        </p>
      )}
      {error !== null && (
        <p className="state error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
