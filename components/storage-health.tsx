'use client';
// Whether the backup storage can be reached. A banner says so on every page, and mutating
// controls read `useStorageOk()` to disable themselves. Polls every 10 s; never spins.
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import type { HealthResponse } from '@/app/api/storage/health/route';

const HealthContext = createContext<{ ok: boolean; message: string | null }>({ ok: true, message: null });

export function StorageHealthProvider({
  children,
  initialOk,
  initialMessage,
  enabled,
}: {
  children: ReactNode;
  initialOk: boolean;
  initialMessage: string | null;
  enabled: boolean;
}) {
  const { data, isError } = useQuery({
    queryKey: ['health'],
    queryFn: async (): Promise<HealthResponse> => {
      const response = await fetch('/api/storage/health', { cache: 'no-store' });
      if (!response.ok) throw new Error(`health check answered ${response.status}`);
      return response.json();
    },
    initialData: {
      storage: initialOk ? { ok: true as const } : { ok: false as const, message: initialMessage ?? 'unreachable' },
    },
    refetchInterval: 10_000,
    enabled, // only a signed-in user may ask
  });
  const value = isError
    ? { ok: false, message: 'the console server does not answer' }
    : data.storage.ok
      ? { ok: true, message: null }
      : { ok: false, message: data.storage.message };
  return <HealthContext.Provider value={value}>{children}</HealthContext.Provider>;
}

export function useStorageOk(): boolean {
  return useContext(HealthContext).ok;
}

export function StorageBanner() {
  const { ok, message } = useContext(HealthContext);
  if (ok) return null;
  return (
    <div role="alert" className="banner banner-error" data-testid="storage-banner">
      <strong>Backup storage unreachable.</strong> Backups, deletions and setting changes are disabled until it answers
      again. <span className="banner-detail">{message}</span>
    </div>
  );
}
