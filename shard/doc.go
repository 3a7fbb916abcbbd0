// Package shard writes the documents that survive a jacorpus run as a set of
// Parquet files ("shards") plus a manifest describing them.
//
// Every shard has the same six columns (id, text, source, url, meta, tokens;
// see Row), is compressed with zstd and holds several row groups so that
// streaming readers get reasonably sized units. A Writer implements
// pipeline.Sink: it receives documents in input order and starts a new shard
// whenever the current one reaches Options.MaxBytes (estimated from the bytes
// already written and the compression ratio observed so far) or
// Options.MaxRows.
//
// The output is a deterministic function of the sequence of documents: how
// the documents were split into Write calls, timing and concurrency elsewhere
// do not change a single byte. Shard sizes, row group boundaries and page
// boundaries are all decided from the data alone.
//
// Files are written under a hidden temporary name (".part-00003.parquet.tmp"),
// synced and renamed to their final name ("part-00003.parquet") only when
// complete, so a directory never shows a half-written shard under a final
// name. The SHA-256 and the size of each shard are computed while it is
// written. Abort removes everything a failed run created.
//
// After the run the caller builds a Manifest (NewManifest), embeds it in
// its own manifest type with the run's sections (job.Manifest: config,
// stats, reports), and stores it with WriteManifest, which replaces
// manifest.json atomically. ReadManifest reads the shard-level part back;
// DecodeManifest reads a caller's type. Owned tells which files of a directory a
// previous run wrote (package commit uses it to replace a previous output
// without touching unrelated files).
package shard
