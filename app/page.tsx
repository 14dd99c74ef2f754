import { getMetaStore } from '@/lib/meta/shared-store';

// Reads the live meta store on every request.
export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const { prisma } = getMetaStore();
  const [cluster, relations, ssts, version] = await Promise.all([
    prisma.cluster.findFirst(),
    prisma.relation.count(),
    prisma.hummockSstableInfo.count(),
    prisma.hummockVersion.findUnique({ where: { id: 1 } }),
  ]);
  return (
    <section>
      <h1>Meta store</h1>
      {cluster ? (
        <table>
          <tbody>
            <tr><th scope="row">Cluster</th><td>{cluster.cluster_id}</td></tr>
            <tr><th scope="row">Relations</th><td>{relations.toLocaleString('en-US')}</td></tr>
            <tr><th scope="row">SSTs in the current version</th><td>{ssts.toLocaleString('en-US')}</td></tr>
            <tr><th scope="row">Hummock version</th><td>{version?.version_id.toString() ?? '–'}</td></tr>
          </tbody>
        </table>
      ) : (
        <p className="muted">The meta store holds no cluster yet. Run <code>npm run seed</code>.</p>
      )}
    </section>
  );
}
