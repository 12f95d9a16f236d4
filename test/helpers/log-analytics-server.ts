import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { laTables, type LaColumnType } from './la-tables.ts';
import type { TestCa } from './test-ca.ts';

/**
 * A local HTTPS server speaking the Log Analytics query API (`POST /v1/workspaces/{id}/query`, body
 * `{query, timespan, workspaces?}`, answer `{"tables":[{"name":"PrimaryResult","columns":[{name,type}],
 * "rows":[[…]]}]}`), serving fixture rows whose TimeGenerated falls in the request's timespan, with the
 * column types of the real tables (dynamic columns as JSON text, as the API sends them). It answers like the
 * service where the client can tell: 401 with the API's error body for a bad token, 400 for an unknown table,
 * 404 for an unknown workspace, a 200 `PartialError` when the result is over its row cap, and scripted
 * faults (429 with Retry-After, 503, held requests) for the retry and shutdown tests.
 */

type Row = Record<string, unknown>;

export interface RecordedRequest {
  workspace: string;
  table: string;
  timespan?: string;
  prefer?: string;
  workspaces?: string[];
  status: number;
  rows: number;
  partial: boolean;
}

/** A scripted answer for the next matching request, instead of the data. */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown; table?: string }
  | { hold: Promise<void>; table?: string; onHeld?: () => void };

export interface LaServer {
  /** The client's endpoint option: `https://127.0.0.1:<port>/v1`. */
  endpoint: string;
  requests: RecordedRequest[];
  /** Adds rows to a table of a workspace (they become visible to the next query: a late arrival). */
  add(workspace: string, table: string, rows: readonly Row[]): void;
  fault(fault: Fault): void;
  /** Resolves when at least `n` requests have been answered or held. */
  waitForRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

export interface LaServerOptions {
  ca: TestCa;
  /** Bearer tokens the server accepts. */
  tokens: readonly string[];
  /** Workspaces that exist (each one rows are added to exists too). */
  workspaces: readonly string[];
  /** Rows per answer before it turns into a PartialError (the real cap is 500,000). */
  maxRows?: number;
}

const DATA_ERROR = (code: string, message: string, inner?: { code: string; message: string }) => ({
  error: { message, code, correlationId: randomUUID(), ...(inner ? { innererror: inner } : {}) },
});

function cell(value: unknown, type: LaColumnType): unknown {
  if (value === undefined || value === null) return type === 'string' ? '' : null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'dynamic':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'datetime':
      return typeof value === 'string' ? value : new Date(value as number).toISOString();
    case 'bool':
      return typeof value === 'boolean' ? value : String(value).toLowerCase() === 'true';
    default:
      return Number(value);
  }
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(payload));
}

/** Starts the server on 127.0.0.1, port chosen by the system. */
export async function startLogAnalyticsServer(options: LaServerOptions): Promise<LaServer> {
  const data = new Map<string, Row[]>();
  const workspaces = new Set(options.workspaces);
  const faults: Fault[] = [];
  const requests: RecordedRequest[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const record = (r: RecordedRequest) => {
    requests.push(r);
    for (const w of waiters.filter((x) => requests.length >= x.n)) w.resolve();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const match = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(req.url ?? '');
    const text = await body(req);
    if (req.method !== 'POST' || !match) return send(res, 404, DATA_ERROR('PathNotFoundError', `The requested path does not exist: ${req.url}`));
    const workspace = decodeURIComponent(match[1]!);
    const auth = req.headers.authorization ?? '';
    const refused = { workspace, table: '', status: 401, rows: 0, partial: false };
    if (!auth.startsWith('Bearer ')) {
      record(refused);
      return send(res, 401, DATA_ERROR('AuthorizationRequiredError', 'Valid authentication was not provided'));
    }
    if (!options.tokens.includes(auth.slice('Bearer '.length))) {
      record(refused);
      return send(res, 401, DATA_ERROR('InvalidTokenError', 'The provided authentication is not valid for this resource', {
        code: 'SignatureVerificationFailed',
        message: 'Signature validation failed',
      }));
    }
    const request = JSON.parse(text) as { query?: string; timespan?: string; workspaces?: string[] };
    const table = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(request.query ?? '')?.[1] ?? '';
    const base: RecordedRequest = {
      workspace,
      table,
      ...(request.timespan !== undefined ? { timespan: request.timespan } : {}),
      ...(typeof req.headers.prefer === 'string' ? { prefer: req.headers.prefer } : {}),
      ...(request.workspaces ? { workspaces: request.workspaces } : {}),
      status: 200,
      rows: 0,
      partial: false,
    };
    const faultAt = faults.findIndex((f) => f.table === undefined || f.table === table);
    if (faultAt >= 0) {
      const fault = faults.splice(faultAt, 1)[0]!;
      if ('hold' in fault) {
        record({ ...base, status: 0 });
        fault.onHeld?.();
        await fault.hold;
        return send(res, 503, DATA_ERROR('ServiceUnavailableError', 'held by the test, then released'));
      }
      record({ ...base, status: fault.status });
      return send(res, fault.status, fault.body ?? DATA_ERROR('ServiceUnavailableError', 'scripted fault'), fault.headers);
    }
    if (!workspaces.has(workspace)) {
      record({ ...base, status: 404 });
      return send(res, 404, DATA_ERROR('WorkspaceNotFoundError', `The workspace ${workspace} could not be found`));
    }
    const schema = laTables[table];
    if (!schema) {
      record({ ...base, status: 400 });
      return send(res, 400, DATA_ERROR('BadArgumentError', 'The request had some invalid properties', {
        code: 'SemanticError',
        message: `A semantic error occurred. 'union' operator: Failed to resolve table expression named '${table}'`,
      }));
    }
    const [from, to] = (request.timespan ?? '').split('/').map((t) => Date.parse(t));
    const inRange = (row: Row) => {
      const at = Date.parse(String(row.TimeGenerated));
      return (from === undefined || Number.isNaN(from) || at >= from) && (to === undefined || Number.isNaN(to) || at < to);
    };
    const rows = [workspace, ...(request.workspaces ?? [])].flatMap((ws) => (data.get(`${ws}/${table}`) ?? []).filter(inRange));
    const cap = options.maxRows ?? 500_000;
    const shown = rows.slice(0, cap);
    const payload: Record<string, unknown> = {
      tables: [{ name: 'PrimaryResult', columns: schema, rows: shown.map((row) => schema.map((c) => cell(c.name === 'Type' ? table : row[c.name], c.type))) }],
    };
    const partial = rows.length > cap;
    if (partial) {
      // The shape of the API's answer when a result is over its limits: 200, the rows so far, and an error.
      payload.error = {
        code: 'PartialError',
        message: 'There were some errors when processing your query.',
        details: [{ code: 'EngineError', message: 'Something went wrong processing your query on the server.' }],
        innererror: { code: 'E_QUERY_RESULT_SET_TOO_LARGE', message: `Query result set has exceeded the internal record count limit ${cap}` },
      };
    }
    record({ ...base, rows: shown.length, partial });
    send(res, 200, payload);
  };

  const server: Server = createServer({ key: options.ca.keyPem, cert: options.ca.certPem }, (req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, DATA_ERROR('InternalServerError', String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}/v1`,
    requests,
    add(workspace, table, rows) {
      workspaces.add(workspace);
      const key = `${workspace}/${table}`;
      data.set(key, [...(data.get(key) ?? []), ...rows]);
    },
    fault(fault) {
      faults.push(fault);
    },
    waitForRequests(n) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
