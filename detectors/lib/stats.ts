import { median, medianAbsoluteDeviation } from 'simple-statistics';

/** Median and median absolute deviation of a sample, with the sample size. Empty samples give zeros. */
export interface RobustBaseline {
  median: number;
  mad: number;
  samples: number;
}

/** Robust centre and spread via `simple-statistics` (median/MAD resist the outliers a mean/stdev chases). */
export function robustBaseline(samples: readonly number[]): RobustBaseline {
  if (samples.length === 0) return { median: 0, mad: 0, samples: 0 };
  return { median: median([...samples]), mad: medianAbsoluteDeviation([...samples]), samples: samples.length };
}

/**
 * Noise scale of a count baseline: 1.4826·MAD (the MAD of a normal sample scaled to a standard deviation),
 * but never below √median (Poisson noise of a count) nor below 1, so a flat history of zeros or of identical
 * values does not make a single extra event look infinitely unusual.
 */
export function countSpread(b: RobustBaseline): number {
  return Math.max(1.4826 * b.mad, Math.sqrt(b.median), 1);
}

/** Rounds for display: integers stay integers, others keep one decimal. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
