import type { SignInOptions } from '../../../server/routes/access.ts';

const errors: Record<string, string> = {
  'no-role': 'You signed in, but your account has no sspr-watch role. Ask an admin to assign you an app role or group (viewer, analyst or admin).',
  'sign-in-failed': 'Sign-in was not completed. Try again; if it keeps failing, the server log says why.',
  'sign-in-expired': 'That sign-in took too long or was started in another browser. Start again.',
  'link-used-or-expired': 'That admin link was already used or has expired. Restart `sspr serve` for a new one, or sign in another way.',
};

/** The sign-in page: OpenID Connect when configured, and how to use the one-time admin link. */
export function SignInPage({ options, error }: { options: SignInOptions | undefined; error: string | null }) {
  return (
    <main className="signin">
      <h1>sspr-watch</h1>
      <p className="muted">SSPR security analytics: the triage queue for analysts, ROI and adoption for leadership.</p>
      {error !== null && (
        <p className="state error" role="alert">
          {errors[error] ?? `Sign-in failed (${error}).`}
        </p>
      )}
      {options?.oidc && (
        <a className="button primary" href="/auth/login">
          Sign in with your organisation
        </a>
      )}
      {options?.link && (
        <p>
          First start: <code>sspr serve</code> printed a one-time admin sign-in link in its terminal. Open it to sign in as admin, then create API tokens or configure
          OpenID Connect (<code>dashboard.oidc</code> in the config file).
        </p>
      )}
      {options !== undefined && !options.link && (
        <p className="muted">
          Admins without OpenID Connect: <code>sspr token link --url {window.location.origin}/</code> prints a one-time admin sign-in link. Scripts and SOC tools call the API
          with a token from <code>sspr token create</code>.
        </p>
      )}
    </main>
  );
}
