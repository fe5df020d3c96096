#!/usr/bin/env bash
# The quarterly-upload benchmark (an acceptance point of the quarterly
# reports): one fiscal year of quarterly reports, 60,000 rows (54,144
# simple-form counts and 5,856 detailed-form accidents, generated from a
# fixed seed), written through Kenshō's upload path (parse, validate,
# resolve organisations, COPY, upload row and audit entry — from the file's
# bytes) and by `psql \copy` of the same rows, in the table's column order,
# into the same table truncated before each run. Runs alternate; prints the
# median of RUNS runs of each (default 5), rows/s and the ratio.
#
#   scripts/bench-quarterly.sh            # 5 runs each
#   RUNS=9 scripts/bench-quarterly.sh
set -euo pipefail
cd "$(dirname "$0")/.."

command -v psql >/dev/null || { echo "bench-quarterly: psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
if [ -z "${KENSHO_TEST_PG_URL:-}" ]; then
  KENSHO_TEST_PG_URL=$(./scripts/pg-ensure.sh)
  export KENSHO_TEST_PG_URL
fi
export KENSHO_BENCH_RUNS="${RUNS:-5}"

out=$(go test ./internal/quarterly -run '^$' -bench 'UploadVsPsqlCopy|ParseValidate' -benchtime 1x -count 1 -timeout 30m)
echo "$out" | grep -E '^(Benchmark|cpu:)|bench_test.go' | sed -e 's/^ *bench_test.go:[0-9]*: //'
