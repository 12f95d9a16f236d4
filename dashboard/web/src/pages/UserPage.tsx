import { SeverityBadge, StatusBadge } from '../components/Badges.tsx';
import { EventTimeline } from '../components/EventTimeline.tsx';
import { Link } from '../components/Link.tsx';
import { Empty, ErrorState, Loading } from '../components/States.tsx';
import { utc } from '../format.ts';
import { useTimeline } from '../hooks/useTimeline.ts';

/** A user's findings and events in time order. */
export function UserPage({ upn }: { upn: string }) {
  const timeline = useTimeline(upn);
  if (timeline.error !== undefined) return <ErrorState error={timeline.error} what={`the timeline of ${upn}`} />;
  if (timeline.data === undefined) return <Loading what={`the timeline of ${upn}`} />;
  const t = timeline.data;
  return (
    <>
      <div className="page-head">
        <h1>{t.user}</h1>
        <Link to={`/findings?user=${encodeURIComponent(t.user)}&status=all`}>All findings of this user</Link>
      </div>
      <section className="panel">
        <h2>Findings</h2>
        {t.findings.length === 0 ? (
          <p className="muted">None.</p>
        ) : (
          <ul className="related">
            {t.findings.map((f) => (
              <li key={f.id}>
                <SeverityBadge severity={f.severity} /> <StatusBadge finding={f} /> <Link to={`/findings/${encodeURIComponent(f.id)}`}>{f.summary}</Link> <span className="fine">{utc(f.lastSeen)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {t.events.length === 0 ? <Empty>No stored events for {t.user}.</Empty> : <EventTimeline events={t.events} title={t.truncated ? 'Events (first 2,000)' : 'Events'} />}
    </>
  );
}
