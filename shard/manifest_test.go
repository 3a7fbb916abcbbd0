package shard

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

func TestManifestRoundTrip(t *testing.T) {
	docs := loadFixture(t)
	dir := t.TempDir()
	infos := writeAll(t, Options{Dir: dir, MaxBytes: 64 << 10}, docs, 8)

	stats := &pipeline.Stats{}
	ing := stats.Stage(pipeline.IngestStage)
	ing.DocsIn, ing.DocsOut, ing.BytesOut = 88, 86, 488895
	ing.Dropped["malformed_json"] = 2
	stats.AddProblem(pipeline.Problem{Pos: pipeline.Position{File: "in.jsonl", Line: 3, Offset: 120}, Kind: "malformed_json", Detail: "unexpected EOF"})
	sh := stats.Stage("shard")
	sh.DocsIn, sh.DocsOut = 86, 86

	m := NewManifest("jacorpus v0.1.0", infos)
	m.Config = map[string]any{"max_bytes": 65536, "filters": []string{"length", "ja_ratio"}}
	m.Stats = stats
	m.Run = map[string]any{"workers": 4, "host": "test"}

	if m.Version != 1 || m.Totals.Shards != len(infos) || strings.Join(m.Schema, ",") != "id,text,source,url,meta,tokens" {
		t.Fatalf("NewManifest: version %d totals %+v schema %v", m.Version, m.Totals, m.Schema)
	}
	var rows, tokens, bytes int64
	for _, in := range infos {
		rows += in.Rows
		tokens += in.Tokens
		bytes += in.Bytes
	}
	if m.Totals != (Totals{Shards: len(infos), Rows: rows, Tokens: tokens, Bytes: bytes}) || rows != 86 {
		t.Errorf("totals %+v; want %d shards, %d rows, %d tokens, %d bytes", m.Totals, len(infos), rows, tokens, bytes)
	}

	// Write twice: the second write replaces the first atomically.
	if err := WriteManifest(dir, NewManifest("old", nil)); err != nil {
		t.Fatal(err)
	}
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	for _, n := range dirNames(t, dir) {
		if strings.HasSuffix(n, ".tmp") {
			t.Errorf("temporary file %s left behind", n)
		}
	}
	path := filepath.Join(dir, ManifestName)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(raw), "{\n  \"version\": 1,\n  \"tool\": \"jacorpus v0.1.0\",") || !strings.HasSuffix(string(raw), "}\n") {
		t.Errorf("manifest is not indented JSON as expected:\n%.200s", raw)
	}

	got, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != m.Version || got.Tool != m.Tool || !reflect.DeepEqual(got.Schema, m.Schema) ||
		!reflect.DeepEqual(got.Shards, m.Shards) || got.Totals != m.Totals || !reflect.DeepEqual(got.Stats, m.Stats) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got, m)
	}
	// Config and Run come back as generic JSON; compare their encodings.
	for _, pair := range [][2]any{{got.Config, m.Config}, {got.Run, m.Run}} {
		a, _ := json.Marshal(pair[0])
		b, _ := json.Marshal(pair[1])
		if string(a) != string(b) {
			t.Errorf("generic field: got %s, want %s", a, b)
		}
	}

	// Without Run the field is omitted.
	m.Run = nil
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(path)
	if strings.Contains(string(raw), `"run"`) {
		t.Error(`"run" written although nil`)
	}
	// An empty run still lists shards as [] rather than null.
	if err := WriteManifest(dir, NewManifest("t", nil)); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(path)
	if !strings.Contains(string(raw), `"shards": []`) {
		t.Errorf("empty manifest: %s", raw)
	}
}

func TestReadManifestErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, content, want string }{
		{"garbage.json", "{not json", "invalid character"},
		{"v2.json", `{"version": 2, "tool": "x"}`, "unsupported version 2"},
		{"empty.json", ``, "unexpected end of JSON input"},
	}
	for _, tc := range tests {
		p := filepath.Join(dir, tc.name)
		if err := os.WriteFile(p, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadManifest(p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := ReadManifest(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing manifest read without error")
	}
}

func TestPrepareDir(t *testing.T) {
	docs := loadFixture(t)
	touch := func(t *testing.T, path string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// previousRun fills dir like an earlier run plus unrelated files.
	previousRun := func(t *testing.T, dir string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		a := writeAll(t, Options{Dir: dir, MaxRows: 30}, docs)               // part-0000{0,1,2}
		b := writeAll(t, Options{Dir: dir, MaxRows: 50, Prefix: "ja"}, docs) // ja-0000{0,1}, listed in the manifest
		m := NewManifest("t", append(b, Info{File: "../outside.parquet"}, Info{File: "notes.txt"}))
		if err := WriteManifest(dir, m); err != nil {
			t.Fatal(err)
		}
		if len(a) != 3 || len(b) != 2 {
			t.Fatalf("setup: %d and %d shards", len(a), len(b))
		}
		touch(t, filepath.Join(dir, ".part-00009.parquet.tmp"))
		touch(t, filepath.Join(dir, ".manifest.json.123.tmp"))
		touch(t, filepath.Join(dir, "notes.txt"))
		touch(t, filepath.Join(dir, "other.parquet"))
		touch(t, filepath.Join(dir, "sub", "part-00000.parquet"))
		touch(t, filepath.Join(filepath.Dir(dir), "outside.parquet"))
	}
	kept := "[notes.txt other.parquet sub]"

	tests := []struct {
		name      string
		setup     func(t *testing.T, dir string)
		overwrite bool
		wantErr   string
		want      string // directory listing afterwards
	}{
		{name: "missing", setup: nil, want: "[]"},
		{name: "empty", setup: func(t *testing.T, dir string) { os.Mkdir(dir, 0o755) }, want: "[]"},
		{name: "empty-overwrite", setup: func(t *testing.T, dir string) { os.Mkdir(dir, 0o755) }, overwrite: true, want: "[]"},
		{name: "refuse-unrelated", setup: func(t *testing.T, dir string) { touch(t, filepath.Join(dir, "notes.txt")) }, wantErr: "--overwrite", want: "[notes.txt]"},
		{name: "refuse-previous-run", setup: previousRun, wantErr: "not empty",
			want: "[.manifest.json.123.tmp .part-00009.parquet.tmp ja-00000.parquet ja-00001.parquet manifest.json notes.txt other.parquet part-00000.parquet part-00001.parquet part-00002.parquet sub]"},
		{name: "overwrite", setup: previousRun, overwrite: true, want: kept},
		{name: "overwrite-corrupt-manifest", setup: func(t *testing.T, dir string) {
			previousRun(t, dir)
			os.WriteFile(filepath.Join(dir, ManifestName), []byte("{"), 0o644)
		}, overwrite: true, want: "[ja-00000.parquet ja-00001.parquet notes.txt other.parquet sub]"},
		{name: "not-a-directory", setup: func(t *testing.T, dir string) { touch(t, dir) }, wantErr: "not a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			dir := filepath.Join(base, "out", "run")
			if tc.setup != nil {
				os.MkdirAll(filepath.Dir(dir), 0o755)
				tc.setup(t, dir)
			}
			err := PrepareDir(dir, tc.overwrite)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), dir) {
					t.Fatalf("PrepareDir = %v, want an error naming %s and containing %q", err, dir, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" {
				if got := fmt.Sprint(dirNames(t, dir)); got != tc.want {
					t.Errorf("directory holds %s, want %s", got, tc.want)
				}
			}
			if tc.setup != nil {
				if _, err := os.Stat(filepath.Join(dir, "..", "outside.parquet")); tc.name == "overwrite" && err != nil {
					t.Errorf("file outside the directory was touched: %v", err)
				}
				if _, err := os.Stat(filepath.Join(dir, "sub", "part-00000.parquet")); tc.name == "overwrite" && err != nil {
					t.Errorf("file in a subdirectory was removed: %v", err)
				}
			}
		})
	}
}
