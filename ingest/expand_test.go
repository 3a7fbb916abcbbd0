package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExpand builds a tree of real files and expands paths, directories and globs.
func TestExpand(t *testing.T) {
	fixture := mustRead(t, fixturePath)
	dir := t.TempDir()
	for _, name := range []string{
		"b/2.jsonl", "a/1.jsonl", "a/sub/3.txt", "a-z/4.ndjson.zst", "a/sub/deeper/5.TXT.gz",
		".hidden/x.jsonl", "a/.h.jsonl", "a/sub/.h.txt", "notes/readme.md", "empty/.keep",
	} {
		writeFile(t, dir, name, fixture)
	}
	if err := os.Mkdir(filepath.Join(dir, "void"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "alias.jsonl")
	if err := os.Symlink(filepath.Join(dir, "b/2.jsonl"), link); err != nil {
		t.Fatal(err)
	}
	rel := func(files []File) []string {
		var out []string
		for _, f := range files {
			r, _ := filepath.Rel(dir, f.Path)
			out = append(out, fmt.Sprintf("%d:%s", f.Input, filepath.ToSlash(r)))
		}
		return out
	}
	j := func(p string) string { return filepath.Join(dir, p) }
	tests := []struct {
		name    string
		inputs  []Input
		want    []string
		wantErr string
	}{
		{
			name:   "directory walked recursively, sorted, hidden skipped",
			inputs: []Input{{Path: j("a")}, {Path: j("b")}, {Path: j("a-z")}},
			// sorted by full path: "a/1.jsonl" < "a/sub/..."
			want: []string{"0:a/1.jsonl", "0:a/sub/3.txt", "0:a/sub/deeper/5.TXT.gz", "1:b/2.jsonl", "2:a-z/4.ndjson.zst"},
		},
		{
			name:   "paths sort by full path, not walk order",
			inputs: []Input{{Path: j("."), Format: FormatText}},
			want:   []string{"0:a-z/4.ndjson.zst", "0:a/1.jsonl", "0:a/sub/3.txt", "0:a/sub/deeper/5.TXT.gz", "0:b/2.jsonl", "0:notes/readme.md"},
		},
		{
			name:   "glob, hidden matches skipped",
			inputs: []Input{{Path: j("*/*.jsonl")}},
			want:   []string{"0:a/1.jsonl", "0:b/2.jsonl"},
		},
		{
			name:   "glob naming hidden files explicitly",
			inputs: []Input{{Path: j("a/.*.jsonl")}},
			want:   []string{"0:a/.h.jsonl"},
		},
		{
			name:   "glob matching directories",
			inputs: []Input{{Path: j("[ab]")}},
			want:   []string{"0:a/1.jsonl", "0:a/sub/3.txt", "0:a/sub/deeper/5.TXT.gz", "0:b/2.jsonl"},
		},
		{
			name:   "single file, even hidden",
			inputs: []Input{{Path: j("a/.h.jsonl")}, {Path: j("notes/readme.md"), Format: FormatText}},
			want:   []string{"0:a/.h.jsonl", "1:notes/readme.md"},
		},
		{name: "missing path", inputs: []Input{{Path: j("a")}, {Path: j("nope.jsonl")}}, wantErr: "input 1 (" + j("nope.jsonl") + "): no such file"},
		{name: "glob without match", inputs: []Input{{Path: j("*/*.csv")}}, wantErr: "input 0 (" + j("*/*.csv") + "): no files found"},
		{name: "directory without files", inputs: []Input{{Path: j("void")}}, wantErr: "no files found"},
		{name: "only hidden files", inputs: []Input{{Path: j("empty")}}, wantErr: "no files found"},
		{name: "same file twice", inputs: []Input{{Path: j("a")}, {Path: j("a/sub/3.txt")}}, wantErr: "input 1 (" + j("a/sub/3.txt") + "): " + j("a/sub/3.txt") + " is already read by input 0"},
		{name: "same file by a symbolic link", inputs: []Input{{Path: j("b")}, {Path: link}}, wantErr: "already read by input 0"},
		// the format of a file of unknown extension is told by its content when read (TestSniffSource)
		{name: "unknown extension in a directory", inputs: []Input{{Path: j("notes")}}, want: []string{"0:notes/readme.md"}},
		{name: "unknown extension, JSON Lines content", inputs: []Input{{Path: j("notes/readme.md")}}, want: []string{"0:notes/readme.md"}},
		{name: "bad glob", inputs: []Input{{Path: j("[")}}, wantErr: "glob"},
		{name: "invalid input", inputs: []Input{{Path: j("a"), Encoding: "latin-1"}}, wantErr: `encoding "latin-1"`},
		{name: "split on jsonl", inputs: []Input{{Path: j("b"), Split: SplitParagraph}}, wantErr: "split \"paragraph\" applies to text inputs only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, err := Expand(tc.inputs)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(rel(files)) != fmt.Sprint(tc.want) {
				t.Errorf("files\n got %q\nwant %q", rel(files), tc.want)
			}
			for _, f := range files {
				if f.Size != int64(len(fixture)) {
					t.Errorf("%s: size %d, want %d", f.Path, f.Size, len(fixture))
				}
			}
		})
	}
}

// TestExpandSymlinkDir walks a directory given as a symbolic link.
func TestExpandSymlinkDir(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "real/sub/1.jsonl", []byte("{}\n"))
	writeFile(t, dir, "real/2.txt", []byte("x"))
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "real"), link); err != nil {
		t.Fatal(err)
	}
	files, err := Expand([]Input{{Path: link}})
	if err != nil {
		t.Fatal(err)
	}
	// names come from the real directory: the link is only a spelling
	real, err := filepath.EvalSymlinks(filepath.Join(dir, "real"))
	if err != nil {
		t.Fatal(err)
	}
	want := []File{{Path: filepath.Join(link, "2.txt"), Name: "real/2.txt", Source: "real", Size: 1, real: filepath.Join(real, "2.txt")},
		{Path: filepath.Join(link, "sub/1.jsonl"), Name: "real/sub/1.jsonl", Source: "real", Size: 3, Ordinal: 1, real: filepath.Join(real, "sub/1.jsonl")}}
	if fmt.Sprint(files) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", files, want)
	}
	// The link and its target are the same files.
	if _, err := Expand([]Input{{Path: link}, {Path: filepath.Join(dir, "real")}}); err == nil || !strings.Contains(err.Error(), "already read") {
		t.Errorf("link and target: %v", err)
	}
}

// TestValidate checks input settings.
func TestValidate(t *testing.T) {
	tests := []struct {
		in      Input
		wantErr string
	}{
		{Input{Path: "x"}, ""},
		{Input{Path: "x", Format: FormatText, Split: SplitParagraph, Encoding: "Shift_JIS"}, ""},
		{Input{Path: "x", Format: FormatJSONL, Encoding: "euc-jp", MetaFields: []string{"a"}}, ""},
		{Input{}, "path is empty"},
		{Input{Path: "x", Format: "csv"}, `format "csv"`},
		{Input{Path: "x", Encoding: "cp1252"}, `encoding "cp1252"`},
		{Input{Path: "x", Split: "line"}, `split "line"`},
		{Input{Path: "x", MetaFields: []string{""}}, "empty field name"},
		{Input{Path: "x", Format: FormatJSONL, Split: SplitFile}, "text inputs only"},
		{Input{Path: "x", Format: FormatText, TextField: "body"}, "jsonl inputs only"},
	}
	for _, tc := range tests {
		err := tc.in.Validate()
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%+v: error %v, want %q", tc.in, err, tc.wantErr)
		}
	}
}

// TestExpandIdentity: names, sources and ordinals do not depend on how an
// input is spelled or where its tree lies.
func TestExpandIdentity(t *testing.T) {
	top := t.TempDir()
	fixture := []byte("{\"text\":\"x\"}\n")
	for _, name := range []string{"data/kokkai/2024/01.jsonl", "data/kokkai/2024/02.jsonl.gz", "data/kokkai/a.jsonl", "data/one.jsonl.zst"} {
		writeFile(t, top, name, fixture)
	}
	moved := t.TempDir() // the same tree elsewhere
	for _, name := range []string{"data/kokkai/2024/01.jsonl", "data/kokkai/2024/02.jsonl.gz", "data/kokkai/a.jsonl", "data/one.jsonl.zst"} {
		writeFile(t, moved, name, fixture)
	}
	if err := os.Symlink(filepath.Join(top, "data"), filepath.Join(top, "current")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(top, "data/one.jsonl.zst"), filepath.Join(top, "alias.jsonl")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(top)
	id := func(inputs []Input) string {
		files, err := Expand(inputs)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, f := range files {
			s = append(s, fmt.Sprintf("%d %s %s %d", f.Ordinal, f.Name, f.Source, f.Size))
		}
		return strings.Join(s, "; ")
	}
	want := "0 kokkai/2024/01.jsonl kokkai 13; 1 kokkai/2024/02.jsonl.gz kokkai 13; 2 kokkai/a.jsonl kokkai 13; 3 one.jsonl.zst one 13"
	spellings := map[string][]Input{
		"relative":       {{Path: "data/kokkai"}, {Path: "data/one.jsonl.zst"}},
		"dot":            {{Path: "./data/kokkai/"}, {Path: "./data/../data/one.jsonl.zst"}},
		"absolute":       {{Path: filepath.Join(top, "data/kokkai")}, {Path: filepath.Join(top, "data/one.jsonl.zst")}},
		"symlinked dir":  {{Path: "current/kokkai"}, {Path: "current/one.jsonl.zst"}},
		"symlinked file": {{Path: "data/kokkai"}, {Path: "alias.jsonl"}},
		"relocated":      {{Path: filepath.Join(moved, "data/kokkai")}, {Path: filepath.Join(moved, "data/one.jsonl.zst")}},
		"glob":           {{Path: "data/kokkai/**/*.jsonl*"}, {Path: "data/one.jsonl.zst"}},
	}
	for name, inputs := range spellings {
		if got := id(inputs); got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	// ** reaches every depth (filepath.Glob read one level only)
	if got := id([]Input{{Path: "data/**/*.jsonl*"}}); !strings.Contains(got, "data/kokkai/2024/02.jsonl.gz") || strings.Count(got, ";") != 3 {
		t.Errorf("**: %s", got)
	}
	// a glob's root is the directory before the pattern
	if got := id([]Input{{Path: "data/one.*"}}); got != "0 data/one.jsonl.zst data 13" {
		t.Errorf("glob root: %s", got)
	}
	// an explicit source starts the names instead of the root's base name
	if got := id([]Input{{Path: "data/kokkai", Source: "diet"}}); !strings.Contains(got, "2 diet/a.jsonl diet") {
		t.Errorf("explicit source: %s", got)
	}
}

func TestReads(t *testing.T) {
	top := t.TempDir()
	writeFile(t, top, "data/a.jsonl", []byte("{}\n"))
	writeFile(t, top, "data/sub/b.jsonl", []byte("{}\n"))
	os.Symlink(filepath.Join(top, "data"), filepath.Join(top, "link"))
	j := func(p string) string { return filepath.Join(top, p) }
	cases := []struct {
		input, path string
		want        bool
	}{
		{"data", "data/out/part-00000.parquet", true},
		{"data", "out/part-00000.parquet", false},
		{"link", "data/out/x", true}, // through a link
		{"data", "link/out/x", true},
		{"data/a.jsonl", "data/a.jsonl", true},
		{"data/a.jsonl", "data/out/x", false},
		{"data/*.jsonl", "data/out/part-00000.parquet", false},
		{"data/*.jsonl", "data/rej/ingest.jsonl", false},
		{"data/*.jsonl", "data/ingest.jsonl", true},
		{"data/**/*.jsonl", "data/rej/ingest.jsonl", true},
		{"data/**/*.jsonl", "data/out/part-00000.parquet", false},
		{"data/*", "data/out/part-00000.parquet", true}, // matches the directory, which is walked
		{"*.jsonl", "out/manifest.json", false},
	}
	t.Chdir(top)
	for _, c := range cases {
		got, err := Input{Path: c.input}.Reads(j(c.path))
		if err != nil || got != c.want {
			t.Errorf("input %s reads %s: %v, %v; want %v", c.input, c.path, got, err, c.want)
		}
	}
}

// TestExpandDoubleStarDir: "data/**" matches the directory and every file
// in it; each file is read once (it was "already read by input 0").
func TestExpandDoubleStarDir(t *testing.T) {
	top := t.TempDir()
	writeFile(t, top, "data/a.jsonl", []byte("{}\n"))
	writeFile(t, top, "data/sub/b.jsonl", []byte("{}\n"))
	files, err := Expand([]Input{{Path: filepath.Join(top, "data/**")}})
	if err != nil || len(files) != 2 {
		t.Fatalf("%v, %v", files, err)
	}
}
