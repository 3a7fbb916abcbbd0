package shard

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

// balanceDocs is the fixture three times (258 documents), keyed, with
// their tokens and a wakati form.
func balanceDocs(t testing.TB) []*pipeline.Document {
	fixture := loadFixture(t)
	var docs []*pipeline.Document
	for rep := range 3 {
		for _, d := range fixture {
			c := *d
			c.ID = fmt.Sprint(d.ID, "#", rep)
			c.Key = pipeline.Key(len(docs))
			c.Wakati = strings.Join(strings.Fields(d.Text), " ")
			docs = append(docs, &c)
		}
	}
	return docs
}

// shardRows reads every shard's rows with Reader.
func shardRows(t *testing.T, dir string, infos []Info) [][]Row {
	t.Helper()
	var out [][]Row
	for _, in := range infos {
		rows, err := readAll(filepath.Join(dir, in.File), 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rows)
	}
	return out
}

// TestBalanced: with WorldSize the shard count is a multiple of it, the
// token totals differ by at most the largest document's tokens, every
// document is there (in input order without shuffle, a permutation with),
// and the files are byte-identical for any encoder count and batching.
func TestBalanced(t *testing.T) {
	docs := balanceDocs(t)
	var maxTok, total int64
	for _, d := range docs {
		maxTok = max(maxTok, int64(d.Tokens))
		total += int64(d.Tokens)
	}
	for _, tc := range []struct {
		name      string
		opts      Options
		wantParts int
	}{
		{"world8", Options{WorldSize: 8, RowGroupBytes: 16 << 10}, 8},
		{"world8-tokens", Options{WorldSize: 8, MaxTokens: total / 20, RowGroupBytes: 16 << 10}, 24},
		{"world3-arrow-wakati", Options{WorldSize: 3, MaxTokens: total / 7, RowGroupBytes: 8 << 10, Format: FormatArrow, Wakati: true}, 9},
		{"world8-shuffle", Options{WorldSize: 8, Shuffle: true, Seed: 42, ShuffleBuckets: 5, RowGroupBytes: 16 << 10}, 8},
		{"shuffle-arrow", Options{Shuffle: true, Seed: 1, MaxBytes: 200 << 10, Format: FormatArrow}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ref []Info
			var refData [][]byte
			for _, run := range []struct {
				enc     int
				batches []int
			}{{1, []int{7}}, {2, []int{1, 50}}, {4, []int{258}}} {
				opts := tc.opts
				opts.Dir, opts.Encoders = t.TempDir(), run.enc
				infos := writeAll(t, opts, docs, run.batches...)
				if names := dirNames(t, opts.Dir); len(names) != len(infos) {
					t.Errorf("directory holds %v, infos %d: the spool was not removed", names, len(infos))
				}
				data := readDirFiles(t, opts.Dir, infos)
				if ref != nil {
					if fmt.Sprint(infos) != fmt.Sprint(ref) {
						t.Fatalf("%d encoders: %v, want %v", run.enc, infos, ref)
					}
					for i := range data {
						if !bytes.Equal(data[i], refData[i]) {
							t.Errorf("%d encoders, batches %v: %s differs", run.enc, run.batches, infos[i].File)
						}
					}
					continue
				}
				ref, refData = infos, data
				world := max(opts.WorldSize, 1)
				if len(infos)%world != 0 || (tc.wantParts > 0 && len(infos) != tc.wantParts) || len(infos) < 2 {
					t.Fatalf("%d shards for world size %d, want %d", len(infos), world, tc.wantParts)
				}
				lo, hi := infos[0].Tokens, infos[0].Tokens
				for _, in := range infos {
					lo, hi = min(lo, in.Tokens), max(hi, in.Tokens)
				}
				if hi-lo > max(maxTok, (lo+hi)/200) {
					t.Errorf("token spread %d (min %d, max %d) > largest document %d", hi-lo, lo, hi, maxTok)
				}
				var ids []string
				multiRG := false
				for i, rows := range shardRows(t, opts.Dir, infos) {
					var tok int64
					for _, r := range rows {
						ids = append(ids, r.ID)
						tok += r.Tokens
						if opts.Wakati && r.Wakati == "" {
							t.Fatalf("%s: wakati lost", r.ID)
						}
					}
					if tok != infos[i].Tokens || int64(len(rows)) != infos[i].Rows {
						t.Errorf("%s: %d rows %d tokens, info %+v", infos[i].File, len(rows), tok, infos[i])
					}
					if opts.Format != FormatArrow && len(fileMetadata(t, filepath.Join(opts.Dir, infos[i].File)).RowGroups) > 1 {
						multiRG = true
					}
				}
				var want []string
				for _, d := range docs {
					want = append(want, d.ID)
				}
				if opts.Shuffle {
					if slices.Equal(ids, want) {
						t.Error("shuffle kept the input order")
					}
					slices.Sort(ids)
					slices.Sort(want)
				}
				if !slices.Equal(ids, want) {
					t.Errorf("documents differ from the input: %d vs %d", len(ids), len(want))
				}
				if opts.Format != FormatArrow && !opts.Shuffle && !multiRG {
					t.Error("no shard has several row groups")
				}
				t.Logf("%d shards, tokens %d..%d (spread %d, largest document %d)", len(infos), lo, hi, hi-lo, maxTok)
			}
		})
	}
}

// TestShuffleSeed: another seed gives another order; the bucket count,
// which only bounds memory, does not change it (the order is the hash
// order, and buckets are hash ranges).
func TestShuffleSeed(t *testing.T) {
	docs := balanceDocs(t)
	order := func(seed uint64, buckets int) []string {
		dir := t.TempDir()
		infos := writeAll(t, Options{Dir: dir, Shuffle: true, Seed: seed, ShuffleBuckets: buckets}, docs, 10)
		var ids []string
		for _, rows := range shardRows(t, dir, infos) {
			for _, r := range rows {
				ids = append(ids, r.ID)
			}
		}
		return ids
	}
	a, b := order(1, 4), order(2, 4)
	if slices.Equal(a, b) {
		t.Error("seeds 1 and 2 give the same order")
	}
	if c := order(1, 1); !slices.Equal(a, c) {
		t.Error("1 and 4 buckets give different orders for one seed")
	}
}

// TestBalancedEmpty: no document, no shard and no spool left.
func TestBalancedEmpty(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(Options{Dir: dir, WorldSize: 4, Shuffle: true})
	if err != nil {
		t.Fatal(err)
	}
	infos, err := w.Close()
	if err != nil || len(infos) != 0 || len(dirNames(t, dir)) != 0 {
		t.Fatalf("%v, %v, %v", infos, err, dirNames(t, dir))
	}
}

// TestBalancedParts: documents spooled in several parts (as tasks would)
// give the same shards, byte for byte, as one part: row groups end by
// content, so only those around a part boundary or a cut are re-encoded,
// the rest are copied from the spool.
func TestBalancedParts(t *testing.T) {
	docs := balanceDocs(t)
	for _, opts := range []Options{
		{WorldSize: 4, RowGroupBytes: 16 << 10},
		{WorldSize: 2, MaxBytes: 300 << 10, RowGroupBytes: 8 << 10, Format: FormatArrow, Wakati: true},
		{WorldSize: 4, Shuffle: true, Seed: 9, ShuffleBuckets: 3},
	} {
		var ref [][]byte
		var refInfos []Info
		for _, split := range [][]int{nil, {100}, {1, 37, 200, 201}} {
			o := opts
			o.Dir, o.Encoders = t.TempDir(), 2
			w, infos := writeSplit(t, o, docs, split)
			data := readDirFiles(t, o.Dir, infos)
			if ref == nil {
				ref, refInfos = data, infos
				if !o.Shuffle && (w.bal.reencoded > len(infos) || w.bal.copied < 2*w.bal.reencoded) {
					t.Errorf("%+v: %d row groups copied, %d re-encoded in one part", opts, w.bal.copied, w.bal.reencoded)
				}
				continue
			}
			if fmt.Sprint(infos) != fmt.Sprint(refInfos) {
				t.Errorf("%+v split at %v: %v, want %v", opts, split, infos, refInfos)
				continue
			}
			for i := range data {
				if !bytes.Equal(data[i], ref[i]) {
					t.Errorf("%+v split at %v: %s differs", opts, split, infos[i].File)
				}
			}
			t.Logf("%+v split at %v: %d row groups copied, %d re-encoded", opts, split, w.bal.copied, w.bal.reencoded)
		}
	}
}

// TestAssemble: tasks save spool parts (SpoolOnly) and Assemble writes the
// dataset from them, byte-identical to one balanced Writer over all the
// documents; a part saved with other options, or damaged, is refused.
func TestAssemble(t *testing.T) {
	docs := balanceDocs(t)
	for _, opts := range []Options{
		{WorldSize: 4, RowGroupBytes: 16 << 10},
		{WorldSize: 2, Shuffle: true, Seed: 5, ShuffleBuckets: 4, Format: FormatArrow},
	} {
		ref := opts
		ref.Dir = t.TempDir()
		refInfos := writeAll(t, ref, docs, 17)
		refData := readDirFiles(t, ref.Dir, refInfos)

		var parts []string
		for _, r := range [][2]int{{0, 90}, {90, 90}, {90, 200}, {200, len(docs)}} { // an empty task too
			o := opts
			o.Dir, o.SpoolOnly = t.TempDir(), true
			if infos := writeAll(t, o, docs[r[0]:r[1]], 9); len(infos) != 0 {
				t.Fatalf("SpoolOnly wrote shards %v", infos)
			}
			parts = append(parts, o.Dir)
		}
		out := opts
		out.Dir = t.TempDir()
		out.Progress = new(Progress) // counted, and the bytes are the same
		infos, sources, err := Assemble(parts, out)
		if err != nil {
			t.Fatal(err)
		}
		var wantRows, wantBytes int64
		for _, in := range infos {
			wantRows, wantBytes = wantRows+in.Rows, wantBytes+in.Bytes
		}
		if p := out.Progress; p.Rows.Load() != wantRows || p.Bytes.Load() != wantBytes || p.Shards.Load() != int64(len(infos)) ||
			p.PlannedRows.Load() != wantRows || p.PlannedShards.Load() != int64(len(infos)) {
			t.Errorf("%+v: progress rows %d/%d bytes %d shards %d/%d; shards have %d rows, %d bytes, %d shards", opts,
				p.Rows.Load(), p.PlannedRows.Load(), p.Bytes.Load(), p.Shards.Load(), p.PlannedShards.Load(), wantRows, wantBytes, len(infos))
		}
		if fmt.Sprint(infos) != fmt.Sprint(refInfos) {
			t.Fatalf("%+v: assembled %v, one writer %v", opts, infos, refInfos)
		}
		for i, d := range readDirFiles(t, out.Dir, infos) {
			if !bytes.Equal(d, refData[i]) {
				t.Errorf("%+v: %s differs from one writer's", opts, infos[i].File)
			}
		}
		var rows, tokens int64
		for _, s := range sources {
			rows, tokens = rows+s.Rows, tokens+s.Tokens
		}
		var wantTokens int64
		for _, in := range refInfos {
			wantTokens += in.Tokens
		}
		if len(sources) != 3 || rows != int64(len(docs)) || tokens != wantTokens {
			t.Errorf("sources %+v: %d rows %d tokens, want %d, %d", sources, rows, tokens, len(docs), wantTokens)
		}
		// other options, a damaged docs.bin, a part not saved
		other := out
		other.Dir, other.Seed = t.TempDir(), opts.Seed+1
		if !opts.Shuffle {
			other.RowGroupBytes *= 2
		}
		if _, _, err := Assemble(parts, other); err == nil || !strings.Contains(err.Error(), parts[0]) {
			t.Errorf("other options: %v", err)
		}
		bad := filepath.Join(parts[3], spoolDocsFile)
		raw, _ := os.ReadFile(bad)
		raw[5] ^= 1
		os.WriteFile(bad, raw, 0o644)
		other.Dir, other.Seed, other.RowGroupBytes = t.TempDir(), opts.Seed, opts.RowGroupBytes
		if _, _, err := Assemble(parts, other); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("damaged part: %v", err)
		}
		if _, _, err := Assemble([]string{t.TempDir()}, other); err == nil || !strings.Contains(err.Error(), "not a complete saved part") {
			t.Errorf("unsaved part: %v", err)
		}
	}
}

// TestBalancedPartsShardCount: the shard count is a function of the
// documents alone, never of the parts the spool was written in (whose
// encoded sizes differ): over a range of MaxBytes, with and without
// shuffle, a spool in five parts gives the shards of one.
func TestBalancedPartsShardCount(t *testing.T) {
	docs := balanceDocs(t)
	for _, shuffle := range []bool{false, true} {
		for maxBytes := int64(40 << 10); maxBytes <= 240<<10; maxBytes += 40 << 10 {
			var ref []Info
			for _, split := range [][]int{nil, {1, 37, 100, 200, 201}} {
				o := Options{Dir: t.TempDir(), WorldSize: 1, MaxBytes: maxBytes, Shuffle: shuffle, Seed: 3, ShuffleBuckets: 8, RowGroupBytes: 8 << 10}
				_, infos := writeSplit(t, o, docs, split)
				if ref == nil {
					ref = infos
				} else if fmt.Sprint(infos) != fmt.Sprint(ref) {
					t.Errorf("shuffle %v, max_bytes %d: %d shards in five parts, %d in one", shuffle, maxBytes, len(infos), len(ref))
				}
			}
		}
	}
}

// writeSplit writes docs with a balanced Writer, starting a new spool part
// (as another task would) before each document index in split.
func writeSplit(t *testing.T, o Options, docs []*pipeline.Document, split []int) (*Writer, []Info) {
	t.Helper()
	w, err := NewWriter(o)
	if err != nil {
		t.Fatal(err)
	}
	next := 0
	for i, d := range docs {
		if next < len(split) && i == split[next] {
			w.bal.newPart()
			next++
		}
		if err := w.Write([]*pipeline.Document{d}); err != nil {
			t.Fatal(err)
		}
	}
	infos, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return w, infos
}
