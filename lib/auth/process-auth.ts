// The one better-auth instance of a server process, on the meta store named by DATABASE_URL.
import type { MetaStore } from '../meta/client.ts';
import { getMetaStore } from '../meta/shared-store.ts';
import { createConsoleAuth, type ConsoleAuth } from './auth.ts';
import { oidcConfig } from './oidc-config.ts';
import { consoleOrigins } from './origins.ts';
import { authSecret } from './secret.ts';
import { sessionPolicy, type SessionPolicy } from './session-policy.ts';

type Holder = { auth: ConsoleAuth; policy: SessionPolicy; meta: MetaStore };
const holder = globalThis as typeof globalThis & { __consoleAuth?: Holder };

export function getConsoleAuth(): { auth: ConsoleAuth; policy: SessionPolicy } {
  const meta = getMetaStore();
  // Made again when the process's meta store was (tests switch stores between suites).
  if (holder.__consoleAuth?.meta !== meta) {
    const policy = sessionPolicy();
    holder.__consoleAuth = {
      auth: createConsoleAuth({ meta, secret: authSecret(), origins: consoleOrigins(), oidc: oidcConfig(), policy }),
      policy,
      meta,
    };
  }
  return holder.__consoleAuth;
}
