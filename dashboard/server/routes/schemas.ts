import { z } from 'zod';
import { ssprEventSchema } from '../../../core/event.ts';
import { findingSchema } from '../../../core/finding.ts';

/** The core schemas as named OpenAPI components (one instance each, shared by every route that returns them). */
export const findingComponent = findingSchema.meta({ id: 'Finding' });
export const eventComponent = ssprEventSchema.meta({ id: 'SsprEvent' });

/** An optional ISO 8601 date or time query value, normalized to UTC ISO. */
export const instantQuery = z
  .string()
  .refine((v) => Number.isFinite(Date.parse(v)), { message: 'expected an ISO 8601 date or time' })
  .transform((v) => new Date(Date.parse(v)).toISOString())
  .optional();
