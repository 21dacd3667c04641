#!/usr/bin/env bash
# Private PostgreSQL server for the tests. Source this file, then:
#   raftkv_postgres_start   installs PostgreSQL from Debian's packages if missing (root only), starts a
#                           server (as user postgres when root, else as you) on 127.0.0.1 on a free port with its own data
#                           directory under a temp folder, and exports RAFTKV_TEST_POSTGRES;
#   raftkv_postgres_stop    stops it and removes the data directory (safe to call twice; put it in a trap).
# Skipped when RAFTKV_TEST_POSTGRES is already set (use your own server).

raftkv_postgres_bin() {
  local dir
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] && echo "$dir"
}

# PostgreSQL refuses to run as root: as root, run the server as user postgres; otherwise as yourself.
raftkv_postgres_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

raftkv_postgres_start() {
  if [ -n "${RAFTKV_TEST_POSTGRES:-}" ]; then echo "postgres: using RAFTKV_TEST_POSTGRES from the environment"; return 0; fi
  local bin; bin=$(raftkv_postgres_bin)
  if [ -z "$bin" ]; then
    echo "postgres: not installed; apt-get install -y postgresql"
    [ "$(id -u)" -eq 0 ] || { echo "postgres: install it (sudo apt-get install -y postgresql) or set RAFTKV_TEST_POSTGRES"; return 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
    bin=$(raftkv_postgres_bin)
  fi
  [ -n "$bin" ] || { echo "postgres: no pg_ctl after install"; return 1; }
  RAFTKV_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/raftkv-pg.XXXXXX") || return 1
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres || return 1
    chmod 755 "$RAFTKV_PG_DIR" && chown postgres "$RAFTKV_PG_DIR" || return 1
  fi
  export RAFTKV_PG_DIR RAFTKV_PG_BIN="$bin"
  # A free port: ask the kernel for one, then hand it to the server (a small race, fine for tests).
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local password=raftkv-test
  echo "$password" >"$RAFTKV_PG_DIR/pw" && { [ "$(id -u)" -ne 0 ] || chown postgres "$RAFTKV_PG_DIR/pw"; }
  raftkv_postgres_as_owner "$bin/initdb" -D "$RAFTKV_PG_DIR/data" -U postgres --auth=scram-sha-256 --pwfile="$RAFTKV_PG_DIR/pw" >"$RAFTKV_PG_DIR/initdb.log" 2>&1 \
    || { cat "$RAFTKV_PG_DIR/initdb.log"; return 1; }
  raftkv_postgres_as_owner "$bin/pg_ctl" -D "$RAFTKV_PG_DIR/data" -l "$RAFTKV_PG_DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $RAFTKV_PG_DIR -c max_connections=300 -c fsync=on" start >/dev/null \
    || { cat "$RAFTKV_PG_DIR/server.log"; return 1; }
  export RAFTKV_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"
  echo "postgres: private server on 127.0.0.1:$port (data $RAFTKV_PG_DIR)"
}

raftkv_postgres_stop() {
  [ -n "${RAFTKV_PG_DIR:-}" ] && [ -d "$RAFTKV_PG_DIR" ] || return 0
  raftkv_postgres_as_owner "$RAFTKV_PG_BIN/pg_ctl" -D "$RAFTKV_PG_DIR/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$RAFTKV_PG_DIR"
  unset RAFTKV_PG_DIR RAFTKV_TEST_POSTGRES
}
