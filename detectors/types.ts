import type { z } from 'zod';
import type { SsprEvent } from '../core/event.ts';
import type { Finding, Severity } from '../core/finding.ts';
import type { NetworkInfo } from './ip-net.ts';

/** What an analyst and the dashboard need to know about a detector, kept as data next to it. */
export interface DetectorMeta {
  title: string;
  /** Severity of a plain hit; a detector may raise or lower it per finding and says why in the explanation. */
  severity: Severity;
  /** MITRE ATT&CK technique ids. */
  attack: readonly string[];
  falsePositives: readonly string[];
  /** Two or three sentences for the triage queue: what to check first. */
  triage: string;
}

/** The only clocks a detector sees: event time and the engine's watermark (epoch ms). */
export interface StepContext {
  /** No event older than this will still arrive (max event time seen minus the allowed lateness). */
  watermark: number;
  /** True on the last step of a run: close every open window that has enough to judge. */
  final: boolean;
  /**
   * Epoch ms of `events[i]`, computed once per event by the engine so that no detector parses a timestamp
   * again. Absent when a caller steps a detector directly; use `eventTime` (detectors/lib/time.ts).
   */
  times?: readonly number[];
  /**
   * The parsed source address of `events[i]` (`networkOf(source.ip)`, ip-net.ts; undefined without a parsable
   * address), computed by the engine at most once per event per call and shared by the detectors: treat the
   * result as read-only. Absent when a caller steps a detector directly; use `eventNetwork` (geo.ts).
   */
  network?: (i: number) => NetworkInfo | undefined;
}

export interface StepResult<S> {
  state: S;
  /** New or updated findings; the engine and store upsert them by id. */
  findings: Finding[];
}

/**
 * A detector is a value. `step` is pure: no I/O, no clock reads, no module state, inputs not mutated.
 * Events arrive sorted by (timestamp, id). State is plain JSON carrying `version`, so a runner can keep it in
 * SQLite or Redis and a worker can resume from it.
 */
export interface Detector<P = unknown, S extends { version: number } = { version: number }> {
  id: string;
  meta: DetectorMeta;
  paramsSchema: z.ZodType<P>;
  defaults: P;
  initialState(params: P): S;
  step(state: S, events: readonly SsprEvent[], params: P, ctx: StepContext): StepResult<S>;
}
