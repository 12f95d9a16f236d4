/**
 * The error catalogue. Every error the engine raises on purpose carries one of these codes; clients,
 * workers and tests match on the code, never on the message.
 */
export const errorCatalogue = {
  USAGE: { retryable: false, exitCode: 2 },
  CONFIG_INVALID: { retryable: false, exitCode: 2 },
  INGEST_SOURCE_UNREADABLE: { retryable: false, exitCode: 1 },
  /** `sspr quarantine show KEY` with a key no quarantined record has. */
  QUARANTINE_KEY_UNKNOWN: { retryable: false, exitCode: 2 },
  STORE_UNAVAILABLE: { retryable: true, exitCode: 1 },
  STORE_CORRUPT: { retryable: false, exitCode: 1 },
  DETECTOR_PARAMS_INVALID: { retryable: false, exitCode: 2 },
  DETECTOR_STATE_INVALID: { retryable: false, exitCode: 1 },
  // The dashboard API (and the CLI commands that share its stores): one code per HTTP error class.
  BAD_REQUEST: { retryable: false, exitCode: 2 },
  UNAUTHENTICATED: { retryable: false, exitCode: 1 },
  FORBIDDEN: { retryable: false, exitCode: 1 },
  CSRF_TOKEN_INVALID: { retryable: false, exitCode: 1 },
  NOT_FOUND: { retryable: false, exitCode: 1 },
  CONFLICT: { retryable: false, exitCode: 1 },
  RATE_LIMITED: { retryable: true, exitCode: 1 },
  OIDC_SIGNIN_FAILED: { retryable: false, exitCode: 1 },
  CONFIG_WRITE_FAILED: { retryable: false, exitCode: 1 },
  WEB_BUILD_FAILED: { retryable: false, exitCode: 1 },
  INTERNAL: { retryable: false, exitCode: 1 },
  /** A pull source refused the credential (401/403, an expired static token, no usable credential). */
  SOURCE_AUTH_FAILED: { retryable: false, exitCode: 1 },
  /** A pull source kept answering 429/5xx or could not be reached, after the bounded retries. */
  SOURCE_UNAVAILABLE: { retryable: true, exitCode: 1 },
  /** A pull source rejected the query itself (unknown table or workspace, bad request). */
  SOURCE_QUERY_FAILED: { retryable: false, exitCode: 1 },
  /** A slice at the smallest allowed length still came back partial or truncated: never stored short. */
  SOURCE_RESULT_TOO_LARGE: { retryable: false, exitCode: 1 },
  /** A channel could not deliver (receiver down, refused, timed out); the alert stays in the outbox. */
  ALERT_DELIVERY_FAILED: { retryable: true, exitCode: 1 },
  /** A webhook target is not allowed: not https, or it resolves to a loopback, private, link-local or metadata address. */
  ALERT_TARGET_REFUSED: { retryable: false, exitCode: 1 },
  /** No alert in the outbox with that id (or not a dead letter when one was asked for). */
  ALERT_NOT_FOUND: { retryable: false, exitCode: 1 },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

/** An error with a catalogue code, a retry hint and an ES2022 cause. */
export class SsprError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SsprError';
    this.code = code;
    this.retryable = errorCatalogue[code].retryable;
    this.details = options.details;
  }

  get exitCode(): number {
    return errorCatalogue[this.code].exitCode;
  }
}

export function isSsprError(error: unknown): error is SsprError {
  return error instanceof SsprError;
}
