/** How one attempt to send an alert ended, as the delivery loop sees it. */
export type SendOutcome =
  | { ok: true; code?: number }
  | { ok: false; retryable: boolean; error: string; code?: number; retryAfterMs?: number };

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when
 * absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The issue's status contract: 2xx delivered; 408, 429 and 5xx retried (honouring Retry-After); any other
 * status (other 4xx, and 1xx/3xx that were not followed) is a dead letter at once.
 */
export function httpOutcome(status: number, statusText: string, retryAfter: string | undefined, now: number): SendOutcome {
  if (status >= 200 && status < 300) return { ok: true, code: status };
  const error = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const retryable = status === 408 || status === 429 || status >= 500;
  if (!retryable) return { ok: false, retryable, error, code: status };
  const wait = parseRetryAfter(retryAfter, now);
  return { ok: false, retryable, error, code: status, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
}

/**
 * Exponential backoff with "equal jitter": attempt n (1-based) waits between half and all of
 * min(max, initial × 2^(n-1)), so senders that failed together do not retry together.
 */
export function backoffMs(attempt: number, retry: { initialDelaySeconds: number; maxDelaySeconds: number }, random: () => number): number {
  const ceiling = Math.min(retry.maxDelaySeconds, retry.initialDelaySeconds * 2 ** Math.max(0, attempt - 1)) * 1000;
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
