import type { Jsonified } from '@/lib/backup/json-view';
import type { ManifestSummary } from '@/lib/backup/manifest';
import { route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type ManifestResponse = Jsonified<ManifestSummary>;

/** The manifest: every snapshot with the SSTs it pins. */
export const GET = route({ role: 'viewer' }, async ({ manager }) => manager.manifest());
