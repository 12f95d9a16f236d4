import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Finding } from '../../../../core/finding.ts';
import type { FindingPage } from '../../../server/routes/findings.ts';
import { api, query } from '../api/client.ts';

/** Filters of the triage queue (GET /findings query values). */
export interface FindingFilters {
  severity?: string | undefined;
  status?: string | undefined;
  detector?: string | undefined;
  user?: string | undefined;
  q?: string | undefined;
}

export interface FindingQueue {
  items: Finding[];
  total: number;
  loading: boolean;
  error: Error | undefined;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/** The triage queue for the filters (GET /findings), page by page: `loadMore` appends the next page by its cursor. */
export function useFindings(filters: FindingFilters, limit = 50): FindingQueue {
  const key = query({ ...filters });
  const [pages, setPages] = useState<FindingPage[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<{ loading: boolean; error?: Error }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    setPages([]);
    setCursor(null);
  }, [key]);
  useEffect(() => {
    let live = true;
    setState({ loading: true });
    api<FindingPage>('GET', `/findings${query({ ...filters, cursor, limit })}`).then(
      (page) => {
        if (!live) return;
        setPages((p) => (cursor === null ? [page] : [...p, page]));
        setState({ loading: false });
      },
      (error: Error) => live && setState({ loading: false, error }),
    );
    return () => {
      live = false;
    };
    // The key stands for the filters: refetch when they, the cursor or the reload tick change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, cursor, tick, limit]);
  const items = useMemo(() => pages.flatMap((p) => p.items), [pages]);
  const next = pages[pages.length - 1]?.next ?? null;
  const loadMore = useCallback(() => {
    if (next !== null) setCursor(next);
  }, [next]);
  const reload = useCallback(() => {
    setCursor(null);
    setTick((t) => t + 1);
  }, []);
  return { items, total: pages[0]?.total ?? 0, loading: state.loading, error: state.error, hasMore: next !== null, loadMore, reload };
}
