'use client';
import { useQuery } from '@tanstack/react-query';
import type { JobResponse } from '@/app/api/jobs/[id]/route';

export const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'NOT_FOUND'];

/** Polls a job every second while it runs; stops by itself on a terminal status. */
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
    refetchInterval: (query) => (query.state.data && TERMINAL.includes(query.state.data.status) ? false : 1000),
  });
}
