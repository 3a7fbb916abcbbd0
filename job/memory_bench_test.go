//go:build unix

package job

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/jacorpus/jacorpus/filters"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// Peak memory of huge records. Each case runs in a child process (this test
// binary run again with memCaseEnv naming the case), so that its peak RSS
// (getrusage ru_maxrss of the child) is the memory of that case alone, not
// of the benchmark process that generated the input or of earlier cases.
//
// The inputs are generated under b.TempDir() (about 2.3 GB in all, written
// once per case; nothing is committed). The benchmarks are skipped unless
// memBenchEnv is set: `make bench-mem` sets it (`make bench` runs bench-mem).
//
// Every case runs twice: "pipeline" is job.Run end to end (normalize, exact
// dedup, filters without max_chars, shards; tokenize disabled to keep it
// fast, 2 workers), "ingest" drains an ingest.Source alone, dropping each
// document as the next is read (ingest's own share).
//
// Metrics: peakRSS-MB (10^6 bytes) and xRecord, the peak over the size of one
// record of the case (the longest line or document). Ingest holds a kept
// record once (plus a few MiB of buffers) and a skipped one not at all; the
// rest of the pipeline's peak is normalize's output (1x), exact dedup's
// []byte copy of the text for SHA-256 (1x, transient), the Parquet writer's
// buffers (about 3.5x) and the garbage collector's headroom.

const (
	memBenchEnv = "JACORPUS_BENCH_MEM" // set: run BenchmarkMemory
	memCaseEnv  = "JACORPUS_MEM_CASE"  // in the child: "<case>/<mode>"
	memDirEnv   = "JACORPUS_MEM_DIR"   // in the child: the case's input directory
)

// memCase is one huge-record input.
type memCase struct {
	name string
	// write generates the input files under dir and returns the inputs, the
	// max_record_bytes to use, the size of one record and the documents
	// and problems ingest must report.
	write func(tb testing.TB, dir string) memInput
}

type memInput struct {
	inputs   []ingest.Input
	limit    int64
	record   int64
	docs     int64
	problems int64
}

var memCases = []memCase{
	{"skip-1GiB-line", func(tb testing.TB, dir string) memInput {
		// one 1 GiB line over max_record_bytes 256 MiB, then the fixture
		p := filepath.Join(dir, "skip.jsonl")
		n := writeHugeJSONL(tb, p, 1, 1<<30, true)
		return memInput{inputs: []ingest.Input{{Path: p, Source: "mem"}}, limit: 256 << 20, record: n,
			docs: testcorpus.FixtureDocs, problems: 1}
	}},
	{"keep-200MB-line", func(tb testing.TB, dir string) memInput {
		p := filepath.Join(dir, "keep.jsonl")
		n := writeHugeJSONL(tb, p, 1, 200e6, true)
		return memInput{inputs: []ingest.Input{{Path: p, Source: "mem"}}, limit: 1 << 30, record: n,
			docs: testcorpus.FixtureDocs + 1}
	}},
	{"keep-4x200MB-lines", func(tb testing.TB, dir string) memInput {
		p := filepath.Join(dir, "keep4.jsonl")
		n := writeHugeJSONL(tb, p, 4, 200e6, false)
		return memInput{inputs: []ingest.Input{{Path: p, Source: "mem"}}, limit: 1 << 30, record: n, docs: 4}
	}},
	{"keep-200MB-text-file", func(tb testing.TB, dir string) memInput {
		p := filepath.Join(dir, "keep.txt")
		n := writeHugeText(tb, p, 200e6)
		return memInput{inputs: []ingest.Input{{Path: p, Source: "mem", Format: ingest.FormatText, Split: ingest.SplitFile}},
			limit: 1 << 30, record: n, docs: 1}
	}},
}

// BenchmarkMemory reports the peak RSS of every case, end to end and for
// ingest alone.
func BenchmarkMemory(b *testing.B) {
	if os.Getenv(memBenchEnv) == "" {
		b.Skip("writes 2.3 GB of input and needs several GB of memory: run with " + memBenchEnv + "=1 (make bench-mem)")
	}
	for _, c := range memCases {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			in := c.write(b, dir)
			saveMemInput(b, dir, in)
			for _, mode := range []string{"pipeline", "ingest"} {
				b.Run(mode, func(b *testing.B) {
					var peak int64
					for b.Loop() {
						peak = runMemChild(b, c.name+"/"+mode, dir)
					}
					b.ReportMetric(float64(peak)/1e6, "peakRSS-MB")
					b.ReportMetric(float64(peak)/float64(in.record), "xRecord")
					b.ReportMetric(float64(in.record)/1e6, "record-MB")
				})
			}
		})
	}
}

// runMemChild runs one case in a child process and returns its peak RSS in bytes.
func runMemChild(b *testing.B, name, dir string) int64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), memCaseEnv+"="+name, memDirEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%s: %v\n%s", name, err, out)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no rusage on this system")
	}
	if runtime.GOOS == "darwin" {
		return ru.Maxrss // bytes there
	}
	return ru.Maxrss * 1024 // KiB on Linux and the BSDs
}

// TestMemoryChild is the child of BenchmarkMemory; it does nothing unless
// memCaseEnv is set.
func TestMemoryChild(t *testing.T) {
	name := os.Getenv(memCaseEnv)
	if name == "" {
		t.Skip("run by BenchmarkMemory")
	}
	_, mode, _ := strings.Cut(name, "/")
	in := loadMemInput(t, os.Getenv(memDirEnv))
	switch mode {
	case "ingest":
		files, err := ingest.Expand(in.inputs)
		if err != nil {
			t.Fatal(err)
		}
		src := ingest.NewSource(files, in.inputs)
		src.MaxLineBytes, src.MaxDocBytes = int(in.limit), int(in.limit)
		var docs, problems int64
		for {
			d, err := src.Next(context.Background())
			if err == io.EOF {
				break
			}
			var p *pipeline.Problem
			switch {
			case errors.As(err, &p):
				problems++
			case err != nil:
				t.Fatal(err)
			default:
				docs++
				_ = d // dropped as the next one is read
			}
		}
		if docs != in.docs || problems != in.problems {
			t.Fatalf("ingest: %d docs, %d problems; want %d, %d", docs, problems, in.docs, in.problems)
		}
	case "pipeline":
		cfg := Default()
		cfg.Inputs = in.inputs
		cfg.MaxRecordBytes = ByteSize(in.limit)
		cfg.Tokenize.Enabled = false
		cfg.Filters.Presets = map[string]filters.PresetConfig{"default": {Disable: []string{"too_long"}}} // keep the huge documents
		cfg.Workers = 2
		cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
		res, err := Run(context.Background(), cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ing := res.Stats.Stage(pipeline.IngestStage)
		if ing.DocsOut != in.docs || res.Manifest.Totals.Rows == 0 {
			t.Fatalf("pipeline: %d docs read, %d rows written; want %d docs", ing.DocsOut, res.Manifest.Totals.Rows, in.docs)
		}
	default:
		t.Fatalf("unknown mode %q", mode)
	}
}

// memInputJSON is memInput as the parent hands it to the child (case.json
// in the case's directory).
type memInputJSON struct {
	Inputs   []ingest.Input
	Limit    int64
	Record   int64
	Docs     int64
	Problems int64
}

func saveMemInput(tb testing.TB, dir string, in memInput) {
	data, err := json.Marshal(memInputJSON{in.inputs, in.limit, in.record, in.docs, in.problems})
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "case.json"), data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func loadMemInput(tb testing.TB, dir string) memInput {
	data, err := os.ReadFile(filepath.Join(dir, "case.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var m memInputJSON
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatal(err)
	}
	return memInput{inputs: m.Inputs, limit: m.Limit, record: m.Record, docs: m.Docs, problems: m.Problems}
}

// memUnit is real Japanese text: every fixture document, in order, one
// paragraph per line.
func memUnit(tb testing.TB) string {
	var sb strings.Builder
	for _, d := range testcorpus.Fixture(tb) {
		sb.WriteString(strings.TrimSpace(d.Text))
		sb.WriteByte('\n')
	}
	return sb.String()
}

// writeHugeJSONL writes n records of about size bytes each, every one a
// JSON line whose text is the fixture repeated (newlines escaped as in any
// JSONL dump), then, if fixture, the fixture's own lines. It returns the
// length of the longest line.
func writeHugeJSONL(tb testing.TB, path string, n int, size int64, fixture bool) int64 {
	quoted, err := json.Marshal(memUnit(tb))
	if err != nil {
		tb.Fatal(err)
	}
	body := quoted[1 : len(quoted)-1]
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var longest int64
	for i := range n {
		head := fmt.Sprintf(`{"id":"huge-%d","text":"記録%d\n`, i, i) // a distinct start: no two are duplicates
		line := int64(len(head))
		w.WriteString(head)
		for line+int64(len(body))+2 <= size {
			w.Write(body)
			line += int64(len(body))
		}
		w.WriteString(`"}` + "\n")
		longest = max(longest, line+2)
	}
	if fixture {
		fx, err := os.ReadFile(testcorpus.Path("sample/fixture_docs.jsonl"))
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(fx)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return longest
}

// writeHugeText writes a text file of about size bytes: the fixture text
// repeated, line by line. It returns the file's size.
func writeHugeText(tb testing.TB, path string, size int64) int64 {
	unit := memUnit(tb)
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var n int64
	for n+int64(len(unit)) <= size {
		w.WriteString(unit)
		n += int64(len(unit))
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return n
}
