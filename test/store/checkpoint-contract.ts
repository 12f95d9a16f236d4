import { expect, it } from 'vitest';
import type { Store } from '../../store/contract.ts';

/** Checkpoint listing, part of the store contract: called inside `storeContract` for every backend. */
export function checkpointListingContract(store: () => Store): void {
  it('lists checkpoints by literal key prefix in key order', async () => {
    const s = store();
    await s.setCheckpoint('source:log-analytics:ws/SigninLogs', '{"a":1}');
    await s.setCheckpoint('source:log-analytics:ws/AuditLogs', '{"a":2}');
    await s.setCheckpoint('source:elastic:winlogbeat-*', '{}');
    await s.setCheckpoint('detect', '10');
    await s.setCheckpoint('source_x', 'not under the prefix');
    expect(await s.listCheckpoints('source:log-analytics:')).toEqual([
      { key: 'source:log-analytics:ws/AuditLogs', value: '{"a":2}' },
      { key: 'source:log-analytics:ws/SigninLogs', value: '{"a":1}' },
    ]);
    expect((await s.listCheckpoints('source:')).map((e) => e.key)).toEqual([
      'source:elastic:winlogbeat-*',
      'source:log-analytics:ws/AuditLogs',
      'source:log-analytics:ws/SigninLogs',
    ]);
    expect(await s.listCheckpoints('source%')).toEqual([]);
    expect(await s.listCheckpoints('nothing-here:')).toEqual([]);
  });
}
