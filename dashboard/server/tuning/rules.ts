import type { TuningChange } from '../../../store/contract.ts';
import type { BenignCause } from '../triage/actions.ts';

/** How each benign cause reads in the UI and in proposals. */
export const causeLabels: Record<BenignCause, string> = {
  'corporate-vpn': 'corporate VPN or proxy egress',
  travel: 'travel (a real trip)',
  'own-script': "the user's own script or tool",
  'shared-device': 'a shared device or kiosk',
  other: 'other',
};

/**
 * Which repeated benign cause may propose which config change, for which detectors (data, not code paths).
 * `travel`, `shared-device` and `other` propose nothing: a real trip or an unnamed reason says nothing a detector
 * parameter could learn without also hiding the next attacker.
 */
export const tuningRules: ReadonlyArray<{ cause: BenignCause; change: TuningChange['kind']; detectors: readonly string[] }> = [
  // Both take `trustedNetworks` (detectors/defaults/impossible-travel.json, takeover-chain.json).
  { cause: 'corporate-vpn', change: 'trusted-network', detectors: ['impossible-travel', 'takeover-chain'] },
  // reset-spike's `keyFloors` (detectors/defaults/reset-spike.json): one user's or address's own floor.
  { cause: 'own-script', change: 'key-floor', detectors: ['reset-spike'] },
];
