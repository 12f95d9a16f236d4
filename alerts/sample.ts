import type { Alert } from '../core/alert.ts';
import type { Finding } from '../core/finding.ts';

/**
 * The sample `sspr alerts test` sends: an MFA-fatigue finding with the shape and fields of a real one, clearly
 * marked (id `test-…`, key `test`, summary and status say it is a test), with times at `now`.
 */
export function sampleAlert(now: number, detector?: Alert['detector']): Alert {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const start = now - 12 * 60_000;
  const finding: Finding = {
    id: `test-${now.toString(36)}`,
    detector: 'mfa-fatigue',
    key: 'test',
    severity: 'high',
    status: 'open',
    user: 'alex.test@example.org',
    ips: ['203.0.113.77'],
    firstSeen: iso(start),
    lastSeen: iso(now - 60_000),
    summary: 'TEST ALERT from sspr alerts test: 9 refused MFA pushes in 11 minutes for alex.test@example.org (sample, nothing happened)',
    explanation: {
      window: { start: iso(start), end: iso(now - 60_000) },
      threshold: { minDenials: 5, windowMinutes: 30 },
      baseline: {},
      observed: { denials: 9, distinctRequests: 9 },
      text: 'This is a sample finding sent to check the route and its channels. A real one would say how many pushes were refused, from where, and what followed.',
    },
    evidence: ['entra.signin:test-1', 'entra.signin:test-2'],
    attack: ['T1621', 'T1078.004'],
    entities: { users: ['alex.test@example.org'], ips: ['203.0.113.77'], locations: ['Testville, ZZ'] },
  };
  return {
    type: 'finding.created',
    at: iso(now),
    finding,
    reasons: ['new'],
    test: true,
    ...(detector ? { detector } : {}),
    evidenceRows: [
      { id: 'entra.signin:test-1', time: iso(start), action: 'mfa.challenge', outcome: 'failure', user: 'alex.test@example.org', ip: '203.0.113.77', place: 'Testville, ZZ', method: 'denied' },
      { id: 'entra.signin:test-2', time: iso(start + 60_000), action: 'mfa.challenge', outcome: 'failure', user: 'alex.test@example.org', ip: '203.0.113.77', place: 'Testville, ZZ', method: 'timeout' },
    ],
  };
}
