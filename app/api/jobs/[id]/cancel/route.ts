import { idSchema } from '@/lib/backup/validation';
import { parseWith, route } from '../../../_lib/route';

export const dynamic = 'force-dynamic';

/** Cancels a running job: its upload is aborted and it leaves no snapshot. */
export const POST = route<{ id: string }>(async ({ params, manager }) => manager.cancelJob(parseWith(idSchema, params.id)));
