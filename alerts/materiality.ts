import type { AlertReason } from '../core/alert.ts';
import type { Finding, FindingChange, Severity } from '../core/finding.ts';

export const severityRank: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Observed fields whose appearance means a multi-step finding completed its chain (data, not code per detector):
 * takeover-chain sets `minutesToSignin` when the sign-in that completes reset → new method → sign-in arrives.
 */
export const chainCompletionMarkers: Readonly<Record<string, readonly string[]>> = {
  'takeover-chain': ['minutesToSignin'],
};

function completedChain(finding: Finding, previous: Finding): boolean {
  const markers = chainCompletionMarkers[finding.detector] ?? [];
  return markers.some((k) => k in finding.explanation.observed && !(k in previous.explanation.observed));
}

/**
 * Why a change deserves a message: a new finding; on an update, a raised severity, a completed chain or a
 * return after a retraction; a retraction. Empty for the rest (more evidence, a later last-seen): those update
 * the stored finding and the dashboard, and page no one.
 */
export function alertReasons(change: FindingChange): AlertReason[] {
  const { finding, previous } = change;
  const retracted = finding.retracted !== undefined;
  if (change.kind === 'retracted' || (retracted && previous !== undefined && previous.retracted === undefined)) return ['retracted'];
  if (retracted) return [];
  if (change.kind === 'created' || previous === undefined) return ['new'];
  const reasons: AlertReason[] = [];
  if (previous.retracted !== undefined) reasons.push('returned');
  if (severityRank[finding.severity] > severityRank[previous.severity]) reasons.push('severity-raised');
  if (completedChain(finding, previous)) reasons.push('chain-completed');
  return reasons;
}
