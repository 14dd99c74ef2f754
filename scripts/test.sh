#!/usr/bin/env bash
# `npm test`: starts what the tests need (a private PostgreSQL, Ceph's radosgw as the S3
# server), runs every suite against them, stops what it started, and ends with one line:
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d /tmp/mbc-test.XXXXXX)
export NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
# shellcheck source=scripts/services/common.sh
. scripts/services/common.sh

log() { printf '\n== %s\n' "$*" >&2; }

cleanup() {
  services_stop "$ROOT"
  rm -rf "$WORK"
}
trap cleanup EXIT

fail_setup() {
  echo "test setup failed: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

[[ -d node_modules ]] || npm install --no-audit --no-fund || fail_setup "npm install"

# Temporary directories the tests make (meta stores, fs:// stores) go where cleanup removes them.
export TMPDIR=$WORK/tmp
mkdir -p "$TMPDIR"
# fs:// stores of the tests live there too, and the demo cluster's Hummock store under ./data.
export FS_STORAGE_ROOTS=$WORK:$ROOT/data

# The checks that need no service come first, so a type error, a lint finding or a unit failure
# is named in seconds instead of after the browser suite.
checks_failed=()
log "typecheck (tsc)"
npx tsc --noEmit || checks_failed+=(typecheck)
log "lint and format (biome)"
npx biome check . || checks_failed+=(lint)
log "unit tests (no services)"
mapfile -t unit_files < <(bash scripts/test-unit.sh --list)
node --import tsx --test --test-reporter=tap "${unit_files[@]}" 2>&1 | tee "$WORK/unit-tests.tap"
unit_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$WORK/unit-tests.tap" | tail -1)
unit_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$WORK/unit-tests.tap" | tail -1)
[[ ${unit_fail:-1} == 0 && -n $unit_pass ]] || checks_failed+=(unit)
if ((${#checks_failed[@]} > 0)); then
  echo "failed before the full suite: ${checks_failed[*]}" >&2
  echo
  checks_fail=${#checks_failed[@]}
  [[ " ${checks_failed[*]} " == *" unit "* && ${unit_fail:-0} -gt 1 ]] && checks_fail=$((checks_fail - 1 + unit_fail))
  echo "${unit_pass:-0} passed, $checks_fail failed"
  exit 1
fi

if [[ ! -x /usr/bin/chromium ]]; then
  log "installing Debian's Chromium for the browser tests"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } >&2 || fail_setup "installing chromium"
fi
if ! command -v promtool >/dev/null; then
  # test/metrics-promtool.test.ts checks /api/metrics, deploy/prometheus's rules and their tests with it.
  log "installing Debian's Prometheus for promtool"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus; } >&2 ||
    fail_setup "installing prometheus (promtool)"
fi

log "starting PostgreSQL and the S3 server (radosgw)"
services_start "$ROOT" "$WORK" || fail_setup "the test services did not start"

log "preparing migrated template meta stores"
psql -q "$PG_URL" -c 'CREATE DATABASE mbc_template' || fail_setup "cannot create the template database"
export TEST_POSTGRES_URL=$PG_URL TEST_POSTGRES_TEMPLATE=mbc_template
export TEST_SQLITE_TEMPLATE=$WORK/template.db
DATABASE_URL=${PG_URL%/*}/mbc_template node --import tsx scripts/migrate.ts || fail_setup "migrating the PostgreSQL template"
DATABASE_URL=file:$TEST_SQLITE_TEMPLATE node --import tsx scripts/migrate.ts || fail_setup "migrating the SQLite template"

passed=$unit_pass
failed=0


log "integration tests (node --test): SQLite, PostgreSQL, fs://, S3"
mapfile -t test_files < <(find lib test -name '*.test.ts' -not -path '*/generated/*' | sort | grep -vxFf <(printf '%s\n' "${unit_files[@]}"))
node --import tsx --test --test-reporter=tap --test-timeout=180000 "${test_files[@]}" 2>&1 | tee "$WORK/node-tests.tap"
node_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$WORK/node-tests.tap" | tail -1)
node_fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$WORK/node-tests.tap" | tail -1)
if [[ -z $node_pass || -z $node_fail ]]; then node_pass=0; node_fail=1; echo "node's test runner printed no summary" >&2; fi
passed=$((passed + node_pass))
failed=$((failed + node_fail))

log "browser tests (Playwright, Chromium, next start): SQLite + fs:// and PostgreSQL + S3"
if node node_modules/next/dist/bin/next build >"$WORK/next-build.log" 2>&1 && node --import tsx e2e/prepare.ts "$WORK"; then
  PLAYWRIGHT_JSON_OUTPUT=$WORK/e2e.json node node_modules/@playwright/test/cli.js test
  read -r e2e_pass e2e_fail < <(node -e '
    try {
      const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).stats;
      console.log(s.expected + s.flaky, s.unexpected + (s.expected + s.unexpected + s.flaky === 0 ? 1 : 0));
    } catch { console.log(0, 1); }' "$WORK/e2e.json")
else
  tail -30 "$WORK/next-build.log" >&2
  echo "could not build the console or prepare the browser test targets" >&2
  e2e_pass=0
  e2e_fail=1
fi
passed=$((passed + e2e_pass))
failed=$((failed + e2e_fail))

# Stop the services first, so the summary is the last line.
cleanup >/dev/null 2>&1
trap - EXIT
echo
echo "$passed passed, $failed failed"
((failed == 0))
