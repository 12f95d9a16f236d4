import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret: 32 bytes (256 bits) as base64url, with an optional recognisable prefix (`sspr_`). */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * What the store keeps instead of a secret: its SHA-256 (hex). The secrets are 256 random bits, so a fast hash
 * is enough (no password stretching needed: nothing to brute-force from a leaked store).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time comparison of two strings (a CSRF token against the session's). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
