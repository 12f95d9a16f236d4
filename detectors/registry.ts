import { impossibleTravel } from './impossible-travel.ts';
import { lockoutStorm } from './lockout-storm.ts';
import { mfaFatigue } from './mfa-fatigue.ts';
import { privilegedReset } from './privileged-reset.ts';
import { resetSpike } from './reset-spike.ts';
import { resetSpray } from './reset-spray.ts';
import { takeoverChain } from './takeover-chain.ts';
import type { Detector } from './types.ts';

/**
 * Every detector the engine knows, in the order they run. Adding one is one import above and one entry at the
 * end of this array; the contract suite (test/detectors/contract.test.ts) then checks it with all the others.
 * Ids must be unique (the contract suite checks).
 */
export const detectors: readonly Detector[] = [
  resetSpike,
  resetSpray,
  privilegedReset,
  lockoutStorm,
  impossibleTravel,
  mfaFatigue,
  takeoverChain,
];

/** The registered detector with this id, or undefined. */
export function detectorById(id: string): Detector | undefined {
  return detectors.find((d) => d.id === id);
}
