import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

/** Loading, in words. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status">
      Loading {what}…
    </p>
  );
}

/** An error in words, with what the server said. */
export function ErrorState({ error, what }: { error: Error; what: string }) {
  const code = error instanceof ApiError ? ` (${error.code})` : '';
  return (
    <div className="state error" role="alert">
      <strong>Could not load {what}.</strong> {error.message}
      {code}
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}
