/**
 * The benchmark's SOC receiver, in its own process (so it does not share the sender's event loop): verifies each
 * Standard Webhooks signature with node:crypto, answers 200, and records when each webhook-id first arrived
 * (performance.timeOrigin + performance.now(), comparable across processes on one machine).
 *   node bench/alerts/receiver.ts <whsec_…>   (forked with IPC: sends {port}; answers 'dump' with {arrivals, bad})
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const secret = process.argv[2] ?? '';
const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
const arrivals: Record<string, number> = {};
let bad = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    const id = String(req.headers['webhook-id']);
    const expected = createHmac('sha256', key).update(`${id}.${String(req.headers['webhook-timestamp'])}.${Buffer.concat(chunks).toString('utf8')}`).digest();
    const ok = String(req.headers['webhook-signature'] ?? '')
      .split(' ')
      .some((s) => {
        const sig = Buffer.from(s.replace(/^v1,/, ''), 'base64');
        return sig.length === expected.length && timingSafeEqual(sig, expected);
      });
    if (!ok) bad += 1;
    arrivals[id] ??= at;
    res.writeHead(ok ? 200 : 401).end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (m) => {
  if (m === 'dump') process.send?.({ arrivals, bad }, () => server.close(() => process.exit(0)));
});
