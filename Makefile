# jacorpus — see README.md. `make run` builds and runs the sample job; `make test` runs every check.
GO      ?= go
BIN     := bin/jacorpus
PKGS    := ./...

.PHONY: all build run test deps lint unit fuzz bench bench-e2e bench-mem bench-tokenize e2e clean release

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/jacorpus

# The main job on the bundled sample: shards and manifest.json in out/.
run: build
	./$(BIN) run -c configs/default.yaml --overwrite

# Static binaries for linux/amd64 and linux/arm64 (Fugaku) in dist/, with SHA256SUMS.
release:
	GO=$(GO) ./scripts/release.sh

# Everything CI checks. Installs what the tests need first (scripts/test-deps.sh).
test: deps lint unit fuzz

deps:
	./scripts/test-deps.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

unit:
	$(GO) test -count=1 $(PKGS)
	$(GO) test -count=1 -race -short ./pipeline ./ingest

# A short run of every fuzz target (FUZZTIME each, default 2s; seeds in testdata/fuzz/).
fuzz:
	./scripts/fuzz.sh

# Throughput of every stage and of the whole pipeline on the sample (per core and all cores).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./job
	$(GO) test -run '^$$' -bench ProcessStart -count=1 ./cmd/jacorpus
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./ingest ./dedup ./filters ./shard
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench . -benchmem -count=1 ./normalize ./tokenize/... ./dedup/... ./phases ./filters ./internal/nfkc ./internal/zlibsize ./ingest ./extract ./internal/jpcharset
	$(MAKE) --no-print-directory bench-mem

# The whole pipeline (swallow filters, exact + near dedup, shards; tokenize
# off, then on) on the first 20,000 Diet speeches of ../shared/corpus, one
# worker on one core: MB/s of text per core (issue 11's target without
# tokenization: 32). Skipped with a message when the corpus is absent.
bench-e2e:
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench '^BenchmarkE2E$$' -benchtime 3x -count=1 -timeout 30m ./job

# Big-corpus runs over ../shared/corpus (skipped with a message when it is absent).
e2e:
	JACORPUS_E2E=1 $(GO) test -count=1 -run E2E -v -timeout 60m ./internal/interop ./phases ./dedup/lines ./filters ./extract ./ingest ./job

clean:
	rm -rf bin out dist

# Peak RSS of huge records (a 1 GiB line skipped; 200 MB lines and a 200 MB
# text file kept), end to end and ingest alone, each case in a child process.
# Writes about 2.3 GB of input under TMPDIR and needs a few GB of memory.
bench-mem:
	JACORPUS_BENCH_MEM=1 $(GO) test -run '^$$' -bench '^BenchmarkMemory$$' -benchtime 1x -count=1 -timeout 60m ./job

# MeCab, jacorpus tokenize --wakati and --count side by side on tens of MB of
# real text, one core each (installs MeCab when missing; needs ../shared/corpus).
bench-tokenize:
	./scripts/bench-tokenize.sh
