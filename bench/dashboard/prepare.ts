/**
 * Builds the dashboard benchmark's store once: the normalized events of bench/detect/prepare.ts (a generated
 * 50,000-user tenant through the production parsers) inserted into a fresh SQLite store, then every detector run
 * over them, as `sspr detect --rebuild` would:
 *   node bench/dashboard/prepare.ts <events.ndjson> <store.db>
 */
import { createReadStream, renameSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SsprEvent } from '../../core/event.ts';
import { loadConfig } from '../../core/config.ts';
import { runDetection } from '../../pipeline/run-detection.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

const [file, out] = process.argv.slice(2);
if (!file || !out) throw new Error('usage: node bench/dashboard/prepare.ts <events.ndjson> <store.db>');
const building = `${out}.building`;
for (const suffix of ['', '-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
const store = new SqliteStore(building);
await store.beginBulkLoad(1_000_000);
let batch: SsprEvent[] = [];
let events = 0;
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  if (line === '') continue;
  batch.push(JSON.parse(line) as SsprEvent);
  if (batch.length >= 10_000) {
    events += (await store.insertEvents(batch)).inserted;
    batch = [];
  }
}
events += (await store.insertEvents(batch)).inserted;
await store.endBulkLoad();
const detection = await runDetection(store, { config: loadConfig(new URL('../../fixtures/demo.config.json', import.meta.url).pathname), rebuild: true });
await store.close();
renameSync(building, out);
process.stdout.write(`${JSON.stringify({ store: out, events, findings: detection.findings.inserted })}\n`);
