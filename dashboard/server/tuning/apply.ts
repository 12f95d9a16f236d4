import type { TuningChange } from '../../../store/contract.ts';
import type { InForce } from './propose.ts';

export type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const section = (config: Json, detector: string): Json => {
  const detectors = isObject(config.detectors) ? config.detectors : {};
  return isObject(detectors[detector]) ? detectors[detector] : {};
};

/** What a config object already sets, for proposals not to repeat it. */
export function inForce(config: Json): InForce {
  return {
    trustedNetworks: (detector) => {
      const list = section(config, detector).trustedNetworks;
      return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : [];
    },
    keyFloor: (detector, key) => {
      const floors = section(config, detector).keyFloors;
      const hit = Array.isArray(floors) ? floors.find((f): f is Json => isObject(f) && f.key === key) : undefined;
      return typeof hit?.minCount === 'number' ? hit.minCount : undefined;
    },
  };
}

/**
 * The config with one tuning change made (the input is not mutated): a network added to the detector's
 * `trustedNetworks`, or the key's entry in `keyFloors` set. Other sections and fields are kept as they are.
 */
export function applyTuningChange(config: Json, change: TuningChange): Json {
  const own = section(config, change.detector);
  let updated: Json;
  if (change.kind === 'trusted-network') {
    const list = inForce(config).trustedNetworks(change.detector);
    updated = { ...own, trustedNetworks: list.includes(change.network) ? [...list] : [...list, change.network] };
  } else {
    const floors = Array.isArray(own.keyFloors) ? own.keyFloors.filter((f) => !(isObject(f) && f.key === change.key)) : [];
    updated = { ...own, keyFloors: [...floors, { key: change.key, minCount: change.minCount }] };
  }
  const detectors = isObject(config.detectors) ? config.detectors : {};
  return { ...config, detectors: { ...detectors, [change.detector]: updated } };
}
