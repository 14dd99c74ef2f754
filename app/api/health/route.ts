import { route } from '../_lib/route';

export const dynamic = 'force-dynamic';

export type LivenessResponse = { ok: true };

/** Whether the console answers: for load balancers and the test harness. Nothing else without sign-in. */
export const GET = route({ role: 'public' }, async (): Promise<LivenessResponse> => ({ ok: true }));
