package zlibsize

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const sizesPath = "testdata/sizes.tsv"

// pyScript answers "LEVEL LEN\n" + LEN bytes with len(zlib.compress(data,
// LEVEL)); the first line it prints names the zlib it runs.
const pyScript = `import sys, zlib, platform
i = sys.stdin.buffer
o = sys.stdout
o.write("zlib %s (runtime %s), CPython %s\n" % (zlib.ZLIB_VERSION, zlib.ZLIB_RUNTIME_VERSION, platform.python_version()))
o.flush()
while True:
    h = i.readline()
    if not h:
        break
    lvl, n = map(int, h.split())
    d = i.read(n)
    o.write("%d\n" % len(zlib.compress(d, lvl)))
    o.flush()
`

// pyOracle is a running python3 that compresses on request.
type pyOracle struct {
	cmd     *exec.Cmd
	w       *bufio.Writer
	in      io.WriteCloser
	r       *bufio.Reader
	version string
}

func startOracle(tb testing.TB) *pyOracle {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		tb.Skip("python3 is missing: no zlib oracle")
	}
	cmd := exec.Command("python3", "-c", pyScript)
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	o := &pyOracle{cmd: cmd, w: bufio.NewWriterSize(in, 1<<20), in: in, r: bufio.NewReader(out)}
	tb.Cleanup(o.close)
	v, err := o.r.ReadString('\n')
	if err != nil {
		tb.Fatalf("python3 zlib oracle: %v", err)
	}
	o.version = strings.TrimSpace(v)
	// zlib-ng (and its compat mode) and the Intel/Cloudflare forks choose
	// other matches; only classic zlib 1.2.x/1.3.x is the reference.
	if !strings.HasPrefix(o.version, "zlib 1.2.") && !strings.HasPrefix(o.version, "zlib 1.3") ||
		strings.Contains(strings.ToLower(o.version), "ng") {
		tb.Skipf("python3 links %s, not classic zlib 1.2/1.3", o.version)
	}
	return o
}

func (o *pyOracle) size(tb testing.TB, data []byte, level int) int {
	tb.Helper()
	fmt.Fprintf(o.w, "%d %d\n", level, len(data))
	o.w.Write(data)
	if err := o.w.Flush(); err != nil {
		tb.Fatal(err)
	}
	line, err := o.r.ReadString('\n')
	if err != nil {
		tb.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func (o *pyOracle) close() {
	o.in.Close()
	o.cmd.Wait()
}

// TestRegenerateSizes rewrites testdata/sizes.tsv from CPython's zlib:
//
//	ZLIBSIZE_REGEN=1 go test -run TestRegenerateSizes ./internal/zlibsize
func TestRegenerateSizes(t *testing.T) {
	if os.Getenv("ZLIBSIZE_REGEN") != "1" {
		t.Skip("set ZLIBSIZE_REGEN=1 to rewrite " + sizesPath)
	}
	o := startOracle(t)
	var sb strings.Builder
	fmt.Fprintf(&sb, "# len(zlib.compress(data, level)) by %s; inputs are rebuilt by samples() in samples_test.go\n", o.version)
	sb.WriteString("# id\tlevel\tsize\n")
	n := 0
	for _, s := range samples(t) {
		for _, lvl := range s.levels {
			fmt.Fprintf(&sb, "%s\t%d\t%d\n", s.id, lvl, o.size(t, s.data, lvl))
			n++
		}
	}
	if err := os.MkdirAll(filepath.Dir(sizesPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sizesPath, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d sizes to %s (%s)", n, sizesPath, o.version)
}

// TestLenMatchesOracle checks Len against every size CPython's zlib
// produced for the samples, and that the table covers every sample.
func TestLenMatchesOracle(t *testing.T) {
	f, err := os.Open(sizesPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byID := map[string]sample{}
	want := map[string]bool{}
	for _, s := range samples(t) {
		byID[s.id] = s
		for _, lvl := range s.levels {
			want[s.id+"\t"+strconv.Itoa(lvl)] = true
		}
	}
	sc := bufio.NewScanner(f)
	entries, bad := 0, 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		fs := strings.Split(line, "\t")
		if len(fs) != 3 {
			t.Fatalf("bad line %q", line)
		}
		lvl, err1 := strconv.Atoi(fs[1])
		size, err2 := strconv.Atoi(fs[2])
		s, ok := byID[fs[0]]
		if err1 != nil || err2 != nil || !ok {
			t.Fatalf("bad line %q (unknown sample or number)", line)
		}
		delete(want, fs[0]+"\t"+fs[1])
		entries++
		if got := Len(s.data, lvl); got != size {
			bad++
			t.Errorf("%s (%d bytes) level %d: Len = %d, zlib = %d", s.id, len(s.data), lvl, got, size)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for k := range want {
		t.Errorf("sample/level %q has no oracle size: regenerate %s", k, sizesPath)
	}
	if entries < 1000 {
		t.Errorf("only %d entries in %s", entries, sizesPath)
	}
	t.Logf("%d entries, %d differ", entries, bad)
}

// TestLiveOracle compares Len with python3's zlib on the documents of
// ../shared/corpus in place (every document of the Diet speeches, the e-Gov
// laws and the Aozora works, up to ZLIBSIZE_LIVE_MB megabytes, default 64):
//
//	ZLIBSIZE_LIVE=1 go test -run TestLiveOracle -v ./internal/zlibsize
func TestLiveOracle(t *testing.T) {
	if os.Getenv("ZLIBSIZE_LIVE") != "1" {
		t.Skip("set ZLIBSIZE_LIVE=1 to compare with python3 on ../shared/corpus")
	}
	limit := 64 << 20
	if v := os.Getenv("ZLIBSIZE_LIVE_MB"); v != "" {
		mb, err := strconv.Atoi(v)
		if err != nil {
			t.Fatal(err)
		}
		limit = mb << 20
	}
	o := startOracle(t)
	root := filepath.Join(testcorpusRoot(), "..", "shared", "corpus")
	files := []string{"gov/diet_speeches.jsonl.gz", "gov/egov_laws_2013.part1.jsonl.gz", "literature/aozora_pd.part1.jsonl.gz"}
	for _, rel := range files {
		p := filepath.Join(root, rel)
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s is missing", p)
		}
		texts := readGzipJSONLTexts(t, p)
		total, n, bad := 0, 0, 0
		// Spread the byte budget over the file: every k-th document.
		all := 0
		for _, b := range texts {
			all += len(b)
		}
		step := max(1, all/(limit/len(files)))
		for i := 0; i < len(texts) && total < limit/len(files); i += step {
			b := texts[i]
			total += len(b)
			for _, lvl := range lvls69 {
				n++
				if got, want := Len(b, lvl), o.size(t, b, lvl); got != want {
					bad++
					t.Errorf("%s doc %d (%d bytes) level %d: Len = %d, zlib = %d", rel, i, len(b), lvl, got, want)
				}
			}
		}
		t.Logf("%s: %d comparisons over %d bytes (every %d-th document), %d differ (%s)", rel, n, total, step, bad, o.version)
	}
}

// testcorpusRoot is the module root.
func testcorpusRoot() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..")
}
