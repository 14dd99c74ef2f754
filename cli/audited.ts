// The audit rows of the CLI's mutations.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { settlePendingAudit, type PendingAudit } from '../lib/meta/audit-log.ts';
import type { MetaClient } from '../lib/meta/client.ts';

/** The CLI holds the meta store's own credentials; it acts as the operating system's user. */
export const cliActor = (): string => {
  let name = process.env.USER;
  try {
    name = os.userInfo().username;
  } catch {
    // no passwd entry: keep $USER
  }
  return `cli:${name || 'unknown'}`;
};

/** Runs a mutation with its audit row: "ok" (unless the core wrote it with the change), or the error's code. */
export async function audited<T>(
  prisma: MetaClient,
  action: string,
  target: string | null,
  work: (audit: PendingAudit) => Promise<T>,
): Promise<T> {
  const audit: PendingAudit = {
    actor: cliActor(),
    address: null,
    userAgent: 'ctl',
    requestId: randomUUID(),
    action,
    target,
  };
  let result: T;
  try {
    result = await work(audit);
  } catch (error) {
    await settlePendingAudit(prisma, audit, error);
    throw error;
  }
  await settlePendingAudit(prisma, audit);
  return result;
}
