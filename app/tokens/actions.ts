'use server';
// API tokens: create (the token is shown once) and revoke. Admin only.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { TOKEN_SCOPES } from '@/lib/auth/roles';
import { createToken, parseDuration, revokeToken } from '@/lib/auth/tokens';
import { getMetaStore } from '@/lib/meta/shared-store';
import { serverAction } from '../_lib/action';

const name = z.string().trim().min(1, 'give the token a name').max(64);

export const createTokenAction = serverAction(
  { role: 'admin', audit: 'token.create' },
  z.object({ name, scope: z.enum(TOKEN_SCOPES), expiresIn: z.string().trim().max(10).default('') }),
  async ({ name, scope, expiresIn }, { audit }) => {
    const { token, view } = await createToken(
      getMetaStore().prisma,
      { name, scope, expiresInMs: expiresIn ? parseDuration(expiresIn) : null },
      audit!,
    );
    revalidatePath('/tokens');
    return { token, name: view.name, scope: view.scope, expiresAt: view.expiresAt };
  },
);

export const revokeTokenAction = serverAction(
  { role: 'admin', audit: 'token.revoke' },
  z.object({ name }),
  async ({ name }, { audit }) => {
    await revokeToken(getMetaStore().prisma, name, audit!);
    revalidatePath('/tokens');
    return { name };
  },
);
