// token create --name N --scope S [--expires-in D], token list, token revoke NAME
import { createToken, listTokens, parseDuration, revokeToken } from '../../lib/auth/tokens.ts';
import { UsageError } from '../args.ts';
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { table } from '../print.ts';

export async function runToken({ prisma, flags, args, print }: CommandContext): Promise<number> {
  const [sub, name] = args;
  switch (sub) {
    case 'create': {
      if (!flags.name || !flags.scope)
        throw new UsageError('token create needs --name and --scope (read, operate or admin)');
      const expiresIn = flags['expires-in'];
      const { token, view } = await audited(prisma, 'token.create', flags.name, (audit) =>
        createToken(
          prisma,
          { name: flags.name!, scope: flags.scope!, expiresInMs: expiresIn ? parseDuration(expiresIn) : null },
          audit,
        ),
      );
      print(token, { token, name: view.name, scope: view.scope, expires_at: view.expiresAt });
      return 0;
    }
    case 'list': {
      const tokens = await listTokens(prisma);
      const now = Date.now();
      const rows = [['NAME', 'SCOPE', 'STATUS', 'CREATED', 'BY', 'EXPIRES', 'LAST USED']];
      for (const t of tokens) {
        const status = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt.getTime() <= now ? 'expired' : 'active';
        rows.push([
          t.name,
          t.scope,
          status,
          t.createdAt.toISOString(),
          t.createdBy,
          t.expiresAt?.toISOString() ?? 'never',
          t.lastUsedAt?.toISOString() ?? 'never',
        ]);
      }
      print(tokens.length ? table(rows) : 'no API tokens', tokens);
      return 0;
    }
    case 'revoke': {
      if (!name) throw new UsageError('token revoke needs the token NAME');
      await audited(prisma, 'token.revoke', name, (audit) => revokeToken(prisma, name, audit));
      print(`revoked ${name}`, { name, revoked: true });
      return 0;
    }
    default:
      throw new UsageError('token takes create, list or revoke');
  }
}
