import { navigate, useLocation, withSearch } from '../router.ts';

/** From/to dates kept in the URL (`?from=2026-03-09&to=2026-03-16`, `to` exclusive); empty means all data. */
export function PeriodPicker() {
  const location = useLocation();
  const set = (name: 'from' | 'to', value: string): void => navigate(withSearch(location, { [name]: value }), true);
  return (
    <div className="period-picker">
      <label>
        From <input type="date" value={location.search.get('from') ?? ''} onChange={(e) => set('from', e.target.value)} />
      </label>
      <label>
        To (exclusive) <input type="date" value={location.search.get('to') ?? ''} onChange={(e) => set('to', e.target.value)} />
      </label>
      {(location.search.has('from') || location.search.has('to')) && (
        <button type="button" className="ghost small" onClick={() => navigate(withSearch(location, { from: null, to: null }), true)}>
          All data
        </button>
      )}
    </div>
  );
}
