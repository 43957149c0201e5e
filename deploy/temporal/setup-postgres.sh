#!/bin/sh
# Creates and migrates Temporal's two databases on PostgreSQL. Safe to run again: existing databases and
# schemas are kept and only updated to the server's version.
set -eu
SQL="temporal-sql-tool --plugin postgres12 --ep ${POSTGRES_SEEDS} -u ${POSTGRES_USER} -p ${DB_PORT}"
until nc -z -w 5 "${POSTGRES_SEEDS}" "${DB_PORT}"; do echo 'waiting for PostgreSQL'; sleep 1; done
for db in temporal temporal_visibility; do
  dir=temporal; [ "$db" = temporal_visibility ] && dir=visibility
  $SQL --db "$db" create || true
  $SQL --db "$db" setup-schema -v 0.0 || true
  $SQL --db "$db" update-schema -d "/etc/temporal/schema/postgresql/v12/${dir}/versioned"
done
echo 'Temporal schema ready'
