#!/usr/bin/env bash
# `npm run bench -- [--scale S|L]`: starts PostgreSQL and the S3 server like `npm test`, runs
# bench/run.ts, stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d /tmp/mbc-bench.XXXXXX)
# shellcheck source=scripts/services/common.sh
. scripts/services/common.sh
trap 'services_stop "$ROOT"; rm -rf "$WORK"' EXIT
services_start "$ROOT" "$WORK"
export PG_URL
node --import tsx bench/run.ts "$@"
