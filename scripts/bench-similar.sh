#!/usr/bin/env bash
# The similar-case benchmark (issue 5): for each case-base size N (default
# 100,000 and 1,000,000), a database kensho_bench_<N> with N generated cases
# (seed 1), then BenchmarkSimilar (internal/triage/bench_similar_test.go):
# top-10 similar cases for 200 generated cases not in the base, by the
# in-memory engine and by pg_trgm (GIN, word_similarity) on the same data,
# 200 queries × 5 counts. Prints the medians of the 5 counts per N.
#
#   scripts/bench-similar.sh                 # 100000 1000000
#   scripts/bench-similar.sh 100000          # one size
#   scripts/bench-similar.sh --fresh 100000  # drop and load the database again
#
# A database already holding N cases is reused (loading 1M takes ~3 min and
# 4+ GiB); it is left behind for the next run: drop it with
#   psql "$KENSHO_TEST_PG_URL" -c 'DROP DATABASE kensho_bench_100000'
# KENSHO_BENCH_TRGM_THRESHOLD sets pg_trgm.word_similarity_threshold (0.4);
# COUNT and BENCHTIME override -count 5 and -benchtime 200x. Raw output goes
# to ${OUT:-/tmp}/bench-similar-<N>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=0
sizes=()
for a in "$@"; do
  case "$a" in
    --fresh) fresh=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|'') echo "bench-similar: $a: want a number of cases or --fresh" >&2; exit 2 ;;
    *) sizes+=("$a") ;;
  esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)

command -v psql >/dev/null || { echo "bench-similar: psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
if [ -z "${KENSHO_TEST_PG_URL:-}" ]; then
  KENSHO_TEST_PG_URL=$(./scripts/pg-ensure.sh)
fi
admin=$KENSHO_TEST_PG_URL
count=${COUNT:-5}
benchtime=${BENCHTIME:-200x}
out_dir=${OUT:-/tmp}
seed=1

go build -o bin/kensho ./cmd/kensho

# url_of NAME: the admin URL with its database replaced by NAME.
url_of() {
  local base=${admin%%\?*} query=
  [ "$base" = "$admin" ] || query="?${admin#*\?}"
  echo "${base%/*}/$1$query"
}

# summarise N RAW: the medians over the counts of each metric of each side,
# by name, as one row of the table.
summarise() {
  awk -v n="$1" '
    function median(key,   k, m, i, j, t, v) {
      m = cnt[key]
      if (m == 0) return "-"
      for (i = 1; i <= m; i++) v[i] = val[key, i]
      for (i = 2; i <= m; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
      return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
    }
    /^BenchmarkSimilar\/(engine|pg_trgm)/ {
      side = ($1 ~ /engine/) ? "e" : "t"
      for (i = 3; i < NF; i += 2) { key = side SUBSEP $(i + 1); val[key, ++cnt[key]] = $i }
    }
    END {
      ep50 = median("e" SUBSEP "p50-ms"); ep95 = median("e" SUBSEP "p95-ms")
      tp50 = median("t" SUBSEP "p50-ms"); tp95 = median("t" SUBSEP "p95-ms")
      r50 = (ep50 > 0 && tp50 != "-") ? sprintf("%.1f", tp50 / ep50) : "-"
      r95 = (ep95 > 0 && tp95 != "-") ? sprintf("%.1f", tp95 / ep95) : "-"
      printf "%9d %9s %9s %9s %9s %7s %7s %10s %10s %8s %8s\n", n, ep50, ep95, tp50, tp95, r50, r95,
        median("e" SUBSEP "index-MiB"), median("t" SUBSEP "index-MiB"), median("e" SUBSEP "build-s"), median("t" SUBSEP "short-%")
    }' "$2"
}

header() {
  echo "Top-10 similar cases, medians of $count counts × $benchtime queries (ms; ratio = pg_trgm / engine; MiB of index: engine Stats, pg_trgm GIN):"
  printf "%9s %9s %9s %9s %9s %7s %7s %10s %10s %8s %8s\n" N eng-p50 eng-p95 trgm-p50 trgm-p95 x-p50 x-p95 eng-MiB gin-MiB build-s "trgm<10%"
}

summary=()
for n in "${sizes[@]}"; do
  name=kensho_bench_$n
  url=$(url_of "$name")
  exists=$(psql "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")
  if [ -n "$exists" ] && [ $fresh = 1 ]; then
    echo "bench-similar: dropping $name" >&2
    psql "$admin" -qc "DROP DATABASE $name"
    exists=
  fi
  if [ -z "$exists" ]; then
    # pg_trgm finds no trigrams in Japanese under LC_CTYPE C.
    psql "$admin" -qc "CREATE DATABASE $name TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'"
  fi
  KENSHO_DATABASE_URL=$url ./bin/kensho migrate >/dev/null
  have=$(psql "$url" -Atc "SELECT count(*) FROM cases")
  if [ "$have" != "$n" ]; then
    if [ "$have" -gt "$n" ]; then
      echo "bench-similar: $name holds $have cases, more than $n: run with --fresh" >&2
      exit 1
    fi
    echo "bench-similar: generating $n cases into $name (held: $have)" >&2
    KENSHO_DATABASE_URL=$url ./bin/kensho demo generate --cases "$n" --seed $seed >/dev/null
  fi
  # Autovacuum may be off: the planner needs fresh statistics.
  psql "$url" -qc "ANALYZE"

  raw=$out_dir/bench-similar-$n.txt
  echo "bench-similar: N=$n, -count $count -benchtime $benchtime → $raw" >&2
  # The load average says whether the two cores were shared.
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$raw"
  KENSHO_BENCH_DATABASE=$url KENSHO_BENCH_SEED=$seed \
    go test -run '^$' -bench BenchmarkSimilar -benchtime "$benchtime" -count "$count" -timeout 0 ./internal/triage/ | tee -a "$raw"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$raw"

  # Each size's row at once: a run stopped at a later size keeps it.
  row=$(summarise "$n" "$raw")
  header >&2
  echo "$row" >&2
  summary+=("$row")
done

echo
header
printf '%s\n' "${summary[@]}"
