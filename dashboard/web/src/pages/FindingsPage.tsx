import { useEffect, useState } from 'react';
import type { Finding } from '../../../../core/finding.ts';
import type { BulkTriageResult } from '../../../server/routes/findings.ts';
import type { TriageInput } from '../../../server/triage/actions.ts';
import { api, query } from '../api/client.ts';
import { FindingFilters } from '../components/FindingFilters.tsx';
import { FindingRow } from '../components/FindingRow.tsx';
import { ResolveForm } from '../components/ResolveForm.tsx';
import { Empty, ErrorState, Loading } from '../components/States.tsx';
import { useFindings } from '../hooks/useFindings.ts';
import { useResource } from '../hooks/useResource.ts';
import { useQueueKeys } from '../hooks/useQueueKeys.ts';
import { navigate, useLocation } from '../router.ts';

/** The analysts' triage queue: filters in the URL, keyboard navigation, bulk acknowledge and resolve. */
export function FindingsPage() {
  const { search } = useLocation();
  const status = search.get('status');
  const filters = {
    severity: search.get('severity') ?? undefined,
    status: status === null ? 'open,acknowledged' : status === 'all' ? undefined : status,
    detector: search.get('detector') ?? undefined,
    user: search.get('user') ?? undefined,
    q: search.get('q') ?? undefined,
  };
  const key = query(filters);
  const queue = useFindings(filters);
  const { items, total, loading, error } = queue;
  const detectors = useResource<{ items: Array<{ id: string }> }>('/detectors');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focus, setFocus] = useState(0);
  const [resolving, setResolving] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    setSelected(new Set());
    setFocus(0);
  }, [key]);

  const triage = async (ids: string[], input: TriageInput): Promise<void> => {
    const { results } = await api<BulkTriageResult>('POST', '/findings/triage', { ids, triage: input });
    const failed = results.filter((r) => !r.ok);
    setNotice(`${input.action}: ${results.length - failed.length} done${failed.length > 0 ? `, ${failed.length} not (${failed.map((f) => f.error?.message).join('; ')})` : ''}`);
    setSelected(new Set());
    queue.reload();
  };
  const current = items[focus];
  const targets = (): string[] => (selected.size > 0 ? [...selected] : current !== undefined ? [current.id] : []);

  useQueueKeys({
    down: () => setFocus((f) => Math.min(f + 1, items.length - 1)),
    up: () => setFocus((f) => Math.max(f - 1, 0)),
    open: () => current !== undefined && navigate(`/findings/${encodeURIComponent(current.id)}`),
    acknowledge: () => void triage(targets(), { action: 'acknowledge' }),
    resolve: () => targets().length > 0 && setResolving(targets()),
    select: () => current !== undefined && setSelected((s) => toggled(s, current.id)),
    search: () => document.getElementById('finding-search')?.focus(),
    enabled: resolving === null,
  });

  return (
    <>
      <div className="page-head">
        <h1>Findings</h1>
        <span className="muted">{loading && items.length === 0 ? '' : `${total} finding${total === 1 ? '' : 's'}`}</span>
        <span className="keys muted">j/k move · Enter open · a acknowledge · r resolve · x select · / search</span>
      </div>
      <FindingFilters detectors={(detectors.data?.items ?? []).map((d) => d.id)} />
      {selected.size > 0 && (
        <div className="bulk" role="region" aria-label="Bulk actions">
          {selected.size} selected
          <button type="button" onClick={() => void triage([...selected], { action: 'acknowledge' })}>
            Acknowledge selected
          </button>
          <button type="button" onClick={() => setResolving([...selected])}>
            Resolve selected…
          </button>
          <button type="button" className="ghost" onClick={() => setSelected(new Set())}>
            Clear
          </button>
        </div>
      )}
      {resolving !== null && (
        <div className="dialog" role="dialog" aria-label={`Resolve ${resolving.length} finding(s)`}>
          <h2>Resolve {resolving.length} finding(s)</h2>
          <ResolveForm onSubmit={(input) => void triage(resolving, input).then(() => setResolving(null))} onCancel={() => setResolving(null)} />
        </div>
      )}
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error !== undefined && <ErrorState error={error} what="findings" />}
      {loading && items.length === 0 && <Loading what="findings" />}
      {!loading && error === undefined && items.length === 0 && (
        <Empty>
          {key === query({ status: 'open,acknowledged' }) ? (
            <>
              No findings yet: run <code>sspr ingest &lt;exports&gt;</code>, then <code>sspr detect</code> (or <code>npm run demo</code>).
            </>
          ) : (
            'No finding matches these filters.'
          )}
        </Empty>
      )}
      {items.length > 0 && (
        <table className="queue" aria-label="Triage queue">
          <thead>
            <tr>
              <th scope="col" aria-label="Select" />
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
              <th scope="col">Detector</th>
              <th scope="col">Who</th>
              <th scope="col">Summary</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {items.map((f: Finding, i) => (
              <FindingRow key={f.id} finding={f} focused={i === focus} selected={selected.has(f.id)} onSelect={() => setSelected((s) => toggled(s, f.id))} onFocus={() => setFocus(i)} />
            ))}
          </tbody>
        </table>
      )}
      {queue.hasMore && (
        <button type="button" className="ghost" onClick={queue.loadMore} disabled={loading}>
          Load more
        </button>
      )}
    </>
  );
}

function toggled(set: Set<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}
