#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the test suite and print its URL.
# Installs Debian's postgresql when no server binaries are present (CI runs as root).
# Usage: eval "$(scripts/test-postgres.sh start)"; ...; scripts/test-postgres.sh stop
# `start` always begins afresh (it stops a server it started before and wipes its data); `ensure` leaves a running
# one alone and only prints its URL, so several shells can share one server without wiping each other's work.
set -euo pipefail
PORT=${EST_PG_PORT:-54329}
DIR=${EST_PG_DIR:-/tmp/est-bot-pg}

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
ensure)
  BIN=$(find_bin)
  if [ -n "$BIN" ] && [ -f "$DIR/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    echo "export EST_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/postgres"
  else
    exec "$0" start
  fi
  ;;
start)
  BIN=$(find_bin)
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    echo "installing postgresql…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN=$(find_bin)
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql postgres
  fi
  if [ -f "$DIR/data/postmaster.pid" ]; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" stop -m immediate >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  as_pg "$BIN/initdb" -D "$DIR/data" --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null
  echo "export EST_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/postgres"
  ;;
stop)
  BIN=$(find_bin)
  [ -n "$BIN" ] && [ -f "$DIR/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" stop -m fast >/dev/null
  ;;
*)
  echo "usage: $0 start|ensure|stop" >&2; exit 2 ;;
esac
