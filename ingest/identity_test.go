package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// names returns "name source" for every file.
func names(files []File) string {
	var s []string
	for _, f := range files {
		s = append(s, f.Name+" "+f.Source)
	}
	return strings.Join(s, "; ")
}

// TestExpandSourceNames: an explicit source starts the names of its input's
// files, so inputs with the same base names can be told apart; without one
// the names start with the root's base name.
func TestExpandSourceNames(t *testing.T) {
	top := t.TempDir()
	doc := []byte("{\"text\":\"x\"}\n")
	for _, name := range []string{"c1/x.txt", "c2/x.txt", "a/data/sub/x.jsonl", "b/data/sub/x.jsonl",
		"raw/r-1.txt", "raw/r-2.txt", "g1/data/1.jsonl", "g2/data/1.jsonl"} {
		writeFile(t, top, name, doc)
	}
	j := func(p string) string { return filepath.Join(top, p) }
	cases := []struct {
		name   string
		inputs []Input
		want   string
	}{
		{"file inputs", []Input{{Path: j("c1/x.txt"), Source: "one"}, {Path: j("c2/x.txt"), Source: "two"}},
			"one/x.txt one; two/x.txt two"},
		{"directory inputs", []Input{{Path: j("a/data"), Source: "a"}, {Path: j("b/data"), Source: "b"}},
			"a/sub/x.jsonl a; b/sub/x.jsonl b"},
		{"glob inputs", []Input{{Path: j("g1/data/*.jsonl"), Source: "g1"}, {Path: j("g2/*/*.jsonl"), Source: "g2"}},
			"g1/1.jsonl g1; g2/data/1.jsonl g2"},
		{"one source for files with distinct base names", []Input{{Path: j("raw/r-1.txt"), Source: "r"}, {Path: j("raw/r-2.txt"), Source: "r"}},
			"r/r-1.txt r; r/r-2.txt r"},
		{"defaults unchanged", []Input{{Path: j("c1/x.txt")}, {Path: j("a/data")}, {Path: j("g1/*/*.jsonl")}},
			"x.txt x; data/sub/x.jsonl data; g1/data/1.jsonl g1"},
		{"one default, one explicit", []Input{{Path: j("c1/x.txt")}, {Path: j("c2/x.txt"), Source: "x"}},
			"x.txt x; x/x.txt x"},
	}
	for _, c := range cases {
		files, err := Expand(c.inputs)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := names(files); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// TestExpandSameName: two files with one name are refused, naming both
// inputs and both paths and suggesting distinct sources.
func TestExpandSameName(t *testing.T) {
	top := t.TempDir()
	doc := []byte("{\"text\":\"x\"}\n")
	for _, name := range []string{"c1/x.txt", "c2/x.txt", "a/data/sub/x.jsonl", "b/data/sub/x.jsonl", "b/data/y.jsonl"} {
		writeFile(t, top, name, doc)
	}
	j := func(p string) string { return filepath.Join(top, p) }
	cases := []struct {
		name   string
		inputs []Input
		a, b   string // the paths of the clashing files
	}{
		{"file inputs", []Input{{Path: j("c1/x.txt")}, {Path: j("c2/x.txt")}}, "c1/x.txt", "c2/x.txt"},
		{"directory inputs", []Input{{Path: j("a/data")}, {Path: j("b/data")}}, "a/data/sub/x.jsonl", "b/data/sub/x.jsonl"},
		{"same explicit source", []Input{{Path: j("c1/x.txt"), Source: "s"}, {Path: j("c2/x.txt"), Source: "s"}}, "c1/x.txt", "c2/x.txt"},
		{"explicit source equals a root's base name", []Input{{Path: j("a/data")}, {Path: j("b/data/sub"), Source: "data/sub"}},
			"a/data/sub/x.jsonl", "b/data/sub/x.jsonl"},
	}
	for _, c := range cases {
		_, err := Expand(c.inputs)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, want := range []string{"input 0 (" + c.inputs[0].Path + ")", "input 1 (" + c.inputs[1].Path + ")", j(c.a), j(c.b), "source"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q lacks %q", c.name, err, want)
			}
		}
	}
}

// pipePath returns a path of the read end of a new pipe, spelled by
// prefix ("/dev/fd/" or "/proc/self/fd/"), and its write end.
func pipePath(t *testing.T, prefix string) (string, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	path := fmt.Sprintf("%s%d", prefix, r.Fd())
	_, err = os.Stat(path)
	testcorpus.Need(t, err == nil, path)
	return path, w
}

// TestExpandPipe: an input that is a pipe (--input /dev/stdin, or a shell's
// process substitution <(zstdcat …), i.e. /dev/fd/N) is expanded and read,
// named by its path as spelled.
func TestExpandPipe(t *testing.T) {
	for _, prefix := range []string{"/dev/fd/", "/proc/self/fd/"} {
		t.Run(prefix, func(t *testing.T) {
			path, w := pipePath(t, prefix)
			base := filepath.Base(path)
			inputs := []Input{{Path: path, Format: FormatJSONL}}
			files, err := Expand(inputs)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := names(files), base+" "+base; got != want {
				t.Errorf("names %q, want %q", got, want)
			}
			abs, _ := filepath.Abs(path)
			if got := files[0].RealPath(); got != abs {
				t.Errorf("RealPath %q, want %q", got, abs)
			}
			// With a source, the name starts with it.
			if f, err := Expand([]Input{{Path: path, Format: FormatJSONL, Source: "stdin"}}); err != nil || names(f) != "stdin/"+base+" stdin" {
				t.Errorf("with source: %q, %v", names(f), err)
			}
			// The same pipe spelled twice is one input read twice.
			other := "/proc/self/fd/" + base
			if prefix != "/dev/fd/" {
				other = "/dev/fd/" + base
			}
			if _, err := Expand([]Input{{Path: path, Format: FormatJSONL}, {Path: other, Format: FormatJSONL}}); err == nil || !strings.Contains(err.Error(), "already read by input 0") {
				t.Errorf("pipe spelled twice: %v", err)
			}
			// Reads copes with the pipe (an output directory is not read by it).
			for _, p := range []string{t.TempDir(), path} {
				reads, err := inputs[0].Reads(p)
				if err != nil || reads != (p == path) {
					t.Errorf("Reads(%s) = %v, %v", p, reads, err)
				}
			}
			if _, err := RealPath(path); err != nil {
				t.Errorf("RealPath: %v", err)
			}

			if _, err := w.Write([]byte("{\"text\":\"一\"}\n{\"text\":\"二\"}\n")); err != nil {
				t.Fatal(err)
			}
			src := NewSource(files, inputs)
			defer src.Close()
			ctx := context.Background()
			// The first record opens the pipe while the writer is still open
			// (opening a pipe without writers would wait for one); closing
			// the writer then ends the stream.
			d, err := src.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			w.Close()
			g := drain(t, func() (*pipeline.Document, error) { return src.Next(ctx) })
			g.docs = append([]*pipeline.Document{d}, g.docs...)
			if len(g.docs) != 2 || g.docs[0].Text != "一" || g.docs[1].Text != "二" || len(g.problems) > 0 {
				t.Fatalf("docs %d, problems %q", len(g.docs), g.problemKeys())
			}
			if id, want := g.docs[1].ID, base+":2"; id != want || g.docs[1].Source != base {
				t.Errorf("id %q source %q, want %q and %q", id, g.docs[1].Source, want, base)
			}
		})
	}
}

// readProblems expands inputs, lets prepare change the files, and returns
// every problem read, as "kind position: detail".
func readProblems(t *testing.T, inputs []Input, prepare func()) []string {
	t.Helper()
	files, err := Expand(inputs)
	if err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare()
	}
	src := NewSource(files, inputs)
	defer src.Close()
	ctx := context.Background()
	g := drain(t, func() (*pipeline.Document, error) { return src.Next(ctx) })
	var out []string
	for _, p := range g.problems {
		out = append(out, fmt.Sprintf("%s %s: %s", p.Kind, p.Pos, p.Detail))
	}
	return out
}

// TestProblemDetailSpelling: problems of a file that cannot be opened or
// read do not depend on how its path was spelled.
func TestProblemDetailSpelling(t *testing.T) {
	t.Run("open", func(t *testing.T) {
		top := t.TempDir()
		t.Chdir(top)
		var got [][]string
		for _, spelled := range []string{"d/x.jsonl", filepath.Join(top, "d/../d/./x.jsonl")} {
			writeFile(t, top, "d/x.jsonl", []byte("{\"text\":\"x\"}\n"))
			got = append(got, readProblems(t, []Input{{Path: spelled}}, func() {
				if err := os.Remove(filepath.Join(top, "d/x.jsonl")); err != nil {
					t.Fatal(err)
				}
			}))
		}
		if len(got[0]) != 1 || !strings.Contains(got[0][0], "no such file") {
			t.Fatalf("problems %q", got[0])
		}
		if fmt.Sprint(got[0]) != fmt.Sprint(got[1]) {
			t.Errorf("problems differ by spelling:\n%q\n%q", got[0], got[1])
		}
		if strings.Contains(got[0][0], top) || strings.Contains(got[0][0], "d/x.jsonl:") {
			t.Errorf("detail names the path: %q", got[0][0])
		}
	})
	t.Run("read", func(t *testing.T) {
		// Reading /proc/self/mem at offset 0 fails (nothing is mapped there),
		// even as root.
		f, err := os.Open("/proc/self/mem")
		if err == nil {
			_, err = f.Read(make([]byte, 1))
			f.Close()
		}
		testcorpus.Need(t, err != nil, "a /proc/self/mem whose first read fails")
		var got [][]string
		for _, spelled := range []string{"/proc/self/mem", "/proc/self/../self/mem"} {
			got = append(got, readProblems(t, []Input{{Path: spelled, Format: FormatJSONL}}, nil))
		}
		if len(got[0]) != 1 || !strings.HasPrefix(got[0][0], pipeline.ProblemReadError+" mem") {
			t.Fatalf("problems %q", got[0])
		}
		if fmt.Sprint(got[0]) != fmt.Sprint(got[1]) {
			t.Errorf("problems differ by spelling:\n%q\n%q", got[0], got[1])
		}
		if strings.Contains(got[0][0], "/proc") {
			t.Errorf("detail names the path: %q", got[0][0])
		}
	})
}

// countdownCtx is a context whose Err turns to context.Canceled after n calls.
type countdownCtx struct {
	context.Context
	n atomic.Int64
}

func (c *countdownCtx) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestExpandContext: a stop request ends Expand during the walk of a tree
// or the match of a glob, with an error that is context.Canceled.
func TestExpandContext(t *testing.T) {
	top := t.TempDir()
	for k := 0; k < 200; k++ {
		writeFile(t, top, fmt.Sprintf("data/%02d/%d.jsonl", k%20, k), []byte("{}\n"))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, path := range []string{"data", "data/**/*.jsonl", "data/00/0.jsonl"} {
		p := filepath.Join(top, path)
		if _, err := ExpandContext(ctx, []Input{{Path: p}}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s, canceled before: %v", path, err)
		}
		files, err := ExpandContext(context.Background(), []Input{{Path: p}})
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: %d files, %v", path, len(files), err)
		}
		if len(files) == 1 {
			continue
		}
		// Canceled after a few files: the walk or the glob stops.
		cd := &countdownCtx{Context: context.Background()}
		cd.n.Store(20)
		if _, err := ExpandContext(cd, []Input{{Path: p}}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s, canceled during: %v", path, err)
		}
		if n := cd.n.Load(); n < -3 {
			t.Errorf("%s: %d more checks after the stop request", path, -n)
		}
	}
}

// TestFileRealPath: Expand keeps every file's resolved path, the same as
// RealPath gives.
func TestFileRealPath(t *testing.T) {
	top, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"data/sub/1.jsonl", "data/2.jsonl", "other/3.jsonl", "other/5.jsonl", "g/4.jsonl", "g/sub/6.jsonl"} {
		writeFile(t, top, name, []byte("{}\n"))
	}
	j := func(p string) string { return filepath.Join(top, p) }
	for _, l := range [][2]string{{"data", "dirlink"}, {"other/3.jsonl", "data/sub/link.jsonl"},
		{"other/5.jsonl", "filelink.jsonl"}, {"g", "glink"}} {
		if err := os.Symlink(j(l[0]), j(l[1])); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(top)
	files, err := Expand([]Input{{Path: "dirlink"}, {Path: "filelink.jsonl", Source: "f"}, {Path: "glink/*"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"dirlink/2.jsonl":        j("data/2.jsonl"),
		"dirlink/sub/1.jsonl":    j("data/sub/1.jsonl"),
		"dirlink/sub/link.jsonl": j("other/3.jsonl"),
		"filelink.jsonl":         j("other/5.jsonl"),
		"glink/4.jsonl":          j("g/4.jsonl"),
		"glink/sub/6.jsonl":      j("g/sub/6.jsonl"),
	}
	if len(files) != len(want) {
		t.Fatalf("files %s", names(files))
	}
	for _, f := range files {
		real, err := RealPath(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.RealPath(); got != want[f.Path] || got != real {
			t.Errorf("%s: RealPath %q, want %q (RealPath(Path) %q)", f.Path, got, want[f.Path], real)
		}
	}
	// The paths are kept, not looked up again: they outlive the links.
	for _, l := range []string{"dirlink", "filelink.jsonl", "glink"} {
		if err := os.Remove(j(l)); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		if got := f.RealPath(); got != want[f.Path] {
			t.Errorf("%s after removing the links: RealPath %q, want %q", f.Path, got, want[f.Path])
		}
	}
	// A File made by hand resolves its path when asked.
	if err := os.Symlink(j("other/5.jsonl"), j("filelink.jsonl")); err != nil {
		t.Fatal(err)
	}
	if got := (File{Path: "filelink.jsonl"}).RealPath(); got != j("other/5.jsonl") {
		t.Errorf("File made by hand: %q", got)
	}
}
