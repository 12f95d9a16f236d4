import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * The HMAC key of a `whsec_…` secret: the base64-decoded part after the prefix (Standard Webhooks), as a
 * KeyObject made once per channel (building one per signature was a measurable share of a delivery).
 */
export function webhookKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64'));
}

/**
 * `webhook-signature`: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` for each key, space-separated
 * (several during a secret rotation; a receiver accepts any one it knows).
 */
export function signatureHeader(keys: readonly KeyObject[], id: string, timestampSeconds: number, body: string): string {
  const content = `${id}.${timestampSeconds}.${body}`;
  return keys.map((key) => `v1,${createHmac('sha256', key).update(content).digest('base64')}`).join(' ');
}

/** The three Standard Webhooks headers for one attempt at `nowMs`. */
export function webhookHeaders(keys: readonly KeyObject[], id: string, nowMs: number, body: string): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader(keys, id, timestamp, body) };
}
