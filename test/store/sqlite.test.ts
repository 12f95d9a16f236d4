import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { makeEvent } from '../helpers/make-event.ts';
import { storeContract } from './store-contract.ts';

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'sspr-store-')), 'sspr.db');

storeContract('sqlite', async () => new SqliteStore(freshPath()));

it('keeps events across a close and reopen of the same file', async () => {
  const path = freshPath();
  const first = new SqliteStore(path);
  await first.insertEvents([makeEvent({ id: 'p:1' })]);
  await first.close();
  const second = new SqliteStore(path);
  expect(await second.countEvents()).toBe(1);
  expect(await second.insertEvents([makeEvent({ id: 'p:1' })])).toEqual({ inserted: 0, duplicates: 1 });
  await second.close();
});

it('refuses to open a path that cannot be a database with STORE_UNAVAILABLE', () => {
  expect(() => new SqliteStore('/proc/version/sspr.db')).toThrowError(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
});
