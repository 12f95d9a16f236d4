import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postOutcome } from '../../alerts/channels/http-send.ts';
import { blockedReason, type AddressPolicy } from '../../alerts/http/ssrf.ts';
import { createHttpTransport, type HttpPost } from '../../alerts/http/transport.ts';
import { startReceiver, type Receiver } from './helpers/receiver.ts';
import { makeTestCa } from '../helpers/test-ca.ts';

const post = (url: string, over: Partial<HttpPost> = {}): HttpPost => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"type":"finding.created"}',
  timeoutMs: 2000,
  allowPrivateNetwork: false,
  maxRedirects: 0,
  ...over,
});

describe('SSRF guard', () => {
  it('classifies loopback, private, link-local, metadata and other non-Internet addresses, in both families', () => {
    const table: Record<string, string | undefined> = {
      '127.0.0.1': 'loopback',
      '127.9.9.9': 'loopback',
      '::1': 'loopback',
      '::ffff:127.0.0.1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '10.1.2.3': 'private',
      '172.31.255.255': 'private',
      '192.168.10.1': 'private',
      '100.64.0.1': 'private',
      'fd12:3456::1': 'private',
      '169.254.1.1': 'link-local',
      'fe80::1': 'link-local',
      '169.254.169.254': 'metadata',
      '168.63.129.16': 'metadata',
      'fd00:ec2::254': 'metadata',
      '0.0.0.0': 'unspecified',
      '::': 'unspecified',
      '224.0.0.251': 'multicast',
      '255.255.255.255': 'reserved',
      '64:ff9b::10.0.0.1': 'private',
      '64:ff9b::a00:1': 'private',
      '2002:7f00:1::': 'loopback',
      '172.32.0.1': undefined,
      '8.8.8.8': undefined,
      '203.0.113.7': undefined,
      '2001:4860:4860::8888': undefined,
      '64:ff9b::808:808': undefined,
    };
    const wrong = Object.entries(table).filter(([ip, want]) => blockedReason(ip) !== want).map(([ip, want]) => `${ip}: want ${want}, got ${blockedReason(ip)}`);
    expect(wrong).toEqual([]);
  });

  describe('on the wire', () => {
    const ca = makeTestCa(['hook.test', 'internal.test', 'localhost', '127.0.0.1', '127.0.0.2']);
    const tls = { key: ca.keyPem, cert: ca.certPem };
    let plain: Receiver & { connections: number };
    let internal: Receiver & { connections: number };
    let front: Receiver & { connections: number };
    let target: Receiver & { connections: number };
    beforeAll(async () => {
      plain = await startReceiver();
      internal = await startReceiver(() => ({ status: 200 }), tls, '127.0.0.1');
      target = await startReceiver(() => ({ status: 200 }), undefined, '127.0.0.1');
      front = await startReceiver(
        (r) => ({ status: 307, headers: { location: r.path === '/to-internal' ? `https://internal.test:${internal.port}/x` : `${target.url}/final` } }),
        tls,
        '127.0.0.2',
      );
    });
    afterAll(async () => {
      for (const r of [plain, internal, front, target]) await r.close();
    });

    it('refuses plain http and loopback, private or metadata targets before any connection opens', async () => {
      const http = createHttpTransport({ ca: ca.caPem });
      const side = { http, now: Date.now };
      const refused = async (url: string) => {
        const outcome = await postOutcome(side, post(url));
        expect(outcome).toMatchObject({ ok: false, retryable: false });
        return (outcome as { error: string }).error;
      };
      expect(await refused(`${plain.url}/hook`)).toMatch(/ALERT_TARGET_REFUSED: http is refused/);
      expect(await refused(`https://localhost:${internal.port}/hook`)).toMatch(/localhost resolves to 127\.0\.0\.1 \(loopback\)/);
      expect(await refused(`https://127.0.0.1:${internal.port}/hook`)).toMatch(/127\.0\.0\.1 .*loopback/);
      expect(await refused(`https://[::ffff:127.0.0.1]:${internal.port}/hook`)).toMatch(/loopback/);
      expect(await refused('https://169.254.169.254/latest/meta-data/')).toMatch(/metadata/);
      expect(plain.connections + internal.connections).toBe(0);
      // The same target with "allowPrivateNetwork": true is reached.
      expect(await postOutcome(side, post(`https://localhost:${internal.port}/hook`, { allowPrivateNetwork: true }))).toMatchObject({ ok: true });
      await http.close();
    });

    it('checks every redirect target after resolving it and connects to the address it checked', async () => {
      // A resolver table stands in for public DNS: hook.test is "public" (127.0.0.2, allowed by this table),
      // internal.test resolves to 127.0.0.1, which this policy refuses as production refuses loopback.
      const lookups: string[] = [];
      const policy: AddressPolicy = {
        resolve: async (host) => {
          lookups.push(host);
          return host === 'hook.test' ? [{ address: '127.0.0.2', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
        },
        blocked: (ip) => (ip === '127.0.0.1' ? 'loopback' : undefined),
      };
      const http = createHttpTransport({ policy, ca: ca.caPem });
      const side = { http, now: Date.now };
      const base = `https://hook.test:${front.port}`;
      const before = internal.connections;
      // Redirects are off by default: the 307 is the answer, and a dead letter.
      expect(await postOutcome(side, post(`${base}/to-internal`))).toMatchObject({ ok: false, retryable: false, code: 307 });
      // Allowed one redirect: the next hop resolves to a refused address and is never connected to.
      const hop = await postOutcome(side, post(`${base}/to-internal`, { maxRedirects: 1 }));
      expect(hop).toMatchObject({ ok: false, retryable: false });
      expect((hop as { error: string }).error).toMatch(/internal\.test resolves to 127\.0\.0\.1 \(loopback\)/);
      expect(internal.connections).toBe(before);
      expect(front.received.map((r) => r.path)).toEqual(['/to-internal', '/to-internal']);
      expect(lookups).toContain('internal.test');
      // A redirect from https to plain http is refused on the scheme, before any lookup.
      expect(await postOutcome(side, post(`${base}/to-plain`, { maxRedirects: 1 }))).toMatchObject({ ok: false, retryable: false });
      expect(target.connections).toBe(0);
      await http.close();
    });

    it('follows an allowed 307 with the same method, headers and body', async () => {
      const http = createHttpTransport({ ca: ca.caPem });
      const outcome = await postOutcome({ http, now: Date.now }, post(`${front.url}/to-plain`, { allowPrivateNetwork: true, maxRedirects: 1 }));
      expect(outcome).toMatchObject({ ok: true, code: 200 });
      const final = target.received[target.received.length - 1]!;
      expect([final.method, final.path, final.body, final.headers['content-type']]).toEqual(['POST', '/final', '{"type":"finding.created"}', 'application/json']);
      await http.close();
    });
  });
});
