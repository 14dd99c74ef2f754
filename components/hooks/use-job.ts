'use client';
import { useQuery } from '@tanstack/react-query';
import type { JobResponse } from '@/app/api/jobs/[id]/route';

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'NOT_FOUND'];

/** Still to change: running, or succeeded with its verify-after-backup not yet recorded. */
function settled(job: JobResponse | { id: string; status: 'NOT_FOUND' }): boolean {
  if (!TERMINAL.includes(job.status)) return false;
  return !('verify' in job) || job.status !== 'SUCCEEDED' || !job.verify || job.verification !== null;
}

/** Polls a job every second while it runs (and verifies); stops by itself once it has settled. */
export function useJob(id: string | null) {
  return useQuery({
    queryKey: ['job', id],
    enabled: id !== null,
    queryFn: async (): Promise<JobResponse | { id: string; status: 'NOT_FOUND' }> => {
      const response = await fetch(`/api/jobs/${id}`, { cache: 'no-store' });
      if (response.status === 404) return { id: id!, status: 'NOT_FOUND' };
      if (!response.ok) throw new Error(`job status answered ${response.status}`);
      return response.json();
    },
    refetchInterval: (query) => (query.state.data && settled(query.state.data) ? false : 1000),
  });
}
