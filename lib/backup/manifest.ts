// The manifest (`{dir}/manifest.json`): RisingWave's JSON layout, 64-bit values exact.
import { z } from 'zod';
import { BackupError } from './errors.ts';
import { parseJson64, stringifyJson64, toBigInt } from './json64.ts';

export interface StateTableInfo {
  committed_epoch: bigint;
  compaction_group_id: bigint;
}

export interface SnapshotMetadata {
  id: bigint;
  hummock_version_id: bigint;
  /** Every SST object id the snapshot's Hummock version references: pinned against GC. */
  ssts: bigint[];
  format_version: number;
  remarks: string | null;
  state_table_info: Record<string, StateTableInfo>;
  rw_version: string | null;
  /** Ours (readers ignore unknown fields): when it was taken, its object's size, rows per table. */
  created_at?: string;
  size_bytes?: bigint;
  section_counts?: Record<string, number>;
}

export interface Manifest {
  manifest_id: bigint;
  snapshot_metadata: SnapshotMetadata[];
}

export const emptyManifest = (): Manifest => ({ manifest_id: 0n, snapshot_metadata: [] });

const u64 = z.unknown().transform((value, ctx) => {
  try {
    const n = toBigInt(value, 'value');
    if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new TypeError(`${n} is not a u64`);
    return n;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const stateTableInfoSchema = z.object({ committed_epoch: u64.default(0n), compaction_group_id: u64.default(0n) });

const snapshotMetadataSchema = z.object({
  id: u64,
  hummock_version_id: u64,
  ssts: z.array(u64).default([]),
  format_version: z.number().int().nonnegative().default(0),
  remarks: z.string().nullable().default(null),
  state_table_info: z.record(z.string().regex(/^\d+$/), stateTableInfoSchema).default({}),
  rw_version: z.string().nullable().default(null),
  created_at: z.string().optional(),
  size_bytes: u64.optional(),
  section_counts: z.record(z.string(), z.number().int().nonnegative()).optional(),
});

const manifestSchema = z.object({
  manifest_id: u64,
  snapshot_metadata: z.array(snapshotMetadataSchema),
});

export function parseManifest(bytes: Uint8Array | string, where = 'manifest.json'): Manifest {
  let json: unknown;
  try {
    json = parseJson64(bytes);
  } catch (error) {
    throw new BackupError('CORRUPT_MANIFEST', `${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BackupError('CORRUPT_MANIFEST', `${where} is not a valid manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data as Manifest;
}

export function serializeManifest(manifest: Manifest): string {
  return stringifyJson64(manifest);
}
