# Kenshō — the two commands a fresh machine needs are `make run` and `make test`.
GO ?= go
BIN := bin/kensho

.PHONY: run test build vet fuzz bench clean

## run: start Kenshō with demo data on http://localhost:8080 (a local PostgreSQL is found or started)
run: build
	./scripts/run.sh

## test: every test, against real PostgreSQL (each test on its own fresh database)
test:
	./scripts/test.sh

## build: the one binary, in bin/kensho
build:
	$(GO) build -o $(BIN) ./cmd/kensho

vet:
	$(GO) vet ./...

## fuzz: fuzz the case decoder and classifier for FUZZTIME (default 60s)
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./internal/rules -run '^$$' -fuzz FuzzDecodeClassify -fuzztime $(FUZZTIME)

## bench: the benchmarks, 10 runs each, for benchstat
bench:
	./scripts/test.sh -bench

clean:
	rm -rf bin
