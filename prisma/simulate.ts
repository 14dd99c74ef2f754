// npm run simulate -- [--steps N] [--relations R] [--flush F] [--compact C]: advances the
// demo cluster so that successive snapshots differ and old SSTs leave the current version.
import { parseArgs } from 'node:util';
import { openMetaStore } from '../lib/meta/client.ts';
import { simulateStep } from '../lib/meta/demo-cluster.ts';

function count(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

async function main() {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string' },
      relations: { type: 'string' },
      flush: { type: 'string' },
      compact: { type: 'string' },
    },
    strict: true,
  });
  const store = openMetaStore();
  try {
    if ((await store.prisma.cluster.count()) === 0)
      throw new Error('the meta store holds no cluster: run `npm run seed` first');
    const steps = count('steps', values.steps, 1);
    for (let i = 0; i < steps; i++) {
      const step = await simulateStep(store.prisma, {
        relations: count('relations', values.relations, 2),
        flush: count('flush', values.flush, 3),
        compact: count('compact', values.compact, 4),
      });
      console.log(
        `version ${step.versionId}: +${step.newRelations.length} relations, +${step.added.length} SSTs, -${step.removed.length} SSTs`,
      );
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
