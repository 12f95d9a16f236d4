import type { Finding } from '../../../../core/finding.ts';
import { AuditTrail } from '../components/AuditTrail.tsx';
import { SeverityBadge, StatusBadge } from '../components/Badges.tsx';
import { EventTimeline } from '../components/EventTimeline.tsx';
import { Explanation } from '../components/Explanation.tsx';
import { Link } from '../components/Link.tsx';
import { MfaSequence } from '../components/MfaSequence.tsx';
import { ErrorState, Loading } from '../components/States.tsx';
import { TravelView } from '../components/TravelView.tsx';
import { TriagePanel } from '../components/TriagePanel.tsx';
import { utc } from '../format.ts';
import { useAudit, useFinding } from '../hooks/useFinding.ts';

/** One finding's story on one screen: what and why, the evidence, the detector's advice, triage and its audit trail. */
export function FindingDetailPage({ id }: { id: string }) {
  const finding = useFinding(id);
  const audit = useAudit(id);
  if (finding.error !== undefined) return <ErrorState error={finding.error} what={`finding ${id}`} />;
  if (finding.data === undefined) return <Loading what="the finding" />;
  const f = finding.data;
  const refresh = (): void => {
    finding.reload();
    audit.reload();
  };
  return (
    <article className={`detail${f.retracted !== undefined ? ' retracted' : ''}`}>
      <p>
        <Link to="/findings">← Findings</Link>
      </p>
      <header className="detail-head">
        <SeverityBadge severity={f.severity} /> <StatusBadge finding={f} /> <span className="mono">{f.detector}</span>
        <h1>{f.summary}</h1>
        <p className="muted">
          {utc(f.firstSeen)} – {utc(f.lastSeen)}
          {f.user !== undefined && (
            <>
              {' '}
              · user <Link to={`/users/${encodeURIComponent(f.user)}`}>{f.user}</Link>
            </>
          )}
          {f.ips.length > 0 && <> · {f.ips.join(', ')}</>}
          {f.attack.length > 0 && <> · ATT&amp;CK {f.attack.join(', ')}</>}
          {f.assignee !== undefined && <> · assigned to {f.assignee}</>}
        </p>
        {f.retracted !== undefined && (
          <p className="state">
            Retracted {utc(f.retracted.at)}: {f.retracted.reason}
          </p>
        )}
      </header>
      <div className="detail-grid">
        <div className="story">
          <Explanation finding={f} />
          {f.detector === 'impossible-travel' && <TravelView events={f.events} />}
          {f.detector === 'mfa-fatigue' && <MfaSequence events={f.events} />}
          <EventTimeline events={f.events} />
        </div>
        <aside>
          <TriagePanel finding={f} onChanged={refresh} />
          {audit.data !== undefined && <AuditTrail entries={audit.data.items} />}
          {f.detectorInfo !== null && (
            <section className="panel">
              <h2>What to check</h2>
              <p>{f.detectorInfo.triage}</p>
              <h3>Known false positives</h3>
              <ul>
                {f.detectorInfo.falsePositives.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            </section>
          )}
          <Related related={f.related} />
        </aside>
      </div>
    </article>
  );
}

function Related({ related }: { related: ReadonlyArray<Pick<Finding, 'id' | 'severity' | 'summary' | 'lastSeen' | 'status' | 'retracted'>> }) {
  return (
    <section className="panel">
      <h2>Other findings for this user</h2>
      {related.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="related">
          {related.map((r) => (
            <li key={r.id}>
              <SeverityBadge severity={r.severity} /> <Link to={`/findings/${encodeURIComponent(r.id)}`}>{r.summary}</Link> <span className="fine">{utc(r.lastSeen)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
