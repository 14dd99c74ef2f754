// What the console exposes, enumerated from its files and its build: every route handler, page
// and server action, for the suites that must call each one (security, bad input).
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** "METHOD /api/..." of every exported handler of every route file, but better-auth's own. */
export function routesInApp(): string[] {
  return walk(path.join(root, 'app/api'))
    .filter((f) => f.endsWith('/route.ts') && !f.includes('/api/auth/'))
    .flatMap((file) => {
      const route = `/${path.relative(path.join(root, 'app'), path.dirname(file))}`;
      return [...fs.readFileSync(file, 'utf8').matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map(
        (m) => `${m[1]} ${route}`,
      );
    });
}

export function pagesInApp(): string[] {
  return walk(path.join(root, 'app'))
    .filter((f) => f.endsWith('/page.tsx'))
    .map((f) => `/${path.relative(path.join(root, 'app'), path.dirname(f))}`.replace(/\/\([^)]+\)/g, '') || '/');
}

/** "file#export" of every server action, with the id the build gave it. */
export function actionsInBuild(): Map<string, string> {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(root, '.next/server/server-reference-manifest.json'), 'utf8'),
  ) as { node: Record<string, { filename: string; exportedName: string }> };
  return new Map(Object.entries(manifest.node).map(([id, entry]) => [`${entry.filename}#${entry.exportedName}`, id]));
}

export function actionsInApp(): string[] {
  return walk(path.join(root, 'app'))
    .filter((f) => f.endsWith('/actions.ts'))
    .flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/export const (\w+) = serverAction\(/g)].map(
        (m) => `${path.relative(root, file)}#${m[1]}`,
      ),
    );
}
