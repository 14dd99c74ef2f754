#!/usr/bin/env bash
# Start or stop a real S3 server for tests: Ceph's radosgw on a one-node cluster
# (1 monitor, 1 OSD on a sparse file, no manager), all state under DIR, loopback only.
#
#   scripts/services/s3-server.sh start DIR   # prints S3_ENDPOINT=http://127.0.0.1:PORT, writes DIR/env
#   scripts/services/s3-server.sh stop DIR
#
# Only the endpoint line goes to stdout, so callers can capture it; progress goes to stderr.
# Clients need forcePathStyle, region us-east-1 and requestChecksumCalculation /
# responseChecksumValidation 'WHEN_REQUIRED' (radosgw rejects the SDK's checksum trailer).
# The monitor always binds 127.0.0.1:3300 and :6789, so only one cluster can run at a time.
set -euo pipefail

readonly ACCESS_KEY=testkey
readonly SECRET_KEY=testsecret
readonly MON_ADDRS='[v2:127.0.0.1:3300,v1:127.0.0.1:6789]'
readonly TIMEOUT=${S3_SERVER_TIMEOUT:-60}   # seconds, per wait
readonly STOP_GRACE=15                      # seconds before SIGKILL
readonly FIRST_PORT=7480                    # radosgw's usual port; OSDs use 6800-7300
readonly PORT_TRIES=100

log() { printf 's3-server: %s\n' "$*" >&2; }

die() {
  log "error: $*"
  exit 1
}

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

# --- daemons: pid file, process name and logs per key ----------------------------------

comm_of() {
  case $1 in
    mon) echo ceph-mon ;;
    osd) echo ceph-osd ;;
    rgw) echo radosgw ;;
  esac
}

logs_of() {
  case $1 in
    mon) echo "$DIR/log/mon.a.log $DIR/log/mon.out" ;;
    osd) echo "$DIR/log/osd.0.log $DIR/log/osd.out" ;;
    rgw) echo "$DIR/log/client.rgw.a.log $DIR/log/rgw.out" ;;
  esac
}

pid_of() {
  local f="$DIR/$1.pid"
  [[ -s $f ]] && cat "$f"
}

# Alive = the pid still names the expected program and is not a zombie (checking the name
# guards against pid reuse after a reboot or crash; zombies linger where nothing reaps).
alive() {
  local pid state
  pid=$(pid_of "$1") || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$(comm_of "$1")" ]] || return 1
  state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ ${state:0:1} != Z ]]
}

# Foreground mode (-f) keeps $! equal to the daemon's pid; setsid + nohup detach it from the
# caller's terminal and signals, and closed stdio lets a caller that captures stdout finish.
launch() {
  local key=$1
  shift
  setsid nohup "$@" </dev/null >>"$DIR/log/$key.out" 2>&1 &
  echo $! >"$DIR/$key.pid"
}

tail_logs() {
  local f
  for f in $(logs_of "$1"); do
    if [[ -s $f ]]; then
      echo "----- last lines of $f -----" >&2
      tail -n 25 "$f" >&2
    fi
  done
}

# A failed start leaves no daemons behind: the cluster is unusable anyway and port 3300
# would block the next attempt.
fail() {
  local key=$1
  shift
  log "error: $*"
  tail_logs "$key"
  log "stopping the daemons under $DIR"
  stop_all >&2 || true
  exit 1
}

# wait_until KEY WHAT CMD...: poll CMD until it succeeds, the daemon dies, or TIMEOUT passes.
wait_until() {
  local key=$1 what=$2
  shift 2
  local deadline=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    alive "$key" || fail "$key" "$(comm_of "$key") exited while waiting for $what"
    ((SECONDS < deadline)) || fail "$key" "timed out after ${TIMEOUT}s waiting for $what"
    sleep 0.5
  done
}

# --- probes -----------------------------------------------------------------------------

ceph_cli() { timeout 20 ceph -c "$CONF" --connect-timeout 10 "$@"; }

mon_ready() { ceph_cli mon stat; }

# The osdmap can still say "up" from the previous run, so ask the OSD itself.
osd_active() {
  ceph --admin-daemon "$RUN/osd.0.asok" status | grep -q '"state": "active"'
}

port_in_use() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Any HTTP status line counts: the gateway only listens once it can reach RADOS.
http_answers() {
  (
    line=
    exec 3<>"/dev/tcp/127.0.0.1/$1"
    printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    IFS= read -r -t 5 line <&3
    [[ $line == HTTP/* ]]
  ) 2>/dev/null
}

# --- install ----------------------------------------------------------------------------

ensure_packages() {
  local c missing=0
  for c in ceph ceph-authtool monmaptool ceph-mon ceph-osd radosgw radosgw-admin; do
    command -v "$c" >/dev/null || missing=1
  done
  ((missing)) || return 0
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "Ceph is not installed and this is not root (no sudo)"
    sudo=(sudo)
  fi
  log "installing radosgw ceph-mon ceph-osd (about 60 MB)"
  "${sudo[@]}" apt-get update >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd >&2
}

# --- one-time setup ---------------------------------------------------------------------

# Every path Ceph would default to /var or /etc is pointed under DIR.
write_conf() {
  local fsid=$1
  cat >"$CONF" <<EOF
[global]
fsid = $fsid
keyring = $DIR/keyring
mon host = $MON_ADDRS
mon initial members = a
public network = 127.0.0.0/8
ms bind ipv6 = false
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
osd crush chooseleaf type = 0
# Tests often run on nearly full disks; keep the monitor from refusing to start.
mon data avail crit = 1
mon data avail warn = 2
run dir = $RUN
pid file = $RUN/\$name.pid
log file = $DIR/log/\$name.log
mon cluster log file = $DIR/log/cluster.log
crash dir = $DIR/crash

[mon]
mon data = $DIR/mon.\$id
admin socket = $RUN/\$name.asok

[osd]
osd data = $DIR/osd.\$id
admin socket = $RUN/\$name.asok
osd objectstore = bluestore
bluestore block path = $DIR/osd.\$id.block
bluestore block create = true
# Sparse file: only what is written takes disk space.
bluestore block size = 21474836480
osd memory target = 939524096

[client.rgw.a]
admin socket = $RUN/\$name.asok
rgw data = $DIR/rgw.a
# Reclaim the data of overwritten and deleted objects within seconds, not hours: benchmarks
# rewrite manifests of hundreds of MB, and a full OSD blocks every write.
rgw gc obj min wait = 0
rgw gc processor period = 10
EOF
}

# Runs a setup command with its chatter in DIR/log/setup.log (stdout must stay clean).
quiet() {
  if ! "$@" >>"$DIR/log/setup.log" 2>&1; then
    log "error: setup step failed: $*"
    tail -n 25 "$DIR/log/setup.log" >&2
    stop_all >&2 || true
    die "setup failed; remove $DIR before trying again"
  fi
}

setup_part1() {
  log "creating a new cluster in $DIR"
  mkdir -p "$DIR"/{log,crash,mon.a,osd.0,rgw.a} "$RUN"
  local fsid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"
  local kr="$DIR/keyring"
  quiet ceph-authtool --create-keyring "$kr" --gen-key -n mon. --cap mon 'allow *'
  quiet ceph-authtool "$kr" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *'
  quiet ceph-authtool "$kr" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *'
  quiet ceph-authtool "$kr" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx'
  chmod 600 "$kr"
  quiet monmaptool --create --fsid "$fsid" --addv a "$MON_ADDRS" "$DIR/monmap"
  # mkfs imports every key in the keyring into the monitor's auth database.
  quiet ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$kr"
}

# Needs the monitor running.
setup_part2() {
  local osd_uuid
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  quiet ceph_cli osd new "$osd_uuid" 0
  quiet timeout 120 ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid"
}

# Needs the OSD active; creates the gateway's pools as a side effect.
setup_part3() {
  quiet timeout 120 radosgw-admin -c "$CONF" user create --uid=test --display-name=test \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY"
  touch "$DIR/.setup-done"
}

# --- start ------------------------------------------------------------------------------

ensure_mon() {
  if ! alive mon; then
    local p
    for p in 3300 6789; do
      port_in_use "$p" && die "127.0.0.1:$p is taken (another Ceph cluster running?)"
    done
    log "starting monitor"
    launch mon ceph-mon -c "$CONF" -i a -f
  fi
  wait_until mon "the monitor to answer" mon_ready
}

ensure_osd() {
  if ! alive osd; then
    log "starting OSD"
    launch osd ceph-osd -c "$CONF" -i 0 -f
  fi
  wait_until osd "the OSD to become active" osd_active
}

# Reuse the last port when free, so the endpoint stays stable across restarts.
pick_port() {
  local p last=""
  [[ -s $DIR/rgw.port ]] && last=$(cat "$DIR/rgw.port")
  for p in $last $(seq "$FIRST_PORT" $((FIRST_PORT + PORT_TRIES - 1))); do
    if ! port_in_use "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

ensure_rgw() {
  if alive rgw && [[ -s $DIR/rgw.port ]]; then
    PORT=$(cat "$DIR/rgw.port")
  else
    PORT=$(pick_port) || die "no free port in $FIRST_PORT-$((FIRST_PORT + PORT_TRIES - 1))"
    echo "$PORT" >"$DIR/rgw.port"
    log "starting gateway on 127.0.0.1:$PORT"
    launch rgw radosgw -c "$CONF" -n client.rgw.a -f \
      --rgw-frontends "beast endpoint=127.0.0.1:$PORT"
  fi
  wait_until rgw "the gateway to answer on port $PORT" http_answers "$PORT"
}

start() {
  ensure_packages
  local fresh=0
  if [[ ! -e $DIR/.setup-done ]]; then
    if [[ -e $CONF ]]; then
      die "$DIR holds an unfinished cluster setup; remove it and start again"
    fi
    if [[ -d $DIR && -n $(ls -A "$DIR") ]]; then
      die "$DIR is not empty; give an empty or new directory"
    fi
    fresh=1
    setup_part1
  else
    # A cluster set up by an older version of this script: its paths (admin sockets) follow
    # this one's, the cluster itself (fsid, keys, data) is kept.
    write_conf "$(sed -n 's/^fsid = //p' "$CONF")"
    mkdir -p "$RUN"
  fi
  ensure_mon
  if ((fresh)); then setup_part2; fi
  ensure_osd
  if ((fresh)); then setup_part3; fi
  ensure_rgw
  local endpoint="http://127.0.0.1:$PORT"
  printf 'S3_ENDPOINT=%s\nS3_ACCESS_KEY=%s\nS3_SECRET_KEY=%s\n' \
    "$endpoint" "$ACCESS_KEY" "$SECRET_KEY" >"$DIR/env"
  log "ready after ${SECONDS}s"
  echo "S3_ENDPOINT=$endpoint"
}

# --- stop -------------------------------------------------------------------------------

stop_one() {
  local key=$1 pid i
  if alive "$key"; then
    pid=$(pid_of "$key")
    log "stopping $(comm_of "$key") (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_GRACE * 5; i++)); do
      alive "$key" || break
      sleep 0.2
    done
    if alive "$key"; then
      log "$(comm_of "$key") ignored SIGTERM for ${STOP_GRACE}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 25; i++)); do
        alive "$key" || break
        sleep 0.2
      done
    fi
  fi
  rm -f "$DIR/$key.pid"
}

# Gateway first (it needs the OSD), monitor last (the OSD reports its shutdown to it).
stop_all() {
  stop_one rgw
  stop_one osd
  stop_one mon
}

# --- main -------------------------------------------------------------------------------

(($# == 2)) || usage
[[ -n $2 ]] || usage
[[ $2 != *[[:space:]]* ]] || die "DIR must not contain whitespace (it goes into ceph.conf)"
if [[ $1 == stop && ! -d $2 ]]; then
  exit 0
fi
mkdir -p "$2"
DIR=$(cd "$2" && pwd -P)
readonly DIR
readonly CONF="$DIR/ceph.conf"
# Admin sockets live under a short path named after DIR: Unix socket paths are limited to 107
# bytes, and a checkout may sit deep (~/.cache/<40 characters>/...).
RUN=/tmp/mbc-ceph-$(printf %s "$DIR" | sha256sum | cut -c1-16)
readonly RUN

case $1 in
  start)
    # Already running and answering: nothing to do but report.
    if alive mon && alive osd && alive rgw && [[ -s $DIR/rgw.port ]] &&
      http_answers "$(cat "$DIR/rgw.port")"; then
      echo "S3_ENDPOINT=http://127.0.0.1:$(cat "$DIR/rgw.port")"
      exit 0
    fi
    start
    ;;
  stop)
    [[ -e $CONF ]] || exit 0
    stop_all
    ;;
  *) usage ;;
esac
