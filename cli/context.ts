// What ctl hands each command.
import type { BackupManager } from '../lib/backup/backup-manager.ts';
import type { MetaClient, MetaStore } from '../lib/meta/client.ts';
import type { Flags } from './args.ts';
import type { Print } from './print.ts';

export interface CommandContext {
  manager: BackupManager;
  prisma: MetaClient;
  meta: MetaStore;
  flags: Flags;
  /** The positionals after the command's name. */
  args: string[];
  print: Print;
}

/** Runs one command; resolves to the exit code, throws a UsageError on bad usage. */
export type Command = (ctx: CommandContext) => Promise<number>;
