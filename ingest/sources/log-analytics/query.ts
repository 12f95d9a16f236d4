import type { TokenCredential } from '@azure/identity';
import { LogsQueryClient, LogsQueryResultStatus, type LogsErrorInfo, type LogsTable } from '@azure/monitor-query-logs';
import { isAbort, withRetry, type RetryClock, type RetryNotice, type RetryPolicy } from './retry.ts';
import { scopeFor } from './credential.ts';

/**
 * One time slice of one table through `LogsQueryClient.queryWorkspace`. The time range is the request's
 * `timespan` (never KQL text, so the API applies it as it documents and nothing is parsed twice). A partial
 * answer (`LogsQueryResultStatus.PartialFailure`: the API's `PartialError`, e.g. E_QUERY_RESULT_SET_TOO_LARGE
 * or a query that ran out of time) is reported as incomplete with its rows, for the caller to split and
 * re-read rather than store short.
 */

export interface SliceResult {
  complete: boolean;
  /** Rows as objects keyed by column name: datetime columns as ISO text, dynamic columns as JSON values. */
  rows: Array<Record<string, unknown>>;
  /** Each row as JSON text (what quarantine keeps). */
  raws: string[];
  /** The JSON length of the rows: the size estimate slices are tuned by. */
  bytes: number;
  /** The newest TimeGenerated among the rows (ms), if any. */
  newestMs?: number;
  /** Why the answer is incomplete (the API's partial error). */
  partialError?: string;
}

export interface LogsReader {
  read(table: string, startMs: number, endMs: number, signal?: AbortSignal): Promise<SliceResult>;
}

export interface LogsReaderOptions {
  workspace: string;
  endpoint: string;
  credential: TokenCredential;
  additionalWorkspaces: readonly string[];
  serverTimeoutSeconds: number;
  retry: RetryPolicy;
  clock: RetryClock;
  onRetry?: (notice: RetryNotice & { table: string; timespan: string }) => void;
}

/** Client-side cut-off beyond the server's own (`Prefer: wait=N`): a hung connection is retried, not waited on. */
const CLIENT_GRACE_MS = 30_000;

/** A request that ran past the client's timeout: retryable, unlike the caller's own stop signal. */
class RequestTimeout extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(what: string, cause: unknown) {
    super(`no answer to ${what} within the client timeout`, { cause });
    this.name = 'RequestTimeout';
  }
}

/** A row as an object; Date values (the client's datetime conversion) back to ISO text, as the parsers read them. */
function rowObjects(table: LogsTable): { rows: Array<Record<string, unknown>>; raws: string[]; bytes: number; newestMs?: number } {
  const names = table.columnDescriptors.map((c) => c.name ?? '');
  const timeIndex = names.indexOf('TimeGenerated');
  let bytes = 0;
  let newestMs: number | undefined;
  const raws: string[] = [];
  const rows = table.rows.map((cells) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i += 1) {
      const cell: unknown = cells[i];
      row[names[i]!] = cell instanceof Date ? (Number.isNaN(cell.getTime()) ? null : cell.toISOString()) : cell;
    }
    const time = timeIndex >= 0 ? cells[timeIndex] : undefined;
    const ms = time instanceof Date ? time.getTime() : typeof time === 'string' ? Date.parse(time) : Number.NaN;
    if (Number.isFinite(ms) && (newestMs === undefined || ms > newestMs)) newestMs = ms;
    const raw = JSON.stringify(row);
    raws.push(raw);
    bytes += raw.length;
    return row;
  });
  return { rows, raws, bytes, ...(newestMs !== undefined ? { newestMs } : {}) };
}

/** The partial error as one line: its code and message, each detail's, and the inner error chain's. */
function describeError(error: LogsErrorInfo): string {
  const parts = [error.code, error.message];
  for (const d of error.details ?? []) parts.push(d.code, d.message);
  for (let inner = error.innererror; inner !== undefined; inner = inner.innererror) parts.push(inner.code, inner.message);
  return parts.filter((p) => typeof p === 'string' && p !== '').join(': ');
}

/** A reader bound to one workspace, endpoint and credential; the SDK's retries are off (see retry.ts). */
export function createLogsReader(options: LogsReaderOptions): LogsReader {
  const client = new LogsQueryClient(options.credential, {
    endpoint: options.endpoint,
    // The client's default scope is the public cloud's whatever the endpoint; sovereign clouds need theirs.
    credentials: { scopes: [scopeFor(options.endpoint)] },
    retryOptions: { maxRetries: 0 },
  });
  // @azure/monitor-query-logs 1.0.0's queryWorkspace drops the `abortSignal` option (its option conversion
  // keeps only `prefer` and `requestOptions`), so a stop could not cut a request short. This policy puts the
  // signal of the read in progress (reads are sequential) on each request the pipeline sends.
  let inFlight: AbortSignal | undefined;
  client.pipeline.addPolicy({
    name: 'ssprAbortSignal',
    sendRequest: (request, next) => {
      if (inFlight && !request.abortSignal) request.abortSignal = inFlight;
      return next(request);
    },
  });
  return {
    async read(table, startMs, endMs, signal) {
      inFlight = signal;
      const timespan = `${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`;
      const what = `${table} ${timespan}`;
      const result = await withRetry(
        what,
        async () => {
          try {
            return await client.queryWorkspace(options.workspace, table, { startTime: new Date(startMs), endTime: new Date(endMs) }, {
              serverTimeoutInSeconds: options.serverTimeoutSeconds,
              ...(options.additionalWorkspaces.length > 0 ? { additionalWorkspaces: [...options.additionalWorkspaces] } : {}),
              ...(signal ? { abortSignal: signal } : {}),
              requestOptions: { timeout: options.serverTimeoutSeconds * 1000 + CLIENT_GRACE_MS },
            });
          } catch (error) {
            if (isAbort(error) && !signal?.aborted) throw new RequestTimeout(what, error);
            throw error;
          }
        },
        options.retry,
        options.clock,
        { ...(signal ? { signal } : {}), onRetry: (notice) => options.onRetry?.({ ...notice, table, timespan }) },
      );
      const tables = result.status === LogsQueryResultStatus.Success ? result.tables : result.partialTables;
      const merged = { rows: [] as Array<Record<string, unknown>>, raws: [] as string[], bytes: 0, newestMs: undefined as number | undefined };
      for (const t of tables) {
        const part = rowObjects(t);
        // concat, not push(...): a slice may hold hundreds of thousands of rows, past the argument limit.
        merged.rows = merged.rows.concat(part.rows);
        merged.raws = merged.raws.concat(part.raws);
        merged.bytes += part.bytes;
        if (part.newestMs !== undefined && (merged.newestMs === undefined || part.newestMs > merged.newestMs)) merged.newestMs = part.newestMs;
      }
      const { newestMs, ...rest } = merged;
      const base = { ...rest, ...(newestMs !== undefined ? { newestMs } : {}) };
      if (result.status === LogsQueryResultStatus.Success) return { complete: true, ...base };
      return { complete: false, ...base, partialError: describeError(result.partialError) };
    },
  };
}
