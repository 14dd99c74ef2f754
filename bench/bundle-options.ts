// How the benches compile what they run as child processes (the CLI, their own scripts): bundled
// ESM for Node, packages left external, so tsx's own memory is not counted in a figure.
import type { BuildOptions } from 'esbuild';

export const BUNDLE_OPTIONS = {
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
} as const satisfies BuildOptions;
