// Console users managed from the console's users page and `ctl user`: each change and its
// audit row commit in one transaction. Passwords are hashed with better-auth's own scrypt
// hasher, the one its sign-in verifies against; a password never reaches the database.
import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { BackupError } from '../backup/errors.ts';
import { recordPendingAudit, type PendingAudit } from '../meta/audit-log.ts';
import type { MetaClient } from '../meta/client.ts';
import { isRole, type Role } from './roles.ts';

export const USERNAME_RULE = /^[a-z0-9_.]{3,30}$/;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;
/** Local users need an e-mail for better-auth; this domain can never receive mail (RFC 2606). */
const LOCAL_EMAIL_DOMAIN = 'users.console.invalid';

export interface ConsoleUserView {
  id: string;
  username: string | null;
  name: string;
  email: string | null;
  role: Role;
  disabled: boolean;
  /** "password", or the single sign-on provider ids. */
  signIn: string[];
  createdAt: Date;
  lastSeenAt: Date | null;
}

export function normalizeUsername(raw: string): string {
  const username = raw.trim().toLowerCase();
  if (!USERNAME_RULE.test(username))
    throw new BackupError('INVALID_INPUT', 'a user name is 3 to 30 letters, digits, dots or underscores');
  return username;
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new BackupError('INVALID_INPUT', `a password has at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new BackupError('INVALID_INPUT', `a password has at most ${MAX_PASSWORD_LENGTH} characters`);
}

function checkRole(role: string): Role {
  if (!isRole(role)) throw new BackupError('INVALID_INPUT', `unknown role "${role}": viewer, operator or admin`);
  return role;
}

/** A random password of 24 characters from a 62-letter alphabet (about 143 bits). */
export function randomPassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(64);
  let out = '';
  for (const b of bytes) {
    if (b >= alphabet.length * Math.floor(256 / alphabet.length)) continue; // no modulo bias
    out += alphabet[b % alphabet.length];
    if (out.length === 24) return out;
  }
  return out + randomPassword().slice(out.length);
}

export async function createUser(
  prisma: MetaClient,
  input: { username: string; role: string; password?: string },
  audit: PendingAudit,
): Promise<{ user: ConsoleUserView; password: string }> {
  audit.action = 'user.create';
  const username = normalizeUsername(input.username);
  const role = checkRole(input.role);
  const password = input.password ?? randomPassword();
  checkPassword(password);
  const hash = await hashPassword(password);
  const id = randomUUID();
  try {
    await prisma.$transaction(async (tx) => {
      await tx.consoleUser.create({
        data: {
          id,
          name: username,
          username,
          displayUsername: username,
          email: `${username}@${LOCAL_EMAIL_DOMAIN}`,
          role,
        },
      });
      await tx.consoleAccount.create({
        data: { id: randomUUID(), accountId: id, providerId: 'credential', userId: id, password: hash },
      });
      await recordPendingAudit(tx, audit, `${username} (${role})`);
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002')
      throw new BackupError('CONFLICT', `a user named "${username}" exists`);
    throw error;
  }
  return { user: (await getUser(prisma, username))!, password };
}

/** A user by login: the user name, or the e-mail of a single sign-on user. */
async function findByLogin(prisma: MetaClient, raw: string) {
  const login = raw.trim().toLowerCase();
  const user =
    login.includes('@') && login.length <= 320
      ? await prisma.consoleUser.findUnique({ where: { email: login } })
      : await prisma.consoleUser.findUnique({ where: { username: normalizeUsername(login) } });
  if (!user) throw new BackupError('NOT_FOUND', `no user "${login.slice(0, 100)}"`);
  return user;
}

const loginOf = (user: { username: string | null; email: string }) => user.username ?? user.email;

export async function getUser(prisma: MetaClient, username: string): Promise<ConsoleUserView | null> {
  const users = await listUsers(prisma, { username: normalizeUsername(username) });
  return users[0] ?? null;
}

export async function listUsers(prisma: MetaClient, where: { username?: string } = {}): Promise<ConsoleUserView[]> {
  const users = await prisma.consoleUser.findMany({
    where,
    orderBy: { createdAt: 'asc' },
    include: {
      accounts: { select: { providerId: true } },
      sessions: { select: { updatedAt: true }, orderBy: { updatedAt: 'desc' }, take: 1 },
    },
  });
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    name: u.name,
    email: u.email.endsWith(`@${LOCAL_EMAIL_DOMAIN}`) ? null : u.email,
    role: isRole(u.role) ? u.role : 'viewer',
    disabled: u.disabled,
    signIn: u.accounts.map((a) => (a.providerId === 'credential' ? 'password' : a.providerId)),
    createdAt: u.createdAt,
    lastSeenAt: u.sessions[0]?.updatedAt ?? null,
  }));
}

/** Disables (or enables) a user; disabling ends every session of theirs at once. */
export async function setUserDisabled(
  prisma: MetaClient,
  username: string,
  disabled: boolean,
  audit: PendingAudit,
): Promise<void> {
  audit.action = disabled ? 'user.disable' : 'user.enable';
  const user = await findByLogin(prisma, username);
  if (disabled && user.role === 'admin') await refuseLastAdmin(prisma, user.id, 'disable');
  await prisma.$transaction(async (tx) => {
    await tx.consoleUser.update({ where: { id: user.id }, data: { disabled } });
    if (disabled) await tx.consoleSession.deleteMany({ where: { userId: user.id } });
    await recordPendingAudit(tx, audit, loginOf(user));
  });
}

export async function setUserRole(
  prisma: MetaClient,
  username: string,
  rawRole: string,
  audit: PendingAudit,
): Promise<void> {
  audit.action = 'user.set-role';
  const role = checkRole(rawRole);
  const user = await findByLogin(prisma, username);
  if (user.username === null)
    throw new BackupError(
      'INVALID_INPUT',
      'a single sign-on user gets its role from the provider at each sign-in: change the group there',
    );
  if (user.role === 'admin' && role !== 'admin') await refuseLastAdmin(prisma, user.id, 'demote');
  await prisma.$transaction(async (tx) => {
    await tx.consoleUser.update({ where: { id: user.id }, data: { role } });
    await recordPendingAudit(tx, audit, `${loginOf(user)} (${user.role} -> ${role})`);
  });
}

/** Sets a new password (random unless given) and ends the user's sessions. */
export async function resetPassword(
  prisma: MetaClient,
  username: string,
  audit: PendingAudit,
  password: string = randomPassword(),
): Promise<string> {
  audit.action = 'user.reset-password';
  checkPassword(password);
  const user = await findByLogin(prisma, username);
  if (user.username === null)
    throw new BackupError('INVALID_INPUT', 'a single sign-on user has no password here: it signs in at its provider');
  const hash = await hashPassword(password);
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.consoleAccount.updateMany({
      where: { userId: user.id, providerId: 'credential' },
      data: { password: hash },
    });
    if (count === 0)
      await tx.consoleAccount.create({
        data: { id: randomUUID(), accountId: user.id, providerId: 'credential', userId: user.id, password: hash },
      });
    await tx.consoleSession.deleteMany({ where: { userId: user.id } });
    await recordPendingAudit(tx, audit, loginOf(user));
  });
  return password;
}

async function refuseLastAdmin(prisma: MetaClient, userId: string, what: string): Promise<void> {
  const others = await prisma.consoleUser.count({ where: { role: 'admin', disabled: false, id: { not: userId } } });
  if (others === 0) throw new BackupError('INVALID_INPUT', `cannot ${what} the last enabled admin`);
}

export async function countUsers(prisma: MetaClient): Promise<number> {
  return prisma.consoleUser.count();
}
