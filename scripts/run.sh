#!/usr/bin/env bash
# `make run`: start Kenshō on a fresh machine with demo data.
#
# The database is KENSHO_DATABASE_URL when set; otherwise database "kensho"
# on the PostgreSQL that scripts/pg-ensure.sh finds or starts. The schema is
# migrated, the organisation registry and the demo cases are loaded (both
# idempotent), and the server runs in the foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./bin/kensho
[ -x "$bin" ] || go build -o "$bin" ./cmd/kensho

if [ -z "${KENSHO_DATABASE_URL:-}" ]; then
  admin=$(./scripts/pg-ensure.sh)
  export KENSHO_DATABASE_URL="${admin/\/postgres\?//kensho?}"
  "$bin" db create
fi
"$bin" migrate
"$bin" orgs load >/dev/null
echo "demo data: $("$bin" import configs/demo/serious-2015-2020.json | tr -d ' \n')"
exec "$bin" serve
