import type { Actor } from '../../store/contract.ts';
import type { Role } from '../../core/access.ts';
import type { Severity } from '../../core/finding.ts';
import type { Logger } from '../../core/logger.ts';
import type { KpiConfig } from '../../kpi/config.ts';
import type { Store } from '../../store/contract.ts';
import type { DashboardConfig } from './config.ts';
import type { OidcClient } from './auth/oidc.ts';

/** What the dashboard shows about a detector (its metadata, passed in by whoever wires the server). */
export interface DetectorInfo {
  id: string;
  title: string;
  severity: Severity;
  attack: readonly string[];
  falsePositives: readonly string[];
  triage: string;
}

/**
 * The config file tuning writes to: read its text (undefined when it does not exist yet), validate a candidate
 * (throws an SsprError naming the bad field), write a new text atomically.
 */
export interface ConfigFile {
  path: string;
  read(): string | undefined;
  validate(config: unknown): void;
  write(text: string): void;
}

/** What the health page says of alerting: the configured routes and channels (names and types only, never secrets). */
export interface AlertingInfo {
  routes: Array<{ name: string; channels: string[]; match: Record<string, unknown> }>;
  channels: Array<{ name: string; type: string }>;
}

/** Everything the API needs, created once at start-up by `sspr serve` (or a test) and passed to createApp. */
export interface DashboardDeps {
  store: Store;
  kpiConfig: KpiConfig;
  detectors: readonly DetectorInfo[];
  configFile: ConfigFile;
  dashboard: DashboardConfig;
  /** The base URL the app is reached at, ending in `/` (OIDC redirect, links). */
  publicUrl: string;
  oidc?: OidcClient;
  /** Present when the config has an `alerts` section. */
  alerting?: AlertingInfo;
  /** The built web app (index.html and assets); absent serves the API only. */
  webRoot?: string;
  now: () => Date;
  log: Logger;
}

/** Who is calling, resolved by authentication for each request. */
export interface Caller {
  actor: Actor;
  role: Role;
  /** Present for cookie sessions: the CSRF token every state-changing request must echo. */
  csrfToken?: string;
  /** The session's store key (cookie sessions only), for sign-out. */
  sessionKey?: string;
}
