import { SsprError, isSsprError } from '../../../core/errors.ts';

/**
 * Bounded retries for the query API: 429 and 5xx (and dropped connections) back off, honouring the server's
 * `Retry-After` (seconds or an HTTP date, RFC 9110 §10.2.3) and Azure's `retry-after-ms` /
 * `x-ms-retry-after-ms`, never longer than `maxDelayMs`; other failures become coded errors at once. The
 * SDK's own retry policy is switched off so that this one, with its injected clock, is the only one.
 */

export interface RetryPolicy {
  /** Tries, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryClock {
  /** Waits `ms`; rejects with an AbortError when `signal` fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  random(): number;
}

/** What the retry loop tells its caller before each wait (for logs and tests). */
export interface RetryNotice {
  attempt: number;
  delayMs: number;
  status?: number;
  retryAfterMs?: number;
  code?: string;
}

/** The parts of an SDK RestError this module reads (duck-typed: the class lives in a transitive package). */
interface HttpFailure {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  details?: unknown;
  response?: { headers: { get(name: string): string | undefined } };
}

function asHttpFailure(error: unknown): HttpFailure | undefined {
  return error instanceof Error ? (error as HttpFailure) : undefined;
}

const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
/** Connection-level failures worth another try (Node's socket codes and the SDK's send error). */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'REQUEST_SEND_ERROR']);
/** @azure/identity's failures: no credential found, or the identity provider said no. */
const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError']);

/** The wait a response asks for, in ms, from its headers; undefined when it asks for none. */
export function retryAfterMs(headers: { get(name: string): string | undefined } | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(headers.get(name));
    if (headers.get(name) !== undefined && Number.isFinite(value) && value >= 0) return value;
  }
  const text = headers.get('retry-after')?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** The API's own error code and message from a failed response body (`{"error":{"code","message"}}`). */
export function apiError(details: unknown): { code?: string; message?: string } {
  const error = (details as { error?: { code?: unknown; message?: unknown; innererror?: { message?: unknown } } } | undefined)?.error;
  const inner = typeof error?.innererror?.message === 'string' ? `: ${error.innererror.message}` : '';
  return {
    ...(typeof error?.code === 'string' ? { code: error.code } : {}),
    ...(typeof error?.message === 'string' ? { message: `${error.message}${inner}` } : {}),
  };
}

/** True for an abort (a stop signal), which is never retried nor translated. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}

/** Translates a final failure into the catalogue; `what` names the request (`SigninLogs 2026-03-02T…/…`). */
export function translateFailure(error: unknown, what: string): unknown {
  if (isSsprError(error) || isAbort(error)) return error;
  const failure = asHttpFailure(error);
  if (!failure) return error;
  if (CREDENTIAL_ERRORS.has(failure.name)) {
    return new SsprError('SOURCE_AUTH_FAILED', `no usable Azure credential for ${what}: ${failure.message}`, { cause: error });
  }
  const status = failure.statusCode;
  const api = apiError(failure.details);
  const said = [api.code, api.message ?? failure.message].filter(Boolean).join(': ');
  if (status === 401 || status === 403) {
    return new SsprError('SOURCE_AUTH_FAILED', `the query API refused the credential (HTTP ${status}) for ${what}: ${said}`, { cause: error });
  }
  if (status !== undefined && !RETRYABLE_STATUS.has(status)) {
    return new SsprError('SOURCE_QUERY_FAILED', `the query API rejected ${what} (HTTP ${status}): ${said}`, { cause: error });
  }
  if (status !== undefined || (failure.code !== undefined && RETRYABLE_CODES.has(failure.code))) {
    const how = status !== undefined ? `HTTP ${status}` : failure.code;
    return new SsprError('SOURCE_UNAVAILABLE', `the query API kept failing for ${what} (${how}): ${said}`, { cause: error });
  }
  if (failure.name === 'RestError' || failure.name === 'RequestTimeout') {
    // Could not talk to the API at all (TLS refused, no such host): name the reason the socket gave.
    const how = failure.code !== undefined ? ` (${failure.code})` : '';
    return new SsprError('SOURCE_UNAVAILABLE', `could not reach the query API for ${what}: ${failure.message}${how}`, { cause: error });
  }
  return error;
}

/** The wait before the next try, or undefined when the failure is not worth another. */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy, clock: Pick<RetryClock, 'now' | 'random'>): RetryNotice | undefined {
  if (isSsprError(error) || isAbort(error) || attempt >= policy.maxAttempts) return undefined;
  const failure = asHttpFailure(error);
  if (!failure || CREDENTIAL_ERRORS.has(failure.name)) return undefined;
  const status = failure.statusCode;
  const retryable = status !== undefined ? RETRYABLE_STATUS.has(status) : failure.code !== undefined && RETRYABLE_CODES.has(failure.code);
  if (!retryable) return undefined;
  const asked = status !== undefined ? retryAfterMs(failure.response?.headers, clock.now()) : undefined;
  // Without a hint: exponential backoff with equal jitter (half fixed, half random), so many pullers that
  // failed together do not come back together.
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
  const delayMs = Math.min(policy.maxDelayMs, asked ?? backoff / 2 + clock.random() * (backoff / 2));
  return {
    attempt,
    delayMs: Math.round(delayMs),
    ...(status !== undefined ? { status } : {}),
    ...(asked !== undefined ? { retryAfterMs: asked } : {}),
    ...(failure.code !== undefined ? { code: failure.code } : {}),
  };
}

/** Runs `request` until it succeeds, fails for good, or the tries run out; final failures are coded. */
export async function withRetry<T>(
  what: string,
  request: () => Promise<T>,
  policy: RetryPolicy,
  clock: RetryClock,
  options: { signal?: AbortSignal; onRetry?: (notice: RetryNotice) => void } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      const notice = retryDelay(error, attempt, policy, clock);
      if (notice === undefined) throw translateFailure(error, what);
      options.onRetry?.(notice);
      await clock.sleep(notice.delayMs, options.signal);
    }
  }
}
