// Package interop checks what jacorpus writes with readers that share no
// code with its writers: Apache Arrow's Go Parquet reader (pqarrow) reads
// every shard of the sample job, the shard writer's edge cases and, under
// `make e2e`, the big-corpus runs; DuckDB (through Node and the pinned
// @duckdb/node-api, scripts/duckdb) reads the sample job's dataset and one
// with the wakati column. Its tests are the only ones that build Apache Arrow
// (a large dependency), so the rest of `make test` stays quick.
package interop
