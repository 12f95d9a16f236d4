import type { Alert, EvidenceRow } from '../../core/alert.ts';
import type { Finding, FindingStatus, Severity } from '../../core/finding.ts';
import { findingUrl } from './compose.ts';

/**
 * OCSF 1.7.0 Detection Finding (class_uid 2004, category 2 Findings), from the schema source
 * (github.com/ocsf/ocsf-schema at the v1.7.0 release: events/findings/detection_finding.json, finding.json,
 * objects/finding_info.json, evidences.json, observable.json, dictionary.json). Times are epoch ms
 * (timestamp_t); observables use the dictionary's type ids (2 IP Address, 4 User Name).
 */
export const OCSF_VERSION = '1.7.0';

const severityId: Record<Severity, number> = { low: 2, medium: 3, high: 4, critical: 5 };
const severityName: Record<Severity, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };
/** Finding lifecycle status_id: 1 New, 2 In Progress, 3 Suppressed, 4 Resolved (finding.json). */
const statusId: Record<FindingStatus, [number, string]> = {
  open: [1, 'New'],
  acknowledged: [2, 'In Progress'],
  false_positive: [3, 'Suppressed'],
  suppressed: [3, 'Suppressed'],
  resolved: [4, 'Resolved'],
};

type Json = Record<string, unknown>;

/** ATT&CK ids as OCSF attack objects: `T1110.003` is technique T1110 with sub-technique T1110.003. */
function attacks(ids: readonly string[]): Json[] {
  return ids.map((id) => {
    const [technique] = id.split('.');
    return id.includes('.') ? { technique: { uid: technique }, sub_technique: { uid: id } } : { technique: { uid: id } };
  });
}

function evidenceOf(row: EvidenceRow): Json {
  return {
    uid: row.id,
    name: `${row.action} ${row.outcome}`,
    ...(row.user !== undefined ? { user: { name: row.user } } : {}),
    ...(row.ip !== undefined ? { src_endpoint: { ip: row.ip, ...(row.place !== undefined ? { location: { desc: row.place } } : {}) } } : {}),
    data: { time: row.time, ...(row.method !== undefined ? { method: row.method } : {}) },
  };
}

function evidences(finding: Finding, rows: readonly EvidenceRow[]): Json[] {
  if (rows.length > 0) return rows.map(evidenceOf);
  // Without event details, one evidence per user and address of the finding, with the evidence event ids.
  const users = finding.entities.users.map((name) => ({ user: { name } }));
  const ips = finding.ips.map((ip) => ({ src_endpoint: { ip } }));
  return [...users, ...ips, { data: { event_ids: finding.evidence } }];
}

/** One Detection Finding for a finding as `type` (Create, Update, or Close for a retraction). */
export function detectionFinding(finding: Finding, alert: Alert, messageId: string, dashboardUrl: string | undefined): Json {
  const activity = alert.type === 'finding.retracted' ? 3 : alert.type === 'finding.created' ? 1 : 2;
  const activityName = activity === 1 ? 'Create' : activity === 2 ? 'Update' : 'Close';
  const [status, statusName] = finding.retracted ? [99, 'Retracted'] : statusId[finding.status];
  const link = findingUrl(dashboardUrl, finding.id);
  const users = [...new Set([...(finding.user !== undefined ? [finding.user] : []), ...finding.entities.users])];
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: activity,
    activity_name: activityName,
    type_uid: 2004 * 100 + activity,
    type_name: `Detection Finding: ${activityName}`,
    time: Date.parse(alert.at),
    start_time: Date.parse(finding.firstSeen),
    end_time: Date.parse(finding.lastSeen),
    severity_id: severityId[finding.severity],
    severity: severityName[finding.severity],
    status_id: status,
    status: statusName,
    is_alert: activity !== 3,
    message: finding.summary,
    metadata: {
      version: OCSF_VERSION,
      uid: messageId,
      correlation_uid: finding.id,
      log_name: 'sspr-watch findings',
      product: { name: 'sspr-watch', vendor_name: 'sspr-watch' },
    },
    finding_info: {
      uid: finding.id,
      title: alert.detector?.title ?? finding.summary,
      desc: finding.explanation.text,
      types: [finding.detector],
      analytic: { uid: finding.detector, name: finding.detector, type_id: 1, type: 'Rule' },
      attacks: attacks(finding.attack),
      first_seen_time: Date.parse(finding.firstSeen),
      last_seen_time: Date.parse(finding.lastSeen),
      ...(link !== undefined ? { src_url: link } : {}),
    },
    evidences: evidences(finding, alert.evidenceRows ?? []),
    observables: [
      ...users.map((value) => ({ name: 'evidences.user.name', type_id: 4, type: 'User Name', value })),
      ...finding.ips.map((value) => ({ name: 'evidences.src_endpoint.ip', type_id: 2, type: 'IP Address', value })),
    ],
    ...(users.length > 0 ? { resources: users.map((u) => ({ type: 'User', uid: u, name: u })) } : {}),
    unmapped: {
      sspr: {
        key: finding.key,
        explanation: finding.explanation,
        reasons: alert.reasons,
        ...(finding.retracted ? { retracted: finding.retracted } : {}),
        ...(alert.detector ? { triage: alert.detector.triage } : {}),
      },
    },
  };
}
