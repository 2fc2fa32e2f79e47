#!/usr/bin/env bash
# Durable ingestion benchmark: acknowledged-durable events/s and p99 through
# the real HTTP server (vitrine serve + vitrine loadgen), next to a raw
# single-transaction insert (SQLite) or a raw COPY (PostgreSQL) of the same
# rows, measured in the same run. Prints a table; record it in
# internal/ingest/RESULTS.md with the machine and its load.
#
#   scripts/bench-ingest.sh                  # SQLite; PostgreSQL too when VITRINE_TEST_POSTGRES is set
#   DURATION=30s CONCURRENCY=16 BATCH=500 scripts/bench-ingest.sh
#
# Not a test: numbers depend on the machine. Only loopback traffic.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONCURRENCY=${CONCURRENCY:-16}
BATCH=${BATCH:-500}
INSTALLS=${INSTALLS:-1000}
PORT=${PORT:-18181}
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/vitrine" ./cmd/vitrine
bin=$work/vitrine

run_engine() { # name dsn
  local name=$1 dsn=$2
  VITRINE_DB= "$bin" serve --addr 127.0.0.1:$PORT --db "$dsn" --log-format json --log-level warn \
    --ingest-rate 1000 --ingest-burst 2000 >"$work/$name-serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  "$bin" loadgen --url "http://127.0.0.1:$PORT" --duration "$DURATION" --concurrency "$CONCURRENCY" \
    --batch "$BATCH" --installs "$INSTALLS" --progress 5s | tee "$work/$name-loadgen.out" >&2
  kill "$server_pid"; wait "$server_pid" || true; server_pid=
  "$bin" loadgen raw --db "$dsn" | tee "$work/$name-raw.out" >&2
  local summary raw
  summary=$(tail -1 "$work/$name-loadgen.out")
  raw=$(tail -1 "$work/$name-raw.out")
  local acked eps p99 reps
  acked=$(sed -E 's/.*acked=([0-9]+).*/\1/' <<<"$summary")
  eps=$(sed -E 's/.*events_per_sec=([0-9.]+).*/\1/' <<<"$summary")
  p99=$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$summary")
  reps=$(sed -E 's/.*raw_events_per_sec=([0-9.]+).*/\1/' <<<"$raw")
  printf '%-9s %10s %14s %8s %16s %7s\n' "$name" "$acked" "$eps" "$p99" "$reps" "$(awk -v a="$eps" -v b="$reps" 'BEGIN{printf "%.0f%%", 100*a/b}')" >>"$work/table"
}

printf '%-9s %10s %14s %8s %16s %7s\n' engine acked "acked_ev/s" p99_ms "raw_ev/s" ratio >"$work/table"
run_engine sqlite "sqlite:$work/bench.db"
if [[ -n ${VITRINE_TEST_POSTGRES:-} ]]; then
  command -v psql >/dev/null || { echo "psql is needed for the PostgreSQL run (apt-get install postgresql-client)" >&2; exit 1; }
  schema=vt_bench_$$
  pg=${VITRINE_TEST_POSTGRES}
  psql "$pg" -qc "CREATE SCHEMA $schema"
  sep='?'; [[ $pg == *\?* ]] && sep='&'
  run_engine postgres "${pg}${sep}search_path=$schema"
  psql "$pg" -qc "DROP SCHEMA $schema CASCADE"
fi
echo
echo "duration=$DURATION concurrency=$CONCURRENCY batch=$BATCH installs=$INSTALLS cores=$(nproc) load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
cat "$work/table"
