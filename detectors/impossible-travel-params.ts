import { z } from 'zod';
import { networkParamsShape } from './geo.ts';
import { cidrSchema } from './ip-net.ts';

// The params live apart from the detector so that its judge (impossible-travel-judge.ts) can use them without
// importing the detector back.

/** Params of `impossible-travel`, validated once at start-up; unknown keys are refused. */
export const impossibleTravelParamsSchema = z
  .object({
    maxSpeedKmh: z.number().positive(),
    minDistanceKm: z.number().nonnegative(),
    logErrorRadiusKm: z.number().nonnegative(),
    geoipErrorRadiusKm: z.number().nonnegative(),
    countryOnlyErrorRadiusKm: z.number().nonnegative(),
    clockSkewSeconds: z.number().nonnegative(),
    bounceWindowMinutes: z.number().positive(),
    incidentGapMinutes: z.number().positive(),
    historyHours: z.number().positive(),
    maxPointsPerUser: z.number().int().min(2),
    maxEvidence: z.number().int().min(2),
    lowConfidenceNetworks: z.array(cidrSchema),
    officeRadiusKm: z.number().positive(),
    officeMinVoters: z.number().int().min(1),
    officeMinNearShare: z.number().min(0).max(1),
    devicelessTokenIsPresence: z.boolean(),
    ...networkParamsShape,
  })
  .strict();
/** Params of `impossible-travel` (units in the names). */
export type ImpossibleTravelParams = z.infer<typeof impossibleTravelParamsSchema>;
