import Link from 'next/link';

export default function SnapshotNotFound() {
  return (
    <div className="empty">
      <h1>Snapshot not found</h1>
      <p className="muted">
        No snapshot with this id is in the manifest of the current backup storage. It may have been deleted, or it lives
        in another storage location.
      </p>
      <Link href="/">Back to the snapshots</Link>
    </div>
  );
}
