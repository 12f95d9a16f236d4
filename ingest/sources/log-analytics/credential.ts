import { readFileSync } from 'node:fs';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { SsprError } from '../../../core/errors.ts';

/**
 * Credentials for the query API: a static bearer token (from a file or SSPR_LA_TOKEN, for a quick start) or
 * `DefaultAzureCredential` (client secret, certificate, workload or managed identity, Azure CLI, ...).
 */

/** Where a static token comes from: the text itself (env) or a file read again on every request. */
export type TokenSource = { kind: 'env'; text: string } | { kind: 'file'; path: string };

/**
 * A token from what `az account get-access-token --resource https://api.loganalytics.io` prints (JSON with
 * `accessToken` and `expires_on` in epoch seconds or `expiresOn` local time) or the bare token
 * (`... --query accessToken -o tsv`). Its expiry is the JSON's, else a JWT's `exp` claim, else unknown.
 */
export function parseToken(text: string): { token: string; expiresOnMs?: number } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: { accessToken?: unknown; expires_on?: unknown; expiresOn?: unknown };
    try {
      json = JSON.parse(trimmed) as typeof json;
    } catch (cause) {
      throw new SsprError('SOURCE_AUTH_FAILED', `the access token looks like JSON but is not valid JSON (${(cause as Error).message})`, { cause });
    }
    if (typeof json.accessToken !== 'string' || json.accessToken.trim() === '') {
      throw new SsprError('SOURCE_AUTH_FAILED', 'the access token JSON has no "accessToken" (expected the output of az account get-access-token)');
    }
    const epoch = Number(json.expires_on);
    const local = typeof json.expiresOn === 'string' ? Date.parse(json.expiresOn) : Number.NaN;
    const expiresOnMs = Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : Number.isFinite(local) ? local : jwtExpiry(json.accessToken);
    return { token: json.accessToken.trim(), ...(expiresOnMs !== undefined ? { expiresOnMs } : {}) };
  }
  if (trimmed === '' || /\s/.test(trimmed)) {
    throw new SsprError('SOURCE_AUTH_FAILED', trimmed === '' ? 'the access token is empty' : 'the access token contains whitespace: give one token');
  }
  const expiresOnMs = jwtExpiry(trimmed);
  return { token: trimmed, ...(expiresOnMs !== undefined ? { expiresOnMs } : {}) };
}

/** A JWT's `exp` claim in ms, when the token is a JWT that has one; the signature is the API's to check. */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    // Not a JWT (an opaque token): the API alone can judge it, so there is no expiry to check here.
    return undefined;
  }
}

/** Unknown expiry: ask again in 5 minutes, which re-reads a token file that a scheduler may have renewed. */
const UNKNOWN_EXPIRY_MS = 5 * 60_000;

/**
 * A TokenCredential that hands the client a token it was given. An expired token (by its own `exp` or the
 * JSON's `expires_on`) fails before any request, with SOURCE_AUTH_FAILED, rather than as a 401 later.
 */
export function staticTokenCredential(source: TokenSource, now: () => number = Date.now): TokenCredential {
  const where = source.kind === 'env' ? 'SSPR_LA_TOKEN' : source.path;
  return {
    async getToken(): Promise<AccessToken> {
      let text: string;
      if (source.kind === 'env') text = source.text;
      else {
        try {
          text = readFileSync(source.path, 'utf8');
        } catch (cause) {
          throw new SsprError('SOURCE_AUTH_FAILED', `cannot read the access token file ${source.path}: ${(cause as Error).message}`, { cause });
        }
      }
      const { token, expiresOnMs } = parseToken(text);
      if (expiresOnMs !== undefined && expiresOnMs <= now()) {
        throw new SsprError('SOURCE_AUTH_FAILED', `the access token from ${where} expired at ${new Date(expiresOnMs).toISOString()}; get a new one`);
      }
      return { token, expiresOnTimestamp: expiresOnMs ?? now() + UNKNOWN_EXPIRY_MS, tokenType: 'Bearer' };
    },
  };
}

/**
 * The token scope for an endpoint: the matching sovereign-cloud audience for api.loganalytics.us and
 * api.loganalytics.azure.cn (the client's KnownMonitorLogsQueryAudience), else the public cloud's.
 */
export function scopeFor(endpoint: string): string {
  const host = new URL(endpoint).hostname.toLowerCase();
  if (host === 'api.loganalytics.us') return 'https://api.loganalytics.us/.default';
  if (host === 'api.loganalytics.azure.cn') return 'https://api.loganalytics.azure.cn/.default';
  return 'https://api.loganalytics.io/.default';
}

/**
 * The credential to use: a static token when a token file or SSPR_LA_TOKEN is given (the file wins), else
 * `DefaultAzureCredential`, loaded only then (it brings MSAL).
 */
export async function resolveCredential(options: { tokenFile?: string; envToken?: string }): Promise<{ credential: TokenCredential; kind: string }> {
  if (options.tokenFile !== undefined) return { credential: staticTokenCredential({ kind: 'file', path: options.tokenFile }), kind: 'token-file' };
  if (options.envToken !== undefined && options.envToken !== '') {
    return { credential: staticTokenCredential({ kind: 'env', text: options.envToken }), kind: 'token-env' };
  }
  const { DefaultAzureCredential } = await import('@azure/identity');
  return { credential: new DefaultAzureCredential(), kind: 'default-azure-credential' };
}
