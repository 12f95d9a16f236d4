import type { Alert } from '../../core/alert.ts';
import type { HttpTransport } from '../http/transport.ts';
import type { SendOutcome } from '../retry.ts';

/** What rendering needs besides the alert: its message id (the `webhook-id`) and where the dashboard lives. */
export interface RenderContext {
  id: string;
  dashboardUrl?: string;
}

/** The HTTP side a webhook, Slack or Teams channel sends through, with the clock that stamps signatures. */
export interface HttpSide {
  http: HttpTransport;
  now(): number;
}

/**
 * A channel is a value: `render` is pure (same alert and context, same message: snapshot-testable) and `send`
 * does one attempt through the transport it is given and reports how it ended. Retries, backoff and the outbox
 * belong to the delivery loop.
 */
export interface Channel<M, T> {
  readonly type: 'webhook' | 'email' | 'slack' | 'teams';
  render(alert: Alert, ctx: RenderContext): M;
  send(message: M, transport: T): Promise<SendOutcome>;
}
