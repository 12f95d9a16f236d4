import { findingSchema, type Finding } from '../../core/finding.ts';

/**
 * A valid Finding for tests, an MFA-fatigue burst on alice by default:
 * `makeFinding({ id: 'f-2', severity: 'critical' })`. The result is validated against the schema.
 */
export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return findingSchema.parse({
    id: 'f-1',
    detector: 'mfa-fatigue',
    key: 'user:alice@contoso.com',
    severity: 'high',
    status: 'open',
    user: 'alice@contoso.com',
    ips: ['203.0.113.7'],
    firstSeen: '2026-03-02T03:00:00.000Z',
    lastSeen: '2026-03-02T03:10:00.000Z',
    summary: 'alice@contoso.com: 8 refused MFA pushes in 10 minutes',
    explanation: {
      window: { start: '2026-03-02T03:00:00.000Z', end: '2026-03-02T03:10:00.000Z' },
      threshold: { minDenials: 5, windowMinutes: 30 },
      baseline: {},
      observed: { denials: 8 },
      text: 'Eight distinct MFA pushes were refused within ten minutes.',
    },
    evidence: ['entra.signin:1', 'entra.signin:2'],
    attack: ['T1621'],
    entities: { users: ['alice@contoso.com'], ips: ['203.0.113.7'], locations: ['Lagos, NG'] },
    ...overrides,
  });
}
