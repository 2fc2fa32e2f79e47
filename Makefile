# Vitrine. `make test` sets up what it needs and runs the whole test suite.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/vitrine/vitrine.Version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
PG_DEFAULT := postgres://root@127.0.0.1:5432/test?sslmode=disable

# Run the PostgreSQL half of the store tests when a server answers on
# 127.0.0.1:5432 and VITRINE_TEST_POSTGRES is not set already.
ifeq ($(VITRINE_TEST_POSTGRES),)
ifneq ($(shell command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432 && echo yes),)
export VITRINE_TEST_POSTGRES := $(PG_DEFAULT)
endif
endif

.PHONY: all build test test-go test-extension e2e-extension chromium firefox extension lint lint-extension fmt bench bench-import bench-extension bench-bleve fuzz clean demo

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/vitrine ./cmd/vitrine

demo: build
	./bin/vitrine serve --demo

test: test-go test-extension e2e-extension

test-go:
	@if [ -z "$$VITRINE_TEST_POSTGRES" ]; then echo "note: no PostgreSQL on 127.0.0.1:5432 and VITRINE_TEST_POSTGRES unset: PostgreSQL store tests will skip"; fi
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

lint: lint-extension
	@out=$$(gofmt -l $$(git ls-files "*.go")); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# The browser extension: plain ES modules; npm only brings the test tools.
extension/node_modules: extension/package-lock.json
	cd extension && npm ci --no-audit --no-fund
	@touch $@

extension: extension/node_modules
	cd extension && node tools/build.mjs

test-extension: extension/node_modules
	cd extension && npm test

# Debian's Chromium for the end-to-end tests (nothing downloads a browser).
# chromium-l10n brings the browser's French so the French end-to-end test runs.
CHROMIUM_PKGS := chromium chromium-l10n fonts-liberation
chromium:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s chromium-l10n fonts-liberation >/dev/null 2>&1; then \
	  echo "installing Debian's $(CHROMIUM_PKGS) for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(CHROMIUM_PKGS); \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(CHROMIUM_PKGS); fi; \
	fi

# Debian's Firefox ESR (and its French) for the Firefox end-to-end test,
# driven over WebDriver BiDi, which every Firefox has built in.
FIREFOX_PKGS := firefox-esr firefox-esr-l10n-fr
firefox:
	@if [ ! -x /usr/bin/firefox-esr ] || ! dpkg -s firefox-esr-l10n-fr >/dev/null 2>&1; then \
	  echo "installing Debian's $(FIREFOX_PKGS) for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FIREFOX_PKGS); \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FIREFOX_PKGS); fi; \
	fi

e2e-extension: build chromium firefox extension/node_modules
	cd extension && VITRINE_BIN=$(CURDIR)/bin/vitrine npm run e2e

lint-extension: extension/node_modules
	cd extension && npm run lint

bench-extension: build chromium extension/node_modules
	cd extension && npm run bench

fmt:
	gofmt -w .

# Each fuzz target for FUZZTIME (default 30s); `make fuzz FUZZTIME=10m` for a longer run.
FUZZTIME ?= 30s
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

bench: bench-import bench-extension

# Import a generated feed of BENCH_ROWS products into SQLite and PostgreSQL.
BENCH_ROWS ?= 1000000
bench-import: build
	./scripts/bench-import.sh $(BENCH_ROWS)

# Candidate index: our BM25 index against bleve (separate module bench/bleve, so bleve
# stays out of go.mod). Not part of `make test`; needs the shared benchmark data.
bench-bleve:
	cd bench/bleve && GOMAXPROCS=1 $$(command -v flock >/dev/null && echo flock /tmp/vitrine-bench.lock) $(GO) run . -reps 3

clean:
	rm -rf bin
