#!/usr/bin/env bash
# Durable ingestion benchmark: acknowledged-durable events/s and p99 through
# the real HTTP server (vitrine serve + vitrine loadgen), next to a raw
# single-transaction insert (SQLite) or a raw COPY (PostgreSQL) of the same
# rows, measured in the same run. Prints a table; record it in
# internal/ingest/RESULTS.md with the machine and its load.
#
#   scripts/bench-ingest.sh                  # SQLite; PostgreSQL too when VITRINE_TEST_POSTGRES is set
#   DURATION=30s CONCURRENCY=16 BATCH=500 scripts/bench-ingest.sh
#   VITRINE_TEST_POSTGRES=... scripts/bench-ingest.sh bus
#       bus mode (internal/bus): one writer and two ingest nodes (vitrine serve --bus --role),
#       NATS JetStream (VITRINE_TEST_NATS, default nats://127.0.0.1:4222) and PostgreSQL, one
#       loadgen per ingest node with CONCURRENCY/2 workers each; next to the single-node
#       PostgreSQL run and the raw COPY, in the same run. Record it in internal/bus/RESULTS.md.
#       WRITERS=2 runs two writer processes on the same durable consumer.
#
# Not a test: numbers depend on the machine. Only loopback traffic.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONCURRENCY=${CONCURRENCY:-16}
BATCH=${BATCH:-500}
INSTALLS=${INSTALLS:-1000}
PORT=${PORT:-18181}
MODE=${1:-local}
work=$(mktemp -d)
server_pid=
bus_pids=()
bus_stream=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  for p in "${bus_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [[ -n $bus_stream ]]; then "$work/busctl" -url "$NATS" -stream "$bus_stream" -subject "$bus_subject" delete || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/vitrine" ./cmd/vitrine
bin=$work/vitrine

wait_healthy() { # port
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 did not become healthy" >&2
  return 1
}

run_engine() { # name dsn
  local name=$1 dsn=$2
  VITRINE_DB= "$bin" serve --addr 127.0.0.1:$PORT --db "$dsn" --log-format json --log-level warn \
    --ingest-rate 1000 --ingest-burst 2000 >"$work/$name-serve.log" 2>&1 &
  server_pid=$!
  wait_healthy $PORT
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

# run_bus: a writer and two ingest nodes on a fresh schema and a stream of
# this run; each loadgen sends to one ingest node. "acked" is what the
# ingest nodes acknowledged (durable in JetStream); "stored" is measured
# until the writer has emptied the stream: events in PostgreSQL divided by
# the time from the first request to the stream being empty.
run_bus() { # dsn
  local dsn=$1 half=$(( (CONCURRENCY + 1) / 2 ))
  bus_stream=VITRINE_BENCH_$$ bus_subject=vitrine.bench$$
  local common=(--db "$dsn" --bus "$NATS" --bus-stream "$bus_stream" --bus-subject "$bus_subject" --bus-consumer "bench$$"
    --log-format json --log-level warn --ingest-rate 1000 --ingest-burst 2000)
  for i in $(seq 1 "${WRITERS:-1}"); do
    VITRINE_DB= "$bin" serve --addr 127.0.0.1:$((PORT + 20 + i)) --role writer "${common[@]}" >"$work/bus-writer$i.log" 2>&1 &
    bus_pids+=($!)
    wait_healthy $((PORT + 20 + i))
  done
  for i in 1 2; do
    VITRINE_DB= "$bin" serve --addr 127.0.0.1:$((PORT + 10 + i)) --role ingest "${common[@]}" >"$work/bus-ingest$i.log" 2>&1 &
    bus_pids+=($!)
  done
  wait_healthy $((PORT + 11)); wait_healthy $((PORT + 12))
  local lg=()
  for i in 1 2; do
    "$bin" loadgen --url "http://127.0.0.1:$((PORT + 10 + i))" --duration "$DURATION" --concurrency "$half" \
      --batch "$BATCH" --installs $((INSTALLS / 2)) --seed $i --progress 5s >"$work/bus-loadgen$i.out" 2>&1 &
    lg+=($!)
  done
  wait "${lg[@]}"
  local t_end n=1
  t_end=$(date +%s.%N)
  while [[ $n != 0 ]]; do
    n=$("$work/busctl" -url "$NATS" -stream "$bus_stream" -subject "$bus_subject" messages)
    [[ $n == 0 ]] || sleep 0.05
  done
  local t_drained lag
  t_drained=$(date +%s.%N)
  lag=$(awk -v a="$t_end" -v b="$t_drained" 'BEGIN{printf "%.2f", b-a}')
  cat "$work/bus-loadgen1.out" "$work/bus-loadgen2.out" >&2
  for p in "${bus_pids[@]}"; do kill "$p"; wait "$p" || true; done
  bus_pids=()
  echo "warnings and errors in the bus nodes' logs: $(cat "$work"/bus-*.log | grep -c '"level":"\(WARN\|ERROR\)"' || true)" >&2
  grep -h '"level":"\(WARN\|ERROR\)"' "$work"/bus-*.log | head -5 >&2 || true
  "$work/busctl" -url "$NATS" -stream "$bus_stream" -subject "$bus_subject" delete
  bus_stream=
  "$bin" loadgen raw --db "$dsn" | tee "$work/bus-raw.out" >&2
  local s1 s2 acked eps p99 stored secs seps reps
  s1=$(tail -1 "$work/bus-loadgen1.out"); s2=$(tail -1 "$work/bus-loadgen2.out")
  acked=$(( $(sed -E 's/.*acked=([0-9]+).*/\1/' <<<"$s1") + $(sed -E 's/.*acked=([0-9]+).*/\1/' <<<"$s2") ))
  eps=$(awk -v a="$(sed -E 's/.*events_per_sec=([0-9.]+).*/\1/' <<<"$s1")" -v b="$(sed -E 's/.*events_per_sec=([0-9.]+).*/\1/' <<<"$s2")" 'BEGIN{printf "%.0f", a+b}')
  p99=$(awk -v a="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$s1")" -v b="$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$s2")" 'BEGIN{print (a>b)?a:b}')
  stored=$(sed -E 's/.*raw_events=([0-9]+).*/\1/' <<<"$(tail -1 "$work/bus-raw.out")")
  # The sending time (after registration) of loadgen 1: its acked / its events_per_sec.
  secs=$(awk -v a="$(sed -E 's/.*acked=([0-9]+).*/\1/' <<<"$s1")" -v e="$(sed -E 's/.*events_per_sec=([0-9.]+).*/\1/' <<<"$s1")" 'BEGIN{print a/e}')
  seps=$(awk -v n="$stored" -v s="$secs" -v l="$lag" 'BEGIN{printf "%.0f", n/(s+l)}')
  reps=$(sed -E 's/.*raw_events_per_sec=([0-9.]+).*/\1/' <<<"$(tail -1 "$work/bus-raw.out")")
  printf '%-9s %10s %14s %8s %16s %7s   stored=%s drain_after_load=%ss stored_ev/s=%s (%s of raw)\n' "bus-2x${WRITERS:-1}" "$acked" "$eps" "$p99" "$reps" \
    "$(awk -v a="$eps" -v b="$reps" 'BEGIN{printf "%.0f%%", 100*a/b}')" "$stored" "$lag" "$seps" \
    "$(awk -v a="$seps" -v b="$reps" 'BEGIN{printf "%.0f%%", 100*a/b}')" >>"$work/table"
}

printf '%-9s %10s %14s %8s %16s %7s\n' engine acked "acked_ev/s" p99_ms "raw_ev/s" ratio >"$work/table"
if [[ $MODE == bus ]]; then
  [[ -n ${VITRINE_TEST_POSTGRES:-} ]] || { echo "bus mode writes to PostgreSQL: set VITRINE_TEST_POSTGRES" >&2; exit 2; }
  command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
  NATS=${VITRINE_TEST_NATS:-nats://127.0.0.1:4222}
  go build -o "$work/busctl" ./internal/bus/busctl
  pg=${VITRINE_TEST_POSTGRES}
  sep='?'; [[ $pg == *\?* ]] && sep='&'
  for name in postgres bus; do
    schema=vt_bench_${name}_$$
    psql "$pg" -qc "CREATE SCHEMA $schema"
    if [[ $name == postgres ]]; then run_engine postgres "${pg}${sep}search_path=$schema"; else run_bus "${pg}${sep}search_path=$schema"; fi
    psql "$pg" -qc "DROP SCHEMA $schema CASCADE"
  done
  echo
  echo "mode=bus duration=$DURATION concurrency=$CONCURRENCY batch=$BATCH installs=$INSTALLS cores=$(nproc) load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
  cat "$work/table"
  exit 0
fi
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
