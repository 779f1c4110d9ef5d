# voximplant_exporter build, test and lint targets.
# `make test` is the one test command: CI (.ci/run) runs exactly this.

GO        ?= go
BINARY    ?= voximplant_exporter
PKG       := github.com/voximplant-exporter/voximplant_exporter
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BRANCH    ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -s -w \
	-X github.com/prometheus/common/version.Version=$(VERSION) \
	-X github.com/prometheus/common/version.Revision=$(REVISION) \
	-X github.com/prometheus/common/version.Branch=$(BRANCH) \
	-X github.com/prometheus/common/version.BuildUser=$(shell whoami)@$(shell hostname) \
	-X github.com/prometheus/common/version.BuildDate=$(shell date -u +%Y%m%d-%H:%M:%S)
TEST_TIMEOUT ?= 12m

.PHONY: all build test lint fmt vet staticcheck bench clean

all: lint build test

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BINARY) .

## test: every test with the race detector, through gotestsum (pinned, run
## from the module proxy like staticcheck), whose summary at the end lists
## every skipped and failed test. Tests that need promtool, prometheus,
## amtool or chromium skip loudly without them; REQUIRE_TOOLS=1 (set by CI) turns those
## skips into failures. The first run uses the tools on PATH (Debian's
## Prometheus 2.42, the oldest supported); then test-prom3 runs the tool
## tests again against Prometheus 3 when `make tools` has built it.
## RACE= turns -race off (it needs a C compiler); TEST_FORMAT=testname lists
## every test; TEST_FLAGS passes more go test flags (-run, -short, -v);
## PKGS limits the first run to some packages.
GOTESTSUM_VERSION ?= v1.13.0
TEST_FORMAT ?= pkgname
RACE ?= -race
TEST_FLAGS ?=
PKGS ?= ./...
GOTEST = $(GO) run gotest.tools/gotestsum@$(GOTESTSUM_VERSION) --format $(TEST_FORMAT) \
	--raw-command -- $(GO) test -json $(RACE) -count=1 -timeout $(TEST_TIMEOUT) $(TEST_FLAGS)

.PHONY: test-cc test-prom3 tools
test: test-cc
	@echo "== $(PKGS), with the tools on PATH: $$(for t in prometheus promtool amtool; do command -v $$t || echo "(no $$t)"; done | tr '\n' ' ')"
	$(GOTEST) $(PKGS)
	@if ($(PROM3_BUILT)); then \
		$(MAKE) --no-print-directory test-prom3; \
	elif [ "$$REQUIRE_TOOLS" = 1 ]; then \
		echo "REQUIRE_TOOLS=1 but the Prometheus 3 tools are not built: run make tools first" >&2; exit 1; \
	else \
		echo; echo "*** SKIPPED: the run against Prometheus $(PROM3_RELEASE) and amtool $(AM_VERSION): run make tools (builds them into .tmp/tools/, once) ***"; echo; \
	fi
	@$(MAKE) --no-print-directory test-fidelity

## test-fidelity: the official-client fidelity suite (fidelity/, README
## "Development"): Voximplant's Node.js client, pinned in
## fidelity/package-lock.json and installed with npm ci, calls every method
## the exporter uses against voxsim, and the exporter's own requests are
## checked against that client's declared parameters. Needs node (18 or
## later) and npm; without them it is SKIPPED loudly, and REQUIRE_TOOLS=1
## (CI) makes that a failure.
.PHONY: test-fidelity
test-fidelity:
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
		echo "== official-client fidelity suite (node $$(node --version), npm $$(npm --version))"; \
		cd fidelity && npm ci --no-audit --no-fund && node --test test/*.test.js; \
	elif [ "$$REQUIRE_TOOLS" = 1 ]; then \
		echo "REQUIRE_TOOLS=1 but node or npm is missing: install them (apt-get install nodejs npm) for the fidelity suite" >&2; exit 1; \
	else \
		echo; echo "*** SKIPPED: the official-client fidelity suite (fidelity/): node and npm are not installed (apt-get install nodejs npm) ***"; echo; \
	fi

# The race detector is cgo: without a C compiler go test fails with "go:
# -race requires cgo", which does not say what to install.
test-cc:
ifneq ($(strip $(RACE)),)
	@cc=$$($(GO) env CC); cc=$${cc%% *}; \
	if [ "$$($(GO) env CGO_ENABLED)" != 1 ] || ! command -v "$${cc:-gcc}" >/dev/null 2>&1; then \
		echo "make test uses -race, which needs a C compiler (gcc); install it (apt-get install gcc) or run make test RACE=" >&2; \
		exit 1; \
	fi
endif

## tools: Prometheus 3 (prometheus, promtool) and Alertmanager's amtool,
## built from their Go modules at pinned versions into .tmp/tools/ for
## test-prom3 (about 6 minutes on 2 cores, once: kept while the version is).
## No web UI assets (the builtinassets tag needs generated files the module
## lacks): the tests use the HTTP API only.
PROM3_VERSION ?= v0.316.0
AM_VERSION    ?= v0.35.0
# Prometheus 3.x.y is Go module version v0.3xx.y.
PROM3_RELEASE := $(shell echo $(PROM3_VERSION) | sed -E 's/^v0\.([0-9])([0-9][0-9])\./\1.\2./')
PROM3_DIR     := .tmp/tools/prometheus-$(PROM3_VERSION)
AM_DIR        := .tmp/tools/alertmanager-$(AM_VERSION)
PROM3_BINS    := $(PROM3_DIR)/prometheus $(PROM3_DIR)/promtool $(AM_DIR)/amtool
PROM3_BUILT    = for f in $(PROM3_BINS); do [ -x $$f ] || exit 1; done
tools: $(PROM3_BINS)

# -X sets the version that --version prints (and the tests log), as the
# projects' own release builds do.
TOOLS_VERSION_FLAG = -ldflags=-X=github.com/prometheus/common/version.Version=$(1)
$(PROM3_DIR)/%:
	GOBIN=$(abspath $(PROM3_DIR)) $(GO) install $(call TOOLS_VERSION_FLAG,$(PROM3_RELEASE)) github.com/prometheus/prometheus/cmd/$*@$(PROM3_VERSION)

$(AM_DIR)/%:
	GOBIN=$(abspath $(AM_DIR)) $(GO) install $(call TOOLS_VERSION_FLAG,$(AM_VERSION:v%=%)) github.com/prometheus/alertmanager/cmd/$*@$(AM_VERSION)

## test-prom3: the tests that use a Prometheus tool (those whose name matches
## TOOL_TESTS, in the packages that import internal/testtools) against the
## `make tools` build, which PROMETHEUS_BIN, PROMTOOL_BIN and AMTOOL_BIN
## name to the tests.
TOOL_TESTS := Promtool|Prometheus|Amtool|EndToEnd
test-prom3: test-cc
	@($(PROM3_BUILT)) || { echo "the Prometheus 3 tools ($(PROM3_BINS)) are not built: run make tools" >&2; exit 1; }
	@pkgs=$$($(GO) list -f '$(TOOL_PKGS_TEMPLATE)' ./...) && [ -n "$$pkgs" ] && \
	echo "== tool tests against Prometheus $(PROM3_RELEASE) and amtool $(AM_VERSION:v%=%) in" $$pkgs && \
	echo "$(PROM3_ENV)" && \
	echo "$(GOTEST) -run '$(TOOL_TESTS)'" && \
	$(PROM3_ENV) $(GOTEST) -run '$(TOOL_TESTS)' $$pkgs
PROM3_ENV = PROMETHEUS_BIN=$(abspath $(PROM3_DIR))/prometheus PROMTOOL_BIN=$(abspath $(PROM3_DIR))/promtool \
	AMTOOL_BIN=$(abspath $(AM_DIR))/amtool

# The packages whose tests import internal/testtools.
TOOL_PKGS_TEMPLATE := {{$$p := .ImportPath}}{{range .TestImports}}{{if eq . "$(PKG)/internal/testtools"}}{{$$p}} {{end}}{{end}}{{range .XTestImports}}{{if eq . "$(PKG)/internal/testtools"}}{{$$p}} {{end}}{{end}}

## lint: gofmt, go vet and staticcheck. staticcheck runs from the module
## proxy at a pinned version (the latest that supports this Go), so nothing
## is installed globally.
STATICCHECK_VERSION ?= v0.8.2
lint: fmt vet staticcheck

staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## bench: Go benchmarks (decoder, full scrape path), then the driver in
## bench/ against voxsim with a 50 ms round trip and a cap of 100 per page
## (latency of three pagers, peak RSS, load, HA pair). Results and the
## machine they ran on go in BENCHMARKS.md. BENCH_FLAGS passes driver flags.
BENCH_FLAGS ?=
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	CGO_ENABLED=0 $(GO) build -trimpath -o bench/voximplant_exporter.bench .
	$(GO) run ./bench -binary bench/voximplant_exporter.bench $(BENCH_FLAGS)

clean:
	rm -f $(BINARY) bench/voximplant_exporter.bench
	rm -rf dist .tmp/exporterbin

## dashboards: regenerate dashboards/*.json from the Go code in
## dashboards/gen (its test fails when the committed JSON is stale). Change
## a panel in the Go code, never in the JSON.
.PHONY: dashboards
dashboards:
	$(GO) run ./dashboards/gen -dir dashboards

## deploy-gen: regenerate deploy/kubernetes/prometheusrule.yaml from
## alerts/*.rules.yml (deploy/kubernetes_test.go fails when it is stale).
.PHONY: deploy-gen
deploy-gen:
	$(GO) run ./deploy/kubernetes/gen

## dist: static release binaries (CGO_ENABLED=0, -trimpath, version LDFLAGS)
## for DIST_PLATFORMS into dist/ as voximplant_exporter-<version>.<os>-<arch>
## (.exe on Windows), with dist/sha256sums.txt; scripts/check-dist.sh then
## checks names, checksums and each binary's build settings. Not part of
## `make test` (cross builds are slow on a shared machine).
DIST_PLATFORMS ?= linux/amd64 linux/arm64 darwin/arm64 windows/amd64
.PHONY: dist
dist:
	rm -rf dist
	mkdir -p dist
	@set -e; for p in $(DIST_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		out=dist/$(BINARY)-$(VERSION).$$os-$$arch$$ext; \
		echo "build $$out"; \
		GOOS=$$os GOARCH=$$arch CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out .; \
	done
	cd dist && sha256sum $(BINARY)-* > sha256sums.txt
	./scripts/check-dist.sh dist $(VERSION) $(DIST_PLATFORMS)

## fuzz: every fuzz target of voxapi (response decoder, timestamp parser,
## credentials loader...) and of the main package (scrape-timeout header)
## for FUZZTIME each, from its committed corpus in testdata/fuzz/. CI runs
## it after the tests.
FUZZTIME ?= 10s
FUZZPKGS ?= ./voxapi .
.PHONY: fuzz
fuzz:
	@set -e; for pkg in $(FUZZPKGS); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

## soak: 20,000 scrapes against voxsim with a fault in 10% of requests;
## reports heap and goroutines at start and end and the scrapes that said
## voximplant_up 1 with wrong numbers (must be 0). Not part of CI; record
## the result in BENCHMARKS.md. SOAK_FLAGS passes flags (see -h).
SOAK_FLAGS ?=
.PHONY: soak
soak:
	$(GO) run -tags soak ./soak $(SOAK_FLAGS)

## screenshots: run the demo and a real Prometheus for 12 minutes and take
## headless Chromium screenshots of the exporter's page and Prometheus's graph
## page into docs/img/
## (needs prometheus and chromium; not part of CI; SCREENSHOT_DURATION=secs).
.PHONY: screenshots
screenshots:
	./scripts/screenshots.sh
