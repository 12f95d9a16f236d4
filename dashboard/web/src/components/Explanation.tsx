import type { Finding } from '../../../../core/finding.ts';
import { utc } from '../format.ts';

type Values = Record<string, string | number | boolean | null>;

function Pairs({ title, values }: { title: string; values: Values }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <div>
      <h3>{title}</h3>
      <dl className="pairs">
        {entries.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v === null ? '—' : String(v)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Why the finding fired: its words, window, the threshold crossed, the baseline it was judged against, what was seen. */
export function Explanation({ finding }: { finding: Finding }) {
  const x = finding.explanation;
  return (
    <section className="panel">
      <h2>Why it fired</h2>
      <p>{x.text}</p>
      <p className="muted">
        Window {utc(x.window.start)} – {utc(x.window.end)}
      </p>
      <div className="pairs-grid">
        <Pairs title="Observed" values={x.observed} />
        <Pairs title="Threshold" values={x.threshold} />
        <Pairs title="Baseline" values={x.baseline} />
      </div>
    </section>
  );
}
