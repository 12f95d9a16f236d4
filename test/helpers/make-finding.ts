import type { Finding } from '../../core/finding.ts';

/** A valid mfa-fatigue finding for alice; override any field. */
export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'f-1',
    detector: 'mfa-fatigue',
    key: 'user:alice@contoso.com',
    severity: 'high',
    status: 'open',
    user: 'alice@contoso.com',
    ips: ['203.0.113.7'],
    firstSeen: '2026-03-02T03:00:00.000Z',
    lastSeen: '2026-03-02T03:10:00.000Z',
    summary: 'MFA fatigue: 8 denied pushes in 10 minutes',
    explanation: {
      window: { start: '2026-03-02T03:00:00.000Z', end: '2026-03-02T03:10:00.000Z' },
      threshold: { denials: 5 },
      baseline: {},
      observed: { denials: 8 },
      text: 'eight denials',
    },
    evidence: ['entra.signin:1'],
    attack: ['T1621'],
    entities: { users: ['alice@contoso.com'], ips: ['203.0.113.7'], locations: [] },
    ...overrides,
  };
}
