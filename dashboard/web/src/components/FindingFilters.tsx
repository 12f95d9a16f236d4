import { useEffect, useState } from 'react';
import type { Finding } from '../../../../core/finding.ts';
import { navigate, useLocation, withSearch } from '../router.ts';

const severities: Array<Finding['severity']> = ['critical', 'high', 'medium', 'low'];
export const statusChoices = [
  { value: '', label: 'Active (open, acknowledged)' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'suppressed', label: 'Suppressed' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'false_positive', label: 'False positive' },
  { value: 'all', label: 'All' },
];

/** The queue's filters, all kept in the URL (a filtered queue is a link one can share). */
export function FindingFilters({ detectors }: { detectors: readonly string[] }) {
  const location = useLocation();
  const set = (changes: Record<string, string | null>): void => navigate(withSearch(location, changes), true);
  const chosen = new Set((location.search.get('severity') ?? '').split(',').filter((s) => s !== ''));
  const [text, setText] = useState(location.search.get('q') ?? '');
  useEffect(() => setText(location.search.get('q') ?? ''), [location.search]);
  return (
    <div className="filters" role="search">
      <div className="toggles" role="group" aria-label="Severity">
        {severities.map((s) => (
          <button
            type="button"
            key={s}
            aria-pressed={chosen.has(s)}
            className={`toggle sev-${s}`}
            onClick={() => {
              const next = new Set(chosen);
              if (next.has(s)) next.delete(s);
              else next.add(s);
              set({ severity: [...next].join(',') || null });
            }}
          >
            {s}
          </button>
        ))}
      </div>
      <label>
        Status{' '}
        <select value={location.search.get('status') ?? ''} onChange={(e) => set({ status: e.target.value || null })}>
          {statusChoices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Detector{' '}
        <select value={location.search.get('detector') ?? ''} onChange={(e) => set({ detector: e.target.value || null })}>
          <option value="">all</option>
          {detectors.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: text.trim() || null });
        }}
      >
        <input type="search" aria-label="Search findings" placeholder="Search user, IP, summary… ( / )" value={text} onChange={(e) => setText(e.target.value)} id="finding-search" />
      </form>
      {location.search.has('user') && (
        <button type="button" className="ghost small" onClick={() => set({ user: null })}>
          user: {location.search.get('user')} ✕
        </button>
      )}
    </div>
  );
}
