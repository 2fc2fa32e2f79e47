#!/usr/bin/env bash
# Import benchmark: generate a Merchant Center TSV of N products, import it
# into a fresh SQLite file and a fresh PostgreSQL database, re-import it
# unchanged, then import a version with 1% of prices changed. Prints rows/s
# and peak memory of each run. Usage: scripts/bench-import.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
BIN=./bin/vitrine
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PG=${VITRINE_BENCH_POSTGRES:-postgres://root@127.0.0.1:5432/test?sslmode=disable}

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), $(go version | cut -d' ' -f3)"
echo "== date: $(date -u +%Y-%m-%dT%H:%MZ)"
$BIN generate feed --rows "$N" --out "$WORK/feed.tsv" | tail -1
$BIN generate feed --rows "$N" --change-every 100 --out "$WORK/feed-changed.tsv" | tail -1

run() { # label db file
  echo "-- $1"
  $BIN import --db "$2" "$3" 2>/dev/null | tail -2
}

run "sqlite: first import" "sqlite:$WORK/bench.db" "$WORK/feed.tsv"
run "sqlite: unchanged re-import" "sqlite:$WORK/bench.db" "$WORK/feed.tsv"
run "sqlite: 1% prices changed" "sqlite:$WORK/bench.db" "$WORK/feed-changed.tsv"

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  SCHEMA=bench_$$
  psql "$PG" -qc "CREATE SCHEMA $SCHEMA" >/dev/null
  trap 'PGOPTIONS="-c client_min_messages=warning" psql "$PG" -qc "DROP SCHEMA $SCHEMA CASCADE" >/dev/null; rm -rf "$WORK"' EXIT
  PGS="$PG&search_path=$SCHEMA"
  run "postgres: first import" "$PGS" "$WORK/feed.tsv"
  run "postgres: unchanged re-import" "$PGS" "$WORK/feed.tsv"
  run "postgres: 1% prices changed" "$PGS" "$WORK/feed-changed.tsv"
else
  echo "-- postgres: skipped (no server on 127.0.0.1:5432)"
fi
