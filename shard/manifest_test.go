package shard

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
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

	// A caller's manifest embeds Manifest and adds its sections.
	type runManifest struct {
		Manifest
		Stats *pipeline.Stats `json:"stats"`
		Run   *struct {
			Workers int    `json:"workers"`
			Host    string `json:"host"`
		} `json:"run,omitempty"`
	}
	m := &runManifest{Manifest: *NewManifest("jacorpus v0.1.0", infos), Stats: stats}
	m.Run = &struct {
		Workers int    `json:"workers"`
		Host    string `json:"host"`
	}{4, "test"}

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

	// ReadManifest reads the shard-level part and skips the rest.
	got, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, m.Manifest) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got, m.Manifest)
	}
	// DecodeManifest reads the caller's sections with their types.
	var full runManifest
	if err := DecodeManifest(path, &full); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(full.Manifest, m.Manifest) || !reflect.DeepEqual(full.Stats, m.Stats) || full.Run == nil || *full.Run != *m.Run {
		t.Errorf("typed round trip differs:\n got %+v\nwant %+v", full, *m)
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
		{"garbage.json", "{not json", "offset 2: invalid character"},
		{"type.json", `{"version": 1, "shards": [{"rows": "x"}]}`, "offset 38: json: cannot unmarshal string"},
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

func TestOwned(t *testing.T) {
	docs := loadFixture(t)
	dir := t.TempDir()
	if owned, err := Owned(dir); err != nil || owned != nil {
		t.Fatalf("no manifest: %v, %v; want nothing owned", owned, err)
	}
	a := writeAll(t, Options{Dir: dir, MaxRows: 30}, docs)               // part-0000{0,1,2}, not listed below
	b := writeAll(t, Options{Dir: dir, MaxRows: 50, Prefix: "ja"}, docs) // ja-0000{0,1}, listed
	if len(a) != 3 || len(b) != 2 {
		t.Fatalf("setup: %d and %d shards", len(a), len(b))
	}
	m := NewManifest("jacorpus test", append(b, Info{File: "../outside.parquet"}, Info{File: ".hidden.parquet"}))
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".part-00009.parquet.tmp", ".manifest.json.123.tmp", "notes.txt"} {
		os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
	}
	owned, err := Owned(dir)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(owned)
	// part-0000*.parquet are not in the manifest: someone else's (a Spark
	// job's part-00000-<uuid>.parquet looks the same)
	want := []string{".manifest.json.123.tmp", ".part-00009.parquet.tmp", "ja-00000.parquet", "ja-00001.parquet", "manifest.json"}
	if !slices.Equal(owned, want) {
		t.Errorf("owned %q, want %q", owned, want)
	}
	os.WriteFile(filepath.Join(dir, ManifestName), []byte("{"), 0o644)
	if _, err := Owned(dir); err == nil {
		t.Error("a corrupt manifest owns nothing it might not list: want an error")
	}
	// another tool's manifest.json in the same format owns nothing either
	if err := WriteManifest(dir, NewManifest("sparkish 1.0", b)); err != nil {
		t.Fatal(err)
	}
	if _, err := Owned(dir); err == nil || !strings.Contains(err.Error(), `"sparkish 1.0"`) {
		t.Errorf("another tool's manifest: %v", err)
	}
}
