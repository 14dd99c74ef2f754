'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { StorageHealthProvider } from './storage-health';

export function Providers({ children, storageOk, storageMessage }: { children: ReactNode; storageOk: boolean; storageMessage: string | null }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }));
  return (
    <QueryClientProvider client={client}>
      <StorageHealthProvider initialOk={storageOk} initialMessage={storageMessage}>
        {children}
      </StorageHealthProvider>
    </QueryClientProvider>
  );
}
