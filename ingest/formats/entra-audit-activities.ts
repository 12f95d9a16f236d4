import type { Action, Outcome, SsprStep } from '../../core/event.ts';

/** The Entra audit activities sspr-watch maps, and the SSPR flow steps their texts name. Data with sources. */

/** How the actor of an activity is read: the user themself, an admin/app reset, or a password change. */
export type ActorRule = 'self' | 'reset' | 'change';

export interface ActivityRule {
  action: Action;
  actor: ActorRule;
  outcome?: Outcome;
}

/**
 * The audit activities we map, keyed by lower-cased activityDisplayName / OperationName. SSPR names from
 * "Self-Service Password Management activity types" (learn.microsoft.com/entra/identity/authentication/
 * howto-sspr-reporting); registration names from "Troubleshooting combined security information
 * registration" (.../howto-registration-mfa-sspr-combined-troubleshoot); "Reset user password" and "Change
 * user password" are Core Directory activities (audit activity reference, .../reference-audit-activities).
 */
export const ACTIVITIES: ReadonlyMap<string, ActivityRule> = new Map<string, ActivityRule>([
  ['reset password (self-service)', { action: 'sspr.reset', actor: 'self' }],
  ['self-service password reset flow activity progress', { action: 'sspr.progress', actor: 'self' }],
  ['unlock user account (self-service)', { action: 'sspr.unlock', actor: 'self' }],
  ['change password (self-service)', { action: 'sspr.change', actor: 'self' }],
  // "a user tried to reset a password, use a specific gate, or validate a phone number more than five total
  // times in 24 hours" (howto-sspr-reporting); logged with status Success, so the outcome is fixed.
  ['blocked from self-service password reset', { action: 'sspr.reset', actor: 'self', outcome: 'blocked' }],
  ['user started security info registration', { action: 'registration.started', actor: 'self' }],
  ['user registered security info', { action: 'registration.added', actor: 'self' }],
  ['user changed default security info', { action: 'registration.changed', actor: 'self' }],
  ['user deleted security info', { action: 'registration.removed', actor: 'self' }],
  ['user registered all required security info', { action: 'registration.completed', actor: 'self' }],
  // The pre-combined-registration name of the same milestone (howto-sspr-reporting, 2017-2019 revisions).
  ['user registered for self-service password reset', { action: 'registration.completed', actor: 'self' }],
  ['reset password (by admin)', { action: 'password.reset', actor: 'reset' }],
  ['reset user password', { action: 'password.reset', actor: 'reset' }],
  ['change user password', { action: 'password.change', actor: 'change' }],
]);

/**
 * SSPR flow steps from the ResultReason of "Self-service password reset flow activity progress", first match
 * wins. Texts: the "Allowed values for details column" table of the SSPR activity report ("User abandoned
 * after ...", "... too many times and is blocked for 24 hours", "User cancelled before ...", "User contacted
 * an admin after ...", "Password reset is not enabled for this user", "User successfully reset password";
 * active-directory-passwords-get-insights / howto-sspr-reporting) and the step texts tenants log today
 * ("User submitted their user ID", "User was presented with verification options", "User started the mobile
 * SMS verification", "User completed the mobile SMS verification", "User completed all verification steps
 * required", "User submitted a new password"). Wording varies, so the rules match on key phrases.
 */
const STEP_RULES: ReadonlyArray<readonly [RegExp, SsprStep]> = [
  [/too many|blocked|throttl/, 'blocked'],
  // Cancelling and contacting an admin both end the flow without a reset: the report's "Cancelled" and
  // "Contacted admin" results fold into abandoned.
  [/abandon|cancel|contacted an admin/, 'abandoned'],
  [/successfully reset|successfully completed reset|password reset (was )?successful/, 'succeeded'],
  [/submitted (a |the |their )?new password/, 'passwordSubmitted'],
  [/submitted (their|the|a) user ?id/, 'userIdSubmitted'],
  [/started the (password )?reset process|started (a )?password reset/, 'started'],
  [/incorrect|invalid|wrong|did not match|failed (the )?verification|verification failed/, 'verificationFailed'],
  [/completed (all|the|both)? ?.*verification|passed .*verification|verification (succeeded|completed)/, 'verified'],
  [/started the .*verification|presented with verification|selected .*verification/, 'verificationStarted'],
  [/not enabled|license|insufficient|not a member|managed on-premises|could not reach|problem|disabled|cookies|error/, 'failed'],
];

/** The SSPR step a flow-progress ResultReason describes; `other` for texts we do not recognise. */
export function classifySsprStep(reason: string | undefined): SsprStep {
  const lower = (reason ?? '').toLowerCase();
  return STEP_RULES.find(([pattern]) => pattern.test(lower))?.[1] ?? 'other';
}

