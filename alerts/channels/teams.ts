import type { Alert } from '../../core/alert.ts';
import type { Severity } from '../../core/finding.ts';
import type { ChatChannelConfig } from '../config.ts';
import type { Channel, HttpSide } from './channel.ts';
import { chatSend, type ChatMessage } from './chat-send.ts';
import { briefOf, digestBriefOf, evidenceCells, evidenceNote, type Brief } from './compose.ts';

/** Adaptive Card colours by severity (adaptivecards.io TextBlock `color`). */
const colour: Record<Severity, string> = { critical: 'Attention', high: 'Attention', medium: 'Warning', low: 'Accent' };
const DIGEST_LINES = 40;

const text = (value: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'TextBlock', text: value, wrap: true, ...extra });
const heading = (value: string): Record<string, unknown> => text(value, { weight: 'Bolder', spacing: 'Medium' });
const facts = (list: Array<{ label: string; value: string }>): Record<string, unknown> => ({
  type: 'FactSet',
  facts: list.map((f) => ({ title: f.label, value: f.value })),
});

function findingBody(brief: Brief): unknown[] {
  const body: unknown[] = [
    text(`${brief.severity.toUpperCase()} · ${brief.detector}`, { weight: 'Bolder', size: 'Medium', color: colour[brief.severity] }),
    text(brief.summary, { weight: 'Bolder' }),
    text(brief.status, { isSubtle: true, spacing: 'None' }),
    facts(brief.facts),
    heading('Why it fired'),
    text(brief.explanation),
    facts(brief.judged),
  ];
  const note = evidenceNote(brief);
  if (brief.evidence.rows.length > 0 || brief.evidence.ids.length > 0) {
    body.push(heading(`Evidence${note ? ` (${note})` : ''}`));
    body.push(
      brief.evidence.rows.length > 0
        ? facts(brief.evidence.rows.map((r) => {
            const [time, ...rest] = evidenceCells(r);
            return { label: time, value: rest.filter((c) => c !== '').join(' · ') };
          }))
        : text(brief.evidence.ids.join(', ')),
    );
  }
  if (brief.todo) body.push(heading('What to do'), text(brief.todo));
  return body;
}

function card(body: unknown[], link: string | undefined): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
          ...(link !== undefined ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in sspr-watch', url: link }] } : {}),
        },
      },
    ],
  };
}

/** The Teams message (an Adaptive Card 1.4 attachment, as Teams workflows and incoming webhooks take it). */
export function teamsPayload(alert: Alert, dashboardUrl: string | undefined): Record<string, unknown> {
  if (alert.finding) {
    const brief = briefOf(alert, alert.finding, dashboardUrl);
    return { ...card(findingBody(brief), brief.link), summary: brief.title };
  }
  const digest = digestBriefOf(alert, dashboardUrl);
  const shown = digest.lines.slice(0, DIGEST_LINES);
  const body: unknown[] = [
    text(digest.title, { weight: 'Bolder', size: 'Medium' }),
    text(digest.intro, { isSubtle: true }),
    ...shown.map((l) =>
      text(`**${l.severity.toUpperCase()}** ${l.detector} · ${l.who} (${l.status}): ${l.summary}${l.link ? ` [Open](${l.link})` : ''}`, {
        color: colour[l.severity],
      }),
    ),
  ];
  if (digest.lines.length > shown.length) body.push(text(`… and ${digest.lines.length - shown.length} more in sspr-watch`));
  return { ...card(body, undefined), summary: digest.title };
}

/** Microsoft Teams (workflow or incoming webhook URL; the URL is the secret and is never logged). */
export function teamsChannel(config: ChatChannelConfig, defaults: { timeoutSeconds: number }): Channel<ChatMessage, HttpSide> {
  return {
    type: 'teams',
    render: (alert, ctx) => ({ url: config.url, payload: teamsPayload(alert, ctx.dashboardUrl) }),
    send: (message, side) => chatSend(message, side, config, defaults),
  };
}
