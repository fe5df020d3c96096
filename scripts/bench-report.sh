#!/usr/bin/env bash
# The annual report's build at full size (BenchmarkBuildReport): fiscal 2024
# with 70,000 quarterly rows and 15 published serious accidents over the
# demo's ten years. Prints each run and the median of COUNT runs (default 5)
# of "build" (everything but the PDF) and "pdf".
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
count=${COUNT:-5}
out=$(go test ./internal/report/ -run '^$' -bench 'BenchmarkBuildReport' -benchtime 3x -count "$count" -timeout 30m)
echo "$out" | grep -E '^Benchmark'
for sub in build pdf; do
  echo "$out" | awk -v s="BenchmarkBuildReport/$sub" '$1 ~ s { print $3 }' | sort -n |
    awk -v s="$sub" '{ v[NR] = $1 } END { if (NR) printf "%s: median %.0f ms over %d runs (70,000 quarterly rows)\n", s, v[int((NR + 1) / 2)] / 1e6, NR }'
done
