import { z } from 'zod';
import { SsprError } from '../../core/errors.ts';

/** Role names an identity provider's claim values map to, most privileged first when several match. */
const roleValuesSchema = z.array(z.string().min(1));

/**
 * OpenID Connect sign-in (Microsoft Entra ID, or any OpenID provider). Entra puts app roles in `roles` and group
 * object ids in `groups`; `roles` maps claim values to sspr-watch roles. The client secret may come from
 * `SSPR_OIDC_CLIENT_SECRET` instead of the file. Plain-http issuers are allowed only on loopback (a local test IdP).
 */
export const oidcConfigSchema = z.strictObject({
  issuer: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']),
  /** The ID-token claim holding role or group values: `roles` (Entra app roles) or `groups`. */
  roleClaim: z.string().min(1).default('roles'),
  roles: z.strictObject({ admin: roleValuesSchema.default([]), analyst: roleValuesSchema.default([]), viewer: roleValuesSchema.default([]) }),
  /** The claim shown as the person's name in the audit trail. */
  nameClaim: z.string().min(1).default('preferred_username'),
});
export type OidcConfig = z.infer<typeof oidcConfigSchema>;

/** The `dashboard` section of the config file (`sspr serve`). */
export const dashboardConfigSchema = z.strictObject({
  /** The URL people reach the dashboard at (behind a reverse proxy); default `http://<host>:<port>/`. */
  publicUrl: z
    .url()
    .refine((u) => new URL(u).pathname === '/', { message: 'the dashboard is served at the root of its host: no path' })
    .optional(),
  /** Express's `trust proxy` (hops or a subnet list) when a reverse proxy sets X-Forwarded-*. */
  trustProxy: z.union([z.boolean(), z.number().int().min(0), z.string().min(1)]).default(false),
  /** How long a sign-in lasts. */
  sessionHours: z.number().positive().max(168).default(8),
  oidc: oidcConfigSchema.optional(),
  tuning: z.strictObject({ minClosures: z.number().int().min(1).max(100).default(3) }).default({ minClosures: 3 }),
  rateLimits: z
    .strictObject({
      /** Sign-in attempts (and failed credentials) per address per window. */
      signIn: z.number().int().min(1).default(20),
      /** Requests per API token per window. */
      tokenRequests: z.number().int().min(1).default(600),
      windowSeconds: z.number().int().min(1).default(60),
    })
    .default({ signIn: 20, tokenRequests: 600, windowSeconds: 60 }),
});
export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;

/** Validates the `dashboard` section; a bad field fails with its path (CONFIG_INVALID, exit 2). */
export function parseDashboardConfig(raw: unknown, source = 'config'): DashboardConfig {
  const parsed = dashboardConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const text = parsed.error.issues.map((i) => `dashboard.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new SsprError('CONFIG_INVALID', `${source} is invalid: ${text}`, { details: parsed.error.issues });
  }
  return parsed.data;
}
