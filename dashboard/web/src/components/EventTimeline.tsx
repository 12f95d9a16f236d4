import type { SsprEvent } from '../../../../core/event.ts';
import { utc } from '../format.ts';

export const place = (e: SsprEvent): string => {
  const g = e.source?.geo;
  if (g === undefined) return '';
  return [g.city, g.country].filter((x) => x !== undefined).join(', ');
};

/** What an event adds beyond its action: the SSPR step, method, MFA result, reason. */
const detail = (e: SsprEvent): string => [e.ssprStep, e.authMethod, e.mfaResult, e.actor.kind !== 'self' ? `by ${e.actor.kind}${e.actor.name ? ` ${e.actor.name}` : ''}` : undefined, e.reason].filter((x) => x !== undefined && x !== '').join(' · ');

/** Events in time order: when, what, outcome, from where. */
export function EventTimeline({ events, title = 'Evidence' }: { events: readonly SsprEvent[]; title?: string }) {
  return (
    <section className="panel">
      <h2>
        {title} <span className="muted">({events.length} events)</span>
      </h2>
      <ol className="timeline">
        {events.map((e) => (
          <li key={e.id}>
            <time dateTime={e.timestamp}>{utc(e.timestamp)}</time>
            <span className="mono action">{e.action}</span>
            <span className={`badge outcome-${e.outcome}`}>{e.outcome}</span>
            <span className="where">
              {e.source?.ip ?? ''} {place(e) !== '' && <span className="muted">({place(e)})</span>}
            </span>
            <span className="fine">{detail(e)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
