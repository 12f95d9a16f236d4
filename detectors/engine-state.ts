import { z } from 'zod';
import { ssprEventSchema } from '../core/event.ts';
import { SsprError } from '../core/errors.ts';

/** Version of the engine snapshot envelope; bump it when its shape changes. */
export const ENGINE_STATE_VERSION = 1;

/** Counters a run reports; the shell logs them. */
export const engineStatsSchema = z.object({
  /** Events handed to `process`, duplicates included. */
  eventsIn: z.number().int().min(0),
  /** Events dropped because their id was already seen within the dedupe horizon. */
  duplicates: z.number().int().min(0),
  /** Events at or behind the watermark on arrival: processed at once, outside the ordering guarantee. */
  late: z.number().int().min(0),
  /** Events handed to the detectors. */
  released: z.number().int().min(0),
  /** Findings returned (after merging by id within each call). */
  findings: z.number().int().min(0),
});
export type EngineStats = z.infer<typeof engineStatsSchema>;

const nullableTime = z.number().nullable();

/**
 * The engine's whole state as plain JSON: the reorder buffer, the ids remembered for dedupe, the clocks and each
 * detector's own state (opaque here, checked by its `version`). `-Infinity` clocks are written as null.
 */
export const engineStateSchema = z.object({
  version: z.literal(ENGINE_STATE_VERSION),
  /** Highest event time seen (epoch ms). */
  maxTime: nullableTime,
  /** Watermark (epoch ms): events at or before it have been released to the detectors. */
  watermark: nullableTime,
  flushed: z.boolean(),
  /** Events waiting for the watermark, any order. */
  buffer: z.array(ssprEventSchema),
  /** `[minute since the epoch, event ids of that minute]` remembered to drop re-delivered records. */
  seen: z.array(z.tuple([z.number(), z.array(z.string())])),
  detectors: z.record(z.string(), z.looseObject({ version: z.number() })),
  stats: engineStatsSchema,
});
export type EngineState = z.infer<typeof engineStateSchema>;

/** Validates a stored snapshot; throws DETECTOR_STATE_INVALID naming the first bad fields. */
export function parseEngineState(input: unknown): EngineState {
  const parsed = engineStateSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const text = issues.slice(0, 5).map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new SsprError('DETECTOR_STATE_INVALID', `engine snapshot is invalid: ${text}`, { details: issues });
}
