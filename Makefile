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

## test: every test with the race detector. Tests that need promtool,
## prometheus or amtool skip loudly without them; REQUIRE_TOOLS=1 (set by CI)
## turns those skips into failures.
test:
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

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
	rm -rf dist

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
## credentials loader...) for FUZZTIME each, from its committed corpus in
## voxapi/testdata/fuzz/. CI runs it after the tests.
FUZZTIME ?= 10s
.PHONY: fuzz
fuzz:
	@set -e; for target in $$($(GO) test -list '^Fuzz' ./voxapi | grep '^Fuzz'); do \
		echo "fuzz $$target ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) ./voxapi; \
	done

## soak: 20,000 scrapes against voxsim with a fault in 10% of requests;
## reports heap and goroutines at start and end and the scrapes that said
## voximplant_up 1 with wrong numbers (must be 0). Not part of CI; record
## the result in BENCHMARKS.md. SOAK_FLAGS passes flags (see -h).
SOAK_FLAGS ?=
.PHONY: soak
soak:
	$(GO) run -tags soak ./soak $(SOAK_FLAGS)

## screenshots: run the demo and a real Prometheus for a few minutes and take
## headless Chromium screenshots of Prometheus's graph page into docs/img/
## (needs prometheus and chromium; not part of CI; SCREENSHOT_DURATION=secs).
.PHONY: screenshots
screenshots:
	./scripts/screenshots.sh
