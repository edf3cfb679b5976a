#!/usr/bin/env bash
# Start a local PostgreSQL (Debian's package) on 127.0.0.1:5432 and create the test role and
# database used by the suite. Safe to run twice.
set -euo pipefail
ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
bin=/usr/lib/postgresql/$ver/bin
data=${DRGSTIM_PGDATA:-/var/tmp/drgstim-pgdata}
if ! id postgres >/dev/null 2>&1; then useradd --system --home-dir /var/lib/postgresql postgres; fi
if [ ! -s "$data/PG_VERSION" ]; then
  mkdir -p "$data" && chown postgres "$data"
  su postgres -s /bin/sh -c "$bin/initdb -D $data -A trust -U postgres >/dev/null"
fi
mkdir -p /var/run/postgresql && chown postgres /var/run/postgresql
if ! su postgres -s /bin/sh -c "$bin/pg_ctl -D $data status" >/dev/null 2>&1; then
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $data -l $data/server.log -w \
    -o '-c listen_addresses=127.0.0.1 -p 5432 -k /var/run/postgresql' start" >/dev/null
fi
psql_() { su postgres -s /bin/sh -c "psql -h 127.0.0.1 -p 5432 -U postgres -tAc \"$1\""; }
[ "$(psql_ "SELECT 1 FROM pg_roles WHERE rolname='drgstim'")" = 1 ] ||
  psql_ "CREATE ROLE drgstim LOGIN SUPERUSER PASSWORD 'drgstim'" >/dev/null
[ "$(psql_ "SELECT 1 FROM pg_database WHERE datname='drgstim_test'")" = 1 ] ||
  psql_ "CREATE DATABASE drgstim_test OWNER drgstim" >/dev/null
echo "postgres ready on 127.0.0.1:5432 (data $data)"
