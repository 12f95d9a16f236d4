import { useEffect, useState } from 'react';
import type { SessionInfo, SignInOptions } from '../../../server/routes/access.ts';
import { api, ApiError, setCsrfToken } from '../api/client.ts';

export type SessionState = { status: 'loading' } | { status: 'signed-out'; options: SignInOptions | undefined } | { status: 'signed-in'; session: SessionInfo } | { status: 'error'; error: Error };

/** Who is signed in (GET /session); keeps the CSRF token for the API client. */
export function useSession(): SessionState & { signOut: () => Promise<void> } {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  useEffect(() => {
    api<SessionInfo>('GET', '/session').then(
      (session) => {
        setCsrfToken(session.csrfToken);
        setState({ status: 'signed-in', session });
      },
      async (error: Error) => {
        if (!(error instanceof ApiError) || error.status !== 401) return setState({ status: 'error', error });
        const options = await api<SignInOptions>('GET', '/signin-options').catch(() => undefined);
        setState({ status: 'signed-out', options });
      },
    );
  }, []);
  const signOut = async (): Promise<void> => {
    await api('DELETE', '/session');
    setCsrfToken(null);
    window.location.assign('/signin');
  };
  return { ...state, signOut };
}
