'use server';
// Console users: add, change role, disable or enable, reset a password. Admin only; each change
// and its audit row commit together (lib/auth/users.ts).
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { ROLES } from '@/lib/auth/roles';
import { createUser, resetPassword, setUserDisabled, setUserRole } from '@/lib/auth/users';
import { getMetaStore } from '@/lib/meta/shared-store';
import { serverAction } from '../_lib/action';

/** A user name, or the e-mail of a single sign-on user. */
const username = z.string().trim().min(1, 'give a user name').max(320);

export const addUserAction = serverAction(
  { role: 'admin', audit: 'user.create' },
  z.object({ username, role: z.enum(ROLES) }),
  async (input, { audit }) => {
    const { user, password } = await createUser(getMetaStore().prisma, input, audit!);
    revalidatePath('/users');
    return { username: user.username, role: user.role, password };
  },
);

export const setUserRoleAction = serverAction(
  { role: 'admin', audit: 'user.set-role' },
  z.object({ username, role: z.enum(ROLES) }),
  async ({ username, role }, { audit }) => {
    await setUserRole(getMetaStore().prisma, username, role, audit!);
    revalidatePath('/users');
    return { username, role };
  },
);

export const setUserDisabledAction = serverAction(
  { role: 'admin', audit: 'user.disable' },
  z.object({ username, disabled: z.boolean() }),
  async ({ username, disabled }, { audit }) => {
    await setUserDisabled(getMetaStore().prisma, username, disabled, audit!);
    revalidatePath('/users');
    return { username, disabled };
  },
);

export const resetPasswordAction = serverAction(
  { role: 'admin', audit: 'user.reset-password' },
  z.object({ username }),
  async ({ username }, { audit }) => {
    const password = await resetPassword(getMetaStore().prisma, username, audit!);
    revalidatePath('/users');
    return { username, password };
  },
);
