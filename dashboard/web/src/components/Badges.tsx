import type { Finding } from '../../../../core/finding.ts';

export function SeverityBadge({ severity }: { severity: Finding['severity'] }) {
  return <span className={`badge sev-${severity}`}>{severity}</span>;
}

const statusLabel: Record<Finding['status'], string> = {
  open: 'open',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  false_positive: 'false positive',
  suppressed: 'suppressed',
};

/** The triage status; a retracted finding says so instead. */
export function StatusBadge({ finding }: { finding: Pick<Finding, 'status' | 'retracted' | 'resolution'> }) {
  if (finding.retracted !== undefined) return <span className="badge status-retracted">retracted</span>;
  const resolution = finding.status === 'resolved' && finding.resolution !== undefined ? `: ${finding.resolution}` : '';
  return <span className={`badge status-${finding.status}`}>{statusLabel[finding.status]}{resolution}</span>;
}
