import type { Clock } from '../../../alerts/deliver.ts';

/** A clock that jumps: `sleep` advances time at once and records the wait, so retries cost no wall time. */
export function fakeClock(start: number): Clock & { waits: number[]; set(ms: number): void; advance(ms: number): void } {
  let t = start;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
