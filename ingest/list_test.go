package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jacorpus/jacorpus/pipeline"
)

// crawlTree writes real files in a Common Crawl-like layout under top and
// returns their paths relative to top.
func crawlTree(t *testing.T, top string) []string {
	t.Helper()
	files := map[string][]byte{
		"crawl-data/CC-1/segments/1/warc/a.jsonl.gz":      mustRead(t, speechesPath),
		"crawl-data/CC-1/segments/1/robotstxt/r.jsonl":    mustRead(t, fixturePath),
		"crawl-data/CC-1/segments/2/warc/b.jsonl.zst":     mustRead(t, lawsPath),
		"crawl-data/CC-1/segments/2/warc/c.txt":           mustRead(t, filepath.Join(rawDir, "rashomon-utf-8.txt")),
		"crawl-data/CC-1/segments/2/warc/d.txt.bz2":       mustRead(t, filepath.Join(inputsDir, "rashomon-utf-8.txt.bz2")),
		"crawl-data/CC-1/segments/2/crawldiagnostics/x.z": {0x1f, 0x9d, 0x90},
	}
	var rels []string
	for rel, b := range files {
		writeFile(t, top, rel, b)
		rels = append(rels, rel)
	}
	return rels
}

// writeList writes a paths_from list, gzip-compressed when name ends in .gz.
func writeList(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	b := []byte(strings.Join(lines, "\n") + "\n")
	if strings.HasSuffix(name, ".gz") {
		b = gzipBytes(t, b)
	}
	return writeFile(t, dir, name, b)
}

// TestPathsFrom: a list of paths, as Common Crawl publishes warc.paths.gz,
// relative to base or to the list's directory; comments and blank lines
// skipped; names, sources and ordinals from the list, whatever base is.
func TestPathsFrom(t *testing.T) {
	data := t.TempDir()
	crawlTree(t, data)
	moved := t.TempDir() // the same tree elsewhere
	crawlTree(t, moved)
	lists := t.TempDir()
	lines := []string{
		"# CC-1 warc files",
		"crawl-data/CC-1/segments/2/warc/b.jsonl.zst",
		"",
		"  crawl-data/CC-1/segments/1/warc/a.jsonl.gz  ",
		"crawl-data/CC-1/segments/2/warc/./c.txt\r",
		"crawl-data/CC-1/segments/2/warc/d.txt.bz2",
	}
	list := writeList(t, lists, "warc.paths.gz", lines...)
	want := "0 warc/crawl-data/CC-1/segments/2/warc/b.jsonl.zst warc; 1 warc/crawl-data/CC-1/segments/1/warc/a.jsonl.gz warc; " +
		"2 warc/crawl-data/CC-1/segments/2/warc/c.txt warc; 3 warc/crawl-data/CC-1/segments/2/warc/d.txt.bz2 warc"
	id := func(inputs []Input) string {
		t.Helper()
		files, err := Expand(inputs)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, f := range files {
			s = append(s, fmt.Sprintf("%d %s %s", f.Ordinal, f.Name, f.Source))
		}
		return strings.Join(s, "; ")
	}
	for _, base := range []string{data, moved} {
		if got := id([]Input{{PathsFrom: list, Base: base}}); got != want {
			t.Errorf("base %s:\n got %s\nwant %s", base, got, want)
		}
	}
	// relative to the list's directory when base is not set
	local := writeList(t, data, "local.paths", lines...)
	if got, w := id([]Input{{PathsFrom: local}}), strings.ReplaceAll(want, "warc/crawl", "local/crawl"); got != strings.ReplaceAll(w, " warc;", " local;") && !strings.HasSuffix(got, "local") {
		t.Errorf("relative to the list: %s", got)
	}
	// a source starts the names
	if got := id([]Input{{PathsFrom: list, Base: data, Source: "cc"}}); !strings.HasPrefix(got, "0 cc/crawl-data/CC-1/segments/2/warc/b.jsonl.zst cc;") {
		t.Errorf("source: %s", got)
	}
	// include and exclude apply to the lines
	if got := id([]Input{{PathsFrom: list, Base: data, Include: []string{"**/*.jsonl*"}, Exclude: []string{"**/segments/2/**"}}}); got != "0 warc/crawl-data/CC-1/segments/1/warc/a.jsonl.gz warc" {
		t.Errorf("include/exclude: %s", got)
	}

	// the documents: same ids and keys whatever the task slices are
	inputs := []Input{{PathsFrom: list, Base: data}}
	files, err := Expand(inputs)
	if err != nil {
		t.Fatal(err)
	}
	read := func(files []File) []string {
		src := NewSource(files, inputs)
		ctx := context.Background()
		g := drain(t, func() (*pipeline.Document, error) { return src.Next(ctx) })
		var out []string
		for _, d := range g.docs {
			out = append(out, fmt.Sprintf("%v %s %s", d.Key, d.ID, d.Source))
		}
		if len(g.problems) > 0 {
			t.Errorf("problems %v", g.problems)
		}
		return out
	}
	all := read(files)
	for _, n := range []int{2, 3} {
		var parts []string
		bounds, err := pipeline.PartitionAll(sizes(files), n)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < n; k++ {
			parts = append(parts, read(files[bounds[k]:bounds[k+1]])...)
		}
		if strings.Join(parts, "\n") != strings.Join(all, "\n") {
			t.Errorf("%d tasks read other ids or keys", n)
		}
	}
	if len(all) != 80+901+2 || !strings.HasPrefix(all[0], pipeline.MakeKey(0, 0).String()+" ") || !strings.HasSuffix(all[len(all)-1], " warc/crawl-data/CC-1/segments/2/warc/d.txt.bz2 warc") {
		t.Errorf("%d docs, first %q", len(all), all[0])
	}
}

func sizes(files []File) []int64 {
	out := make([]int64, len(files))
	for i, f := range files {
		out[i] = f.Size
	}
	return out
}

// TestPathsFromErrors: every error names the list file and the line.
func TestPathsFromErrors(t *testing.T) {
	data := t.TempDir()
	crawlTree(t, data)
	lists := t.TempDir()
	ok := "crawl-data/CC-1/segments/1/warc/a.jsonl.gz"
	cases := []struct {
		lines []string
		want  string // after "LIST:"
	}{
		{[]string{ok, "# c", "crawl-data/CC-1/segments/1/warc/missing.warc.gz"}, "3: " + filepath.Join(data, "crawl-data/CC-1/segments/1/warc/missing.warc.gz") + ": no such file"},
		{[]string{"https://data.commoncrawl.org/" + ok}, "1: https://data.commoncrawl.org/" + ok + " is a URL"},
		{[]string{ok, "crawl-data/CC-1/segments/1"}, "2: " + filepath.Join(data, "crawl-data/CC-1/segments/1") + " is a directory"},
		{[]string{ok, "", "crawl-data/CC-1/segments/1/warc/../warc/a.jsonl.gz"}, "3: crawl-data/CC-1/segments/1/warc/../warc/a.jsonl.gz is listed on line 1 already"},
		{[]string{strings.Repeat("x", maxListLine+1)}, "1: line longer than"},
	}
	for i, c := range cases {
		list := writeList(t, lists, fmt.Sprintf("l%d.paths", i), c.lines...)
		_, err := Expand([]Input{{PathsFrom: list, Base: data}})
		if want := list + ":" + c.want; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%d: %v, want %q", i, err, want)
		}
	}
	// the list itself
	xz := filepath.Join(inputsDir, "rashomon-utf-8.txt.xz")
	for _, c := range []struct {
		in   Input
		want string
	}{
		{Input{PathsFrom: filepath.Join(lists, "none.paths")}, "no such file"},
		{Input{PathsFrom: xz}, xz + ": xz compression is not supported; decompress it first"},
		{Input{PathsFrom: writeList(t, lists, "x.paths", ok), Base: filepath.Join(data, "nope")}, "base " + filepath.Join(data, "nope")},
		{Input{PathsFrom: writeList(t, lists, "empty.paths", "# nothing"), Base: data}, "no files found"},
		{Input{PathsFrom: "x.paths", Path: "y"}, "paths_from and path: give one of them"},
		{Input{Path: "y", Base: data}, "base applies to paths_from inputs only"},
	} {
		_, err := Expand([]Input{c.in})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.in, err, c.want)
		}
	}
	// a file listed and also read by another input
	list := writeList(t, lists, "dup.paths", ok)
	_, err := Expand([]Input{{Path: filepath.Join(data, "crawl-data/CC-1/segments/1/warc")}, {PathsFrom: list, Base: data}})
	if err == nil || !strings.Contains(err.Error(), "input 1 (paths_from "+list+"): "+filepath.Join(data, ok)+" is already read by input 0") {
		t.Errorf("duplicate across inputs: %v", err)
	}
	// Reads: the list file only (the listed files are checked by name)
	for _, c := range []struct {
		path string
		want bool
	}{{list, true}, {filepath.Join(data, ok), false}, {lists, false}} {
		if got, err := (Input{PathsFrom: list, Base: data}).Reads(c.path); err != nil || got != c.want {
			t.Errorf("Reads(%s) = %v, %v", c.path, got, err)
		}
	}
}

// TestIncludeExclude: patterns select the files of a directory or a glob,
// relative to its root.
func TestIncludeExclude(t *testing.T) {
	top := t.TempDir()
	crawlTree(t, top)
	dir := filepath.Join(top, "crawl-data")
	cases := []struct {
		in   Input
		want string
	}{
		{Input{Path: dir, Include: []string{"**/*.jsonl*"}, Exclude: []string{"**/robotstxt/**"}},
			"crawl-data/CC-1/segments/1/warc/a.jsonl.gz; crawl-data/CC-1/segments/2/warc/b.jsonl.zst"},
		{Input{Path: dir, Exclude: []string{"**/robotstxt/**", "**/crawldiagnostics/**", "CC-1/segments/2/**/*.txt*"}},
			"crawl-data/CC-1/segments/1/warc/a.jsonl.gz; crawl-data/CC-1/segments/2/warc/b.jsonl.zst"},
		{Input{Path: dir, Include: []string{"*.jsonl"}}, "error: no files found (6 excluded by include/exclude)"}, // relative to the directory: top level only
		{Input{Path: filepath.Join(top, "crawl-data/*/segments/2"), Include: []string{"CC-1/segments/2/warc/*.txt"}},
			"crawl-data/CC-1/segments/2/warc/c.txt"},
		{Input{Path: filepath.Join(dir, "CC-1/segments/2/warc/c.txt"), Include: []string{"*"}}, "error: include and exclude apply to directories"},
		{Input{Path: dir, Include: []string{"[a"}}, "error: include \"[a\": malformed pattern"},
		{Input{Path: StdinPath, Exclude: []string{"x"}}, "error: include and exclude do not apply to standard input"},
	}
	for _, c := range cases {
		files, err := Expand([]Input{c.in})
		var got []string
		for _, f := range files {
			got = append(got, f.Name)
		}
		s := strings.Join(got, "; ")
		if err != nil {
			s = "error: " + err.Error()
			c.want = strings.Replace(c.want, "error: ", "error: input 0 ("+c.in.Path+"): ", 1)
		}
		if !strings.Contains(s, c.want) {
			t.Errorf("%+v:\n got %s\nwant %s", c.in, s, c.want)
		}
	}
}

// withStdin makes f the process's standard input for the test.
func withStdin(t *testing.T, f *os.File) {
	t.Helper()
	old := os.Stdin
	os.Stdin = f
	stdin.Lock()
	stdin.used = false
	stdin.Unlock()
	t.Cleanup(func() {
		os.Stdin = old
		stdin.Lock()
		stdin.used = false
		stdin.Unlock()
	})
}

// TestStdin: "-" reads standard input, named "stdin"; the format is told
// from the content; a regular file is read again from its start by a second
// source (dedup's two passes); a pipe only once.
func TestStdin(t *testing.T) {
	readAll := func(inputs []Input) (got, []FileStats) {
		files, err := Expand(inputs)
		if err != nil {
			t.Fatal(err)
		}
		src := NewSource(files, inputs)
		ctx := context.Background()
		g := drain(t, func() (*pipeline.Document, error) { return src.Next(ctx) })
		return g, src.FileStats()
	}
	t.Run("regular file", func(t *testing.T) {
		f, err := os.Open(speechesPath)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		withStdin(t, f)
		files, err := Expand([]Input{{Path: "-"}})
		if err != nil {
			t.Fatal(err)
		}
		if s := files[0]; s.Name != "stdin" || s.Source != "stdin" || s.Size != fileSize(t, speechesPath) || !s.Stdin() || s.RealPath() != stdinDev {
			t.Errorf("file %+v", s)
		}
		for pass := 0; pass < 2; pass++ {
			g, st := readAll([]Input{{Path: "-", Source: "diet"}})
			if len(g.docs) != 901 || len(g.problems) > 0 || g.docs[0].Source != "diet" || st[0].Format != FormatJSONL {
				t.Fatalf("pass %d: %d docs, %v, %v", pass, len(g.docs), g.problems, st)
			}
		}
		if _, err := Expand([]Input{{Path: "-"}, {Path: "-", Source: "again"}}); err == nil || !strings.Contains(err.Error(), "- is already read by input 0") {
			t.Errorf("stdin twice: %v", err)
		}
	})
	t.Run("pipe", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		withStdin(t, r)
		go func() {
			w.Write(mustRead(t, filepath.Join(rawDir, "rashomon-utf-8.txt")))
			w.Close()
		}()
		g, st := readAll([]Input{{Path: "-"}})
		if len(g.docs) != 1 || !strings.Contains(g.docs[0].Text, "下人") || g.docs[0].ID != "stdin" && g.docs[0].ID != "stdin:1" || st[0].Format != FormatText {
			t.Errorf("%d docs, %v", len(g.docs), st)
		}
		g, st = readAll([]Input{{Path: "-"}})
		if len(g.problems) != 1 || !strings.Contains(g.problems[0].Detail, "standard input was read already") || st[0].Status != FileUnreadable {
			t.Errorf("second read: %v %v", g.problems, st)
		}
	})
	t.Run("parquet pipe", func(t *testing.T) {
		// Parquet through a pipe, sniffed and gzipped: spooled to a
		// temporary file, then read as the file itself would be
		whole := readParquetFile(t, hfPath, Input{}, [2]int{})
		for _, gz := range []bool{false, true} {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			withStdin(t, r)
			data := mustRead(t, hfPath)
			if gz {
				data = gzipBytes(t, data)
			}
			go func() {
				w.Write(data)
				w.Close()
			}()
			g, st := readAll([]Input{{Path: "-"}})
			r.Close()
			if len(g.problems) != 0 || len(g.docs) != len(whole.docs) || len(g.docs) == 0 || st[0].Format != FormatParquet {
				t.Fatalf("gzip %v: %d docs (want %d), %v, %v", gz, len(g.docs), len(whole.docs), g.problemKeys(), st)
			}
			for i, d := range g.docs {
				if d.Text != whole.docs[i].Text || d.ID != whole.docs[i].ID || d.Pos.Line != whole.docs[i].Pos.Line || d.Key.Record() != int64(i) {
					t.Fatalf("gzip %v: doc %d differs from the file's: %q %q %v / %q %q %v", gz, i, d.ID, d.Text[:min(20, len(d.Text))], d.Key, whole.docs[i].ID, whole.docs[i].Text[:min(20, len(whole.docs[i].Text))], whole.docs[i].Key)
				}
			}
		}
	})
	t.Run("binary", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		withStdin(t, r)
		go func() {
			w.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0})
			w.Close()
		}()
		g, st := readAll([]Input{{Path: "-"}})
		if len(g.problems) != 1 || g.problems[0].Kind != ProblemUnsupported || !strings.Contains(g.problems[0].Error(), "stdin: unsupported_format: unknown file type") || st[0].Status != FileUnsupported {
			t.Errorf("%v %v", g.problems, st)
		}
	})
}

// TestBzip2: bzip2 files are read, concatenated streams (pbzip2) included;
// a truncated one is a truncated input after the documents before the cut.
func TestBzip2(t *testing.T) {
	bz := mustRead(t, filepath.Join(inputsDir, "rashomon-utf-8.txt.bz2"))
	raw := mustRead(t, filepath.Join(rawDir, "rashomon-utf-8.txt"))
	dir := t.TempDir()
	two := writeFile(t, dir, "two.txt.bz2", append(bytes.Clone(bz), bz...))
	rc, err := Open(two)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(b, append(bytes.Clone(raw), raw...)) {
		t.Fatalf("concatenated: %d bytes, %v", len(b), err)
	}
	cut := writeFile(t, dir, "cut.txt.bz2", bz[:len(bz)/2])
	g, src := readSource(t, []Input{{Path: cut, Split: SplitParagraph}})
	st := src.FileStats()[0]
	if len(g.problems) != 1 || g.problems[0].Kind != pipeline.ProblemTruncated || !strings.Contains(g.problems[0].Detail, "bzip2") || st.Status != FileBroken {
		t.Errorf("truncated: %v %v", g.problems, st)
	}
}

// TestOpenUnsupported: Open names a compression or archive it cannot read,
// and so does a Source, once per file.
func TestOpenUnsupported(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"rashomon-utf-8.txt.xz", "xz compression is not supported; decompress it first"},
		{"rashomon-utf-8.txt.lz4", "lz4 compression is not supported; decompress it first"},
		{"rashomon-utf-8.zip", "a zip archive is not supported; extract it first"},
	} {
		path := filepath.Join(inputsDir, c.file)
		_, err := Open(path)
		var ue *unsupportedError
		if !errors.As(err, &ue) || err.Error() != path+": "+c.want {
			t.Errorf("Open %s: %v", c.file, err)
		}
		in := Input{Path: path, Format: FormatText}
		g, src := readSource(t, []Input{in})
		if len(g.problems) != 1 || g.problems[0].Error() != c.file+": unsupported_format: "+c.want || src.FileStats()[0].Status != FileUnsupported {
			t.Errorf("%s: %v", c.file, g.problems)
		}
	}
}

// TestStopDuringSniff: a stop request while the first bytes of a slow pipe
// are read to tell its format ends Next with the context's error, not with a
// problem or a skip of the file.
func TestStopDuringSniff(t *testing.T) {
	path, w := pipePath(t, "/dev/fd/")
	inputs := []Input{{Path: path}}
	files, err := Expand(inputs)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() { // 100 bytes every 10 ms: the 8 KiB window takes 0.8 s
		line := []byte(`{"text":"` + strings.Repeat("あ", 29) + "\"}\n")
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
				if _, err := w.Write(line); err != nil {
					return
				}
			}
		}
	}()
	src := NewSource(files, inputs)
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	d, err := src.Next(ctx)
	if d != nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next = %v, %v; want the context's error", d, err)
	}
	if st := src.FileStats(); len(st) != 1 || st[0].Status == FileSkipped || st[0].Problems != 0 {
		t.Errorf("stats %v", st)
	}
}
