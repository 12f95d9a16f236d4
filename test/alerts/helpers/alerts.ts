import type { Alert } from '../../../core/alert.ts';
import { makeFinding } from '../../helpers/make-finding.ts';

export const AT = '2026-03-02T03:11:00.000Z';
export const detector = {
  title: 'MFA fatigue: repeated refused MFA prompts for one user',
  triage: 'Call the user on a known number. If they did not start these sign-ins, revoke sessions and reset the password.',
};
export const evidenceRows: NonNullable<Alert['evidenceRows']> = [
  { id: 'entra.signin:1', time: '2026-03-02T03:00:00.000Z', action: 'mfa.challenge', outcome: 'failure', user: 'alice@contoso.com', ip: '203.0.113.7', place: 'Lagos, NG', method: 'denied' },
  { id: 'entra.signin:2', time: '2026-03-02T03:10:00.000Z', action: 'mfa.challenge', outcome: 'failure', user: 'alice@contoso.com', ip: '203.0.113.7', place: 'Lagos, NG', method: 'timeout' },
];

/** The alerts every channel is rendered for: new, severity raised, retracted, and a digest of two. */
export function sampleAlerts(): Record<'created' | 'updated' | 'retracted' | 'digest', Alert> {
  const finding = makeFinding();
  const critical = makeFinding({ severity: 'critical', summary: 'alice@contoso.com: 8 refused MFA pushes, then an approval from 203.0.113.7' });
  const retracted = makeFinding({ retracted: { at: '2026-03-02T05:00:00.000Z', reason: 'the pushes came from the user’s own new phone (later sign-in record)' } });
  return {
    created: { type: 'finding.created', at: AT, finding, reasons: ['new'], detector, evidenceRows },
    updated: { type: 'finding.updated', at: AT, finding: critical, reasons: ['severity-raised'], previousSeverity: 'high', detector, evidenceRows },
    retracted: { type: 'finding.retracted', at: AT, finding: retracted, reasons: ['retracted'], detector },
    digest: {
      type: 'finding.digest',
      at: '2026-03-02T04:00:00.000Z',
      reasons: [],
      digest: {
        route: 'rest',
        why: 'throttle',
        from: '2026-03-02T03:00:00.000Z',
        to: '2026-03-02T04:00:00.000Z',
        entries: [
          { type: 'finding.created', finding: makeFinding({ id: 'f-2', user: 'bob@contoso.com' }), reasons: ['new'] },
          { type: 'finding.updated', finding: makeFinding({ id: 'f-3', severity: 'critical', detector: 'reset-spray', key: 'net:198.51.100.0/24', user: undefined }), reasons: ['severity-raised'] },
        ],
      },
    },
  };
}
