// Where fs:// stores may live: FS_STORAGE_ROOTS, a colon-separated list of directories
// (default ./data), the same for the console, the API and the CLI. A path is checked through
// realpath, so neither `..` nor a symbolic link leads out of its root, and a root or path on a
// pseudo file system (/proc, /sys, ...) is refused: reading one can hang a process.
import fs from 'node:fs';
import path from 'node:path';
import { ObjectStoreError } from './types.ts';

type Env = Record<string, string | undefined>;

/** statfs magic numbers of Linux pseudo file systems. */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x42494e4d, 'binfmt_misc'],
  [0x6e736673, 'nsfs'],
  [0xcafe4a11, 'bpf'],
  [0x50495045, 'pipefs'],
  [0x534f434b, 'sockfs'],
  [0x62646576, 'bdev'],
  [0xf97cff8c, 'selinuxfs'],
  [0x6165676c, 'pstore'],
  [0x5a3c69f0, 'apparmorfs'],
  [0x958458f6, 'hugetlbfs'],
]);
/** Pseudo file systems by where Linux mounts them, for a path that cannot be statfs'd. */
const PSEUDO_MOUNTS = ['/proc', '/sys', '/dev'];

function refuse(message: string): never {
  throw new ObjectStoreError('INVALID_URL', message);
}

/** The real path of `target`: its deepest existing ancestor through realpath, then the rest. */
export function realPathOf(target: string): string {
  let existing = path.resolve(target);
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(existing), ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = path.dirname(existing);
      if (parent === existing) return path.join(existing, ...rest.reverse());
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

function pseudoFileSystem(realPath: string): string | null {
  const mount = PSEUDO_MOUNTS.find((m) => realPath === m || realPath.startsWith(`${m}/`));
  if (mount) return mount;
  let existing = realPath;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  try {
    return PSEUDO_FILE_SYSTEMS.get(Number(fs.statfsSync(existing).type)) ?? null;
  } catch {
    return null;
  }
}

const within = (child: string, root: string) =>
  child === root || child.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);

export function fsStorageRoots(env: Env = process.env, cwd: string = process.cwd()): string[] {
  const configured = (env.FS_STORAGE_ROOTS ?? '')
    .split(':')
    .map((r) => r.trim())
    .filter(Boolean);
  const roots = (configured.length ? configured : ['./data']).map((root) => realPathOf(path.resolve(cwd, root)));
  for (const root of roots) {
    const pseudo = pseudoFileSystem(root);
    if (pseudo) refuse(`FS_STORAGE_ROOTS: ${root} is on a pseudo file system (${pseudo})`);
    if (root === path.parse(root).root)
      refuse('FS_STORAGE_ROOTS: the file system root itself cannot be a storage root');
  }
  return roots;
}

/** The real path of an fs:// store, if it lies inside one of `roots`; refused otherwise. */
export function confineFsPath(target: string, roots: readonly string[]): string {
  const real = realPathOf(target);
  const pseudo = pseudoFileSystem(real);
  if (pseudo)
    refuse(
      `fs:// location ${target} is on a pseudo file system (${pseudo}): choose a directory under ${roots.join(' or ')}`,
    );
  if (!roots.some((root) => within(real, root))) {
    refuse(
      `fs:// location ${target}${real === path.resolve(target) ? '' : ` (really ${real})`} is outside the storage roots ${roots.join(', ')}: set FS_STORAGE_ROOTS to allow it`,
    );
  }
  return real;
}

/** Whether `target` (a file of a store rooted at `realRoot`) still resolves inside it. */
export function staysInside(target: string, realRoot: string): boolean {
  return within(realPathOf(target), realRoot);
}
