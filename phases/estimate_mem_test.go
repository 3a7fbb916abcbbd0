//go:build linux

package phases

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/jacorpus/jacorpus/job"
)

// The child of TestEstimateMemory: this test binary run again with
// estimateChildEnv set to "run" (job.Run in one process) or PHASE/INDEX
// (phases.RunTask), and the config in estimateCfgEnv.
const (
	estimateChildEnv = "JACORPUS_ESTIMATE_CHILD"
	estimateCfgEnv   = "JACORPUS_ESTIMATE_CFG"
	estimateWorkEnv  = "JACORPUS_ESTIMATE_WORK"
)

// TestEstimateChild runs one task for TestEstimateMemory; it does nothing
// unless estimateChildEnv is set.
func TestEstimateChild(t *testing.T) {
	what := os.Getenv(estimateChildEnv)
	if what == "" {
		t.Skip("run by TestEstimateMemory")
	}
	defer func() {
		// this process's own peak: ru_maxrss would also count the parent's
		// memory the child was forked with (Linux keeps it across exec)
		if b, err := os.ReadFile("/proc/self/status"); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(l, "VmHWM:") {
					fmt.Printf("\n%s\n", l)
				}
			}
		}
	}()
	cfg, err := job.Load(os.Getenv(estimateCfgEnv))
	if err != nil {
		t.Fatal(err)
	}
	if what == "run" {
		if _, err := job.Run(context.Background(), cfg, job.Options{}); err != nil {
			t.Fatal(err)
		}
		return
	}
	name, index, _ := strings.Cut(what, "/")
	i, _ := strconv.Atoi(index)
	n, err := Tasks(&cfg, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RunTask(context.Background(), cfg, os.Getenv(estimateWorkEnv), name, i, n, job.Options{}); err != nil {
		t.Fatal(err)
	}
}

// writeCorpus writes files of about perFile bytes of text each, JSONL
// compressed with gzip, made from the sample's Diet speeches and fixture
// documents: every round repeats them with a tenth of their characters
// replaced by others of the same document (seeded), so that neither exact
// nor near dedup drops the copies and the filters see the same kind of
// text.
func writeCorpus(t *testing.T, dir string, sizes []int64) []string {
	t.Helper()
	var texts []string
	for _, f := range []string{"../testdata/sample/diet_speeches.jsonl.gz", "../testdata/sample/fixture_docs.jsonl"} {
		texts = append(texts, readTexts(t, f)...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var paths []string
	n := 0
	for k, size := range sizes {
		path := filepath.Join(dir, fmt.Sprintf("part%d.jsonl.gz", k))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw := gzip.NewWriter(f)
		bw := bufio.NewWriter(zw)
		var written int64
		for written < size {
			src := []rune(texts[n%len(texts)])
			for range len(src) / 10 {
				src[rng.IntN(len(src))] = src[rng.IntN(len(src))]
			}
			text := string(src)
			js, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("doc-%d", n), "text": text})
			bw.Write(append(js, '\n'))
			written += int64(len(text))
			n++
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// readTexts returns the text field of every line of a JSONL file (gzip
// by its name).
func readTexts(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r = bufio.NewReader(f)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = bufio.NewReader(zr)
	}
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var d struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		if d.Text != "" {
			out = append(out, d.Text)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// runChild runs one task in a child process and returns its peak RSS in
// bytes (its VmHWM; getrusage's ru_maxrss where there is no /proc) and its
// wall time.
func runChild(t *testing.T, what, cfgPath, work string) (int64, time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestEstimateChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), estimateChildEnv+"="+what, estimateCfgEnv+"="+cfgPath, estimateWorkEnv+"="+work)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, out)
	}
	if m := regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB$`).FindSubmatch(out); m != nil {
		kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
		return kb * 1024, time.Since(start)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("no rusage")
	}
	return ru.Maxrss * 1024, time.Since(start)
}

// TestEstimateMemory runs a job on about 24 MB of text generated from the
// bundled sample (near and exact dedup, gov filters, tokenizer, 2 workers,
// 2 tasks and 2 buckets) in one process and as phases, every task in a
// child process, and checks Estimate's memory against each one's peak
// RSS: within a factor of 2 either way.
func TestEstimateMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a 24 MB job")
	}
	dir := t.TempDir()
	paths := writeCorpus(t, dir, []int64{14e6, 10e6})
	work := filepath.Join(dir, "work")
	cfgPath := filepath.Join(dir, "job.yaml")
	writeConfig(t, cfgPath, paths, filepath.Join(dir, "out"))
	cfg, err := job.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}

	sz := estimateSample(t, cfg)
	estimate := map[string]int64{"run": sz.OneProcess.Memory}
	for _, p := range sz.Phases {
		estimate[p.Name] = p.Memory
	}
	measured := map[string]int64{}
	var took []string
	rss, d := runChild(t, "run", cfgPath, work)
	measured["run"] = rss
	took = append(took, fmt.Sprintf("run %.1fs (estimated %.1fs)", d.Seconds(), sz.OneProcess.WallSeconds))
	for _, ph := range Plan(&cfg) {
		for i := range ph.Tasks {
			rss, d := runChild(t, fmt.Sprintf("%s/%d", ph.Name, i), cfgPath, work)
			measured[ph.Name] = max(measured[ph.Name], rss)
			took = append(took, fmt.Sprintf("%s/%d %.1fs", ph.Name, i, d.Seconds()))
		}
	}
	t.Logf("text %d bytes, %d docs (estimated); %s", sz.TextBytes, sz.Docs, strings.Join(took, ", "))
	for _, name := range []string{"run", Signatures, Buckets, Filter, Finalize} {
		est, got := estimate[name], measured[name]
		ratio := float64(est) / float64(got)
		t.Logf("%-10s estimated %6.1f MB, measured peak RSS %6.1f MB: ×%.2f", name, float64(est)/1e6, float64(got)/1e6, ratio)
		if ratio < 0.5 || ratio > 2 {
			t.Errorf("%s: estimated %d bytes, measured %d: not within 2×", name, est, got)
		}
	}
}

// writeConfig writes the job's config: exact and near dedup, the gov
// filters, the tokenizer, 2 workers, 2 tasks and 2 buckets.
func writeConfig(t *testing.T, path string, inputs []string, out string) {
	t.Helper()
	var in []map[string]string
	for _, p := range inputs {
		in = append(in, map[string]string{"path": p, "source": "gen", "preset": "gov"})
	}
	doc := map[string]any{
		"inputs":  in,
		"dedup":   map[string]any{"exact": true, "near": map[string]any{"enabled": true}},
		"workers": 2,
		"phases":  map[string]int{"tasks": 2, "buckets": 2},
		"output":  map[string]any{"dir": out, "overwrite": true},
	}
	y, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, y, 0o644); err != nil {
		t.Fatal(err)
	}
}
