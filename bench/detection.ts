/**
 * Detection-quality benchmark: precision, recall and F1 per detector on generated tenants with ground truth,
 * next to baselines that reimplement the anchors' published fixed-threshold rules.
 *   npm run bench:detection -- [--seeds 1,2,3] [--holdout 101,102,103] [--users 300] [--days 28]
 * Production path per seed: generateTenant/writeTenant → ingestPaths into a fresh SQLite store (temp dir) →
 * runDetection(store, { rebuild: true }) → store.listFindings(). Baselines run over the same stored events.
 * Matching rules: bench/detection/score.ts (also printed). Table on stderr, one JSON document on stdout.
 * Tuning seeds are what detectors may be tuned on; held-out seeds are reported as they come.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTenant } from '../fixtures/generator/index.ts';
import type { SsprEvent } from '../core/event.ts';
import { detectors } from '../detectors/registry.ts';
import { ingestPaths } from '../ingest/ingest.ts';
import { runDetection } from '../pipeline/run-detection.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import { baselines } from './detection/baselines.ts';
import { addScores, MATCHING, scoreDetector, type BenignHit, type DetectorScore, type FalsePositive, type Miss, type ScoredFinding, type TruthBenign, type TruthIncident } from './detection/score.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    holdout: { type: 'string', default: '101,102,103' },
    users: { type: 'string', default: '300' },
    days: { type: 'string', default: '28' },
  },
});
const list = (s: string): number[] => s.split(',').filter((x) => x.trim() !== '').map(Number);
const users = Number(values.users);
const days = Number(values.days);

interface SeedRun {
  seed: number;
  incidents: TruthIncident[];
  benign: TruthBenign[];
  findings: ScoredFinding[];
  baselineFindings: Map<string, ScoredFinding[]>;
  events: number;
}

async function runSeed(seed: number): Promise<SeedRun> {
  const dir = mkdtempSync(join(tmpdir(), `sspr-detection-${seed}-`));
  try {
    const tenantDir = join(dir, 'tenant');
    const { truth } = await writeTenant(tenantDir, { seed, users, days });
    const store = new SqliteStore(join(dir, 'sspr.db'));
    try {
      // Not the tenant folder itself: truth.json must not be read as a log.
      await ingestPaths(store, ['entra', 'ad', 'directory'].map((d) => join(tenantDir, d)));
      const run = await runDetection(store, { rebuild: true });
      const findings = await store.listFindings();
      const events: SsprEvent[] = [];
      for await (const e of store.queryEvents({})) events.push(e);
      const baselineFindings = new Map(baselines.map((b) => [b.id, b.run(events)]));
      return { seed, incidents: truth.incidents, benign: truth.benign, findings, baselineFindings, events: run.events };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface SetReport {
  detectors: Array<{ id: string; incidents: number } & DetectorScore>;
  baselines: Array<{ id: string; anchor: string; competesWith: string } & DetectorScore>;
  benignHits: Array<BenignHit & { seed: number }>;
  misses: Array<Miss & { seed: number }>;
  falsePositives: Array<FalsePositive & { seed: number }>;
  baselineFalsePositives: Record<string, number>;
}

function report(runs: readonly SeedRun[]): SetReport {
  const out: SetReport = { detectors: [], baselines: [], benignHits: [], misses: [], falsePositives: [], baselineFalsePositives: {} };
  for (const d of detectors) {
    const per = runs.map((r) => ({ seed: r.seed, ...scoreDetector(d.id, r.findings, r.incidents, r.benign) }));
    const incidents = runs.reduce((n, r) => n + r.incidents.filter((i) => i.detector === d.id).length, 0);
    out.detectors.push({ id: d.id, incidents, ...addScores(per.map((p) => p.score)) });
    for (const p of per) {
      out.benignHits.push(...p.benignHits.map((h) => ({ ...h, seed: p.seed })));
      out.misses.push(...p.misses.map((m) => ({ ...m, seed: p.seed })));
      out.falsePositives.push(...p.falsePositives.map((f) => ({ ...f, seed: p.seed })));
    }
  }
  for (const b of baselines) {
    const per = runs.map((r) => scoreDetector(b.competesWith, r.baselineFindings.get(b.id) ?? [], r.incidents, r.benign));
    out.baselines.push({ id: b.id, anchor: b.anchor, competesWith: b.competesWith, ...addScores(per.map((p) => p.score)) });
    out.baselineFalsePositives[b.id] = per.reduce((n, p) => n + p.score.fp, 0);
    for (const [i, p] of per.entries()) out.benignHits.push(...p.benignHits.map((h) => ({ ...h, detector: b.id, seed: runs[i]?.seed ?? 0 })));
  }
  return out;
}

const f2 = (x: number): string => x.toFixed(2);
const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const lpad = (s: string | number, n: number): string => String(s).padStart(n);

function table(name: string, seeds: readonly number[], r: SetReport): string {
  const lines = [`\n${name} seeds ${seeds.join(',')} (${users} users, ${days} days)`];
  lines.push(`${pad('detector', 18)}${lpad('inc', 5)}${lpad('tp', 5)}${lpad('fp', 5)}${lpad('fn', 5)}${lpad('dup', 5)}${lpad('allow', 6)}${lpad('info', 5)}${lpad('prec', 7)}${lpad('recall', 7)}${lpad('f1', 6)}  baseline F1`);
  for (const d of r.detectors) {
    const rivals = r.baselines.filter((b) => b.competesWith === d.id);
    const vs = rivals.length === 0 ? 'no anchor' : rivals.map((b) => `${b.id} ${f2(b.f1)}`).join(', ');
    lines.push(`${pad(d.id, 18)}${lpad(d.incidents, 5)}${lpad(d.tp, 5)}${lpad(d.fp, 5)}${lpad(d.fn, 5)}${lpad(d.duplicates, 5)}${lpad(d.allowed, 6)}${lpad(d.informational, 5)}${lpad(f2(d.precision), 7)}${lpad(f2(d.recall), 7)}${lpad(f2(d.f1), 6)}  ${vs}`);
  }
  lines.push(`${pad('baseline', 34)}${pad('vs', 18)}${lpad('tp', 5)}${lpad('fp', 5)}${lpad('fn', 5)}${lpad('prec', 7)}${lpad('recall', 7)}${lpad('f1', 6)}`);
  for (const b of r.baselines) {
    lines.push(`${pad(b.id, 34)}${pad(b.competesWith, 18)}${lpad(b.tp, 5)}${lpad(b.fp, 5)}${lpad(b.fn, 5)}${lpad(f2(b.precision), 7)}${lpad(f2(b.recall), 7)}${lpad(f2(b.f1), 6)}`);
  }
  const kinds = new Map<string, number>();
  for (const h of r.benignHits) kinds.set(`${h.detector} on ${h.kind}`, (kinds.get(`${h.detector} on ${h.kind}`) ?? 0) + 1);
  if (kinds.size > 0) lines.push(`benign look-alikes hit: ${[...kinds].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  for (const m of r.misses) lines.push(`  miss  seed ${m.seed} ${m.incident} (${m.detector}/${m.variant}) ${m.note}`);
  for (const f of r.falsePositives) lines.push(`  fp    seed ${f.seed} ${f.detector} ${f.key} ${f.firstSeen}..${f.lastSeen}${f.benign.length ? ` benign ${f.benign.join(',')}` : ''}`);
  return lines.join('\n');
}

const sets = { tuning: list(values.seeds), holdout: list(values.holdout) };
const results: Record<string, SetReport> = {};
process.stderr.write(`matching: ${Object.entries(MATCHING).map(([k, v]) => `${k}: ${v}`).join('\n  ')}\n`);
for (const [name, seeds] of Object.entries(sets)) {
  if (seeds.length === 0) continue;
  const runs: SeedRun[] = [];
  for (const seed of seeds) {
    const started = performance.now();
    runs.push(await runSeed(seed));
    process.stderr.write(`seed ${seed}: ${runs[runs.length - 1]?.events} events, ${Math.round(performance.now() - started)} ms\n`);
  }
  const r = report(runs);
  results[name] = r;
  process.stderr.write(`${table(name, seeds, r)}\n`);
}
const goal = { precision: 0.95, recall: 0.95, aheadOfBaselineF1: true };
process.stdout.write(`${JSON.stringify({ benchmark: 'detection', matching: MATCHING, goal, options: { users, days }, seeds: sets, results }, null, 2)}\n`);
