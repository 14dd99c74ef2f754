import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="empty">
      <h1>Page not found</h1>
      <Link href="/">Back to the snapshots</Link>
    </div>
  );
}
