import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { webhookChannel } from '../../alerts/channels/webhook.ts';
import { webhookChannelSchema } from '../../alerts/config.ts';
import { createHttpTransport, type HttpTransport } from '../../alerts/http/transport.ts';
import { findingSchema } from '../../core/finding.ts';
import { sampleAlerts } from './helpers/alerts.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';

const secretA = `whsec_${Buffer.from('sspr-watch test key A, 32 bytes!').toString('base64')}`;
const secretB = `whsec_${Buffer.from('sspr-watch test key B (rotation)').toString('base64')}`;

/**
 * The parts of OCSF 1.7.0 Detection Finding a SIEM relies on, from the schema source (class 2004 in category
 * 2; type_uid = class_uid × 100 + activity_id; severity_id 0-6/99; finding_info.uid and title; observables with
 * a type_id; times as epoch ms).
 */
const ocsfDetectionFinding = z.object({
  class_uid: z.literal(2004),
  category_uid: z.literal(2),
  activity_id: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  type_uid: z.number(),
  time: z.number().int(),
  severity_id: z.number().int().min(0).max(6),
  status_id: z.number().int(),
  metadata: z.object({ version: z.string().regex(/^1\.\d+\.\d+$/), product: z.object({ name: z.string(), vendor_name: z.string() }) }),
  finding_info: z.object({
    uid: z.string(),
    title: z.string(),
    attacks: z.array(z.object({ technique: z.object({ uid: z.string() }), sub_technique: z.object({ uid: z.string() }).optional() })),
  }),
  evidences: z.array(z.record(z.string(), z.unknown())).min(1),
  observables: z.array(z.object({ name: z.string(), type_id: z.number().int(), value: z.string() })),
});

describe('signed webhooks', () => {
  let http: HttpTransport;
  let receiver: Receiver;
  beforeAll(async () => {
    http = createHttpTransport();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await http.close();
  });

  const channel = (over: Record<string, unknown> = {}) =>
    webhookChannel(webhookChannelSchema.parse({ type: 'webhook', url: `${receiver.url}/hooks/sspr`, secret: secretA, allowPrivateNetwork: true, ...over }), { timeoutSeconds: 10 });
  const send = async (c: ReturnType<typeof channel>, now = Date.now()) => {
    const alerts = sampleAlerts();
    const message = c.render(alerts.created, { id: 'msg_2mVqT1', dashboardUrl: 'https://sspr.example.org/' });
    expect(await c.send(message, { http, now: () => now })).toMatchObject({ ok: true });
    return receiver.received[receiver.received.length - 1]!;
  };

  it('posts JSON with Standard Webhooks headers that the reference library verifies', async () => {
    const got = await send(channel());
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/hooks/sspr');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toBe('msg_2mVqT1');
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(secretA).verify(got.body, got.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(verified.type).toBe('finding.created');
    expect(verified.timestamp).toBe('2026-03-02T03:11:00.000Z');
    // data is the finding as `sspr findings --json` prints it, plus its dashboard link.
    const { url, ...finding } = verified.data;
    expect(url).toBe('https://sspr.example.org/findings/f-1');
    expect(finding).toEqual(sampleAlerts().created.finding);
    expect(findingSchema.strict().safeParse(finding).success).toBe(true);
  });

  it('is rejected by the reference library when the body is tampered with or the timestamp is stale', async () => {
    const got = await send(channel());
    const tampered = got.body.replace('"high"', '"low"');
    expect(tampered).not.toBe(got.body);
    expect(() => new Webhook(secretA).verify(tampered, got.headers)).toThrow(/signature/i);
    expect(() => new Webhook(secretB).verify(got.body, got.headers)).toThrow(/signature/i);
    const stale = await send(channel(), Date.now() - 10 * 60_000);
    expect(() => new Webhook(secretA).verify(stale.body, stale.headers)).toThrow(/too old/i);
  });

  it('signs with every secret during a rotation, so either key verifies', async () => {
    const got = await send(channel({ secret: [secretA, secretB] }));
    expect(got.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(secretA).verify(got.body, got.headers)).not.toThrow();
    expect(() => new Webhook(secretB).verify(got.body, got.headers)).not.toThrow();
  });

  it('sends an OCSF Detection Finding with the ATT&CK ids, severity, user and IP observables and evidences', async () => {
    const got = await send(channel({ format: 'ocsf' }));
    const event = new Webhook(secretA).verify(got.body, got.headers) as Record<string, unknown>;
    expect(ocsfDetectionFinding.safeParse(event).error).toBeUndefined();
    expect(event).toMatchObject({
      class_uid: 2004,
      activity_id: 1,
      type_uid: 200401,
      severity_id: 4,
      severity: 'High',
      status_id: 1,
      is_alert: true,
      finding_info: { uid: 'f-1', attacks: [{ technique: { uid: 'T1621' } }], src_url: 'https://sspr.example.org/findings/f-1' },
      metadata: { uid: 'msg_2mVqT1', version: '1.7.0' },
    });
    expect(event.observables).toEqual([
      { name: 'evidences.user.name', type_id: 4, type: 'User Name', value: 'alice@contoso.com' },
      { name: 'evidences.src_endpoint.ip', type_id: 2, type: 'IP Address', value: '203.0.113.7' },
    ]);
    expect((event.evidences as Array<Record<string, unknown>>)[0]).toMatchObject({ uid: 'entra.signin:1', user: { name: 'alice@contoso.com' }, src_endpoint: { ip: '203.0.113.7' } });
    // Sub-techniques split as OCSF models them; a retraction closes the finding.
    const c = channel({ format: 'ocsf' });
    const alerts = sampleAlerts();
    const spray = { ...alerts.retracted, finding: { ...alerts.retracted.finding!, attack: ['T1110.003'] } };
    const closed = JSON.parse(c.render(spray, { id: 'x' }).body) as Record<string, unknown>;
    expect(closed).toMatchObject({ activity_id: 3, type_uid: 200403, is_alert: false, status: 'Retracted', finding_info: { attacks: [{ technique: { uid: 'T1110' }, sub_technique: { uid: 'T1110.003' } }] } });
    const digest = JSON.parse(c.render(alerts.digest, { id: 'd' }).body) as unknown[];
    expect(digest).toHaveLength(2);
    for (const e of digest) expect(ocsfDetectionFinding.safeParse(e).error).toBeUndefined();
  });
});
