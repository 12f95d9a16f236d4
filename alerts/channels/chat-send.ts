import type { ChatChannelConfig } from '../config.ts';
import type { SendOutcome } from '../retry.ts';
import type { HttpSide } from './channel.ts';
import { postOutcome } from './http-send.ts';

/** A rendered Slack or Teams message: the incoming-webhook URL and the JSON payload. */
export interface ChatMessage {
  url: string;
  payload: Record<string, unknown>;
}

/** POSTs a chat message as JSON (Slack answers 200 `ok`, a Teams workflow 202). */
export function chatSend(message: ChatMessage, side: HttpSide, config: ChatChannelConfig, defaults: { timeoutSeconds: number }): Promise<SendOutcome> {
  return postOutcome(side, {
    url: message.url,
    headers: { 'content-type': 'application/json', 'user-agent': 'sspr-watch' },
    body: JSON.stringify(message.payload),
    timeoutMs: Math.round((config.timeoutSeconds ?? defaults.timeoutSeconds) * 1000),
    allowPrivateNetwork: config.allowPrivateNetwork,
    maxRedirects: config.maxRedirects,
  });
}
