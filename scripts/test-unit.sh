#!/usr/bin/env bash
# The fast loop: the suites that need no service (no PostgreSQL, no S3 server, no build), in
# seconds. `npm run test:unit -- --watch` reruns them on change. CI runs everything (npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
export FS_STORAGE_ROOTS=${FS_STORAGE_ROOTS:-${TMPDIR:-/tmp}:$PWD/data}
mapfile -t files < <(find lib -name '*.test.ts' -not -path '*/generated/*' | sort; printf '%s\n' test/cli-help.test.ts test/page-roles.test.ts test/openapi.test.ts)
if [[ ${1:-} == --list ]]; then
  printf '%s\n' "${files[@]}"
  exit 0
fi
exec node --import tsx --test "$@" "${files[@]}"
