import { z } from 'zod';
import { SsprError } from '../core/errors.ts';
import { severitySchema } from '../core/finding.ts';

/**
 * The `alerts` section of the config file (issue 11): channels by name, routes in order, delivery settings.
 * Validated once at start-up; a bad field fails with its path (`alerts.routes.1.channels.0: …`), exit 2.
 */

const validTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
const timeZoneSchema = z.string().refine(validTimeZone, 'an IANA time zone such as "Europe/Berlin" or "UTC"');
const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24 h)');

/** `whsec_` + base64 of 24–64 random bytes (Standard Webhooks, "Signature scheme"). */
export const webhookSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'a Standard Webhooks secret: "whsec_" followed by base64')
  .refine((s) => {
    const bytes = Buffer.from(s.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'the base64 part must decode to 24-64 bytes (Standard Webhooks)');

const httpTarget = {
  url: z.url({ protocol: /^https?$/ }),
  /** Permits plain http and private, loopback and link-local targets (tests, on-prem SOCs). */
  allowPrivateNetwork: z.boolean().default(false),
  /** Redirects followed (307/308 only, each re-checked); off by default. */
  maxRedirects: z.number().int().min(0).max(5).default(0),
  /** Per-request timeout; `alerts.timeoutSeconds` when absent. */
  timeoutSeconds: z.number().positive().max(300).optional(),
};

export const webhookChannelSchema = z.strictObject({
  type: z.literal('webhook'),
  ...httpTarget,
  /** One secret, or several during a rotation (one signature each). */
  secret: z.union([webhookSecretSchema, z.array(webhookSecretSchema).min(1)]),
  format: z.enum(['sspr', 'ocsf']).default('sspr'),
});

export const emailChannelSchema = z.strictObject({
  type: z.literal('email'),
  smtp: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    /** TLS from the start (465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    /** Refuse to send unless STARTTLS succeeds. */
    requireTLS: z.boolean().optional(),
    auth: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
    tls: z.strictObject({ rejectUnauthorized: z.boolean().optional(), servername: z.string().optional() }).optional(),
  }),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  cc: z.array(z.string().min(3)).optional(),
  timeoutSeconds: z.number().positive().max(300).optional(),
});

export const slackChannelSchema = z.strictObject({ type: z.literal('slack'), ...httpTarget });
export const teamsChannelSchema = z.strictObject({ type: z.literal('teams'), ...httpTarget });

export const channelConfigSchema = z.discriminatedUnion('type', [webhookChannelSchema, emailChannelSchema, slackChannelSchema, teamsChannelSchema]);
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
export type WebhookChannelConfig = z.infer<typeof webhookChannelSchema>;
export type EmailChannelConfig = z.infer<typeof emailChannelSchema>;
export type ChatChannelConfig = z.infer<typeof slackChannelSchema> | z.infer<typeof teamsChannelSchema>;

const windowSchema = z.strictObject({ from: clockTimeSchema, to: clockTimeSchema, timeZone: timeZoneSchema.optional() });

/** What a route matches; every field present must match, an empty object matches every finding. */
export const routeMatchSchema = z.strictObject({
  severity: z.array(severitySchema).min(1).optional(),
  detector: z.array(z.string().min(1)).min(1).optional(),
  /** The finding's user or one of its users; `*` is a wildcard (`adm-*@contoso.com`). */
  user: z.array(z.string().min(1)).min(1).optional(),
  /** A group (users CSV `group` column) of one of the finding's users. */
  group: z.array(z.string().min(1)).min(1).optional(),
  /** A user pattern, an IP address or a CIDR range among the finding's entities, or its key (`net:203.0.113.0/24`). */
  entity: z.array(z.string().min(1)).min(1).optional(),
  /** The finding's last event falls in this time of day (from > to spans midnight). */
  timeOfDay: windowSchema.optional(),
});
export type RouteMatch = z.infer<typeof routeMatchSchema>;

export const routeSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[^|]+$/, 'a route name without "|"')
    .refine((n) => n !== 'retraction', '"retraction" is reserved'),
  match: routeMatchSchema.default({}),
  channels: z.array(z.string().min(1)).min(1),
  /** At most `max` findings per `perMinutes` (sliding); the rest wait for the digest. */
  throttle: z.strictObject({ max: z.number().int().positive(), perMinutes: z.number().positive() }).optional(),
  /** When what the throttle held back is sent as one message: at the end of the hour or day. */
  digest: z.enum(['hourly', 'daily']).optional(),
  /**
   * No alert between `from` and `to` (wall-clock, route's time zone) below `severityOverride` (default
   * critical): those wait for a digest at the end of the quiet hours.
   */
  quietHours: windowSchema.extend({ severityOverride: severitySchema.default('critical') }).optional(),
});
export type Route = z.infer<typeof routeSchema>;

export const alertsConfigSchema = z
  .strictObject({
    /** Findings link to `<dashboardUrl>findings/<id>`. */
    dashboardUrl: z.url({ protocol: /^https?$/ }).optional(),
    channels: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a channel name: letters, digits, _ . -'), channelConfigSchema),
    routes: z.array(routeSchema),
    /** Retries stop (dead letter) this long after the first attempt. */
    maxRetryHours: z.number().positive().default(24),
    /** How long `sspr detect` keeps delivering before it exits; the rest stays in the outbox. */
    deliverTimeoutSeconds: z.number().min(0).default(30),
    /** Per-request timeout of every channel unless it sets its own. */
    timeoutSeconds: z.number().positive().max(300).default(10),
    /** Exponential backoff with jitter between attempts; a Retry-After header overrides it. */
    retry: z
      .strictObject({ initialDelaySeconds: z.number().positive().default(5), maxDelaySeconds: z.number().positive().default(3600) })
      .default({ initialDelaySeconds: 5, maxDelaySeconds: 3600 }),
    /** Requests in flight at once. */
    concurrency: z.number().int().min(1).max(64).default(8),
    /** Time zone of digest periods and of time-of-day windows that name none. */
    timeZone: timeZoneSchema.default('UTC'),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.routes.forEach((route, i) => {
      if (seen.has(route.name)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'name'], message: `route "${route.name}" is defined twice` });
      seen.add(route.name);
      route.channels.forEach((name, j) => {
        if (!(name in config.channels)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'channels', j], message: `no channel "${name}" in alerts.channels` });
      });
    });
  });
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;

/**
 * Validates the `alerts` section. `knownDetectors` (the registry's ids, from the caller) catches a route that
 * names a detector that does not exist and so would never match. Throws CONFIG_INVALID naming each bad path.
 */
export function parseAlertsConfig(raw: unknown, options: { source?: string; knownDetectors?: readonly string[] } = {}): AlertsConfig {
  const parsed = alertsConfigSchema.safeParse(raw);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: ['alerts', ...i.path].join('.'), message: i.message }));
  if (parsed.success && options.knownDetectors) {
    const known = new Set(options.knownDetectors);
    parsed.data.routes.forEach((route, i) =>
      route.match.detector?.forEach((d, j) => {
        if (!known.has(d)) issues.push({ path: `alerts.routes.${i}.match.detector.${j}`, message: `unknown detector "${d}" (known: ${[...known].join(', ')})` });
      }),
    );
  }
  if (issues.length > 0 || !parsed.success) {
    const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new SsprError('CONFIG_INVALID', `${options.source ?? 'config'}: ${text}`, { details: issues });
  }
  return parsed.data;
}
