/**
 * One measured detection run, in its own process so peak RSS is the engine's and the reader's alone:
 *   node bench/detect/run.ts <events.ndjson> [batchSize]
 * Reads normalized events line by line and feeds them to an engine with every registered detector at its
 * defaults. Times only the engine calls (process + flush), and reports peak RSS and the state snapshot size.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SsprEvent } from '../../core/event.ts';
import { createEngine } from '../../detectors/engine.ts';
import { detectors } from '../../detectors/registry.ts';

const [file, batchText = '10000'] = process.argv.slice(2);
if (!file) throw new Error('usage: node bench/detect/run.ts <events.ndjson> [batchSize]');
const batchSize = Number(batchText);
const engine = createEngine({ detectors });
let engineMs = 0;
let events = 0;
let findings = 0;
let peakHeapMb = 0;
let batch: SsprEvent[] = [];
const step = (list: SsprEvent[]): void => {
  const started = performance.now();
  findings += engine.process(list).length;
  engineMs += performance.now() - started;
  events += list.length;
  peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapUsed / 1048576);
};
const wallStarted = performance.now();
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  if (line === '') continue;
  batch.push(JSON.parse(line) as SsprEvent);
  if (batch.length >= batchSize) {
    step(batch);
    batch = [];
  }
}
step(batch);
const flushStarted = performance.now();
findings += engine.flush().length;
engineMs += performance.now() - flushStarted;
const wallSeconds = (performance.now() - wallStarted) / 1000;
const stateBytes = Buffer.byteLength(JSON.stringify(engine.snapshot()));
process.stdout.write(
  `${JSON.stringify({
    events,
    detectors: detectors.map((d) => d.id),
    engineSeconds: Number((engineMs / 1000).toFixed(2)),
    eventsPerSecond: Math.round(events / (engineMs / 1000)),
    wallSeconds: Number(wallSeconds.toFixed(2)),
    findingsReturned: findings,
    stats: engine.stats(),
    peakHeapMb: Math.round(peakHeapMb),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    stateSnapshotMb: Number((stateBytes / 1048576).toFixed(1)),
  })}\n`,
);
