import type { Alert, EvidenceRow } from '../../core/alert.ts';
import type { Finding } from '../../core/finding.ts';

/**
 * The essentials every channel shows, in plain words, so email, Slack and Teams carry the same facts: what
 * happened, to whom, from where, when, why it fired, the evidence, what to do, and the link. Pure.
 */
export interface Brief {
  /** Leads with severity and detector: `[CRITICAL] mfa-fatigue: <summary>`. */
  title: string;
  /** `New finding`, `Severity raised from high to critical`, `Retracted: <reason>`, … */
  status: string;
  severity: Finding['severity'];
  detector: string;
  detectorTitle?: string;
  summary: string;
  facts: Array<{ label: string; value: string }>;
  explanation: string;
  /** `key: value` lines of the threshold, the baseline and what was observed. */
  judged: Array<{ label: string; value: string }>;
  evidence: { rows: EvidenceRow[]; ids: string[]; total: number };
  todo?: string;
  link?: string;
}

/** A digest's essentials: why the findings were held, the period, one line each. */
export interface DigestBrief {
  title: string;
  intro: string;
  lines: Array<{ severity: Finding['severity']; detector: string; who: string; summary: string; status: string; link?: string }>;
}

export const MAX_EVIDENCE_ROWS = 10;

/** `2026-03-02 03:00:00 UTC`. */
export function utc(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

/** The dashboard link of a finding: `<dashboardUrl>findings/<id>` (a missing trailing slash is added). */
export function findingUrl(dashboardUrl: string | undefined, id: string): string | undefined {
  if (dashboardUrl === undefined) return undefined;
  return `${dashboardUrl.endsWith('/') ? dashboardUrl : `${dashboardUrl}/`}findings/${encodeURIComponent(id)}`;
}

function list(values: readonly string[], shown = 5): string {
  if (values.length === 0) return '—';
  return values.length <= shown ? values.join(', ') : `${values.slice(0, shown).join(', ')} and ${values.length - shown} more`;
}

function pairs(record: Record<string, unknown>): string {
  const entries = Object.entries(record).filter(([, v]) => v !== null && v !== '');
  return entries.length === 0 ? '—' : entries.map(([k, v]) => `${k} ${String(v)}`).join(', ');
}

function statusOf(alert: Alert, finding: Finding): string {
  if (alert.type === 'finding.retracted') return `Retracted: ${finding.retracted?.reason ?? 'detection no longer produces this finding'}`;
  if (alert.type === 'finding.created') return alert.test ? 'Test alert (sample finding, nothing happened)' : 'New finding';
  const parts: string[] = [];
  if (alert.reasons.includes('severity-raised')) parts.push(`severity raised from ${alert.previousSeverity ?? 'lower'} to ${finding.severity}`);
  if (alert.reasons.includes('chain-completed')) parts.push('the chain completed');
  if (alert.reasons.includes('returned')) parts.push('back after a retraction');
  const text = parts.join('; ') || 'updated';
  return `Updated: ${text}`;
}

/** Who the finding is about: its user, else its users, else its key. */
export function whoOf(finding: Finding): string {
  if (finding.user !== undefined) return finding.user;
  if (finding.entities.users.length > 0) return list(finding.entities.users, 3);
  return finding.key;
}

/** The brief of a finding alert (created, updated, retracted). */
export function briefOf(alert: Alert, finding: Finding, dashboardUrl: string | undefined): Brief {
  const e = finding.explanation;
  const prefix = alert.type === 'finding.retracted' ? 'RETRACTED ' : alert.test ? 'TEST ' : '';
  const link = findingUrl(dashboardUrl, finding.id);
  const rows = (alert.evidenceRows ?? []).slice(0, MAX_EVIDENCE_ROWS);
  return {
    title: `${prefix}[${finding.severity.toUpperCase()}] ${finding.detector}: ${finding.summary}`,
    status: statusOf(alert, finding),
    severity: finding.severity,
    detector: finding.detector,
    ...(alert.detector ? { detectorTitle: alert.detector.title } : {}),
    summary: finding.summary,
    facts: [
      { label: 'Who', value: whoOf(finding) },
      { label: 'From', value: `${list(finding.entities.locations, 3)} (${list(finding.ips, 3)})` },
      { label: 'When', value: finding.firstSeen === finding.lastSeen ? utc(finding.firstSeen) : `${utc(finding.firstSeen)} → ${utc(finding.lastSeen)}` },
      { label: 'Detector', value: alert.detector ? `${finding.detector} (${alert.detector.title})` : finding.detector },
      { label: 'ATT&CK', value: list(finding.attack, 6) },
      { label: 'Finding', value: finding.id },
    ],
    explanation: e.text,
    judged: [
      { label: 'Window', value: `${utc(e.window.start)} → ${utc(e.window.end)}` },
      { label: 'Threshold', value: pairs(e.threshold) },
      { label: 'Baseline', value: pairs(e.baseline) },
      { label: 'Observed', value: pairs(e.observed) },
    ],
    evidence: { rows, ids: rows.length > 0 ? [] : finding.evidence.slice(0, MAX_EVIDENCE_ROWS), total: finding.evidence.length },
    ...(alert.detector ? { todo: alert.detector.triage } : {}),
    ...(link !== undefined ? { link } : {}),
  };
}

/** The brief of a digest alert. */
export function digestBriefOf(alert: Alert, dashboardUrl: string | undefined): DigestBrief {
  const d = alert.digest;
  const entries = d?.entries ?? [];
  const period = d ? `${utc(d.from)} → ${utc(d.to)}` : '';
  const why = d?.why === 'quiet-hours' ? 'quiet hours' : 'the throttle';
  return {
    title: `sspr-watch digest: ${entries.length} finding(s) held by ${why} on route ${d?.route ?? '?'}`,
    intro: `${entries.length} finding(s) matched route "${d?.route ?? '?'}" while ${why} held alerts back (${period}). None was dropped; each is listed once with its latest content.`,
    lines: entries.map(({ finding, type, reasons }) => {
      const link = findingUrl(dashboardUrl, finding.id);
      return {
        severity: finding.severity,
        detector: finding.detector,
        who: whoOf(finding),
        summary: finding.summary,
        status: type === 'finding.created' ? 'new' : reasons.join(', '),
        ...(link !== undefined ? { link } : {}),
      };
    }),
  };
}

/** Evidence table rows as plain cells: time, action + outcome, user, from, method. */
export function evidenceCells(row: EvidenceRow): [string, string, string, string, string] {
  const from = [row.ip, row.place].filter((x) => x !== undefined && x !== '').join(' ');
  return [utc(row.time), `${row.action} ${row.outcome}`, row.user ?? '', from, row.method ?? ''];
}

export const evidenceHeader = ['Time', 'What', 'User', 'From', 'Method'] as const;

/** "showing 10 of 42 events" when the table is cut. */
export function evidenceNote(brief: Brief): string | undefined {
  const shown = brief.evidence.rows.length || brief.evidence.ids.length;
  return brief.evidence.total > shown ? `showing ${shown} of ${brief.evidence.total} evidence events` : undefined;
}
