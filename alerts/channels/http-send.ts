import { isSsprError } from '../../core/errors.ts';
import type { HttpPost } from '../http/transport.ts';
import { httpOutcome, type SendOutcome } from '../retry.ts';
import type { HttpSide } from './channel.ts';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** The error text kept in the outbox: the code and a short reason, never the URL (Slack and Teams URLs are secrets). */
function describe(error: unknown, timeoutMs: number): { retryable: boolean; error: string } {
  if (isSsprError(error)) return { retryable: error.retryable, error: `${error.code}: ${error.message}` };
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return { retryable: true, error: `timeout after ${timeoutMs} ms` };
  }
  const cause = e.cause as unknown;
  if (isSsprError(cause)) return { retryable: cause.retryable, error: `${cause.code}: ${cause.message}` };
  return { retryable: true, error: `${code ?? e.name ?? 'Error'}: ${(e.cause?.message ?? e.message ?? String(error)).replace(/https?:\/\/\S+/g, '<url>')}` };
}

/** One POST and its outcome under the status contract (2xx delivered; 408/429/5xx/network/timeout retried; the rest dead). */
export async function postOutcome(side: HttpSide, post: HttpPost): Promise<SendOutcome> {
  try {
    const reply = await side.http.post(post);
    const outcome = httpOutcome(reply.status, reply.statusText, headerValue(reply.headers['retry-after']), side.now());
    if (outcome.ok || reply.body === '') return outcome;
    return { ...outcome, error: `${outcome.error}: ${reply.body.slice(0, 200).replace(/\s+/g, ' ')}` };
  } catch (error) {
    return { ok: false, ...describe(error, post.timeoutMs) };
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
