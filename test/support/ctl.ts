// Runs the ctl CLI as a script would, on a given meta store: exit code, stdout, stderr.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ctlPath = path.join(import.meta.dirname, '../../cli/ctl.ts');

export function ctlOn(databaseUrl: string) {
  return async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', ctlPath, ...args], {
        env: { ...process.env, DATABASE_URL: databaseUrl },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
}
