import { useEffect, useState } from 'react';

// A small history router: the server answers every client route with
// index.html, so /node/Unit:SN1 can be opened, bookmarked and reloaded.

/** Goes to path (with its query) without reloading the page. */
export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current location, re-rendered on every navigation. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const on = () => setTick((t) => t + 1);
    window.addEventListener('popstate', on);
    return () => window.removeEventListener('popstate', on);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** The path of a node's page. */
export function nodePath(id: string): string {
  return `/node/${encodeURIComponent(id).replace(/%3A/g, ":")}`;
}
