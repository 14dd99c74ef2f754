// user add NAME --role ROLE, user list, user disable NAME, user enable NAME, user reset-password NAME,
// user set-role NAME --role ROLE
import { ROLES } from '../../lib/auth/roles.ts';
import { createUser, listUsers, resetPassword, setUserDisabled, setUserRole } from '../../lib/auth/users.ts';
import { UsageError } from '../args.ts';
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { table } from '../print.ts';

function requireRole(text: string | undefined): string {
  if (!text) throw new UsageError(`--role is needed: ${ROLES.join(', ')}`);
  return text;
}

export async function runUser({ prisma, flags, args, print }: CommandContext): Promise<number> {
  const [sub, name] = args;
  if (sub === 'list') {
    const users = await listUsers(prisma);
    const rows = [['USER', 'ROLE', 'STATUS', 'SIGN-IN', 'LAST SEEN']];
    for (const u of users)
      rows.push([
        u.username ?? u.email ?? u.name,
        u.role,
        u.disabled ? 'disabled' : 'active',
        u.signIn.join(',') || '–',
        u.lastSeenAt?.toISOString() ?? 'never',
      ]);
    print(table(rows), users);
    return 0;
  }
  if (!name) throw new UsageError(`user ${sub ?? ''} needs a user NAME`.replace('  ', ' '));
  switch (sub) {
    case 'add': {
      const role = requireRole(flags.role);
      const { user, password } = await audited(prisma, 'user.create', name, (audit) =>
        createUser(prisma, { username: name, role }, audit),
      );
      print(`added ${user.username} (${user.role}); password, shown this once:\n${password}`, {
        username: user.username,
        role: user.role,
        password,
      });
      return 0;
    }
    case 'disable':
    case 'enable': {
      await audited(prisma, `user.${sub}`, name, (audit) => setUserDisabled(prisma, name, sub === 'disable', audit));
      print(`${sub}d ${name}`, { username: name, disabled: sub === 'disable' });
      return 0;
    }
    case 'reset-password': {
      const password = await audited(prisma, 'user.reset-password', name, (audit) =>
        resetPassword(prisma, name, audit),
      );
      print(`new password of ${name}, shown this once:\n${password}`, { username: name, password });
      return 0;
    }
    case 'set-role': {
      const role = requireRole(flags.role);
      await audited(prisma, 'user.set-role', name, (audit) => setUserRole(prisma, name, role, audit));
      print(`${name} is now ${role}`, { username: name, role });
      return 0;
    }
    default:
      throw new UsageError('user takes add, list, disable, enable, reset-password or set-role');
  }
}
