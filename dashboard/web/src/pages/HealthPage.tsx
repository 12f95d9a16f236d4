import { DataTable } from '../components/DataTable.tsx';
import { Empty, ErrorState, Loading } from '../components/States.tsx';
import { count, utc } from '../format.ts';
import { useHealth } from '../hooks/useHealth.ts';

/** Is data flowing: the last ingest per source, events and quarantine, detection runs, alerting and queues. */
export function HealthPage() {
  const health = useHealth();
  if (health.error !== undefined) return <ErrorState error={health.error} what="health" />;
  if (health.data === undefined) return <Loading what="health" />;
  const h = health.data;
  return (
    <>
      <div className="page-head">
        <h1>Health</h1>
        <span className="muted">as of {utc(h.generatedAt)} · store {h.store.kind}</span>
        <button type="button" className="ghost small" onClick={health.reload}>
          Refresh
        </button>
      </div>
      <div className="cards">
        <div className="card">
          <span className="value">{count(h.events.total)}</span>
          <span className="label">stored events</span>
          <span className="fine">{Object.entries(h.events.byDataset).map(([d, n]) => `${d} ${count(n)}`).join(' · ')}</span>
        </div>
        <div className={`card${h.quarantine.total > 0 ? ' warn' : ''}`}>
          <span className="value">{count(h.quarantine.total)}</span>
          <span className="label">quarantined records</span>
          <span className="fine">kept with their reason; see the store&apos;s quarantine</span>
        </div>
        <div className="card">
          <span className="value">{count(h.detection.findings.open)}</span>
          <span className="label">open findings</span>
          <span className="fine">of {count(h.detection.findings.total)} stored</span>
        </div>
        <div className={`card${h.alerting.outbox.dead > 0 ? ' warn' : ''}`}>
          <span className="value">{h.alerting.configured ? `${count(h.alerting.outbox.pending)} pending` : 'off'}</span>
          <span className="label">alert outbox</span>
          <span className="fine">
            {h.alerting.configured
              ? `${count(h.alerting.outbox.delivered)} delivered · ${count(h.alerting.outbox.held)} held · ${count(h.alerting.outbox.dead)} dead letters`
              : h.alerting.note}
          </span>
        </div>
        <div className="card">
          <span className="value">{h.queues.configured ? 'on' : 'inline'}</span>
          <span className="label">queues</span>
          <span className="fine">{h.queues.note}</span>
        </div>
      </div>
      <section className="panel">
        <h2>Last ingest per source</h2>
        {h.sources.length === 0 ? (
          <Empty>
            Nothing ingested yet: <code>sspr ingest &lt;exports&gt;</code>.
          </Empty>
        ) : (
          <DataTable
            columns={[
              { key: 'source', label: 'Source format' },
              { key: 'at', label: 'Last ingest' },
              { key: 'read', label: 'Read' },
              { key: 'accepted', label: 'Accepted' },
              { key: 'duplicates', label: 'Duplicates' },
              { key: 'skipped', label: 'Skipped' },
              { key: 'quarantined', label: 'Quarantined' },
            ]}
            rows={h.sources.map((s) => ({ source: s.source, at: utc(s.finishedAt), ...s.counts }))}
          />
        )}
      </section>
      {h.alerting.configured && (
        <section className="panel">
          <h2>Alerting</h2>
          <p className="muted">
            {h.alerting.note}
            {h.alerting.nextDue !== null && <> · next delivery due {utc(h.alerting.nextDue)}</>}
          </p>
          <DataTable
            caption="Routes"
            columns={[
              { key: 'name', label: 'Route' },
              { key: 'match', label: 'Matches' },
              { key: 'channels', label: 'Channels' },
            ]}
            rows={h.alerting.routes.map((r) => ({ name: r.name, match: JSON.stringify(r.match), channels: r.channels.map((c) => `${c} (${h.alerting.channels.find((x) => x.name === c)?.type ?? '?'})`).join(', ') }))}
          />
          {h.alerting.deadLetters.length > 0 && (
            <DataTable
              caption="Dead letters (sspr alerts dlq --replay ID sends one again)"
              columns={[
                { key: 'id', label: 'Alert' },
                { key: 'channel', label: 'Channel' },
                { key: 'findingId', label: 'Finding' },
                { key: 'attempts', label: 'Attempts' },
                { key: 'at', label: 'Last attempt' },
                { key: 'lastError', label: 'Last error' },
              ]}
              rows={h.alerting.deadLetters.map((d) => ({ ...d, at: utc(d.lastAttemptAt) }))}
            />
          )}
        </section>
      )}
      <section className="panel">
        <h2>Detection runs</h2>
        {h.detection.runs.length === 0 ? (
          <Empty>
            No detection run yet: <code>sspr detect</code>.
          </Empty>
        ) : (
          <DataTable
            columns={[
              { key: 'at', label: 'Finished' },
              { key: 'mode', label: 'Mode' },
              { key: 'events', label: 'Events' },
              { key: 'seconds', label: 'Run time (s)' },
              { key: 'inserted', label: 'New findings' },
              { key: 'updated', label: 'Updated' },
              { key: 'changes', label: 'Changed' },
            ]}
            rows={h.detection.runs.map((r) => ({
              at: utc(r.finishedAt),
              mode: String(r.detail?.mode ?? ''),
              events: r.counts.events,
              seconds: r.counts.durationMs === undefined ? undefined : Math.round(r.counts.durationMs / 100) / 10,
              inserted: r.counts.inserted,
              updated: r.counts.updated,
              changes: r.counts.changes,
            }))}
          />
        )}
      </section>
    </>
  );
}
