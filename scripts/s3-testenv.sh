#!/usr/bin/env bash
# A real S3 server for the tests: a one-node Ceph cluster (monitor, one memstore OSD) with its
# RADOS Gateway, on loopback only. RGW checks SigV4 signatures and Content-MD5, honours
# `If-None-Match: *`, lists unfinished multipart uploads and enforces bucket quotas: what the
# storage layer is tested against. Started by scripts/testenv.sh; everything lives in $S3_DIR.
#
# Usage: scripts/s3-testenv.sh start|stop|status|reset
#   start   idempotent: makes the cluster on first use, starts what is not running, creates the
#           test user, writes $S3_DIR/s3.json (endpoint, region, keys)
#   stop    SIGTERM and wait: rgw, then the OSD (which writes its memstore to disk), then the mon
#   reset   stop, delete every object, start fresh
set -euo pipefail

S3_DIR=${S3_DIR:-${STACK_TESTENV_DIR:-/tmp/stack-backup-testenv}/s3}
D=$S3_DIR/ceph
CONF=$D/ceph.conf
MON_PORT=${S3_MON_PORT:-46789}
OSD_PORTS=${S3_OSD_PORTS:-46800-46899}
HTTP_PORT=${S3_HTTP_PORT:-47480}
ENDPOINT=http://127.0.0.1:$HTTP_PORT
# Test-only keys for a server that listens on loopback and holds throwaway data.
ACCESS_KEY=STACKBACKUPTESTKEY01
SECRET_KEY=stack-backup-test-secret-0000000000000001
GW=client.rgw.stack
# Memstore keeps objects in RAM (about twice their size): room for the 10 GiB bench run.
MEMSTORE_BYTES=${S3_MEMSTORE_BYTES:-12884901888}

log() { printf '[s3-testenv %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
ceph_() { timeout 60 ceph -c "$CONF" --connect-timeout 30 "$@"; }

# The pid of a running daemon: its pid file names a live process of the right name.
running() {
  local pid state
  pid=$(cat "$D/run/$1.pid" 2>/dev/null) || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$state" != Z ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && echo "$pid"
}

write_conf() {
  cat >"$CONF" <<EOF
[global]
fsid = $1
mon host = [v2:127.0.0.1:$MON_PORT]
# loopback and messenger v2 only
ms bind msgr1 = false
ms bind ipv6 = false
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind port min = ${OSD_PORTS%-*}
ms bind port max = ${OSD_PORTS#*-}
# no cephx inside the cluster; S3 requests are still signed and checked by the gateway
auth cluster required = none
auth service required = none
auth client required = none
run dir = $D/run
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
log file = $D/log/\$name.log
mon cluster log file = $D/log/cluster.log
keyring = $D/keyring
mon data = $D/\$name
osd data = $D/\$name
# one OSD: one replica and few placement groups (no ceph-mgr, so no autoscaler)
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim allowed = false
# a throwaway on a shared disk: do not stop the monitor at 5 % free
mon data avail warn = 2
mon data avail crit = 1

[osd]
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
# memstore is saved to disk only on a clean stop, which Pacific's fast shutdown skips
osd fast shutdown = false

[$GW]
rgw frontends = beast endpoint=127.0.0.1:$HTTP_PORT
rgw data = $D/rgw
rgw thread pool size = 64
# freed objects are RAM: collect them within a minute, not two hours
rgw gc obj min wait = 30
rgw gc processor period = 30
# bucket quotas are checked against stats that are otherwise refreshed only every few minutes
# (a user quota sync interval of 0 made its thread spin at a third of a core: left at its default)
rgw bucket quota ttl = 0
# radosgw asks the monitor for the secure mode, which needs cephx; crc works with auth off
ms mon client mode = crc
EOF
}

start_daemon() {  # NAME COMM CMD...: the daemon forks; its stderr goes to a log
  local name=$1 comm=$2; shift 2
  running "$name" "$comm" >/dev/null && return 0
  log "starting $comm"
  "$@" >>"$D/log/$name.stderr" 2>&1 || die "$comm did not start, see $D/log/$name.log"
}

wait_for() {  # SECONDS WHAT CMD...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  die "$what did not come up within ${seconds}s (logs in $D/log)"
}

osd_up() { ceph_ osd dump | grep -q '^osd\.0 up'; }
http_ok() { [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$ENDPOINT/")" = 200 ]; }

make_cluster() {
  log "making a one-node Ceph cluster in $D"
  stop_all 10
  rm -rf "$D"; mkdir -p "$D"/{run,log,rgw,mon.a,osd.0}
  local fsid uuid
  fsid=$(uuidgen); uuid=$(uuidgen)
  write_conf "$fsid"
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" "$D/monmap" >/dev/null
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-mon -c "$CONF" -i a --mkfs --monmap "$D/monmap" --keyring "$D/keyring"
  start_daemon mon.a ceph-mon ceph-mon -c "$CONF" -i a
  wait_for 60 "ceph-mon" ceph_ mon stat
  [ "$(ceph_ osd new "$uuid")" = 0 ] || die "the new OSD did not get id 0"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$uuid" >"$D/log/osd-mkfs.log" 2>&1 || die "osd mkfs failed, see $D/log/osd-mkfs.log"
  touch "$D/osd.0/clean-stop" "$D/.made"
}

refresh_conf() {  # a cluster made by an older version of this script takes its settings; the gateway restarts to read them
  local before; before=$(cat "$CONF")
  write_conf "$(sed -n 's/^fsid = //p' "$CONF")"
  if [ "$before" != "$(cat "$CONF")" ]; then
    log "the gateway's settings changed: restarting radosgw"
    stop_one "$GW" radosgw 60 || true
  fi
}

cmd_start() {
  local began=$SECONDS
  mkdir -p "$S3_DIR"; chmod 700 "$S3_DIR"
  if [ ! -e "$D/.made" ]; then
    make_cluster
  elif [ ! -e "$D/osd.0/clean-stop" ] && ! running osd.0 ceph-osd >/dev/null; then
    # A memstore OSD that was killed lost its objects, and the cluster would wait for them forever.
    log "the OSD was not stopped cleanly and its objects are gone: starting a new cluster"
    make_cluster
  fi
  refresh_conf
  start_daemon mon.a ceph-mon ceph-mon -c "$CONF" -i a
  wait_for 60 "ceph-mon" ceph_ mon stat
  if ! running osd.0 ceph-osd >/dev/null; then
    rm -f "$D/osd.0/clean-stop"
    start_daemon osd.0 ceph-osd ceph-osd -c "$CONF" -i 0
  fi
  wait_for 120 "ceph-osd" osd_up
  start_daemon "$GW" radosgw radosgw -c "$CONF" -n "$GW"
  # The first start makes the gateway's pools: slow on a busy machine.
  wait_for 300 "radosgw on $ENDPOINT" http_ok
  if ! timeout 120 radosgw-admin -c "$CONF" user info --uid=stack >/dev/null 2>&1; then
    timeout 120 radosgw-admin -c "$CONF" user create --uid=stack --display-name="stack-backup tests" \
      --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
  fi
  umask 077
  cat >"$S3_DIR/s3.json" <<JSON
{ "endpoint": "$ENDPOINT", "region": "us-east-1", "accessKeyId": "$ACCESS_KEY", "secretAccessKey": "$SECRET_KEY", "cephConf": "$CONF", "user": "stack" }
JSON
  log "S3 ready on $ENDPOINT in $((SECONDS - began))s"
}

stop_one() {  # NAME COMM SECONDS
  local pid; pid=$(running "$1" "$2") || return 0
  kill -TERM "$pid"
  for _ in $(seq $(($3 * 5))); do running "$1" "$2" >/dev/null || return 0; sleep 0.2; done
  log "$2 did not stop within $3 s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
  return 1
}

stop_all() {
  [ -d "$D/run" ] || return 0
  stop_one "$GW" radosgw "${1:-60}" || true
  # On SIGTERM the OSD writes its memstore to disk, as large as what is stored.
  if running osd.0 ceph-osd >/dev/null; then stop_one osd.0 ceph-osd "${1:-600}" && touch "$D/osd.0/clean-stop"; fi
  stop_one mon.a ceph-mon "${1:-60}" || true
}

cmd_status() {
  local rc=0 pair
  for pair in "mon.a ceph-mon" "osd.0 ceph-osd" "$GW radosgw"; do
    set -- $pair
    if pid=$(running "$1" "$2"); then echo "$2: pid $pid, $(awk '/VmRSS/{print $2" "$3}' "/proc/$pid/status")"; else echo "$2: stopped"; rc=1; fi
  done
  http_ok && echo "S3: $ENDPOINT answers" || { echo "S3: $ENDPOINT does not answer"; rc=1; }
  return $rc
}

case "${1:-}" in
  start) cmd_start ;;
  stop) stop_all ;;
  status) cmd_status ;;
  reset) stop_all; rm -rf "$D" "$S3_DIR/s3.json"; cmd_start ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
