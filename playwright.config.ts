// Browser tests in Debian's Chromium against `next start`, once per target that
// e2e/prepare.ts set up (SQLite + fs:// and PostgreSQL + the S3 server).
import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { OIDC_CLIENT, OIDC_ISSUER, OIDC_ROLE_MAP } from './e2e/oidc-provider';

interface Target {
  name: string;
  port: number;
  databaseUrl: string;
  backupUrl: string;
  dataDir: string;
}

const targetsFile = path.join(import.meta.dirname, 'e2e/.targets.json');
const targets: Target[] = fs.existsSync(targetsFile) ? JSON.parse(fs.readFileSync(targetsFile, 'utf8')) : [];

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT ?? 'test-results/e2e.json' }]],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    viewport: { width: 1366, height: 900 },
    trace: 'retain-on-failure',
  },
  projects: targets.map((t) => ({ name: t.name, use: { baseURL: `http://127.0.0.1:${t.port}` }, metadata: t })),
  // Started in order: the OpenID provider before the consoles that discover it.
  webServer: [
    {
      command: 'node --import tsx e2e/oidc-provider.ts',
      url: `${OIDC_ISSUER}/.well-known/openid-configuration`,
      env: { OIDC_CONSOLE_PORTS: targets.map((t) => t.port).join(',') },
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    ...targets.map((t) => ({
      command: `node node_modules/next/dist/bin/next start -H 127.0.0.1 -p ${t.port}`,
      url: `http://127.0.0.1:${t.port}/api/health`,
      env: {
        DATABASE_URL: t.databaseUrl,
        CONSOLE_DATA_DIR: t.dataDir,
        NEXT_TELEMETRY_DISABLED: '1',
        OIDC_ISSUER,
        OIDC_CLIENT_ID: OIDC_CLIENT.id,
        OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
        OIDC_ROLE_MAP,
        OIDC_NAME: 'the test provider',
      },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore' as const,
      stderr: 'pipe' as const,
    })),
  ],
});
