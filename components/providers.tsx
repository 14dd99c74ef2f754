'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { SessionProvider, type SessionUser } from './session';
import { StorageHealthProvider } from './storage-health';

export function Providers({
  children,
  storageOk,
  storageMessage,
  user,
}: {
  children: ReactNode;
  storageOk: boolean;
  storageMessage: string | null;
  user: SessionUser | null;
}) {
  const [client] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }),
  );
  return (
    <QueryClientProvider client={client}>
      <SessionProvider user={user}>
        <StorageHealthProvider initialOk={storageOk} initialMessage={storageMessage} enabled={user !== null}>
          {children}
        </StorageHealthProvider>
      </SessionProvider>
    </QueryClientProvider>
  );
}
