package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// needTool skips the test when a program is missing, or fails it under CI
// (scripts/test-deps.sh installs it).
func needTool(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			if p := filepath.Join("/usr/sbin", name); fileExists(p) {
				continue
			}
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing (scripts/test-deps.sh installs it)", name)
			}
			t.Skipf("%s is missing: run scripts/test-deps.sh", name)
		}
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestSlurm submits the sample pipeline to a real single-node Slurm cluster
// (scripts/slurm.sh starts it: slurmctld, slurmd and munge from Debian's
// packages) with jacorpus submit --scheduler slurm --tasks 4 --submit,
// waits for the jobs by their state (never trusting sbatch's exit status)
// and checks the dataset is byte-identical to jacorpus run's in one
// process, its manifest equal but for the run section.
func TestSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	needTool(t, "sbatch", "scontrol", "slurmctld", "slurmd", "munged")
	// one machine has one Slurm: test runs in other checkouts wait for
	// this one (which may stop the cluster at its end) and vice versa
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "jacorpus-slurm-test.lock"), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lock.Close() }) // last: after the cluster is stopped
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("../../scripts/slurm.sh")
	wasUp := exec.Command(script, "status").Run() == nil
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, script, "start").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("scripts/slurm.sh start: %v\n%s", err, out)
		}
		t.Skipf("no Slurm cluster: scripts/slurm.sh start: %v\n%s", err, out)
	}
	if !wasUp {
		t.Cleanup(func() { exec.Command(script, "stop").Run() })
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "jacorpus")
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cfg := clusterConfig(t, dir)
	mem := filepath.Join(dir, "memory")
	if out, err := exec.Command(bin, "run", "-c", cfg, "-q", "--work-dir=", "--output", mem).CombinedOutput(); err != nil {
		t.Fatalf("one process: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "out")
	sub := exec.Command(bin, "submit", "-c", cfg, "--scheduler", "slurm", "--tasks", "4", "--submit", "--output", out)
	sub.Dir = dir
	listing, err := sub.CombinedOutput()
	if err != nil {
		t.Fatalf("submit: %v\n%s", err, listing)
	}
	t.Logf("%s", listing)
	var ids []string
	for _, m := range regexp.MustCompile(`(?m)^submitted +(\w+) +job (\d+)$`).FindAllStringSubmatch(string(listing), -1) {
		ids = append(ids, m[2])
	}
	if len(ids) != 7 {
		t.Fatalf("%d jobs submitted, want 7 phases", len(ids))
	}
	logs := filepath.Join(dir, "work", "jobs", "logs")
	showLogs := func() {
		entries, _ := os.ReadDir(logs)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(logs, e.Name()))
			t.Logf("--- %s\n%s", e.Name(), b)
		}
	}
	// wait for the last phase by its state; a failed phase fails the test
	stateRe := regexp.MustCompile(`JobState=(\w+)`)
	deadline := time.Now().Add(5 * time.Minute)
	for {
		done := true
		for i, id := range ids {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			b, err := exec.CommandContext(ctx, "scontrol", "-o", "show", "job", id).CombinedOutput()
			cancel()
			if err != nil {
				t.Fatalf("scontrol show job %s: %v\n%s", id, err, b)
			}
			for _, m := range stateRe.FindAllStringSubmatch(string(b), -1) {
				switch m[1] {
				case "COMPLETED":
				case "PENDING", "RUNNING", "CONFIGURING", "COMPLETING":
					done = false
				default:
					showLogs()
					t.Fatalf("phase job %d (%s) is %s:\n%s", i, id, m[1], b)
				}
			}
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			showLogs()
			t.Fatal("the jobs did not end in 5 minutes")
		}
		time.Sleep(500 * time.Millisecond)
	}
	sameShards(t, mem, out)
	if a, b := comparableManifest(t, mem), comparableManifest(t, out); a != b {
		t.Errorf("manifests differ beyond the run section:\n%s\n%s", a, b)
	}
	st, err := exec.Command(bin, "status", "-c", cfg).CombinedOutput()
	if err != nil || !strings.Contains(string(st), "every task done") {
		t.Errorf("status: %v\n%s", err, st)
	}
	// the tasks of one array ran as separate processes with their index
	// from Slurm: every filter task wrote its own part
	for i := range 4 {
		if !fileExists(filepath.Join(dir, "work", "filter", "task-0000"+string(rune('0'+i)), "done.json")) {
			t.Errorf("filter task %d left no part", i)
		}
	}
}
