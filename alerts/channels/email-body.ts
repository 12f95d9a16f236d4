import type { Severity } from '../../core/finding.ts';
import { evidenceCells, evidenceHeader, evidenceNote, type Brief, type DigestBrief } from './compose.ts';

/** Plain-text and HTML bodies of an alert email (pure): the same sections in the same order. */

const colour: Record<Severity, string> = { critical: '#b00020', high: '#d35400', medium: '#b7950b', low: '#2e86c1' };

const esc = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const td = 'padding:4px 8px;border:1px solid #ddd;vertical-align:top';
const th = `${td};background:#f4f4f4;text-align:left`;

function table(header: readonly string[] | undefined, rows: readonly (readonly string[])[]): string {
  const head = header ? `<tr>${header.map((h) => `<th style="${th}">${esc(h)}</th>`).join('')}</tr>` : '';
  const body = rows.map((r) => `<tr>${r.map((c, i) => (header === undefined && i === 0 ? `<th style="${th}">${esc(c)}</th>` : `<td style="${td}">${esc(c)}</td>`)).join('')}</tr>`).join('');
  return `<table style="border-collapse:collapse;font-size:13px;margin:4px 0 12px">${head}${body}</table>`;
}

const h2 = (text: string): string => `<h3 style="margin:16px 0 4px;font-size:15px">${esc(text)}</h3>`;
const p = (text: string, style = ''): string => `<p style="margin:4px 0;${style}">${esc(text)}</p>`;

function frame(severity: Severity | undefined, inner: string): string {
  const bar = severity ? colour[severity] : '#555';
  return `<!doctype html><html><body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;color:#222;max-width:760px"><div style="border-left:6px solid ${bar};padding:4px 16px">${inner}</div><p style="color:#888;font-size:11px">sent by sspr-watch</p></body></html>`;
}

function evidenceRows(brief: Brief): string[][] {
  return brief.evidence.rows.map((r) => [...evidenceCells(r)]);
}

/** The email of a finding alert: text and HTML. */
export function findingEmail(brief: Brief): { text: string; html: string } {
  const note = evidenceNote(brief);
  const rows = evidenceRows(brief);
  const text = [
    brief.title,
    brief.status,
    '',
    ...brief.facts.map((f) => `${f.label}: ${f.value}`),
    '',
    'Why it fired',
    brief.explanation,
    ...brief.judged.map((j) => `  ${j.label}: ${j.value}`),
    '',
    `Evidence${note ? ` (${note})` : ''}`,
    ...(rows.length > 0 ? rows.map((r) => `  ${r.filter((c) => c !== '').join(' | ')}`) : brief.evidence.ids.map((id) => `  ${id}`)),
    ...(brief.todo ? ['', 'What to do', brief.todo] : []),
    ...(brief.link ? ['', `Open in sspr-watch: ${brief.link}`] : []),
    '',
  ].join('\n');
  const html = frame(
    brief.severity,
    [
      `<h2 style="margin:8px 0;font-size:18px;color:${colour[brief.severity]}">${esc(brief.title)}</h2>`,
      p(brief.status, 'color:#555'),
      table(undefined, brief.facts.map((f) => [f.label, f.value])),
      h2('Why it fired'),
      p(brief.explanation),
      table(undefined, brief.judged.map((j) => [j.label, j.value])),
      h2(`Evidence${note ? ` (${note})` : ''}`),
      rows.length > 0 ? table(evidenceHeader, rows) : p(brief.evidence.ids.join(', ')),
      brief.todo ? `${h2('What to do')}${p(brief.todo)}` : '',
      brief.link ? `<p style="margin:16px 0"><a href="${esc(brief.link)}" style="background:#0b5394;color:#fff;padding:8px 14px;text-decoration:none;border-radius:4px">Open in sspr-watch</a></p>` : '',
    ].join(''),
  );
  return { text, html };
}

/** The email of a digest: one line per held finding. */
export function digestEmail(digest: DigestBrief): { text: string; html: string } {
  const text = [
    digest.title,
    '',
    digest.intro,
    '',
    ...digest.lines.map((l) => `[${l.severity.toUpperCase()}] ${l.detector} · ${l.who} (${l.status}): ${l.summary}${l.link ? `\n    ${l.link}` : ''}`),
    '',
  ].join('\n');
  const html = frame(
    undefined,
    [
      `<h2 style="margin:8px 0;font-size:18px">${esc(digest.title)}</h2>`,
      p(digest.intro, 'color:#555'),
      table(
        ['Severity', 'Detector', 'Who', 'Summary', 'Alert'],
        digest.lines.map((l) => [l.severity.toUpperCase(), l.detector, l.who, l.summary, l.status]),
      ),
      ...digest.lines.filter((l) => l.link).map((l) => `<p style="margin:2px 0;font-size:12px"><a href="${esc(l.link as string)}">${esc(`${l.detector} · ${l.who}`)}</a></p>`),
    ].join(''),
  );
  return { text, html };
}
