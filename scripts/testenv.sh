#!/usr/bin/env bash
# Throwaway, loopback-only test environment for n8n-nodes-stack-backup:
#   * a host PostgreSQL cluster and a host Redis server (for "local binary / TCP" methods),
#   * a real S3 server (Ceph's RADOS Gateway, scripts/s3-testenv.sh),
#   * a private Docker Engine (vfs storage, no bridge, no iptables) holding containers
#     named `postgres` and `redis` with their data in named volumes, as in a user's
#     Docker Compose stack.
# No registry is reachable, so images are made locally: a tiny root filesystem whose
# /usr and /etc are the host's (bind-mounted read-only at run time), and a busybox
# helper image from busybox-static.
#
# Usage: scripts/testenv.sh install|start|stop|env|status|teardown
#   install   apt-get install what is missing (needs root)
#   start     idempotent; writes $STACK_TESTENV_DIR/env.json and env.sh
#   stop      stops servers and the daemon, keeps data
#   teardown  removes everything this script created
set -euo pipefail

DIR=${STACK_TESTENV_DIR:-/tmp/stack-backup-testenv}   # short: unix socket paths < 108 chars
PG_VERSION=${PG_VERSION:-15}
HOST_PG_PORT=${HOST_PG_PORT:-55432}
CT_PG_PORT=${CT_PG_PORT:-55433}
HOST_REDIS_PORT=${HOST_REDIS_PORT:-56378}
CT_REDIS_PORT=${CT_REDIS_PORT:-56379}
PG_PASSWORD=${PG_PASSWORD:-stack-test-pw}
LABEL=io.stack-backup-testenv=1
BASE_IMAGE_REPO=stack-backup-testenv/hostroot
HELPER_IMAGE=stack-backup-testenv/busybox:local
DOCKER_SOCK=$DIR/docker.sock
export DOCKER_HOST=unix://$DOCKER_SOCK

log() { printf '[testenv %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root (the test environment installs Debian packages and runs its own dockerd). Run it as root, e.g. sudo npm test"; }
d() { docker "$@"; }
daemon_up() { d version --format '{{.Server.Version}}' >/dev/null 2>&1; }
pg_bin() { echo "/usr/lib/postgresql/$PG_VERSION/bin/$1"; }

# What to install is scripts/programs.list's, and nothing else.
cmd_install() { bash "$(dirname "$0")/programs.sh" install; }

# ------------------------------------------------------------ host servers
# A server still running a program that was replaced on disk (apt upgraded or reinstalled
# postgresql-15 under it) loads the new version's libraries into the old program and fails
# ("undefined symbol" in plpgsql.so): true when PID runs such a program.
runs_replaced_program() { [ -n "$1" ] && [ "$1" != 0 ] && readlink "/proc/$1/exe" 2>/dev/null | grep -q ' (deleted)$'; }

start_host_pg() {
  local data=$DIR/host-pg
  local running; running=$(head -1 "$data/postmaster.pid" 2>/dev/null || true)
  if runs_replaced_program "$running"; then
    log "host PostgreSQL runs a program replaced on disk since it started: restarting it"
    setpriv --reuid=postgres --regid=postgres --init-groups "$(pg_bin pg_ctl)" -D "$data" -m fast -w stop >/dev/null || kill "$running"
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    mkdir -p "$data"; chown postgres:postgres "$DIR" "$data" 2>/dev/null || true
    printf '%s\n' "$PG_PASSWORD" >"$DIR/pwfile"; chown postgres "$DIR/pwfile"; chmod 600 "$DIR/pwfile"
    setpriv --reuid=postgres --regid=postgres --init-groups "$(pg_bin initdb)" -D "$data" -U postgres \
      --pwfile="$DIR/pwfile" -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 --no-sync >/dev/null
    rm -f "$DIR/pwfile"
  fi
  if ! "$(pg_bin pg_isready)" -q -h 127.0.0.1 -p "$HOST_PG_PORT"; then
    # A killed server leaves its lock behind; once its pid is reused, postgres would refuse to start.
    local pid; pid=$(head -1 "$data/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != postgres ]; then
      rm -f "$data/postmaster.pid" "$DIR"/host-pg-sock/.s.PGSQL.*
    fi
    log "starting host PostgreSQL on 127.0.0.1:$HOST_PG_PORT"
    mkdir -p "$DIR/host-pg-sock"; chown postgres "$DIR/host-pg-sock"
    setpriv --reuid=postgres --regid=postgres --init-groups "$(pg_bin pg_ctl)" -D "$data" -w -l "$DIR/host-pg.log" \
      -o "-c listen_addresses=127.0.0.1 -p $HOST_PG_PORT -c unix_socket_directories=$DIR/host-pg-sock -c fsync=off" start >/dev/null
  fi
}

start_host_redis() {
  if [ "$(redis-cli -p "$HOST_REDIS_PORT" ping 2>/dev/null)" != PONG ]; then
    log "starting host Redis on 127.0.0.1:$HOST_REDIS_PORT"
    mkdir -p "$DIR/host-redis"
    redis-server --bind 127.0.0.1 --port "$HOST_REDIS_PORT" --dir "$DIR/host-redis" --dbfilename dump.rdb \
      --daemonize yes --pidfile "$DIR/host-redis.pid" --logfile "$DIR/host-redis.log" --save '' >/dev/null
    for _ in $(seq 50); do [ "$(redis-cli -p "$HOST_REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0; sleep 0.1; done
    die "host redis did not start (see $DIR/host-redis.log)"
  fi
}

# ------------------------------------------------------------------ docker
start_daemon() {
  daemon_up && return 0
  stop_daemon   # clears what a killed daemon left: its pid file and mounts under $DIR
  mkdir -p "$DIR"/{docker-data,docker-exec}
  echo '{}' >"$DIR/daemon.json"   # ignore the host's /etc/docker/daemon.json
  log "starting private dockerd (vfs, no bridge, no iptables) at $DOCKER_HOST"
  setsid dockerd --config-file "$DIR/daemon.json" --host "$DOCKER_HOST" \
    --data-root "$DIR/docker-data" --exec-root "$DIR/docker-exec" --pidfile "$DIR/docker.pid" \
    --storage-driver vfs --bridge=none --iptables=false --ip6tables=false \
    --ip-forward=false --ip-masq=false >>"$DIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 150); do daemon_up && return 0; sleep 0.2; done
  tail -20 "$DIR/dockerd.log" >&2; die "dockerd did not come up (log: $DIR/dockerd.log)"
}

stop_daemon() {
  local pid
  [ -s "$DIR/docker.pid" ] || return 0
  pid=$(cat "$DIR/docker.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$DIR/docker.pid"
  # dockerd leaves nsfs/shm mounts under its exec root; deepest first.
  awk -v p="$DIR/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m" || true; done
}

# Entrypoints behave like the official images: start as root, prepare the data
# folder, drop to the service user.
PG_ENTRY='#!/bin/sh
set -e
: "${PGDATA:=/var/lib/postgresql/data}"
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql; chmod 700 "$PGDATA"
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf "%s\n" "$POSTGRES_PASSWORD" >/tmp/pwfile; chown postgres /tmp/pwfile
  as_pg initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile=/tmp/pwfile -E UTF8 \
    --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 --no-sync >/dev/null
  rm -f /tmp/pwfile
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups \
  postgres -D "$PGDATA" -c listen_addresses=127.0.0.1 -p "$PGPORT" -c fsync=off \
  -c unix_socket_directories=/var/run/postgresql "$@"
'
REDIS_ENTRY='#!/bin/sh
set -e
chown -R redis:redis /data
exec setpriv --reuid=redis --regid=redis --init-groups \
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir /data \
  --dbfilename dump.rdb --daemonize no --protected-mode yes "$@"
'

hostroot_tar() {
  local s; s=$(mktemp -d); chmod 755 "$s"
  mkdir -p "$s"/{usr,etc,tmp,run/postgresql,var/lib/postgresql/data,data,mnt/vol,proc,sys,dev,testenv}
  ln -s usr/bin "$s/bin"; ln -s usr/sbin "$s/sbin"; ln -s usr/lib "$s/lib"; ln -s usr/lib64 "$s/lib64"
  ln -s ../run "$s/var/run"; chmod 1777 "$s/tmp"
  cp /etc/passwd /etc/group "$s/etc/"
  printf '%s' "$PG_ENTRY" >"$s/testenv/postgres-entrypoint.sh"
  printf '%s' "$REDIS_ENTRY" >"$s/testenv/redis-entrypoint.sh"
  chmod 755 "$s"/testenv/*.sh
  chown postgres:postgres "$s/run/postgresql" "$s/var/lib/postgresql" "$s/var/lib/postgresql/data"
  chmod 2775 "$s/run/postgresql"; chmod 700 "$s/var/lib/postgresql/data"
  chown redis:redis "$s/data"
  tar --sort=name --mtime=@0 --numeric-owner -C "$s" -c .
  rm -rf "$s"
}

ensure_images() {
  local tmp hash
  tmp=$(mktemp); hostroot_tar >"$tmp"
  hash=$(sha256sum "$tmp" | cut -c1-12)
  BASE_IMAGE=$BASE_IMAGE_REPO:$hash
  if ! d image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    log "importing $BASE_IMAGE"
    d import --change "LABEL $LABEL" \
      --change "ENV PATH=/usr/lib/postgresql/$PG_VERSION/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      "$tmp" "$BASE_IMAGE" >/dev/null
  fi
  rm -f "$tmp"
  if ! d image inspect "$HELPER_IMAGE" >/dev/null 2>&1; then
    log "importing $HELPER_IMAGE"
    local s; s=$(mktemp -d); chmod 755 "$s"; mkdir -p "$s"/{bin,tmp,mnt,etc,proc,sys,dev}
    cp /bin/busybox "$s/bin/"
    for a in $(/bin/busybox --list); do [ -e "$s/bin/$a" ] || ln -s busybox "$s/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$s/etc/passwd"; echo 'root:x:0:' >"$s/etc/group"
    chmod 1777 "$s/tmp"
    tar --sort=name --mtime=@0 --numeric-owner -C "$s" -c . |
      d import --change "LABEL $LABEL" --change 'CMD ["sh"]' - "$HELPER_IMAGE" >/dev/null
    rm -rf "$s"
  fi
}

ensure_volume() { d volume inspect "$1" >/dev/null 2>&1 || d volume create --label "$LABEL" "$1" >/dev/null; }

# (Re)create NAME when missing or when its arguments changed; start it when stopped.
ensure_container() {
  local name=$1; shift
  local cfg; cfg=$(printf '%s\n' "$@" | sha256sum | cut -c1-12)
  if d container inspect "$name" >/dev/null 2>&1; then
    if [ "$(d container inspect -f '{{index .Config.Labels "io.stack-backup-testenv.cfg"}}' "$name")" = "$cfg" ]; then
      [ "$(d container inspect -f '{{.State.Running}}' "$name")" = true ] || d start "$name" >/dev/null
      return 0
    fi
    log "arguments of $name changed: recreating it (its volume is kept)"; d rm -f "$name" >/dev/null
  fi
  log "creating container $name"
  d run -d --name "$name" --label "$LABEL" --label "io.stack-backup-testenv.cfg=$cfg" "$@" >/dev/null
}

wait_ready() {
  local i
  for i in $(seq 160); do
    d exec postgres pg_isready -q 2>/dev/null && break
    [ "$i" = 160 ] && { d logs --tail 30 postgres >&2; die "container postgres not ready"; }
    sleep 0.25
  done
  for i in $(seq 160); do
    [ "$(d exec redis redis-cli -p "$CT_REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
    [ "$i" = 160 ] && { d logs --tail 30 redis >&2; die "container redis not ready"; }
    sleep 0.25
  done
}

write_env() {
  umask 077
  cat >"$DIR/env.json" <<JSON
{
  "dockerSocket": "$DOCKER_SOCK",
  "helperImage": "$HELPER_IMAGE",
  "hostPostgres": { "host": "127.0.0.1", "port": $HOST_PG_PORT, "user": "postgres", "password": "$PG_PASSWORD" },
  "containerPostgres": { "container": "postgres", "host": "127.0.0.1", "port": $CT_PG_PORT, "user": "postgres", "password": "$PG_PASSWORD", "volume": "stack_pgdata" },
  "hostRedis": { "host": "127.0.0.1", "port": $HOST_REDIS_PORT },
  "containerRedis": { "container": "redis", "host": "127.0.0.1", "port": $CT_REDIS_PORT, "volume": "stack_redisdata" },
  "s3": $(cat "$DIR/s3/s3.json")
}
JSON
  cat >"$DIR/env.sh" <<SH
export DOCKER_HOST=$DOCKER_HOST
export STACK_TESTENV=$DIR/env.json
SH
}

cmd_start() {
  need_root "starting the test environment"
  cmd_install
  mkdir -p "$DIR"; chmod 755 "$DIR"
  start_host_pg
  start_host_redis
  start_daemon
  ensure_images
  ensure_volume stack_pgdata; ensure_volume stack_redisdata; ensure_volume stack_n8ndata
  local common=(--network host -v /usr:/usr:ro -v /etc:/etc:ro)
  ensure_container postgres "${common[@]}" --stop-signal SIGINT \
    -v stack_pgdata:/var/lib/postgresql/data \
    -e POSTGRES_USER=postgres -e POSTGRES_PASSWORD="$PG_PASSWORD" -e PGDATA=/var/lib/postgresql/data \
    -e PGPORT="$CT_PG_PORT" -e PGUSER=postgres -e PGHOST=/var/run/postgresql \
    "$BASE_IMAGE" /testenv/postgres-entrypoint.sh
  ensure_container redis "${common[@]}" -w /data -v stack_redisdata:/data -e REDIS_PORT="$CT_REDIS_PORT" \
    "$BASE_IMAGE" /testenv/redis-entrypoint.sh
  for name in postgres redis; do
    if runs_replaced_program "$(d inspect -f '{{.State.Pid}}' "$name")"; then
      log "container $name runs a program replaced on disk since it started: restarting it"; d restart "$name" >/dev/null
    fi
  done
  wait_ready
  bash "$(dirname "$0")/s3-testenv.sh" start
  write_env
  log "ready: source $DIR/env.sh"
}

cmd_stop() {
  bash "$(dirname "$0")/s3-testenv.sh" stop
  if daemon_up; then
    local ids; ids=$(d ps -q --filter "label=$LABEL")
    [ -z "$ids" ] || d stop $ids >/dev/null
  fi
  stop_daemon
  [ -s "$DIR/host-pg/postmaster.pid" ] && setpriv --reuid=postgres --regid=postgres --init-groups \
    "$(pg_bin pg_ctl)" -D "$DIR/host-pg" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$HOST_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

cmd_status() {
  if daemon_up; then d ps -a --filter "label=$LABEL" --format 'table {{.Names}}\t{{.Status}}'; else echo "docker: down"; fi
  "$(pg_bin pg_isready)" -h 127.0.0.1 -p "$HOST_PG_PORT" || true
  redis-cli -p "$HOST_REDIS_PORT" ping 2>&1 || true
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cat "$DIR/env.sh" ;;
  teardown) cmd_stop; rm -rf "$DIR"; log "removed $DIR" ;;
  *) echo "usage: $0 install|start|stop|status|env|teardown" >&2; exit 2 ;;
esac
