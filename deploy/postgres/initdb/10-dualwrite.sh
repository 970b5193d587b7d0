#!/bin/sh
# Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d):
# a role and a database for dualwrite's control store, apart from Temporal's own databases.
set -eu
: "${DUALWRITE_DB_PASSWORD:?set DUALWRITE_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=pw="$DUALWRITE_DB_PASSWORD" <<'SQL'
CREATE ROLE dualwrite LOGIN PASSWORD :'pw';
CREATE DATABASE dualwrite OWNER dualwrite;
SQL
