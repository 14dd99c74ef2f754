// config get, config set [--url U] [--dir D]
import { storageConfigSchema } from '../../lib/backup/validation.ts';
import { UsageError } from '../args.ts';
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';

export async function runConfig({ manager, prisma, flags, args, print }: CommandContext): Promise<number> {
  if (args[0] === 'get') {
    const config = await manager.getConfig();
    print(`url        ${config.displayUrl}\ndirectory  ${config.directory}`, {
      url: config.displayUrl,
      directory: config.directory,
    });
    return 0;
  }
  if (args[0] === 'set') {
    const parsed = storageConfigSchema.safeParse({ url: flags.url, directory: flags.dir });
    if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
    const result = await audited(prisma, 'storage.set', null, (audit) => manager.setConfig(parsed.data, audit));
    print(`backup storage is now ${result.displayUrl} ${result.directory} (${result.snapshots} snapshots there)`, {
      url: result.displayUrl,
      directory: result.directory,
      snapshots: result.snapshots,
    });
    return 0;
  }
  throw new UsageError('config takes get or set');
}
