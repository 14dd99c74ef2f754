// The PostgreSQL schema is the canonical SQLite one with another provider and output folder.
export function derivePostgresSchema(source: string): string {
  const out = source
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output       = "../lib/meta/generated/sqlite"', 'output       = "../../lib/meta/generated/postgresql"')
    .replace(
      /^\/\/ Canonical meta store schema[^\n]*\n(\/\/[^\n]*\n)*/,
      '// GENERATED from prisma/schema.prisma by scripts/prisma-generate.ts: do not edit.\n',
    );
  if (!out.includes('provider = "postgresql"') || !out.includes('generated/postgresql')) {
    throw new Error('prisma/schema.prisma no longer has the provider/output lines this script rewrites');
  }
  return out;
}
