// restore --target-url URL --snapshot-id ID [--backup-url U --backup-dir D] [--dry-run] [--validate-integrity]
//         [--overwrite-hummock-url U --overwrite-hummock-dir D --overwrite-backup-url U --overwrite-backup-dir D]
import { restoreSnapshot } from '../../lib/backup/restore.ts';
import { maskUrl } from '../../lib/object-store/url.ts';
import { parseId, UsageError } from '../args.ts';
import { audited } from '../audited.ts';
import type { CommandContext } from '../context.ts';

export async function runRestore({ manager, prisma, flags, print }: CommandContext): Promise<number> {
  const target = flags['target-url'];
  if (!target) throw new UsageError('restore needs --target-url');
  const snapshotId = parseId(flags['snapshot-id'], '--snapshot-id');
  const overwriteFlags = [
    flags['overwrite-hummock-url'],
    flags['overwrite-hummock-dir'],
    flags['overwrite-backup-url'],
    flags['overwrite-backup-dir'],
  ];
  if (overwriteFlags.some(Boolean) && !overwriteFlags.every(Boolean)) {
    throw new UsageError(
      '--overwrite-hummock-url, --overwrite-hummock-dir, --overwrite-backup-url and --overwrite-backup-dir must be set simultaneously',
    );
  }
  const storage =
    flags['backup-url'] || flags['backup-dir']
      ? await manager.openStorageAt({ url: flags['backup-url'], directory: flags['backup-dir'] })
      : await manager.storage();
  const report = await audited(
    prisma,
    flags['dry-run'] ? 'snapshot.restore-check' : 'snapshot.restore',
    `snapshot ${snapshotId} into ${maskUrl(target)}`,
    () =>
      restoreSnapshot({
        targetUrl: target,
        snapshotId,
        storage,
        dryRun: flags['dry-run'],
        validateIntegrity: flags['validate-integrity'],
        overwrite: overwriteFlags.every(Boolean)
          ? {
              hummockUrl: flags['overwrite-hummock-url']!,
              hummockDirectory: flags['overwrite-hummock-dir']!,
              backupUrl: flags['overwrite-backup-url']!,
              backupDirectory: flags['overwrite-backup-dir']!,
            }
          : undefined,
      }),
  );
  const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
  print(
    report.dryRun
      ? `dry run: snapshot ${report.snapshotId} (Hummock version ${report.hummockVersionId}, ${total} rows) can be restored into ${maskUrl(target)}; nothing was written`
      : `restored snapshot ${report.snapshotId} (Hummock version ${report.hummockVersionId}, ${total} rows) into ${maskUrl(target)} in ${(report.durationMs / 1000).toFixed(1)} s; id sequences from snapshot ${report.sequencesFrom}`,
    report,
  );
  return 0;
}
