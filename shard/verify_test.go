package shard

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/pipeline"
)

// TestVerify: an untouched dataset passes, also after `cp -r` to another
// directory; a flipped byte, a truncated shard, a missing shard and an extra
// file are each found and named; --quick finds all but the flipped byte.
func TestVerify(t *testing.T) {
	src := t.TempDir()
	infos := writeAll(t, Options{Dir: src, MaxRows: 20}, loadFixture(t))
	if len(infos) < 4 {
		t.Fatalf("%d shards; the test needs 4", len(infos))
	}
	if err := WriteManifest(src, NewManifest("test", infos)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "copy")
	if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp -r: %v %s", err, out)
	}
	for _, quick := range []bool{false, true} {
		res, err := Verify(dir, quick)
		if err != nil || len(res.Problems) > 0 || res.Shards != len(infos) || res.Hashed == quick {
			t.Fatalf("untouched copy (quick %v): %v %+v", quick, err, res)
		}
	}

	shardPath := func(i int) string { return filepath.Join(dir, infos[i].File) }
	b, err := os.ReadFile(shardPath(0))
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	must(t, os.WriteFile(shardPath(0), b, 0o644))
	must(t, os.Truncate(shardPath(1), infos[1].Bytes-10))
	must(t, os.Remove(shardPath(2)))
	must(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	must(t, os.WriteFile(shardPath(3)+"x", []byte("x"), 0o644))

	want := []string{ // by file name
		"notes.txt: " + VerifyExtra,
		infos[0].File + ": " + VerifyAltered,
		infos[1].File + ": " + VerifyTruncated,
		infos[2].File + ": " + VerifyMissing,
		infos[3].File + "x: " + VerifyExtra,
		"sub: " + VerifyExtra,
	}
	res, err := Verify(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d: %q, want %q…", i, got[i], want[i])
		}
	}
	quick, err := Verify(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(quick.Problems) != len(want)-1 || strings.Contains(quick.Problems[1].String(), VerifyAltered) {
		t.Errorf("quick: %v", quick.Problems)
	}
	if _, err := Verify(t.TempDir(), false); err == nil {
		t.Error("a directory without a manifest verified")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSources: the per-source totals add up to the shards' and follow the
// documents' sources.
func TestSources(t *testing.T) {
	dir := t.TempDir()
	docs := loadFixture(t)
	w, err := NewWriter(Options{Dir: dir, MaxRows: 30})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for i, d := range docs {
		c := *d
		c.Source = []string{"a", "b", "c"}[i%3]
		c.Tokens = i
		want[c.Source]++
		must(t, w.Write([]*pipeline.Document{&c}))
	}
	infos, err := w.Close()
	must(t, err)
	m := NewManifest("test", infos)
	srcs := w.Sources()
	var rows, tokens int64
	for i, s := range srcs {
		if s.Rows != want[s.Source] || (i > 0 && srcs[i-1].Source >= s.Source) {
			t.Errorf("source %+v, want %d rows, in name order", s, want[s.Source])
		}
		rows += s.Rows
		tokens += s.Tokens
	}
	if len(srcs) != 3 || rows != m.Totals.Rows || tokens != m.Totals.Tokens {
		t.Errorf("sources %+v, totals %+v", srcs, m.Totals)
	}
}
