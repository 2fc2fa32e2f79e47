#!/usr/bin/env bash
# Crash test of durable ingestion: under load from 'vitrine loadgen', the
# server is killed with SIGKILL at random moments and restarted; at the end
# every event id the server acknowledged must be stored, and none twice.
#
#   scripts/crashtest.sh          # short: 5 kills on SQLite (and PostgreSQL when
#                                 # VITRINE_TEST_POSTGRES is set), about a minute
#   scripts/crashtest.sh long     # 20 kills per engine
#   KILLS=50 scripts/crashtest.sh # any number
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${KILLS:-5}
if [[ ${1:-} == long ]]; then kills=${KILLS:-20}; fi
VITRINE_CRASHTEST=1 VITRINE_CRASHTEST_KILLS=$kills exec go test ./internal/ingest/crashtest -run TestCrash -count=1 -v -timeout 30m
