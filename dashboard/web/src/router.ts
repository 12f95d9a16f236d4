import { useEffect, useState } from 'react';

/** The app's location: path and search params. Changed by navigate(), links and the browser's back/forward. */
export interface Location {
  path: string;
  search: URLSearchParams;
}

const read = (): Location => ({ path: window.location.pathname, search: new URLSearchParams(window.location.search) });
const listeners = new Set<() => void>();

/** Moves to `to` (a path with an optional query) without reloading; `replace` keeps history short for filter edits. */
export function navigate(to: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const l of listeners) l();
}

export function useLocation(): Location {
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = (): void => setLocation(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/** The URL with some search params replaced (empty values removed): filters live in the URL so a link can be shared. */
export function withSearch(location: Location, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') next.delete(k);
    else next.set(k, v);
  }
  const text = next.toString();
  return `${location.path}${text === '' ? '' : `?${text}`}`;
}
