# Sourced by scripts/test.sh and scripts/bench.sh: start and stop the services they share, a
# private PostgreSQL (in $WORK) and the S3 server (in .test-services/s3, kept between runs).
# Sets PG_URL and exports S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY.

services_start() {
  local root=$1 work=$2
  SERVICES_PG_DIR=$work/postgres
  SERVICES_S3_DIR=$root/.test-services/s3
  SERVICES_STARTED_S3=0
  mkdir -p "$SERVICES_PG_DIR" "$root/.test-services"
  chmod 755 "$work" # the PostgreSQL server runs as the postgres user
  PG_URL=$(bash "$root/scripts/services/postgres.sh" start "$SERVICES_PG_DIR" | sed -n 's/^DATABASE_URL=//p')
  [[ -n $PG_URL ]] || { echo "PostgreSQL did not start" >&2; return 1; }
  if ! { [[ -f $SERVICES_S3_DIR/env ]] && (exec 3<>"/dev/tcp/127.0.0.1/$(sed -n 's/^S3_ENDPOINT=.*://p' "$SERVICES_S3_DIR/env")") 2>/dev/null; }; then
    SERVICES_STARTED_S3=1
  fi
  bash "$root/scripts/services/s3-server.sh" start "$SERVICES_S3_DIR" >/dev/null || { echo "the S3 server did not start" >&2; return 1; }
  set -a
  # shellcheck disable=SC1091
  . "$SERVICES_S3_DIR/env"
  set +a
}

# Stops what services_start started (an S3 server that was already running stays).
# Always succeeds: under `set -e` (bench.sh's exit trap) a false test here ended the script with
# status 1 before its work directory was removed.
services_stop() {
  local root=$1
  if [[ -n ${SERVICES_PG_DIR:-} ]]; then bash "$root/scripts/services/postgres.sh" stop "$SERVICES_PG_DIR" || true; fi
  if ((${SERVICES_STARTED_S3:-0})); then bash "$root/scripts/services/s3-server.sh" stop "$SERVICES_S3_DIR" || true; fi
  return 0
}
