import { SsprError } from '../../core/errors.ts';
import { findingStatusSchema, severitySchema, type Finding } from '../../core/finding.ts';
import type { FindingQuery } from '../../store/contract.ts';
import { EXIT, openStore, stringOption, type Command } from '../command.ts';

const severityRank = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** `sspr findings`: the triage queue, most severe and most recent first. */
export const findingsCommand: Command = {
  name: 'findings',
  summary: 'list stored findings (the triage queue)',
  usage: 'sspr findings [--detector D] [--severity low|medium|high|critical] [--status open|acknowledged|resolved|false_positive|suppressed] [--user UPN] [--limit N] [--db PATH] [--json]',
  options: {
    detector: { type: 'string' },
    severity: { type: 'string' },
    status: { type: 'string' },
    user: { type: 'string' },
    limit: { type: 'string' },
  },
  async run({ values }, io) {
    const query: FindingQuery = {};
    const detector = stringOption(values, 'detector');
    const user = stringOption(values, 'user');
    if (detector !== undefined) query.detector = detector;
    if (user !== undefined) query.user = user;
    const severity = stringOption(values, 'severity');
    if (severity !== undefined) {
      const parsed = severitySchema.safeParse(severity);
      if (!parsed.success) throw new SsprError('USAGE', `--severity must be one of ${severitySchema.options.join(', ')}`);
      query.severity = parsed.data;
    }
    const status = stringOption(values, 'status');
    if (status !== undefined) {
      const parsed = findingStatusSchema.safeParse(status);
      if (!parsed.success) throw new SsprError('USAGE', `--status must be one of ${findingStatusSchema.options.join(', ')}`);
      query.status = parsed.data;
    }
    const limitText = stringOption(values, 'limit');
    if (limitText !== undefined) {
      const limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 0) throw new SsprError('USAGE', `--limit must be a whole number, got "${limitText}"`);
      query.limit = limit;
    }
    const store = openStore(values, io.env);
    try {
      const findings = sortForTriage(await store.listFindings(query));
      io.stdout(values.json ? `${JSON.stringify(findings)}\n` : formatFindings(findings));
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

/** Most severe first, then most recent. */
export function sortForTriage(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank[a.severity] - severityRank[b.severity] || b.lastSeen.localeCompare(a.lastSeen) || a.id.localeCompare(b.id));
}

/** The status column: the triage status, or `retracted` when detection withdrew the finding. */
function statusText(f: Finding): string {
  if (f.retracted !== undefined) return 'retracted';
  return f.status === 'false_positive' ? 'false-pos' : f.status;
}

/** The triage table for a terminal: one line per finding, then counts by detector. */
export function formatFindings(findings: Finding[], max = Number.POSITIVE_INFINITY): string {
  if (findings.length === 0) return 'no findings\n';
  const lines = findings.slice(0, max).map((f) => {
    const when = f.lastSeen.slice(0, 16).replace('T', ' ');
    return `${f.severity.toUpperCase().padEnd(9)}${statusText(f).padEnd(14)}${f.detector.padEnd(18)}${when}  ${(f.user ?? f.ips[0] ?? f.key).padEnd(34)}${f.summary}`;
  });
  if (findings.length > max) lines.push(`… and ${findings.length - max} more (sspr findings for all)`);
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.detector, (counts.get(f.detector) ?? 0) + 1);
  lines.push('', `${findings.length} finding(s): ${[...counts].map(([d, n]) => `${d} ${n}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
