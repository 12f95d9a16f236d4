import type { DatabaseSync } from 'node:sqlite';
import type { ApiToken, AuthRecordKind, AuthStore } from '../contract-dashboard.ts';
import { inTransaction } from './transaction.ts';

/** The SQLite side of AuthStore: API tokens (by the SHA-256 of their secret) and short-lived sign-in records. */
export class SqliteAuth implements AuthStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  async createToken(token: ApiToken, hash: string): Promise<boolean> {
    const result = this.db
      .prepare('INSERT INTO api_tokens (id, hash, name, revoked_at, body) VALUES (?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING')
      .run(token.id, hash, token.name, JSON.stringify(token));
    return Number(result.changes) > 0;
  }

  async findTokenByHash(hash: string): Promise<ApiToken | undefined> {
    const row = this.db.prepare('SELECT body FROM api_tokens WHERE hash = ?').get(hash) as { body: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as ApiToken);
  }

  async listTokens(): Promise<ApiToken[]> {
    const rows = this.db.prepare('SELECT body FROM api_tokens ORDER BY rowid').all() as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as ApiToken);
  }

  async revokeToken(idOrName: string, at: string): Promise<ApiToken | undefined> {
    return inTransaction(this.db, () => {
      const row = this.db
        .prepare('SELECT id, body FROM api_tokens WHERE revoked_at IS NULL AND (id = ? OR name = ?)')
        .get(idOrName, idOrName) as { id: string; body: string } | undefined;
      if (row === undefined) return undefined;
      const token: ApiToken = { ...(JSON.parse(row.body) as ApiToken), revokedAt: at };
      this.db.prepare('UPDATE api_tokens SET revoked_at = ?, body = ? WHERE id = ?').run(at, JSON.stringify(token), row.id);
      return token;
    });
  }

  async touchToken(id: string, at: string): Promise<void> {
    this.db.prepare("UPDATE api_tokens SET body = json_set(body, '$.lastUsedAt', ?) WHERE id = ?").run(at, id);
  }

  async putAuthRecord(kind: AuthRecordKind, key: string, data: Record<string, unknown>, expiresAt: string): Promise<void> {
    this.db
      .prepare('INSERT INTO auth_records (kind, key, expires_at, data) VALUES (?, ?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET expires_at = excluded.expires_at, data = excluded.data')
      .run(kind, key, expiresAt, JSON.stringify(data));
  }

  async getAuthRecord(kind: AuthRecordKind, key: string, now: string): Promise<Record<string, unknown> | undefined> {
    const row = this.db.prepare('SELECT data FROM auth_records WHERE kind = ? AND key = ? AND expires_at > ?').get(kind, key, now) as { data: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.data) as Record<string, unknown>);
  }

  async takeAuthRecord(kind: AuthRecordKind, key: string, now: string): Promise<Record<string, unknown> | undefined> {
    return inTransaction(this.db, () => {
      const row = this.db.prepare('DELETE FROM auth_records WHERE kind = ? AND key = ? RETURNING expires_at, data').get(kind, key) as
        | { expires_at: string; data: string }
        | undefined;
      return row === undefined || row.expires_at <= now ? undefined : (JSON.parse(row.data) as Record<string, unknown>);
    });
  }

  async deleteAuthRecord(kind: AuthRecordKind, key: string): Promise<void> {
    this.db.prepare('DELETE FROM auth_records WHERE kind = ? AND key = ?').run(kind, key);
  }

  async purgeAuthRecords(now: string): Promise<number> {
    return Number(this.db.prepare('DELETE FROM auth_records WHERE expires_at <= ?').run(now).changes);
  }
}
