#!/usr/bin/env bash
# Start or stop a private PostgreSQL for tests: a fresh cluster in DIR on a free loopback port.
#
#   scripts/services/postgres.sh start DIR   # prints DATABASE_URL=postgresql://..., writes DIR/env
#   scripts/services/postgres.sh stop DIR
#
# initdb and the server refuse to run as root, so they run as the `postgres` user when we are root.
set -euo pipefail

readonly TIMEOUT=${POSTGRES_TIMEOUT:-60}
log() { printf 'postgres: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

find_bin_dir() {
  local candidate
  for candidate in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")" /usr/lib/postgresql/*/bin; do
    if [[ -x $candidate/initdb && -x $candidate/pg_ctl && -x $candidate/postgres ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_installed() {
  if ! find_bin_dir >/dev/null; then
    log "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends postgresql >&2
  fi
  find_bin_dir >/dev/null || die "no initdb/pg_ctl/postgres found after installing"
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

free_port() {
  local port
  for ((port = 55432; port < 55532; port++)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

start() {
  ensure_installed
  local bin port
  bin=$(find_bin_dir)
  mkdir -p "$DIR"
  if [[ -f $DIR/env && -f $DIR/data/postmaster.pid ]] && as_owner "$bin/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    grep '^DATABASE_URL=' "$DIR/env"
    return 0
  fi
  if [[ ! -f $DIR/data/PG_VERSION ]]; then
    [[ $(id -u) -eq 0 ]] && { id postgres >/dev/null 2>&1 || as_owner true; chown postgres "$DIR"; }
    as_owner "$bin/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$DIR/initdb.log" 2>&1 || { tail -20 "$DIR/initdb.log" >&2; die "initdb failed"; }
  fi
  port=$(free_port) || die "no free port in 55432-55531"
  log "starting on 127.0.0.1:$port"
  as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t "$TIMEOUT" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $DIR/data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2 \
    || { tail -20 "$DIR/server.log" >&2; die "the server did not start"; }
  printf 'DATABASE_URL=postgresql://postgres@127.0.0.1:%s/postgres\n' "$port" >"$DIR/env"
  cat "$DIR/env"
}

stop() {
  local bin
  [[ -d $DIR/data ]] || return 0
  bin=$(find_bin_dir) || return 0
  as_owner "$bin/pg_ctl" -D "$DIR/data" -m fast -w -t "$TIMEOUT" stop >&2 2>/dev/null || true
}

[[ $# -eq 2 ]] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
DIR=$(realpath -m "$2")
case $1 in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
