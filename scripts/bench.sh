#!/usr/bin/env bash
# `npm run bench -- [--scale S|L] [--rounds N]`: starts PostgreSQL and the S3 server like `npm test`, builds
# the console, runs the backup and restore benchmark (bench/run.ts) and the console benchmark
# (bench/console.ts), and stops what it started. Prints Markdown tables for BENCHMARKS.md.
# `npm run bench -- --kept 0,10,100 [--scale S|L] [--limit-seconds N] [--rss-limit-mb N]` runs only
# the kept-snapshots benchmark (bench/kept.ts) instead: it needs no service (SQLite and fs://),
# builds the console and measures a backup, a delete and the console with K snapshots kept.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export NEXT_TELEMETRY_DISABLED=1
if [[ " $* " == *" --kept"* ]]; then
  LOG=$(mktemp /tmp/mbc-bench-build.XXXXXX)
  node node_modules/next/dist/bin/next build >"$LOG" 2>&1 || { tail -30 "$LOG" >&2; exit 1; }
  rm -f "$LOG"
  exec node --import tsx bench/kept.ts "$@"
fi
WORK=$(mktemp -d /tmp/mbc-bench.XXXXXX)
# shellcheck source=scripts/services/common.sh
. scripts/services/common.sh
trap 'services_stop "$ROOT"; rm -rf "$WORK"' EXIT
services_start "$ROOT" "$WORK"
export PG_URL
node --import tsx bench/run.ts "$@"
node node_modules/next/dist/bin/next build >"$WORK/next-build.log" 2>&1 || { tail -30 "$WORK/next-build.log" >&2; exit 1; }
node --import tsx bench/console.ts
