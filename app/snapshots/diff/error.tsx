'use client';
import { RouteError } from '@/components/route-states';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <RouteError error={error} reset={reset} what="the comparison" />;
}
