import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../dashboard/server/auth/secrets.ts';
import { SqliteStore } from '../../store/sqlite/sqlite-store.ts';
import { runCli } from './run-cli.ts';

const freshDb = () => join(mkdtempSync(join(tmpdir(), 'sspr-token-')), 'sspr.db');

describe('sspr token', () => {
  it('prints a new token once as {"token","role","name"}, stores only its hash, lists and revokes it', async () => {
    const db = freshDb();
    const created = await runCli(['token', 'create', '--role', 'analyst', '--name', 'soar', '--json', '--db', db]);
    expect(created.code).toBe(0);
    const body = JSON.parse(created.stdout) as { token: string; role: string; name: string; id: string };
    expect(body).toMatchObject({ role: 'analyst', name: 'soar' });
    expect(body.token).toMatch(/^sspr_[\w-]{43}$/);
    const store = new SqliteStore(db);
    expect((await store.findTokenByHash(hashSecret(body.token)))?.name).toBe('soar');
    await store.close();

    const list = await runCli(['token', 'list', '--json', '--db', db]);
    expect(list.stdout).not.toContain(body.token);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: body.id, name: 'soar', role: 'analyst', createdBy: expect.stringMatching(/^cli:/) })]);
    expect((await runCli(['token', 'list', '--db', db])).stdout).toMatch(/soar\s+analyst.*active/);

    const again = await runCli(['token', 'create', '--role', 'viewer', '--name', 'soar', '--db', db]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('CONFLICT')]);
    expect((await runCli(['token', 'revoke', 'soar', '--db', db])).stdout).toContain(`revoked token ${body.id}`);
    expect((await runCli(['token', 'revoke', 'soar', '--db', db])).code).toBe(1);
    expect((await runCli(['token', 'list', '--db', db])).stdout).toMatch(/soar\s+analyst.*revoked/);
  });

  it('refuses a role that does not exist, a missing name and an unknown action with exit code 2', async () => {
    const db = freshDb();
    expect((await runCli(['token', 'create', '--role', 'root', '--name', 'x', '--db', db])).code).toBe(2);
    expect((await runCli(['token', 'create', '--role', 'admin', '--db', db])).code).toBe(2);
    expect((await runCli(['token', 'rotate', '--db', db])).code).toBe(2);
  });

  it('prints a one-time admin sign-in link for a running dashboard', async () => {
    const out = await runCli(['token', 'link', '--url', 'https://sspr.example.org/', '--db', freshDb()]);
    expect(out.stdout).toMatch(/^https:\/\/sspr\.example\.org\/auth\/link\?code=[\w-]{43}\n/);
  });
});

describe('sspr serve', () => {
  it('refuses a bad port and a bad dashboard section before it starts, with exit code 2', async () => {
    expect((await runCli(['serve', '--port', '70000', '--db', freshDb()])).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'sspr-serve-'));
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ dashboard: { sessionHours: 'long' } }));
    const bad = await runCli(['serve', '--port', '0', '--config', config, '--db', join(dir, 'sspr.db')]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('dashboard.sessionHours')]);
  });
});
