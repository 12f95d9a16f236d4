/** A failed API call: the HTTP status and the API's error code and message (`{"error":{"code","message"}}`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (from GET /api/v1/session) for every state-changing call. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Calls the API (`/api/v1` + path) with the session cookie, sending the CSRF token on changes. */
export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  const json: unknown = text === '' ? null : JSON.parse(text);
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string }; details?: unknown } | null) ?? {};
    throw new ApiError(res.status, error.error?.code ?? 'HTTP_ERROR', error.error?.message ?? `${res.status} ${res.statusText}`, error.details);
  }
  return json as T;
}

/** `?a=1&b=x` from an object, leaving out empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}
