'use client';
import { SstList } from './sst-list';

export function SnapshotSsts({ id }: { id: string }) {
  return (
    <SstList<string>
      source={`/api/snapshots/${id}/ssts`}
      columns={['Object id']}
      row={(sst) => [sst]}
      rowKey={(sst) => sst}
      label="Pinned SSTs of this snapshot"
    />
  );
}

export function PinnedSsts() {
  return (
    <SstList<{ objectId: string; snapshotIds: string[] }>
      source="/api/pinned-ssts"
      columns={['Object id', 'Pinned by snapshots']}
      row={(p) => [p.objectId, p.snapshotIds.join(', ')]}
      rowKey={(p) => p.objectId}
      label="Pinned SSTs"
    />
  );
}
