import type { SsprEvent } from '../../../../core/event.ts';

/** MFA fatigue in sequence: each prompt with its result and the minutes since the first, then what followed. */
export function MfaSequence({ events }: { events: readonly SsprEvent[] }) {
  const first = events[0] === undefined ? 0 : Date.parse(events[0].timestamp);
  return (
    <section className="panel">
      <h2>Prompts in sequence</h2>
      <ol className="prompts" aria-label="MFA prompts in order">
        {events.map((e, i) => {
          const label = e.action === 'mfa.challenge' ? (e.mfaResult ?? e.outcome) : e.action;
          return (
            <li key={e.id} className={`prompt prompt-${e.action === 'mfa.challenge' ? (e.mfaResult ?? 'other') : 'after'}`} title={`${e.timestamp} ${label}`}>
              <span className="n">{i + 1}</span>
              <span className="what">{label}</span>
              <span className="fine">+{Math.round((Date.parse(e.timestamp) - first) / 60_000)} min</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
