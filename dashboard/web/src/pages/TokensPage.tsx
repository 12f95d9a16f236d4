import { useState } from 'react';
import type { CreatedToken } from '../../../server/routes/access.ts';
import { api, ApiError } from '../api/client.ts';
import { ErrorState, Loading } from '../components/States.tsx';
import { utc } from '../format.ts';
import { useTokens } from '../hooks/useTokens.ts';

/** API tokens for SOC tools and scripts: create (the secret is shown once), list, revoke. */
export function TokensPage() {
  const tokens = useTokens();
  const [name, setName] = useState('');
  const [role, setRole] = useState<'viewer' | 'analyst' | 'admin'>('analyst');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (work: () => Promise<void>): Promise<void> => {
    setError(null);
    try {
      await work();
      tokens.reload();
    } catch (e) {
      setError(e instanceof ApiError ? `${e.message} (${e.code})` : String(e));
    }
  };
  return (
    <>
      <div className="page-head">
        <h1>API tokens</h1>
      </div>
      <form
        className="inline-form panel"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => setCreated(await api<CreatedToken>('POST', '/tokens', { name: name.trim(), role })));
        }}
      >
        <label>
          Name <input type="text" value={name} onChange={(e) => setName(e.target.value)} required placeholder="soar-playbook" />
        </label>
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
            <option value="viewer">viewer (KPIs)</option>
            <option value="analyst">analyst (findings, triage)</option>
            <option value="admin">admin (tokens, tuning)</option>
          </select>
        </label>
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
      {created !== null && (
        <div className="panel notice" role="status">
          Token <strong>{created.name}</strong> ({created.role}) — copy it now, it is not shown again:
          <pre className="secret">{created.token}</pre>
          Use it as <code>Authorization: Bearer …</code>
        </div>
      )}
      {error !== null && (
        <p className="state error" role="alert">
          {error}
        </p>
      )}
      {tokens.error !== undefined && <ErrorState error={tokens.error} what="API tokens" />}
      {tokens.data === undefined && tokens.error === undefined && <Loading what="API tokens" />}
      {tokens.data !== undefined && (
        <table className="data">
          <thead>
            <tr>
              {['Name', 'Role', 'Created', 'By', 'Last used', 'Status', ''].map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {tokens.data.items.map((t) => (
              <tr key={t.id} className={t.revokedAt !== undefined ? 'retracted' : ''}>
                <td>{t.name}</td>
                <td>{t.role}</td>
                <td>{utc(t.createdAt)}</td>
                <td>{t.createdBy}</td>
                <td>{t.lastUsedAt === undefined ? 'never' : utc(t.lastUsedAt)}</td>
                <td>{t.revokedAt === undefined ? 'active' : `revoked ${utc(t.revokedAt)}`}</td>
                <td>
                  {t.revokedAt === undefined && (
                    <button type="button" className="ghost small" onClick={() => void run(async () => void (await api('DELETE', `/tokens/${encodeURIComponent(t.id)}`)))}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
