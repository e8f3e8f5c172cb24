#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then remove the cluster.
# The server runs as the `postgres` system user (initdb refuses root) on a free
# loopback port with a private socket directory. Usage: with-postgres.sh CMD…
set -euo pipefail

PGBIN=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && PGBIN="$candidate"
done
if [ -z "$PGBIN" ]; then
  echo "Installing the PostgreSQL server…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  for candidate in /usr/lib/postgresql/*/bin; do PGBIN="$candidate"; done
fi

as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir=$(mktemp -d /tmp/patientlab-pg.XXXXXX)
[ "$(id -u)" = "0" ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
  as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

as_postgres "$PGBIN/initdb" -D "$dir/data" -A trust -U patientlab -E UTF8 --locale=C.UTF-8 >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
psql -h 127.0.0.1 -p "$port" -U patientlab -d postgres -qc 'CREATE DATABASE patientlab_test' >/dev/null
psql -h 127.0.0.1 -p "$port" -U patientlab -d postgres -qc 'CREATE DATABASE patientlab_browser' >/dev/null
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export PATIENTLAB_TEST_DATABASE_URL="postgresql+psycopg://patientlab@127.0.0.1:$port/patientlab_test"
export PATIENTLAB_TEST_BROWSER_DATABASE_URL="postgresql+psycopg://patientlab@127.0.0.1:$port/patientlab_browser"
"$@"
