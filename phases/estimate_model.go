package phases

// The constants of Estimate's model. CPU costs are seconds of one core per
// MB (10^6 bytes) of text entering the stage, measured on 2025-12-06 on an
// AMD EPYC (2 cores, go1.26) with
//
//	go test -run '^$' -bench StageCost -benchtime 1x ./job
//
// (job/cost_bench_test.go: every stage alone on one goroutine, process CPU
// time, the garbage collector included) over the shared corpus's Diet
// speeches (gov/diet_speeches.jsonl.gz: 54,041 speeches, 135.7 MB of
// text, 2,511 bytes a document); the e-Gov laws and Aozora works (64 MB of
// text each) gave the figures in brackets. Memory constants were fitted to
// the peak RSS (/usr/bin/time -v) of jacorpus run on the Diet speeches, in
// one process and as phases (2 workers), and checked by TestEstimateMemory.
const (
	// ingest: decompression per stored MB of a compressed file (gzip
	// JSONL: 0.020; fitted over the three files, 0.023-0.031 s/MB stored
	// with the parse), JSON parse per MB of text, and per document.
	costInflate   = 0.020
	costParse     = 0.0013
	costPerDoc    = 5e-6
	costNormalize = 0.0048 // [0.0023, 0.0020]
	costLineKeys  = 0.0011 // dedup.lines: the line keys of a text [0.0011, 0.0006]
	costExact     = 0.0012 // SHA-256 of the text [0.0009, 0.0009]
	costMinHash   = 0.0067 // character 5-grams, 128 permutations [0.0049, 0.0048]
	costNearIndex = 0.0020 // the in-memory LSH index (job.Run)
	costTokenize  = 0.078  // IPA, count only [0.061, 0.065]
	costShard     = 0.0117 // Parquet encoding, zstd 3, of the spool [0.0086, 0.0152]; finalize re-encodes the row groups at part boundaries and shard cuts at this cost (shared corpus, 3 parts: 3.0 CPU s measured)
	// extract: per MB of HTML (web/ja_real_payloads.warc.gz: 75.3 MB of
	// HTML in 3,810 pages, 9.24 s on one worker), and the text it yields
	// per byte of HTML there.
	costExtract     = 0.123
	extractTextRate = 0.216
	// copying and checking work files and spool parts: per MB read or
	// written (buckets, index, finalize).
	costCopy = 0.004
	// a key-range task: per band or exact entry read, sorted and grouped,
	// and per signature record scanned (buckets task of the Diet run: 0.45
	// CPU s for 432,000 entries and 54,041 signatures).
	costEntry     = 0.9e-6
	costSigRecord = 1e-6
	costStart     = 0.05 // process start, plan and config checks (s)
	// shardRatio is the shard (and spool) bytes per byte of text: Diet
	// speeches 41.0 MB of Parquet (zstd 3) for 135.7 MB of text.
	shardRatio = 0.30
)

// filterCost is the CPU cost of the filter presets per MB of text (Diet
// speeches; drop mode stops at the first failing rule, so a preset that
// drops much early costs less: llm-jp measured 0.002 on the laws).
var filterCost = map[string]float64{
	"default":     0.0057,
	"gov":         0.040, // [0.033, 0.062]
	"literature":  0.034, // [0.042, 0.060]
	"swallow":     0.012,
	"hojichar":    0.010,
	"llm-jp":      0.039,
	"fineweb2-ja": 0.15, // kagome words [0.068, 0.25]
}

// filterCostOther is the cost assumed for a preset not in filterCost.
const filterCostOther = 0.040

// Memory constants (bytes).
const (
	// memBase is a process's resident size before it reads anything
	// (prepare: 25 MB; an empty signatures task: 26 MB).
	memBase = 28 << 20
	// memDict is the resident IPA dictionary and tokenizer state (an empty
	// filter task: 38.5 MB); memDictUni UniDic's (converted, loaded).
	memDict    = 14 << 20
	memDictUni = 150 << 20
	// memWorker is a worker's processors (filter state, MinHash, lattice).
	memWorker = 2 << 20
	// memBatch bounds a batch (the runner's 256 records or 4 MiB).
	memBatch     = 4 << 20
	batchRecords = 256
	// memWorkFile is the buffer of one work file being written (a block
	// of at most 256 KiB and its encoding).
	memWorkFile = 272 << 10
	// memReadBuf is the read buffer of one work file or ids.bin.
	memReadBuf = 1 << 20
	// rowGroupHeld is the resident bytes per byte of a row group being
	// collected and encoded: its rows, parquet-go's column buffers, the
	// compressed pages and the collector's headroom (Diet filter task,
	// one row group of 135 MB: 426 MB peak).
	rowGroupHeld = 2.7
	// gcHeadroom multiplies the live heap of per-document structures: the
	// collector lets the heap grow to twice the live data (GOGC 100), and
	// slices grow by append.
	gcHeadroom = 1.6
	// Per document: the in-memory exact keys (map), the id check (map of
	// 64-bit hashes), the balancer's record (24 bytes) and a finalize's
	// order and weights.
	memExactDoc    = 48
	memIDDoc       = 24
	memBalancerDoc = 24
	memFinalizeDoc = 32
	// memNearDoc is the in-memory LSH index per document: a band key
	// entry per band and the signature (Diet: 29.4 MB for 54,041
	// documents at 16 bands, 128 permutations).
	memNearKey = 16
	memNearDoc = 32
)
