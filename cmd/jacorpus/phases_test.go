package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// runMain runs jacorpus in a child process and returns its exit status,
// stdout and stderr.
func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "JACORPUS_AS_MAIN=1")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = new(bytes.Buffer)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	code := wait(t, cmd, cmd.Stderr.(*bytes.Buffer))
	return code, stdout.String(), cmd.Stderr.(*bytes.Buffer).String()
}

// phasedConfig writes a config over the sample's fixture, Diet speeches and
// laws with near dedup and boilerplate lines, as 3 slice tasks and 2
// range tasks.
func phasedConfig(t *testing.T, dir string) string {
	t.Helper()
	cfg := `inputs:
  - {path: ../../testdata/sample/fixture_docs.jsonl, source: fixture}
  - {path: ../../testdata/sample/diet_speeches.jsonl.gz, source: kokkai}
  - {path: ../../testdata/sample/egov_laws.jsonl.zst, source: egov}
  - {path: ../../testdata/raw/rashomon-utf-8.txt, source: rashomon, format: text}
  - {path: ../../testdata/raw/rashomon-shift-jis.txt, source: rashomon, format: text, encoding: shift_jis}
dedup:
  near: {enabled: true}
  lines: {enabled: true, min_fraction: 0.05}
tokenize: {enabled: false}
phases: {tasks: 3, buckets: 2}
`
	p := filepath.Join(dir, "phased.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPhasesInProcesses runs every task of every phase in its own process,
// as a scheduler would, and checks the dataset is byte-identical to the
// in-memory run's; then a flipped byte in one intermediate file is found
// and named.
func TestPhasesInProcesses(t *testing.T) {
	dir := t.TempDir()
	cfg := phasedConfig(t, dir)
	work := filepath.Join(dir, "work")
	code, out, errs := runMain(t, "run", "-c", cfg, "--phases")
	if code != 0 || out != "lines 3\nlinesets 2\nsignatures 3\nbuckets 2\nfilter 1\n" {
		t.Fatalf("--phases: exit %d, %q, %s", code, out, errs)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name, n, _ := strings.Cut(line, " ")
		tasks, _ := strconv.Atoi(n)
		for i := tasks - 1; i >= 0; i-- { // any order within a phase
			args := []string{"run", "-c", cfg, "-q", "--work-dir", work, "--phase", name,
				"--task-index", strconv.Itoa(i), "--task-count", strconv.Itoa(tasks), "--output", filepath.Join(dir, "phased")}
			if code, _, errs := runMain(t, args...); code != 0 {
				t.Fatalf("%s task %d: exit %d\n%s", name, i, code, errs)
			}
		}
	}
	if code, _, errs := runMain(t, "run", "-c", cfg, "-q", "--output", filepath.Join(dir, "memory")); code != 0 {
		t.Fatalf("in-memory run: exit %d\n%s", code, errs)
	}
	shards, _ := filepath.Glob(filepath.Join(dir, "memory", "*.parquet"))
	if len(shards) == 0 {
		t.Fatal("no shards")
	}
	for _, s := range shards {
		a, _ := os.ReadFile(s)
		b, err := os.ReadFile(filepath.Join(dir, "phased", filepath.Base(s)))
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s: phased shard differs (%v)", filepath.Base(s), err)
		}
	}

	// a flipped byte in one signatures file: the buckets task that reads it
	// names it and the task to re-run
	bad := filepath.Join(work, "signatures", "task-00001", "bands-00001.wf")
	data, err := os.ReadFile(bad)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x04
	os.WriteFile(bad, data, 0o644)
	code, _, errs = runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "buckets", "--task-index", "1", "--task-count", "2")
	if code != 1 || !strings.Contains(errs, bad) || !strings.Contains(errs, "run phase signatures task 1") {
		t.Fatalf("corrupt file: exit %d\n%s", code, errs)
	}
	// the other range does not read it
	if code, _, errs := runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "buckets", "--task-index", "0", "--task-count", "2"); code != 0 {
		t.Fatalf("buckets task 0: exit %d\n%s", code, errs)
	}
	// re-running the task that wrote it repairs it
	if code, _, errs := runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "signatures", "--task-index", "1", "--task-count", "3"); code != 0 {
		t.Fatalf("signatures task 1: exit %d\n%s", code, errs)
	}
	if code, _, errs := runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "buckets", "--task-index", "1", "--task-count", "2"); code != 0 {
		t.Fatalf("buckets task 1 after the repair: exit %d\n%s", code, errs)
	}
	// a truncated file and a missing task are named too
	os.WriteFile(bad, data[:len(data)/3], 0o644)
	code, _, errs = runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "buckets", "--task-index", "1", "--task-count", "2")
	if code != 1 || !strings.Contains(errs, bad) {
		t.Fatalf("truncated file: exit %d\n%s", code, errs)
	}
	os.RemoveAll(filepath.Join(work, "signatures", "task-00002"))
	code, _, errs = runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "buckets", "--task-index", "0", "--task-count", "2")
	if code != 1 || !strings.Contains(errs, "phase signatures task 2 has not finished") {
		t.Fatalf("missing task: exit %d\n%s", code, errs)
	}
	// a task count that disagrees with the config is refused
	code, _, errs = runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "buckets", "--task-index", "0", "--task-count", "3")
	if code != 1 || !strings.Contains(errs, "phase buckets has 2 tasks") {
		t.Fatalf("wrong task count: exit %d\n%s", code, errs)
	}
}
