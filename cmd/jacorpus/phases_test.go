package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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

// sameShards checks that two datasets have the same shards, byte for byte.
func sameShards(t *testing.T, want, got string) {
	t.Helper()
	shards, _ := filepath.Glob(filepath.Join(want, "*.parquet"))
	if len(shards) == 0 {
		t.Fatalf("no shards in %s", want)
	}
	if others, _ := filepath.Glob(filepath.Join(got, "*.parquet")); len(others) != len(shards) {
		t.Fatalf("%d shards in %s, %d in %s", len(shards), want, len(others), got)
	}
	for _, s := range shards {
		a, _ := os.ReadFile(s)
		b, err := os.ReadFile(filepath.Join(got, filepath.Base(s)))
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s: shard differs from %s's (%v)", filepath.Join(got, filepath.Base(s)), want, err)
		}
	}
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
	code, listing, errs := runMain(t, "run", "-c", cfg, "--phases")
	if code != 0 || listing != "prepare 1\nlines 3\nlinesets 2\nsignatures 3\nbuckets 2\nfilter 3\nfinalize 1\n" {
		t.Fatalf("--phases: exit %d, %q, %s", code, listing, errs)
	}
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
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
	sameShards(t, filepath.Join(dir, "memory"), filepath.Join(dir, "phased"))

	// a flipped byte in one signatures file: a buckets task that reads it
	// (its own marker removed, so it runs) names it and the task to re-run
	bad := filepath.Join(work, "signatures", "task-00001", "bands-00001.wf")
	data, err := os.ReadFile(bad)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x04
	os.WriteFile(bad, data, 0o644)
	os.Remove(filepath.Join(work, "buckets", "task-00001", "done.json"))
	code, _, errs = runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "buckets", "--task-index", "1", "--task-count", "2")
	if code != 1 || !strings.Contains(errs, bad) || !strings.Contains(errs, "run phase signatures task 1") {
		t.Fatalf("corrupt file: exit %d\n%s", code, errs)
	}
	// status shows the failed task
	if code, out, errs := runMain(t, "status", "--work-dir", work); code != 1 || !regexp.MustCompile(`buckets +2 +1 +0 +1 +0`).MatchString(out) {
		t.Errorf("status: exit %d\n%s\n%s", code, out, errs)
	}
	// re-submitting the whole job: the corrupt task is found by its
	// checksums and runs again with the failed one; every other task is
	// skipped, and the dataset is the same
	var again []string
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		name, n, _ := strings.Cut(line, " ")
		tasks, _ := strconv.Atoi(n)
		for i := range tasks {
			code, _, errs := runMain(t, "run", "-c", cfg, "--work-dir", work, "--phase", name, "--task-index", strconv.Itoa(i), "--output", filepath.Join(dir, "phased"))
			if code != 0 {
				t.Fatalf("again: %s task %d: exit %d\n%s", name, i, code, errs)
			}
			if strings.Contains(errs, "phase task runs again") {
				again = append(again, fmt.Sprintf("%s/%d", name, i))
				if !strings.Contains(errs, "bands-00001.wf is corrupt") {
					t.Errorf("%s task %d ran again for another reason:\n%s", name, i, errs)
				}
			}
			if strings.Contains(errs, "already done: skipped") == (name == "buckets" && i == 1 || name == "signatures" && i == 1 || name == "prepare") {
				t.Errorf("%s task %d: skipped or not, wrongly:\n%s", name, i, errs)
			}
		}
	}
	if fmt.Sprint(again) != "[signatures/1]" {
		t.Errorf("tasks that ran again for a bad checksum: %v", again)
	}
	sameShards(t, filepath.Join(dir, "memory"), filepath.Join(dir, "phased"))
	if code, out, errs := runMain(t, "status", "--work-dir", work); code != 0 || !strings.Contains(out, "every task done") {
		t.Errorf("status after the repair: exit %d\n%s\n%s", code, out, errs)
	}

	// a missing task is named
	os.RemoveAll(filepath.Join(work, "signatures", "task-00002"))
	os.Remove(filepath.Join(work, "buckets", "task-00000", "done.json"))
	code, _, errs = runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "buckets", "--task-index", "0", "--task-count", "2")
	if code != 1 || !strings.Contains(errs, "phase signatures task 2 of 3 is not done: run it before phase buckets") {
		t.Fatalf("missing task: exit %d\n%s", code, errs)
	}
	// a task count that disagrees with the config is refused
	code, _, errs = runMain(t, "run", "-c", cfg, "-q", "--work-dir", work, "--phase", "buckets", "--task-index", "0", "--task-count", "3")
	if code != 1 || !strings.Contains(errs, "phase buckets has 2 tasks") {
		t.Fatalf("wrong task count: exit %d\n%s", code, errs)
	}
}
