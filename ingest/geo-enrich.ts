import { createRequire } from 'node:module';
import type { Geo } from '../core/event.ts';

interface GeoipLite {
  lookup(ip: string): { country: string; region: string; city: string; ll: [number, number] } | null;
}

/** Looks an IP up in geoip-lite's bundled database; `undefined` for private, reserved or unknown addresses. */
export type GeoLookup = (ip: string) => Geo | undefined;

const CACHE_LIMIT = 100_000;

/**
 * A geoip-lite lookup with a bounded cache. The database (about 110 MB in memory) is loaded on the first
 * lookup only, so runs whose logs carry their own locations never pay for it.
 */
export function createGeoLookup(): GeoLookup {
  let geoip: GeoipLite | undefined;
  const cache = new Map<string, Geo | undefined>();
  return (ip) => {
    const cached = cache.get(ip);
    if (cached !== undefined || cache.has(ip)) return cached;
    geoip ??= createRequire(import.meta.url)('geoip-lite') as GeoipLite;
    const hit = geoip.lookup(ip);
    let geo: Geo | undefined;
    if (hit) {
      geo = { origin: 'geoip' };
      if (hit.country) geo.country = hit.country;
      if (hit.region) geo.region = hit.region;
      if (hit.city) geo.city = hit.city;
      const [lat, lon] = hit.ll;
      // geoip-lite answers a country-level centroid with the city blank: still a location, only coarser.
      if (Number.isFinite(lat) && Number.isFinite(lon) && !(lat === 0 && lon === 0)) {
        geo.lat = lat;
        geo.lon = lon;
      }
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(ip, geo);
    return geo;
  };
}
