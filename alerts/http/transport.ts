import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { SsprError } from '../../core/errors.ts';
import { defaultAddressPolicy, guardedLookup, targetRefused, type AddressPolicy } from './ssrf.ts';

/** One POST as a channel asks for it. */
export interface HttpPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Plain http and private/loopback/link-local/metadata targets allowed. */
  allowPrivateNetwork: boolean;
  /** 307/308 redirects followed, each target checked again; 0 = none. */
  maxRedirects: number;
}

export interface HttpReply {
  status: number;
  statusText: string;
  headers: Record<string, string | string[] | undefined>;
  /** The first 2 KiB of the response body (for the dead letter's last error). */
  body: string;
}

/** The HTTP side of the webhook, Slack and Teams channels: one pooled client per process. */
export interface HttpTransport {
  /** Resolves with the final reply; rejects on refusal (ALERT_TARGET_REFUSED), timeout, or a network error. */
  post(req: HttpPost): Promise<HttpReply>;
  close(): Promise<void>;
}

export interface HttpTransportOptions {
  /** Name resolution and refused ranges (tests swap the table; the connect path is the production one). */
  policy?: AddressPolicy;
  /** CA certificates (PEM) to trust instead of the bundled roots (tests); in production NODE_EXTRA_CA_CERTS adds a private CA. */
  ca?: string | string[];
  connectionsPerOrigin?: number;
}

const BODY_CAP = 2048;
const STATUS_TEXT: Record<number, string> = { 200: 'OK', 202: 'Accepted', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 410: 'Gone', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

/** Refuses what may not be connected to before any socket opens: the scheme, and an IP literal host. */
function checkTarget(url: URL, allowPrivateNetwork: boolean, policy: AddressPolicy): void {
  if (url.protocol !== 'https:' && !(allowPrivateNetwork && url.protocol === 'http:')) {
    throw new SsprError('ALERT_TARGET_REFUSED', `${url.protocol.replace(':', '')} is refused: webhook targets must be https unless the channel sets "allowPrivateNetwork": true`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateNetwork && isIP(host) !== 0) {
    const reason = policy.blocked(host);
    if (reason !== undefined) throw targetRefused(host, host, reason);
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= BODY_CAP) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, BODY_CAP).toString('utf8');
}

/**
 * undici with two pools: one whose every connection resolves names through the SSRF guard (the address it
 * checked is the one it connects to, on the first request and on every redirect), one for channels that allow
 * private networks. Redirects are not followed unless the channel allows some.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const policy = options.policy ?? defaultAddressPolicy;
  const connections = options.connectionsPerOrigin ?? 16;
  const tls = options.ca !== undefined ? { ca: options.ca } : {};
  const guarded = new Agent({ connections, keepAliveTimeout: 10_000, connect: { ...tls, lookup: guardedLookup(policy) } });
  const open = new Agent({ connections, keepAliveTimeout: 10_000, connect: { ...tls } });
  return {
    async post(req) {
      let url = new URL(req.url);
      for (let hop = 0; ; hop += 1) {
        checkTarget(url, req.allowPrivateNetwork, policy);
        const res = await request(url, {
          method: 'POST',
          headers: req.headers,
          body: req.body,
          dispatcher: req.allowPrivateNetwork ? open : guarded,
          signal: AbortSignal.timeout(req.timeoutMs),
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
        });
        const location = res.headers.location;
        if ((res.statusCode === 307 || res.statusCode === 308) && typeof location === 'string' && hop < req.maxRedirects) {
          await res.body.dump();
          url = new URL(location, url);
          continue;
        }
        const body = await readCapped(res.body);
        return { status: res.statusCode, statusText: STATUS_TEXT[res.statusCode] ?? '', headers: res.headers, body };
      }
    },
    async close() {
      await Promise.all([guarded.close(), open.close()]);
    },
  };
}
