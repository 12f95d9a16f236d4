import { useEffect, useRef } from 'react';
import type { Finding } from '../../../../core/finding.ts';
import { utc } from '../format.ts';
import { SeverityBadge, StatusBadge } from './Badges.tsx';
import { Link } from './Link.tsx';

/** One finding in the queue; a retracted one is greyed with its reason. */
export function FindingRow({ finding: f, focused, selected, onSelect, onFocus }: { finding: Finding; focused: boolean; selected: boolean; onSelect: () => void; onFocus: () => void }) {
  const row = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (focused) row.current?.scrollIntoView({ block: 'nearest' });
  }, [focused]);
  const classes = [focused ? 'focused' : '', f.retracted !== undefined ? 'retracted' : ''].join(' ').trim();
  return (
    <tr ref={row} className={classes} aria-selected={focused} onClick={onFocus}>
      <td>
        <input type="checkbox" checked={selected} onChange={onSelect} aria-label={`Select ${f.summary}`} />
      </td>
      <td>
        <SeverityBadge severity={f.severity} />
      </td>
      <td>
        <StatusBadge finding={f} />
        {f.assignee !== undefined && <div className="fine">→ {f.assignee}</div>}
      </td>
      <td className="mono">{f.detector}</td>
      <td className="who-cell">{f.user ?? f.ips[0] ?? f.key}</td>
      <td>
        <Link to={`/findings/${encodeURIComponent(f.id)}`}>{f.summary}</Link>
        {f.retracted !== undefined && <div className="fine">Retracted {utc(f.retracted.at)}: {f.retracted.reason}</div>}
      </td>
      <td className="nowrap">{utc(f.lastSeen)}</td>
    </tr>
  );
}
