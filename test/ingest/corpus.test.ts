import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SsprEvent } from '../../core/event.ts';
import { ingestPaths } from '../../ingest/ingest.ts';
import { listFiles } from '../../ingest/sources/file-source.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

/**
 * Every file under fixtures/samples/ (public records others published, with PROVENANCE.md, and the project's own
 * shaped samples) through the real ingest into a fresh store, checked against corpus-expectations.json: per file the
 * read / accepted / skipped / quarantined counts, every stored event's id, action, outcome, user, actor kind, result
 * code, method and tags, and every quarantined record's place and reason code. A mapping that changes fails here;
 * an intended change is made in the expectations file, where a reviewer sees it.
 */
const ROOT = 'fixtures/samples';

interface Expected {
  counts: { read: number; accepted: number; skipped: number; quarantined: number };
  events: Array<Record<string, unknown>>;
  quarantined: Array<{ locator: string; code: string }>;
}

const expectations = JSON.parse(readFileSync('test/ingest/corpus-expectations.json', 'utf8')) as Record<string, Expected>;
const files = (await listFiles([ROOT])).filter((f) => !f.endsWith('.md'));

/** The fields of an event the expectations pin, leaving out what varies by machine (geoip locations). */
function pinned(e: SsprEvent): Record<string, unknown> {
  return {
    id: e.id,
    action: e.action,
    outcome: e.outcome,
    user: e.user.name,
    actor: e.actor.kind,
    ...(e.resultCode ? { resultCode: e.resultCode } : {}),
    ...(e.authMethod ? { authMethod: e.authMethod } : {}),
    ...(e.tags ? { tags: e.tags } : {}),
  };
}

describe('the sample corpus', () => {
  it('has an expectation for every sample file and a file for every expectation', () => {
    expect(files.map((f) => relative(ROOT, f)).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(files.map((f) => [relative(ROOT, f), f] as const))('%s ingests as expected', async (name, file) => {
    const want = expectations[name]!;
    const store = new SqliteStore(':memory:');
    try {
      const summary = await ingestPaths(store, [file], { geo: () => undefined });
      expect({ read: summary.read, accepted: summary.accepted, skipped: summary.skipped, quarantined: summary.quarantined }).toEqual(want.counts);
      const events: Array<Record<string, unknown>> = [];
      for await (const e of store.queryEvents({})) events.push(pinned(e));
      expect(events).toEqual(want.events);
      const quarantined = (await store.queryQuarantine({ limit: 1000 })).map((q) => ({ locator: q.locator, code: q.code }));
      expect(quarantined).toEqual(want.quarantined);
    } finally {
      await store.close();
    }
  });
});
