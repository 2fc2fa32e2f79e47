#!/usr/bin/env bash
# Crash test of durable ingestion: under load from 'vitrine loadgen', the
# server is killed with SIGKILL at random moments and restarted; at the end
# every event id the server acknowledged must be stored, and none twice.
#
#   scripts/crashtest.sh          # short: 5 kills on SQLite (and PostgreSQL when
#                                 # VITRINE_TEST_POSTGRES is set), about a minute
#   scripts/crashtest.sh long     # 20 kills per engine
#   KILLS=50 scripts/crashtest.sh # any number
#   scripts/crashtest.sh bus      # bus mode (internal/bus): two ingest nodes, one writer, NATS
#   scripts/crashtest.sh bus long #   and PostgreSQL; the writer is killed 5 (20) times, an ingest
#                                 #   node every third time. Needs VITRINE_TEST_POSTGRES and NATS with
#                                 #   JetStream on 127.0.0.1:4222 (or VITRINE_TEST_NATS). About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == bus ]]; then
  kills=${KILLS:-5}
  if [[ ${2:-} == long ]]; then kills=${KILLS:-20}; fi
  [[ -n ${VITRINE_TEST_POSTGRES:-} ]] || { echo "bus mode writes to PostgreSQL: set VITRINE_TEST_POSTGRES" >&2; exit 2; }
  VITRINE_CRASHTEST=1 VITRINE_CRASHTEST_KILLS=$kills exec go test ./internal/bus -run TestCrashBus -count=1 -v -timeout 30m
fi
kills=${KILLS:-5}
if [[ ${1:-} == long ]]; then kills=${KILLS:-20}; fi
VITRINE_CRASHTEST=1 VITRINE_CRASHTEST_KILLS=$kills exec go test ./internal/ingest/crashtest -run TestCrash -count=1 -v -timeout 30m
