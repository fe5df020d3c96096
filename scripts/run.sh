#!/usr/bin/env bash
# `make run`: start Kenshō on a fresh machine with demo data.
#
# The database is KENSHO_DATABASE_URL when set; otherwise database "kensho"
# on the PostgreSQL that scripts/pg-ensure.sh finds or starts. The schema is
# migrated, the access policy, the organisation registry, the demo cases
# and the demo users are loaded (all idempotent), and the server runs in the foreground until Ctrl-C.
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
"$bin" policy load >/dev/null
# Registry, demo cases, one demo user per role, cases in every tier.
"$bin" demo seed
# The annual report of fiscal 2020, published (its PDF needs Chromium and
# the CJK fonts: installed here from Debian when missing and root).
if { [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null || true
fi
"$bin" demo report || echo "run.sh: the demo annual report was not published (see above); everything else works" >&2
exec "$bin" serve
