import type { Alert } from '../../core/alert.ts';
import type { Severity } from '../../core/finding.ts';
import type { ChatChannelConfig } from '../config.ts';
import type { Channel, HttpSide } from './channel.ts';
import { briefOf, digestBriefOf, evidenceCells, evidenceNote, type Brief } from './compose.ts';
import { chatSend, type ChatMessage } from './chat-send.ts';

/** Slack limits (api.slack.com/reference/block-kit/blocks): header 150 chars, section text 3000, 50 blocks. */
const HEADER_MAX = 150;
const TEXT_MAX = 3000;
const DIGEST_LINES = 40;

export const severityMark: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵' };

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
/** mrkdwn control characters (api.slack.com/reference/surfaces/formatting#escaping). */
const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const section = (text: string): Record<string, unknown> => ({ type: 'section', text: { type: 'mrkdwn', text: cut(text, TEXT_MAX) } });

function findingBlocks(brief: Brief): unknown[] {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(`${severityMark[brief.severity]} ${brief.severity.toUpperCase()} · ${brief.detector}`, HEADER_MAX), emoji: true } },
    section(`*${esc(brief.summary)}*\n${esc(brief.status)}`),
    { type: 'section', fields: brief.facts.map((f) => ({ type: 'mrkdwn', text: cut(`*${f.label}*\n${esc(f.value)}`, 2000) })) },
    section(`*Why it fired*\n${esc(brief.explanation)}\n${brief.judged.map((j) => `• ${j.label}: ${esc(j.value)}`).join('\n')}`),
  ];
  const rows = brief.evidence.rows.map((r) => evidenceCells(r).filter((c) => c !== '').join(' · '));
  const lines = rows.length > 0 ? rows : brief.evidence.ids;
  const note = evidenceNote(brief);
  if (lines.length > 0) blocks.push(section(`*Evidence*${note ? ` (${note})` : ''}\n\`\`\`${esc(lines.join('\n'))}\`\`\``));
  if (brief.todo) blocks.push(section(`*What to do*\n${esc(brief.todo)}`));
  if (brief.link) blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in sspr-watch' }, url: brief.link }] });
  return blocks;
}

/** Block Kit message of an alert; `text` is the notification fallback and leads with severity and detector. */
export function slackPayload(alert: Alert, dashboardUrl: string | undefined): ChatMessage['payload'] {
  if (alert.finding) {
    const brief = briefOf(alert, alert.finding, dashboardUrl);
    return { text: brief.title, blocks: findingBlocks(brief) };
  }
  const digest = digestBriefOf(alert, dashboardUrl);
  const shown = digest.lines.slice(0, DIGEST_LINES);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(digest.title, HEADER_MAX), emoji: true } },
    section(esc(digest.intro)),
    ...shown.map((l) =>
      section(`${severityMark[l.severity]} *${l.severity.toUpperCase()}* ${esc(l.detector)} · ${esc(l.who)} (${esc(l.status)})\n${esc(l.summary)}${l.link ? `\n<${l.link}|Open>` : ''}`),
    ),
  ];
  if (digest.lines.length > shown.length) blocks.push(section(`… and ${digest.lines.length - shown.length} more in sspr-watch`));
  return { text: digest.title, blocks };
}

/** Slack incoming webhook (its URL is the secret: it is never logged). */
export function slackChannel(config: ChatChannelConfig, defaults: { timeoutSeconds: number }): Channel<ChatMessage, HttpSide> {
  return {
    type: 'slack',
    render: (alert, ctx) => ({ url: config.url, payload: slackPayload(alert, ctx.dashboardUrl) }),
    send: (message, side) => chatSend(message, side, config, defaults),
  };
}
