import { beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../core/alert.ts';
import type { AlertOutbox, NewOutboxItem } from '../../store/contract.ts';
import { makeFinding } from '../helpers/make-finding.ts';

const T0 = Date.parse('2026-03-02T04:00:00.000Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

function item(id: string, overrides: Partial<NewOutboxItem> = {}): NewOutboxItem {
  const finding = makeFinding({ id: `f-${id}` });
  const alert: Alert = { type: 'finding.created', at: at(0), finding, reasons: ['new'] };
  return { id, channel: 'soc', route: 'page', type: 'finding.created', findingId: finding.id, status: 'pending', createdAt: at(0), dueAt: at(0), alert, ...overrides };
}

/** The behaviour every AlertOutbox must have (SQLite store, Elasticsearch store, a queue-backed outbox). */
export function outboxContract(name: string, open: () => AlertOutbox): void {
  describe(`alert outbox contract: ${name}`, () => {
    let outbox: AlertOutbox;
    beforeEach(() => {
      outbox = open();
    });

    it('enqueues an alert once by id and returns it whole', async () => {
      expect(await outbox.enqueueAlerts([item('a'), item('b')])).toEqual({ inserted: 2, duplicates: 0 });
      expect(await outbox.enqueueAlerts([item('a')])).toEqual({ inserted: 0, duplicates: 1 });
      expect(await outbox.getAlert('a')).toEqual({ ...item('a'), attempts: 0 });
      expect(await outbox.getAlert('missing')).toBeUndefined();
      expect(await outbox.countAlerts()).toEqual({ pending: 2, held: 0, digested: 0, delivered: 0, dead: 0 });
    });

    it('claims only due pending alerts, counts the attempt before it starts and leases them', async () => {
      await outbox.enqueueAlerts([item('now'), item('later', { dueAt: at(10) }), item('held', { status: 'held', dueAt: at(0), digestKey: 'k' })]);
      const claimed = await outbox.claimDueAlerts(at(1), at(2), 10);
      expect(claimed.map((c) => [c.id, c.attempts, c.firstAttemptAt, c.lastAttemptAt, c.dueAt])).toEqual([['now', 1, at(1), at(1), at(2)]]);
      // Leased: not due again until the lease ends, then claimable again as attempt 2 (a sender that died).
      expect(await outbox.claimDueAlerts(at(1.5), at(3), 10)).toEqual([]);
      const again = await outbox.claimDueAlerts(at(2), at(4), 10);
      expect(again.map((c) => [c.id, c.attempts, c.firstAttemptAt])).toEqual([['now', 2, at(1)]]);
      expect(await outbox.nextAlertDue()).toBe(at(4));
    });

    it('gives a batch of due alerts to one claimer only', async () => {
      await outbox.enqueueAlerts(['1', '2', '3', '4', '5'].map((id) => item(id)));
      const [a, b] = await Promise.all([outbox.claimDueAlerts(at(1), at(5), 3), outbox.claimDueAlerts(at(1), at(5), 3)]);
      const ids = [...a!, ...b!].map((c) => c.id).sort();
      expect(ids).toEqual(['1', '2', '3', '4', '5']);
    });

    it('records delivered, retry and dead outcomes, and ignores a stale attempt', async () => {
      await outbox.enqueueAlerts([item('ok'), item('retry'), item('dead')]);
      await outbox.claimDueAlerts(at(1), at(2), 10);
      expect(await outbox.completeAlert('ok', 1, { status: 'delivered', at: at(1), code: 200 })).toBe(true);
      expect(await outbox.completeAlert('retry', 1, { status: 'pending', dueAt: at(6), error: 'HTTP 503', code: 503 })).toBe(true);
      expect(await outbox.completeAlert('dead', 1, { status: 'dead', at: at(1), error: 'HTTP 400', code: 400 })).toBe(true);
      expect(await outbox.completeAlert('ok', 1, { status: 'pending', dueAt: at(9), error: 'late' })).toBe(false);
      expect(await outbox.completeAlert('retry', 7, { status: 'delivered', at: at(1) })).toBe(false);
      expect(await outbox.getAlert('ok')).toMatchObject({ status: 'delivered', deliveredAt: at(1), lastStatus: 200 });
      expect(await outbox.getAlert('retry')).toMatchObject({ status: 'pending', dueAt: at(6), lastError: 'HTTP 503', lastStatus: 503 });
      expect(await outbox.getAlert('dead')).toMatchObject({ status: 'dead', lastError: 'HTTP 400', lastStatus: 400 });
      expect((await outbox.listAlerts({ status: 'dead' })).map((i) => i.id)).toEqual(['dead']);
      expect(await outbox.nextAlertDue()).toBe(at(6));
    });

    it('replays dead letters with a fresh retry window, one or all', async () => {
      await outbox.enqueueAlerts([item('x'), item('y'), item('z')]);
      await outbox.claimDueAlerts(at(1), at(2), 10);
      for (const id of ['x', 'y']) await outbox.completeAlert(id, 1, { status: 'dead', at: at(1), error: 'HTTP 404' });
      expect(await outbox.replayDeadAlerts(['x', 'z', 'nope'], at(30))).toBe(1);
      expect(await outbox.getAlert('x')).toMatchObject({ status: 'pending', attempts: 0, dueAt: at(30), lastError: 'HTTP 404' });
      expect((await outbox.getAlert('x'))?.firstAttemptAt).toBeUndefined();
      expect(await outbox.replayDeadAlerts('all', at(31))).toBe(1);
      expect((await outbox.countAlerts()).dead).toBe(0);
    });

    it('releases held alerts into one digest atomically, once', async () => {
      await outbox.enqueueAlerts([
        item('h1', { status: 'held', dueAt: at(60), digestKey: 'rest|soc|throttle|a|b' }),
        item('h2', { status: 'held', dueAt: at(60), digestKey: 'rest|soc|throttle|a|b' }),
        item('h3', { status: 'held', dueAt: at(120), digestKey: 'rest|soc|throttle|b|c' }),
      ]);
      expect(await outbox.heldAlertsDue(at(59))).toEqual([]);
      const due = await outbox.heldAlertsDue(at(60));
      expect(due.map((d) => d.id)).toEqual(['h1', 'h2']);
      const digest = item('digest-1', { type: 'finding.digest', route: 'rest' });
      delete digest.findingId;
      expect(await outbox.releaseDigest(digest, ['h1', 'h2'])).toBe(true);
      expect(await outbox.releaseDigest(digest, ['h1', 'h2'])).toBe(false);
      expect(await outbox.getAlert('h1')).toMatchObject({ status: 'digested', digestId: 'digest-1' });
      expect(await outbox.heldAlertsDue(at(60))).toEqual([]);
      expect(await outbox.countAlerts()).toMatchObject({ pending: 1, held: 1, digested: 2 });
    });

    it('counts what a route sent for its throttle and names the channels a finding was alerted on', async () => {
      await outbox.enqueueAlerts([
        item('r1', { route: 'rest', createdAt: at(0) }),
        item('r2', { route: 'rest', createdAt: at(30), channel: 'oncall', findingId: 'f-r1' }),
        item('r3', { route: 'rest', createdAt: at(40) }),
        item('r4', { route: 'rest', createdAt: at(50), status: 'held', digestKey: 'k' }),
        item('p1', { route: 'page', createdAt: at(45) }),
      ]);
      expect(await outbox.countRoutedAlerts('rest', at(0))).toBe(2);
      expect(await outbox.countRoutedAlerts('rest', at(35))).toBe(1);
      const alerted = await outbox.alertedChannels(['f-r1', 'f-r4', 'f-none']);
      expect(alerted.sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
        { findingId: 'f-r1', channel: 'oncall', route: 'rest' },
        { findingId: 'f-r1', channel: 'soc', route: 'rest' },
      ]);
      expect((await outbox.listAlerts({ findingId: 'f-r1' })).map((i) => i.id)).toEqual(['r2', 'r1']);
      expect((await outbox.listAlerts({ limit: 2 })).map((i) => i.id)).toEqual(['p1', 'r4']);
    });
  });
}
