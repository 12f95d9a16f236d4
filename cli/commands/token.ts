import { userInfo } from 'node:os';
import { roleSchema } from '../../core/access.ts';
import { SsprError } from '../../core/errors.ts';
import { issueAdminLink } from '../../dashboard/server/auth/admin-link.ts';
import { createApiToken } from '../../dashboard/server/auth/tokens.ts';
import type { ApiToken } from '../../store/contract.ts';
import { EXIT, openStore, stringOption, type Command } from '../command.ts';

const usage =
  'sspr token create --role viewer|analyst|admin --name NAME [--json] | sspr token list [--json] | sspr token revoke ID|NAME [--json] | sspr token link [--url http://127.0.0.1:8080/]';

function table(tokens: readonly ApiToken[]): string {
  if (tokens.length === 0) return 'no API tokens (sspr token create --role admin --name NAME)\n';
  const rows = tokens.map((t) => [t.id, t.name, t.role, t.createdAt.slice(0, 16).replace('T', ' '), t.lastUsedAt?.slice(0, 16).replace('T', ' ') ?? 'never', t.revokedAt !== undefined ? `revoked ${t.revokedAt.slice(0, 10)}` : 'active']);
  const head = ['id', 'name', 'role', 'created', 'last used', 'status'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return `${[head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')}\n`;
}

/** `sspr token`: API tokens for SOC tools and scripts (stored hashed; the secret is printed once). */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'create, list and revoke API tokens (viewer, analyst, admin)',
  usage,
  options: { role: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' } },
  async run({ values, positionals }, io) {
    const [action, target, ...extra] = positionals;
    if (extra.length > 0 || !['create', 'list', 'revoke', 'link'].includes(action ?? '')) throw new SsprError('USAGE', `usage: ${usage}`);
    const store = openStore(values, io.env);
    try {
      if (action === 'create') {
        const role = roleSchema.safeParse(stringOption(values, 'role'));
        const name = stringOption(values, 'name')?.trim();
        if (!role.success) throw new SsprError('USAGE', `--role must be one of ${roleSchema.options.join(', ')}`);
        if (name === undefined || name === '') throw new SsprError('USAGE', '--name is required (who or what the token is for)');
        const { token, record } = await createApiToken(store, { name, role: role.data, createdBy: `cli:${userInfo().username}` }, new Date());
        io.stdout(
          values.json
            ? `${JSON.stringify({ token, role: record.role, name: record.name, id: record.id })}\n`
            : `${token}\n\nAPI token "${record.name}" (${record.role}, id ${record.id}). It is shown this once; only its hash is stored.\nUse it as: Authorization: Bearer <token>\n`,
        );
        return EXIT.ok;
      }
      if (action === 'list') {
        const tokens = await store.listTokens();
        io.stdout(values.json ? `${JSON.stringify(tokens)}\n` : table(tokens));
        return EXIT.ok;
      }
      if (action === 'link') {
        // A one-time admin sign-in link for a running `sspr serve` on this store: how an operator without OpenID
        // Connect gets into the browser once an admin token exists (serve prints one only until then).
        const base = stringOption(values, 'url') ?? 'http://127.0.0.1:8080/';
        if (!URL.canParse(base)) throw new SsprError('USAGE', `--url must be the dashboard's URL, got "${base}"`);
        io.stdout(`${await issueAdminLink(store, base, new Date())}\n(one-time admin sign-in, valid 15 minutes)\n`);
        return EXIT.ok;
      }
      if (target === undefined) throw new SsprError('USAGE', 'name the token to revoke by its id or name');
      const revoked = await store.revokeToken(target, new Date().toISOString());
      if (revoked === undefined) throw new SsprError('NOT_FOUND', `no live token with id or name "${target}"`);
      io.stdout(values.json ? `${JSON.stringify(revoked)}\n` : `revoked token ${revoked.id} (${revoked.name}, ${revoked.role})\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
