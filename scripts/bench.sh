#!/usr/bin/env bash
# `npm run bench -- [--scale S|L] [--rounds N]`: starts PostgreSQL and the S3 server like `npm test`, builds
# the console, runs the backup and restore benchmark (bench/run.ts) and the console benchmark
# (bench/console.ts), and stops what it started. Prints Markdown tables for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d /tmp/mbc-bench.XXXXXX)
export NEXT_TELEMETRY_DISABLED=1
# shellcheck source=scripts/services/common.sh
. scripts/services/common.sh
trap 'services_stop "$ROOT"; rm -rf "$WORK"' EXIT
services_start "$ROOT" "$WORK"
export PG_URL
node --import tsx bench/run.ts "$@"
node node_modules/next/dist/bin/next build >"$WORK/next-build.log" 2>&1 || { tail -30 "$WORK/next-build.log" >&2; exit 1; }
node --import tsx bench/console.ts
