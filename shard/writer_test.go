package shard

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/format"

	"github.com/jacorpus/jacorpus/pipeline"
)

// TestWriteReadBack writes the fixture under several limits, reads every
// shard back with Apache Arrow and checks values, counts, sizes and hashes.
func TestWriteReadBack(t *testing.T) {
	docs := loadFixture(t)
	tests := []struct {
		name         string
		opts         Options
		batches      []int
		minShards    int
		maxShards    int
		multiRGShard bool // some shard must have more than one row group
	}{
		{name: "64KiB", opts: Options{MaxBytes: 64 << 10}, batches: []int{7}, minShards: 3, maxShards: 12},
		{name: "32KiB-small-row-groups", opts: Options{MaxBytes: 32 << 10, RowGroupBytes: 8 << 10}, batches: []int{1, 5, 40}, minShards: 6, maxShards: 24, multiRGShard: true},
		{name: "rows-10", opts: Options{MaxRows: 10}, minShards: 9, maxShards: 9},
		{name: "defaults-one-shard", opts: Options{}, batches: []int{86}, minShards: 1, maxShards: 1},
		{name: "prefix", opts: Options{MaxBytes: 128 << 10, Prefix: "ja-web"}, batches: []int{3}, minShards: 2, maxShards: 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.opts.Dir = dir
			infos := writeAll(t, tc.opts, docs, tc.batches...)
			if len(infos) < tc.minShards || len(infos) > tc.maxShards {
				t.Fatalf("%d shards, want %d..%d", len(infos), tc.minShards, tc.maxShards)
			}
			prefix := tc.opts.Prefix
			if prefix == "" {
				prefix = "part"
			}
			var want []string
			var all []Row
			multiRG := false
			for i, in := range infos {
				if name := fmt.Sprintf("%s-%05d.parquet", prefix, i); in.File != name {
					t.Errorf("shard %d is %q, want %q", i, in.File, name)
				}
				want = append(want, in.File)
				path := filepath.Join(dir, in.File)
				sum, size := fileSHA256(t, path)
				if in.SHA256 != sum || in.Bytes != size {
					t.Errorf("%s: info says %d bytes sha %s, file has %d bytes sha %s", in.File, in.Bytes, in.SHA256, size, sum)
				}
				rows := readBack(t, path)
				if in.Rows != int64(len(rows)) || in.Rows == 0 {
					t.Errorf("%s: info rows %d, file has %d", in.File, in.Rows, len(rows))
				}
				var tokens int64
				for _, r := range rows {
					tokens += r.Tokens
				}
				if in.Tokens != tokens {
					t.Errorf("%s: info tokens %d, file has %d", in.File, in.Tokens, tokens)
				}
				all = append(all, rows...)

				md := fileMetadata(t, path)
				if len(md.RowGroups) > 1 {
					multiRG = true
				}
				for g, rg := range md.RowGroups {
					for c, cc := range rg.Columns {
						if cc.MetaData.Codec != format.Zstd {
							t.Errorf("%s: row group %d column %d compressed with %v", in.File, g, c, cc.MetaData.Codec)
						}
					}
				}
			}
			if tc.multiRGShard && !multiRG {
				t.Errorf("no shard has more than one row group")
			}
			if got := dirNames(t, dir); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("directory holds %v, want exactly %v", got, want)
			}
			if len(all) != len(docs) {
				t.Fatalf("read back %d rows, wrote %d documents", len(all), len(docs))
			}
			for i, d := range docs {
				if got, want := all[i], RowOf(d); got != want {
					t.Errorf("row %d: got id=%q meta=%q tokens=%d (text %d bytes), want id=%q meta=%q tokens=%d (text %d bytes)",
						i, got.ID, got.Meta, got.Tokens, len(got.Text), want.ID, want.Meta, want.Tokens, len(want.Text))
				}
				if all[i].Text != d.Text {
					t.Errorf("row %d (%s): text differs", i, d.ID)
				}
			}
		})
	}
}

// TestMaxRows checks the exact rows per shard for row limits.
func TestMaxRows(t *testing.T) {
	docs := loadFixture(t)
	tests := []struct {
		maxRows int64
		want    []int64
	}{
		{1, repeat(1, 86)},
		{10, append(repeat(10, 8), 6)},
		{43, []int64{43, 43}},
		{86, []int64{86}},
		{1000, []int64{86}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.maxRows), func(t *testing.T) {
			infos := writeAll(t, Options{Dir: t.TempDir(), MaxRows: tc.maxRows}, docs, 9)
			var got []int64
			for _, in := range infos {
				got = append(got, in.Rows)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("rows per shard %v, want %v", got, tc.want)
			}
		})
	}
}

func repeat(v int64, n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// TestBatchIndependence writes the same documents split into Write calls in
// different ways; the files must be byte-identical.
func TestBatchIndependence(t *testing.T) {
	docs := loadFixture(t)
	for _, opts := range []Options{
		{MaxBytes: 48 << 10},
		{MaxBytes: 100 << 10, RowGroupBytes: 20 << 10},
		{MaxRows: 25},
	} {
		t.Run(fmt.Sprintf("bytes%d-rg%d-rows%d", opts.MaxBytes, opts.RowGroupBytes, opts.MaxRows), func(t *testing.T) {
			refDir := t.TempDir()
			opts.Dir = refDir
			ref := writeAll(t, opts, docs) // one batch
			refData := readDirFiles(t, refDir, ref)
			if len(ref) < 2 {
				t.Fatalf("only %d shard(s); the test needs several", len(ref))
			}
			for _, sizes := range [][]int{{1}, {2, 7}, {13}, {85, 1}, {1, 30, 2, 50}} {
				dir := t.TempDir()
				opts.Dir = dir
				infos := writeAll(t, opts, docs, sizes...)
				if fmt.Sprint(infos) != fmt.Sprint(ref) {
					t.Errorf("batches %v: shards %v, want %v", sizes, infos, ref)
					continue
				}
				for i, data := range readDirFiles(t, dir, infos) {
					if !bytes.Equal(data, refData[i]) {
						t.Errorf("batches %v: %s differs from the single-batch file", sizes, infos[i].File)
					}
				}
			}
		})
	}
}

// TestDeterministic writes the fixture with two independent writers.
func TestDeterministic(t *testing.T) {
	docs := loadFixture(t)
	var prev []Info
	var prevData [][]byte
	for run := range 2 {
		dir := t.TempDir()
		infos := writeAll(t, Options{Dir: dir, MaxBytes: 64 << 10, RowGroupBytes: 16 << 10}, docs, 16)
		data := readDirFiles(t, dir, infos)
		if run > 0 {
			if fmt.Sprint(infos) != fmt.Sprint(prev) {
				t.Fatalf("run %d: %v, previous run %v", run, infos, prev)
			}
			for i := range data {
				if !bytes.Equal(data[i], prevData[i]) {
					t.Errorf("run %d: %s differs", run, infos[i].File)
				}
			}
		}
		prev, prevData = infos, data
	}
}

// TestEncodersIdentical: the files are byte-identical whatever the number of
// encoders, with enough small row groups that many are in flight and the
// look-behind of the size estimate matters, for plain and wakati shards.
func TestEncodersIdentical(t *testing.T) {
	fixture := loadFixture(t)
	var docs []*pipeline.Document
	for rep := range 4 { // 344 documents, about 1.9 MB of text
		for _, d := range fixture {
			c := *d
			c.ID = fmt.Sprint(d.ID, "#", rep)
			c.Wakati = strings.Join(strings.Fields(d.Text), " ")
			docs = append(docs, &c)
		}
	}
	for _, base := range []Options{
		{MaxBytes: 256 << 10, RowGroupBytes: 8 << 10},
		{MaxBytes: 1 << 20, RowGroupBytes: 4 << 10, Wakati: true},
		{MaxTokens: 40000, RowGroupBytes: 8 << 10},
		{MaxBytes: 512 << 10, RowGroupBytes: 8 << 10, Format: FormatArrow},
	} {
		var ref []Info
		var refData [][]byte
		for _, enc := range []int{1, 2, 3, 8, 64} {
			opts := base
			opts.Dir, opts.Encoders = t.TempDir(), enc
			infos := writeAll(t, opts, docs, 7)
			data := readDirFiles(t, opts.Dir, infos)
			if ref == nil {
				ref, refData = infos, data
				var groups int
				if base.Format == FormatArrow {
					_, groups = readArrow(t, filepath.Join(opts.Dir, infos[0].File))
				} else {
					groups = len(fileMetadata(t, filepath.Join(opts.Dir, infos[0].File)).RowGroups)
				}
				if len(infos) < 2 || groups <= lookBehind {
					t.Fatalf("%+v: %d shards, %d row groups in the first; the test needs several shards and more than %d row groups", base, len(infos), groups, lookBehind)
				}
				continue
			}
			if fmt.Sprint(infos) != fmt.Sprint(ref) {
				t.Errorf("%+v, %d encoders: shards %v, want %v", base, enc, infos, ref)
				continue
			}
			for i := range data {
				if !bytes.Equal(data[i], refData[i]) {
					t.Errorf("%+v, %d encoders: %s differs", base, enc, infos[i].File)
				}
			}
		}
	}
}

// TestMaxTokens: shards close before a document that would take them past
// MaxTokens; a document larger than MaxTokens gets a shard of its own.
func TestMaxTokens(t *testing.T) {
	docs := loadFixture(t)
	var maxDoc int64
	for _, d := range docs {
		maxDoc = max(maxDoc, int64(d.Tokens))
	}
	for _, limit := range []int64{maxDoc / 2, maxDoc, 3 * maxDoc} {
		dir := t.TempDir()
		infos := writeAll(t, Options{Dir: dir, MaxTokens: limit}, docs, 5)
		var total int64
		next := 0
		for i, in := range infos {
			total += in.Tokens
			rows := readBack(t, filepath.Join(dir, in.File))
			if in.Tokens > limit && len(rows) != 1 {
				t.Errorf("limit %d: %s has %d tokens in %d rows", limit, in.File, in.Tokens, len(rows))
			}
			next += len(rows)
			// closed too early? the next document would have fitted
			if i < len(infos)-1 && next < len(docs) && in.Tokens+int64(docs[next].Tokens) <= limit {
				t.Errorf("limit %d: %s closed at %d tokens, the next document (%d tokens) fits", limit, in.File, in.Tokens, docs[next].Tokens)
			}
		}
		if next != len(docs) || total == 0 {
			t.Errorf("limit %d: %d rows, %d tokens", limit, next, total)
		}
	}
}

// TestShardSizes checks that byte-limited shards land near MaxBytes.
func TestShardSizes(t *testing.T) {
	docs := loadFixture(t)
	var maxDoc, textBytes int64
	for _, d := range docs {
		r := RowOf(d)
		maxDoc = max(maxDoc, rawSize(&r))
		textBytes += int64(len(d.Text))
	}
	for _, maxBytes := range []int64{24 << 10, 48 << 10, 64 << 10, 100 << 10} {
		t.Run(fmt.Sprint(maxBytes>>10, "KiB"), func(t *testing.T) {
			dir := t.TempDir()
			infos := writeAll(t, Options{Dir: dir, MaxBytes: maxBytes}, docs, 10)
			if len(infos) < 2 {
				t.Fatalf("%d shard(s); want several", len(infos))
			}
			var total int64
			var sizes []string
			for i, in := range infos {
				total += in.Bytes
				sizes = append(sizes, fmt.Sprintf("%d(%dr)", in.Bytes, in.Rows))
				if i == len(infos)-1 {
					continue
				}
				if in.Bytes < maxBytes/2 {
					t.Errorf("%s: %d bytes < 50%% of MaxBytes %d", in.File, in.Bytes, maxBytes)
				}
				if in.Bytes > maxBytes*3/2+maxDoc {
					t.Errorf("%s: %d bytes > 150%% of MaxBytes %d + largest document %d", in.File, in.Bytes, maxBytes, maxDoc)
				}
			}
			t.Logf("MaxBytes %d: %d shards %v; %d text bytes -> %d file bytes (%.2f)",
				maxBytes, len(infos), sizes, textBytes, total, float64(total)/float64(textBytes))
		})
	}
}

// TestLargeDocument: a document larger than MaxBytes gets a shard of its own.
func TestLargeDocument(t *testing.T) {
	docs := loadFixture(t)
	var all strings.Builder
	for _, d := range docs {
		all.WriteString(d.Text)
	}
	big := &pipeline.Document{ID: "big", Text: all.String(), Source: "concat", Tokens: 1}
	in := append(append(append([]*pipeline.Document{}, docs[:5]...), big), docs[5:10]...)
	dir := t.TempDir()
	infos := writeAll(t, Options{Dir: dir, MaxBytes: 64 << 10}, in, 4)
	found := false
	for _, sh := range infos {
		rows := readBack(t, filepath.Join(dir, sh.File))
		for _, r := range rows {
			if r.ID == "big" {
				found = true
				if len(rows) != 1 {
					t.Errorf("%s: big document shares its shard with %d others", sh.File, len(rows)-1)
				}
				if sh.Bytes < 64<<10 {
					t.Errorf("%s: %d bytes; the big document should exceed MaxBytes", sh.File, sh.Bytes)
				}
			}
		}
	}
	if !found {
		t.Fatal("big document not found")
	}
	if len(infos) != 3 {
		t.Errorf("%d shards, want 3 (before, big, after): %v", len(infos), infos)
	}
}

// TestCloseEmpty: no documents, no files.
func TestCloseEmpty(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWriter(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(nil); err != nil {
		t.Fatal(err)
	}
	infos, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if infos == nil || len(infos) != 0 {
		t.Errorf("Close = %#v, want an empty list", infos)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("directory holds %v", names)
	}
	if err := w.Write([]*pipeline.Document{{ID: "x", Text: "y"}}); err == nil {
		t.Error("Write after Close succeeded")
	}
}

// TestAbort: Abort removes finished and temporary shards at any point.
func TestAbort(t *testing.T) {
	docs := loadFixture(t)
	tests := []struct {
		name  string
		close bool
		write int // documents written before Abort
	}{
		{"open-shard", false, 40},
		{"nothing-written", false, 0},
		{"after-close", true, 86},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w, err := NewWriter(Options{Dir: dir, MaxBytes: 32 << 10})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(docs[:tc.write]); err != nil {
				t.Fatal(err)
			}
			names := dirNames(t, dir)
			if tc.write > 0 && !tc.close {
				var tmp, done int
				for _, n := range names {
					if strings.HasSuffix(n, ".tmp") {
						tmp++
					} else {
						done++
					}
				}
				if tmp != 1 || done == 0 {
					t.Fatalf("before Abort: %v; want finished shards and one temporary file", names)
				}
			}
			if tc.close {
				if _, err := w.Close(); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Abort(); err != nil {
				t.Fatal(err)
			}
			if names := dirNames(t, dir); len(names) != 0 {
				t.Errorf("after Abort: %v", names)
			}
			if err := w.Write(docs[:1]); err == nil {
				t.Error("Write after Abort succeeded")
			}
			if err := w.Abort(); err != nil {
				t.Errorf("second Abort: %v", err)
			}
		})
	}
}

// TestAbortAfterError: a write that fails (the next shard's final name is
// taken by someone else's file) leaves nothing of ours after Abort, and the
// foreign file is untouched.
func TestAbortAfterError(t *testing.T) {
	docs := loadFixture(t)
	dir := t.TempDir()
	foreign := filepath.Join(dir, "part-00001.parquet")
	if err := os.WriteFile(foreign, []byte("not ours"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(Options{Dir: dir, MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	err = w.Write(docs)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("Write = %v, want an 'already exists' error", err)
	}
	if err2 := w.Write(docs[:1]); err2 == nil {
		t.Error("Write after an error succeeded")
	}
	if _, err2 := w.Close(); err2 == nil {
		t.Error("Close after an error succeeded")
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if names := dirNames(t, dir); fmt.Sprint(names) != "[part-00001.parquet]" {
		t.Errorf("after Abort: %v", names)
	}
	if data, _ := os.ReadFile(foreign); string(data) != "not ours" {
		t.Error("foreign file changed")
	}
}

func TestNewWriterOptions(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "f")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := []Options{
		{},
		{Dir: filepath.Join(dir, "missing")},
		{Dir: notDir},
		{Dir: dir, MaxBytes: -1},
		{Dir: dir, MaxRows: -1},
		{Dir: dir, RowGroupBytes: -1},
		{Dir: dir, MaxTokens: -1},
		{Dir: dir, Encoders: -1},
		{Dir: dir, ZstdLevel: 23},
		{Dir: dir, ZstdLevel: -1},
		{Dir: dir, Prefix: "a/b"},
		{Dir: dir, Prefix: ".hidden"},
	}
	for _, o := range bad {
		if _, err := NewWriter(o); err == nil {
			t.Errorf("NewWriter(%+v) succeeded", o)
		}
	}
	derived := []struct {
		opts          Options
		maxBytes, rgb int64
	}{
		{Options{}, 512 << 20, 128 << 20},
		{Options{MaxBytes: 1 << 30}, 1 << 30, 128 << 20},
		{Options{MaxBytes: 100 << 20}, 100 << 20, 25 << 20},
		{Options{MaxBytes: 64 << 10}, 64 << 10, 64 << 10},
		{Options{MaxBytes: 1 << 20, RowGroupBytes: 1000}, 1 << 20, 1000},
	}
	for _, tc := range derived {
		tc.opts.Dir = dir
		w, err := NewWriter(tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if w.maxBytes != tc.maxBytes || w.rowGroupBytes != tc.rgb {
			t.Errorf("%+v: MaxBytes %d RowGroupBytes %d, want %d %d", tc.opts, w.maxBytes, w.rowGroupBytes, tc.maxBytes, tc.rgb)
		}
	}
}

func TestRowOf(t *testing.T) {
	tests := []struct {
		meta map[string]string
		want string
	}{
		{nil, "{}"},
		{map[string]string{}, "{}"},
		{map[string]string{"title": "羅生門", "author": "芥川龍之介"}, `{"author":"芥川龍之介","title":"羅生門"}`},
		{map[string]string{"b": "x&<y>", "a": "\"q\"\n"}, `{"a":"\"q\"\n","b":"x&<y>"}`},
	}
	for _, tc := range tests {
		d := &pipeline.Document{ID: "i", Text: "本文", Source: "s", URL: "https://example.jp/", Meta: tc.meta, Tokens: 7}
		r := RowOf(d)
		want := Row{ID: "i", Text: "本文", Source: "s", URL: "https://example.jp/", Meta: tc.want, Tokens: 7}
		if r != want {
			t.Errorf("RowOf(meta %v) = %+v, want %+v", tc.meta, r, want)
		}
	}
	if got := fmt.Sprint(Columns()); got != "[id text source url meta tokens]" {
		t.Errorf("Columns() = %s", got)
	}
}

func TestMulDiv(t *testing.T) {
	tests := []struct{ x, num, den, want int64 }{
		{100, 1, 2, 50},
		{0, 5, 7, 0},
		{1 << 40, 1 << 40, 1 << 41, 1 << 39},
		{1 << 62, 1 << 62, 1, 1<<63 - 1},
	}
	for _, tc := range tests {
		if got := mulDiv(tc.x, tc.num, tc.den); got != tc.want {
			t.Errorf("mulDiv(%d, %d, %d) = %d, want %d", tc.x, tc.num, tc.den, got, tc.want)
		}
	}
}
