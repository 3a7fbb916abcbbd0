package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// TestMain lets the test binary act as the jacorpus command: the process
// tests below start it with JACORPUS_AS_MAIN=1 and send it signals.
func TestMain(m *testing.M) {
	if os.Getenv("JACORPUS_AS_MAIN") == "1" {
		os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

const fixture = "../../testdata/sample/fixture_docs.jsonl"

// start runs jacorpus with args in a child process.
func start(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "JACORPUS_AS_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// wait waits for cmd with a deadline (a hang check, not a timing) and
// returns its exit status.
func wait(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws := ee.Sys().(syscall.WaitStatus); ws.Signaled() {
				return 128 + int(ws.Signal())
			}
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("jacorpus did not exit; stderr:\n%s", stderr)
		return -1
	}
}

// mkfifo makes a FIFO that nobody writes to: reading it blocks forever.
func mkfifo(t *testing.T, path string) string {
	t.Helper()
	testcorpus.Need(t, syscall.Mkfifo(path, 0o644) == nil, "mkfifo")
	return path
}

// waitStaging waits until a run has prepared its output (its staging
// directory beside out exists), i.e. it is reading its inputs.
func waitStaging(t *testing.T, out string) {
	t.Helper()
	for i := 0; i < 2000; i++ {
		if m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".jacorpus-staging-*")); len(m) > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the run never prepared its output")
}

// snapshot returns name → sha256 of every entry of dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		m[e.Name()] = hex.EncodeToString(sum[:])
	}
	return m
}

func sameSnapshot(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// beside lists what runs left next to dir (the lock file aside).
func beside(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".jacorpus-*"))
	var out []string
	for _, p := range m {
		if !strings.HasSuffix(p, ".jacorpus.lock") {
			out = append(out, filepath.Base(p))
		}
	}
	return out
}

// TestStopReadingFIFO: a run blocked on a FIFO without a writer stops at
// SIGTERM (143) or SIGINT (130), says it was interrupted, and leaves nothing.
func TestStopReadingFIFO(t *testing.T) {
	for _, c := range []struct {
		name  string
		sigs  []syscall.Signal
		code  int
		quiet bool // a second signal exits without the summary line
	}{
		{"SIGTERM", []syscall.Signal{syscall.SIGTERM}, 143, false},
		{"SIGINT", []syscall.Signal{syscall.SIGINT}, 130, false},
		{"SIGINT twice", []syscall.Signal{syscall.SIGINT, syscall.SIGINT}, 130, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			fifo := mkfifo(t, filepath.Join(dir, "stream.jsonl"))
			out := filepath.Join(dir, "out")
			cmd, stderr := start(t, "run", "-q", "--input", fifo, "--output", out)
			waitStaging(t, out)
			time.Sleep(50 * time.Millisecond) // let it block in the open
			for _, s := range c.sigs {
				cmd.Process.Signal(s)
				time.Sleep(10 * time.Millisecond)
			}
			if code := wait(t, cmd, stderr); code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, stderr)
			}
			if !c.quiet && !strings.Contains(stderr.String(), "interrupted") || strings.Contains(stderr.String(), "context canceled") {
				t.Errorf("stderr:\n%s", stderr)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("output directory exists after an interrupted first run: %v", err)
			}
			if !c.quiet {
				if left := beside(t, out); len(left) > 0 {
					t.Errorf("left behind: %v", left)
				}
			}
		})
	}
}

// TestOverwriteSurvives: a complete dataset survives a re-run with
// --overwrite that is interrupted by SIGINT, killed with SIGKILL, or fails
// on a bad config value; the run after the kill cleans up without help.
func TestOverwriteSurvives(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	code, _, stderr := run("run", "-q", "--input", fixture, "--output", out, "--shard-rows", "20")
	if code != 0 {
		t.Fatalf("first run: %d %s", code, stderr)
	}
	before := snapshot(t, out)
	if len(before) != 6 { // five shards and the manifest
		t.Fatalf("first run wrote %v", before)
	}
	fifo := mkfifo(t, filepath.Join(dir, "z.jsonl"))
	rerun := []string{"run", "-q", "--input", fixture, "--input", fifo, "--output", out, "--shard-rows", "20", "--overwrite"}

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		cmd, stderr := start(t, rerun...)
		waitStaging(t, out)
		time.Sleep(200 * time.Millisecond) // the fixture is read, shards are being written, the FIFO blocks
		cmd.Process.Signal(sig)
		code := wait(t, cmd, stderr)
		if want := 128 + int(sig); code != want {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", sig, code, want, stderr)
		}
		if after := snapshot(t, out); !sameSnapshot(before, after) {
			t.Fatalf("after %v the previous dataset changed:\n%v\n%v", sig, before, after)
		}
	}
	if left := beside(t, out); len(left) != 1 {
		t.Errorf("after SIGKILL: %v, want the killed run's staging directory", left)
	}
	// a bad config value: refused, dataset intact
	if code, _, stderr := run(append(rerun, "--max-problem-ratio", "NaN")...); code != 1 || !strings.Contains(stderr, "--max-problem-ratio") {
		t.Errorf("bad value: exit %d: %s", code, stderr)
	}
	if after := snapshot(t, out); !sameSnapshot(before, after) {
		t.Fatal("a refused config changed the dataset")
	}
	// the next run replaces the dataset and cleans up after the killed one
	code, _, stderr = run("run", "-q", "--input", fixture, "--output", out, "--shard-rows", "50", "--overwrite")
	if code != 0 {
		t.Fatalf("rerun: %d %s", code, stderr)
	}
	if after := snapshot(t, out); len(after) != 3 { // two shards and the manifest
		t.Errorf("rerun wrote %v", after)
	}
	if left := beside(t, out); len(left) != 0 {
		t.Errorf("left behind after a clean run: %v", left)
	}
}

// TestExitRejectsIncomplete: the dataset is committed, the rejects hit their
// cap: exit status 3 and a message saying so.
func TestExitRejectsIncomplete(t *testing.T) {
	dir := t.TempDir()
	bomb := filepath.Join(dir, "bomb.jsonl")
	os.WriteFile(bomb, []byte(strings.Repeat("{}\n", 5000)), 0o644)
	cfgPath := filepath.Join(dir, "job.yaml")
	os.WriteFile(cfgPath, []byte("rejects_max_bytes: 4KiB\nmax_problem_ratio: 1\nmax_bad_files: 1\ntokenize: {enabled: false}\n"), 0o644)
	code, stdout, stderr := run("run", "-q", "-c", cfgPath, "--input", fixture, "--input", bomb,
		"--output", filepath.Join(dir, "out"), "--rejects", filepath.Join(dir, "rej"))
	if code != exitRejectsIncomplete || !strings.Contains(stderr, "rejects are incomplete") || !strings.Contains(stdout, "not written") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "manifest.json")); err != nil {
		t.Error(err)
	}
}
