import type { AuditEntry } from '../../../server/routes/findings.ts';
import { utc } from '../format.ts';

const stateText = (s: AuditEntry['before']): string =>
  [s.status, s.resolution, s.cause, s.assignee !== undefined ? `→ ${s.assignee}` : undefined, s.suppressedUntil !== undefined ? `until ${utc(s.suppressedUntil)}` : undefined]
    .filter((x) => x !== undefined)
    .join(' · ');

/** Every triage change of the finding: who, when, what, from which state to which. */
export function AuditTrail({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <section className="panel">
      <h2>Audit trail</h2>
      {entries.length === 0 ? (
        <p className="muted">No triage yet.</p>
      ) : (
        <ol className="audit" aria-label="Audit trail">
          {entries.map((e) => (
            <li key={e.seq}>
              <time dateTime={e.at}>{utc(e.at)}</time> <strong>{e.actor.name}</strong> <span className="muted">({e.actor.role ?? e.actor.via})</span> <span className="mono">{e.action}</span>:{' '}
              {stateText(e.before)} → {stateText(e.after)}
              {e.reason !== undefined && <div className="fine">Reason: {e.reason}</div>}
              {e.comment !== undefined && <div className="fine">“{e.comment}”</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
