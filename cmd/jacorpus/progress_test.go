package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// progressConfig is a job over two of the sample's files (1,000 Diet
// speeches and e-Gov laws, gzip and zstd) with tokenize off, so that the
// test is quick, and shuffled small shards, so that the balanced writer's
// Close — a barrier: every shard is written there — takes a while.
const progressConfig = `inputs:
  - {path: testdata/sample/diet_speeches.jsonl.gz, source: kokkai, preset: gov}
  - {path: testdata/sample/egov_laws.jsonl.zst, source: egov, preset: gov}
tokenize: {enabled: false}
output: {shard_size: 256KiB, shuffle: true}
`

// repoRoot is where the config's relative input paths start.
const repoRoot = "../.."

// lines collects a child's stderr line by line, safe to read while the
// child runs.
type lines struct {
	mu   sync.Mutex
	all  []string
	done chan struct{}
}

func collectLines(r io.Reader) *lines {
	l := &lines{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			l.mu.Lock()
			l.all = append(l.all, sc.Text())
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *lines) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

// waitFor waits until some line satisfies ok (a hang check with a generous
// deadline, not a timing) and returns it.
func (l *lines) waitFor(t *testing.T, what string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for _, s := range l.snapshot() {
			if ok(s) {
				return s
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s on stderr within 60 s:\n%s", what, strings.Join(l.snapshot(), "\n"))
	return ""
}

var mbRe = regexp.MustCompile(` MB=([0-9.]+)`)

// readMB is the MB read that a progress line reports, -1 for none.
func readMB(line string) float64 {
	m := mbRe.FindStringSubmatch(line)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return -1
	}
	return v
}

// TestProgressLog runs jacorpus without a terminal (stderr a pipe, as in
// a batch job) and a progress interval of 20 ms. The input starts with a
// FIFO the test feeds: the log lines keep coming while the run waits for
// input and while it is inside one 3 MB record (the MB read grows before
// the record ends), and during the balanced writer's Close (activity
// "writing shards"). Every line has the figures; stdout has only the
// summary.
func TestProgressLog(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(cfg, []byte(progressConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := mkfifo(t, filepath.Join(dir, "a-stream.jsonl"))
	out := filepath.Join(dir, "out")
	cmd := exec.Command(os.Args[0], "run", "-c", cfg, "--input", fifo,
		"--input", "testdata/sample/diet_speeches.jsonl.gz", "--input", "testdata/sample/egov_laws.jsonl.zst",
		"--output", out, "--progress-every", "20ms")
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "JACORPUS_AS_MAIN=1")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	stderr := collectLines(pr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); pw.Close() }()
	waited := false
	defer func() {
		if !waited { // a failed check: stop the run
			cmd.Process.Kill()
			<-exited
		}
	}()

	w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // blocks until jacorpus opens it
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	fixtureLines, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(fixtureLines); err != nil {
		t.Fatal(err)
	}
	// the run waits for more: progress lines come all the same
	stderr.waitFor(t, "progress line while the run waits for input", func(s string) bool {
		return strings.Contains(s, "msg=progress activity=reading") && !strings.Contains(s, " docs=0 ")
	})
	// one record of 3 MB, its end held back
	if _, err := io.WriteString(w, `{"id":"huge","text":"`+strings.Repeat("長い記録の本文です。", 100_000)); err != nil {
		t.Fatal(err)
	}
	// the pipe holds at most 64 KiB: jacorpus has consumed the rest, and
	// says so while the record is still open
	line := stderr.waitFor(t, "progress line inside the long record", func(s string) bool {
		return strings.Contains(s, "activity=reading") && readMB(s) >= float64(len(fixtureLines))/1e6+2.5
	})
	t.Logf("inside the record: %s", line)
	if n := bytes.Count(fixtureLines, []byte("\n")); !strings.Contains(line, " docs="+strconv.Itoa(n)+" ") {
		t.Errorf("inside the record the documents read should be the fixture's %d: %s", n, line)
	}
	if _, err := io.WriteString(w, "\"}\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()

	select {
	case err := <-exited:
		waited = true
		if err != nil {
			t.Fatalf("jacorpus: %v; stderr:\n%s", err, strings.Join(stderr.snapshot(), "\n"))
		}
	case <-time.After(120 * time.Second):
		t.Fatalf("jacorpus did not exit; stderr:\n%s", strings.Join(stderr.snapshot(), "\n"))
	}
	<-stderr.done

	var reading, writing int
	for _, s := range stderr.snapshot() {
		if !strings.Contains(s, "msg=progress") {
			continue
		}
		for _, key := range []string{" activity=", " elapsed=", " docs=", " docs/s=", " MB=", " MB/s="} {
			if !strings.Contains(s, key) {
				t.Errorf("progress line without %q: %s", key, s)
			}
		}
		switch {
		case strings.Contains(s, "activity=reading"):
			reading++
			if !strings.Contains(s, " percent=") || !strings.Contains(s, " stages=") {
				t.Errorf("reading line without percent or stages: %s", s)
			}
		case strings.Contains(s, `activity="writing shards`):
			writing++
		}
	}
	if reading < 3 || writing < 1 {
		t.Errorf("%d reading and %d writing-shards progress lines, want several and at least one (during Close):\n%s",
			reading, writing, strings.Join(stderr.snapshot(), "\n"))
	}
	so := stdout.String()
	if !strings.Contains(so, "output: ") || strings.Contains(so, "progress") || strings.Contains(so, "level=") || strings.Contains(so, "\x1b") {
		t.Errorf("stdout is not the summary alone:\n%s", so)
	}
}

// TestProgressQuiet: -q turns the progress off (at an interval that would
// log many lines); a negative interval is refused.
func TestProgressQuiet(t *testing.T) {
	dir := t.TempDir()
	for i, flags := range [][]string{{"-q", "--progress-every", "1ms"}} {
		args := append([]string{"run", "--input", fixture, "--output", filepath.Join(dir, strconv.Itoa(i))}, flags...)
		code, stdout, stderr := run(args...)
		if code != 0 || strings.Contains(stderr, "msg=progress") || strings.Contains(stdout, "progress") {
			t.Fatalf("%v: exit %d\nstdout %s\nstderr %s", flags, code, stdout, stderr)
		}
	}
	code, _, stderr := run("run", "--input", fixture, "--output", filepath.Join(dir, "x"), "--progress-every", "-1s")
	if code != 1 || !strings.Contains(stderr, "--progress-every: -1s must be >= 0") {
		t.Errorf("negative interval: exit %d: %s", code, stderr)
	}
}

var (
	percentRe = regexp.MustCompile(`\b\d{1,3}\.\d%`)
	barRe     = regexp.MustCompile(`\[[=>-]{10,}\]`)
)

// runPTY runs jacorpus with stderr (and stdin) on a pseudo-terminal and
// stdout to a buffer; it returns what the terminal got and stdout.
func runPTY(t *testing.T, args ...string) (screen, stdout string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "JACORPUS_AS_MAIN=1", "TERM=xterm")
	var out bytes.Buffer
	cmd.Stdout = &out
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer tty.Close()
	var term bytes.Buffer
	copied := make(chan struct{})
	go func() {
		io.Copy(&term, tty) // ends with EIO once the child has exited
		close(copied)
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("jacorpus: %v", err)
		}
	case <-time.After(120 * time.Second):
		cmd.Process.Signal(syscall.SIGKILL)
		t.Fatal("jacorpus did not exit")
	}
	select {
	case <-copied:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal output did not end")
	}
	return term.String(), out.String()
}

// TestProgressBars runs jacorpus with stderr on a pseudo-terminal: the
// bars render there (activity names, a bar, a percentage) with the log
// lines, and stdout, a file, gets the summary without any of it; with -q
// there is no bar.
func TestProgressBars(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(cfg, []byte(progressConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	s, so := runPTY(t, "run", "-c", cfg, "--output", filepath.Join(dir, "out"))
	for _, want := range []string{"reading", "writing shards"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q bar on the terminal", want)
		}
	}
	if !percentRe.MatchString(s) || !barRe.MatchString(s) {
		t.Errorf("no bar with a percentage on the terminal")
	}
	if !strings.Contains(s, "msg=run") {
		t.Errorf("the log lines did not reach the terminal")
	}
	if t.Failed() {
		t.Logf("terminal:\n%q", s)
	}
	if !strings.Contains(so, "output: ") || strings.Contains(so, "reading") || strings.Contains(so, "\x1b") {
		t.Errorf("stdout is not the summary alone:\n%s", so)
	}

	s, so = runPTY(t, "run", "-q", "-c", cfg, "--output", filepath.Join(dir, "out-q"))
	if strings.Contains(s, "reading") || barRe.MatchString(s) || !strings.Contains(so, "output: ") {
		t.Errorf("-q on a terminal:\n%q\nstdout:\n%s", s, so)
	}
}

// TestProgressPhases: a phased job run task by task with --phase (as a
// scheduler runs it) and then in one process (--work-dir): the progress
// lines name the phase and task around the job's activities, and the
// datasets are the same as an in-memory run's without progress (-q).
func TestProgressPhases(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(cfg, []byte(progressConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	runIn := func(args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(os.Args[0], append(args, "-c", cfg, "--progress-every", "5ms")...)
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "JACORPUS_AS_MAIN=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if code := wait(t, cmd, &stderr); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr.String())
		}
		if strings.Contains(stdout.String(), "progress") {
			t.Errorf("%v: progress on stdout:\n%s", args, stdout.String())
		}
		return stdout.String(), stderr.String()
	}
	out, _ := runIn("run", "--phases")
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		names = append(names, strings.Fields(l)[0])
	}
	want := map[string]string{ // what a task's lines name, besides the task
		"signatures": `activity="phase signatures task 0/1: reading"`,
		"filter":     `activity="phase filter task 0/1: reading"`,
		"finalize":   `activity="phase finalize task 0/1: assembling shards`,
	}
	work1, out1 := filepath.Join(dir, "work1"), filepath.Join(dir, "out1")
	for _, ph := range names {
		_, stderr := runIn("run", "--work-dir", work1, "--output", out1, "--phase", ph)
		if w, ok := want[ph]; ok && !strings.Contains(stderr, w) {
			t.Errorf("phase %s: no line with %s:\n%s", ph, w, stderr)
		}
		delete(want, ph)
	}
	if len(want) > 0 {
		t.Fatalf("phases %v not in the plan %v", want, names)
	}
	out2 := filepath.Join(dir, "out2")
	_, stderr := runIn("run", "--work-dir", filepath.Join(dir, "work2"), "--output", out2)
	for _, w := range []string{`activity="phase filter task 0/1: reading"`, `activity="phase finalize task 0/1: assembling shards`} {
		if !strings.Contains(stderr, w) {
			t.Errorf("one process: no line with %s:\n%s", w, stderr)
		}
	}
	out3 := filepath.Join(dir, "out3")
	runIn("run", "-q", "--output", out3)
	sameShards(t, out3, out1)
	sameShards(t, out3, out2)
}
