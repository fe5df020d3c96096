#!/usr/bin/env bash
# `make test`: vet, then every test against real PostgreSQL. Each test makes
# its own fresh UTF-8 database on the server pg-ensure.sh finds or starts.
# With -bench, runs the benchmarks instead (10 counts, for benchstat).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${KENSHO_TEST_PG_URL:-}" ]; then
  KENSHO_TEST_PG_URL=$(./scripts/pg-ensure.sh)
  export KENSHO_TEST_PG_URL
fi

if [ "${1:-}" = "-bench" ]; then
  exec go test -run '^$' -bench . -benchmem -count 10 ./...
fi

go vet ./...
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.data/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
# The browser tests of internal/webui take minutes under -race on two cores;
# Go's default 10-minute limit per package binary is too tight for them.
go test -count=1 -race -timeout 45m ./...
