#!/usr/bin/env bash
# Starts Debian's PostgreSQL on 127.0.0.1:5432 (creating a cluster if there is none) and makes
# sure the `strapi` role the tests and the benchmark use exists. Needs root; idempotent.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "${version} main"; then
  pg_createcluster "${version}" main >/dev/null
fi

conf="/etc/postgresql/${version}/main/postgresql.conf"
grep -q "^listen_addresses = '127.0.0.1'" "$conf" || echo "listen_addresses = '127.0.0.1'" >> "$conf"
grep -q "^max_connections = 200" "$conf" || echo "max_connections = 200" >> "$conf"
grep -q "^fsync = " "$conf" || true

if ! pg_lsclusters -h | grep -q "^${version} *main .*online"; then
  pg_ctlcluster "${version}" main start
fi

for _ in $(seq 1 30); do
  su postgres -c "psql -qAt -c 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done

su postgres -c "psql -qAt -c \"select 1 from pg_roles where rolname='strapi'\"" | grep -q 1 ||
  su postgres -c "psql -q -c \"create role strapi login createdb password 'strapi'\""
# Lets the tests end sessions left in their throwaway databases before dropping them.
su postgres -c "psql -q -c 'grant pg_signal_backend to strapi'" >/dev/null
echo "PostgreSQL ${version} is running on 127.0.0.1:5432 (role strapi)."
