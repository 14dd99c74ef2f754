import { PageSkeleton } from '@/components/route-states';

export default function Loading() {
  return <PageSkeleton title="Snapshots" />;
}
