#!/bin/sh
# One-shot job (temporalio/admin-tools image): creates Temporal's two PostgreSQL databases and
# brings their schemas up to the version this server image expects. Safe to run again: on an
# existing database `create` and `setup-schema` are no-ops that report it, and `update-schema`
# applies only the versions that are missing. That is also how a server upgrade gets its schema.
set -eu

: "${SQL_HOST:?set SQL_HOST to the PostgreSQL host}"
: "${SQL_USER:?set SQL_USER}"
: "${SQL_PASSWORD:?set SQL_PASSWORD}"
SQL_PORT="${SQL_PORT:-5432}"
PLUGIN=postgres12
SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

echo "waiting for PostgreSQL at ${SQL_HOST}:${SQL_PORT}"
tries=0
until nc -z "$SQL_HOST" "$SQL_PORT"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "PostgreSQL did not answer on ${SQL_HOST}:${SQL_PORT}" >&2; exit 1; fi
  sleep 1
done

sql_tool() {
  temporal-sql-tool --plugin "$PLUGIN" --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" "$@"
}

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) dir="$SCHEMA_ROOT/temporal/versioned" ;;
    *) dir="$SCHEMA_ROOT/visibility/versioned" ;;
  esac
  sql_tool --db "$db" create || echo "database $db already exists"
  sql_tool --db "$db" setup-schema -v 0.0 || echo "schema version table of $db already exists"
  # No fallback here: a failing update must stop the stack before the server starts on it.
  sql_tool --db "$db" update-schema -d "$dir"
done
echo "Temporal schemas are current"
