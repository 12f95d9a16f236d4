import type { SsprEvent } from '../../../../core/event.ts';
import { usePalette } from '../theme.ts';
import { DataTable } from './DataTable.tsx';
import { place } from './EventTimeline.tsx';

/** Great-circle distance in km (haversine, mean Earth radius 6371 km). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

type Located = SsprEvent & { source: { geo: { lat: number; lon: number } } };
const located = (e: SsprEvent): e is Located => typeof e.source?.geo?.lat === 'number' && typeof e.source.geo.lon === 'number';

/**
 * Impossible travel on one screen: each hop between consecutive located events with its distance, time and the
 * speed it needs, and the places on a world outline (equirectangular, no map tiles: nothing leaves the page).
 */
export function TravelView({ events }: { events: readonly SsprEvent[] }) {
  const p = usePalette();
  const points = events.filter(located);
  const hops = points.slice(1).map((b, i) => {
    const a = points[i]!;
    const km = distanceKm(a.source.geo, b.source.geo);
    const minutes = (Date.parse(b.timestamp) - Date.parse(a.timestamp)) / 60_000;
    return { from: place(a) || a.source.ip || '?', to: place(b) || b.source.ip || '?', km: Math.round(km), minutes: Math.round(minutes), kmh: minutes > 0 ? Math.round(km / (minutes / 60)) : null };
  });
  const x = (lon: number): number => ((lon + 180) / 360) * 360;
  const y = (lat: number): number => ((90 - lat) / 180) * 180;
  return (
    <section className="panel">
      <h2>Travel</h2>
      <svg className="world" viewBox="0 0 360 180" role="img" aria-label={`Places: ${[...new Set(points.map((e) => place(e)))].join(', ')}`}>
        <rect x="0" y="0" width="360" height="180" fill={p.surface} stroke={p.grid} />
        {[-60, -30, 0, 30, 60].map((lat) => (
          <line key={lat} x1="0" x2="360" y1={y(lat)} y2={y(lat)} stroke={p.grid} strokeDasharray="2 3" />
        ))}
        {[-120, -60, 0, 60, 120].map((lon) => (
          <line key={lon} y1="0" y2="180" x1={x(lon)} x2={x(lon)} stroke={p.grid} strokeDasharray="2 3" />
        ))}
        <polyline points={points.map((e) => `${x(e.source.geo.lon)},${y(e.source.geo.lat)}`).join(' ')} fill="none" stroke={p.series[3]} strokeWidth="1" />
        {points.map((e) => (
          <g key={e.id}>
            <circle cx={x(e.source.geo.lon)} cy={y(e.source.geo.lat)} r="2.5" fill={p.series[0]} />
            <text x={x(e.source.geo.lon) + 4} y={y(e.source.geo.lat) - 3} fontSize="7" fill={p.text}>
              {e.source.geo.city ?? e.source.geo.country ?? ''}
            </text>
          </g>
        ))}
      </svg>
      <DataTable
        caption="Hops between consecutive located events"
        columns={[
          { key: 'from', label: 'From' },
          { key: 'to', label: 'To' },
          { key: 'km', label: 'Distance (km)' },
          { key: 'minutes', label: 'Minutes apart' },
          { key: 'kmh', label: 'Speed needed (km/h)' },
        ]}
        rows={hops}
      />
    </section>
  );
}
