package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jacorpus/jacorpus/job"
)

// clusterConfig is phasedConfig with a work directory and resources for
// every scheduler.
func clusterConfig(t *testing.T, dir string) string {
	t.Helper()
	base, err := os.ReadFile(phasedConfig(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("../../testdata")
	cfg := strings.ReplaceAll(string(base), "../../testdata", abs) +
		"work_dir: " + filepath.Join(dir, "work") + "\n" +
		"output: {dir: " + filepath.Join(dir, "out") + "}\n" +
		"resources: {time: \"01:00:00\", memory: 2GiB}\n"
	p := filepath.Join(dir, "cluster.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runEnv runs jacorpus (this test binary) with extra environment variables.
func runEnv(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "JACORPUS_AS_MAIN=1"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	code := wait(t, cmd, &stderr)
	return code, stdout.String(), stderr.String()
}

// comparableManifest is a manifest's JSON without its run section and
// without what only an in-memory run has: its near-dedup index memory and
// the line counts it makes itself (a phased run's are 0).
func comparableManifest(t *testing.T, dir string) string {
	t.Helper()
	m, err := job.ReadManifest(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	m.Run = nil
	if d := m.Dedup; d != nil {
		if n := d.Near; n != nil {
			n.IndexBytes, n.SignatureBytes, n.TextBytes = 0, 0, 0
		}
		if l := d.Lines; l != nil {
			l.Docs, l.Distinct = 0, 0
		}
	}
	js, _ := json.MarshalIndent(m, "", " ")
	return string(js)
}

// TestSchedulerScripts runs the scripts jacorpus submit writes, as the
// schedulers would start them, without a scheduler: the PBS scripts once
// per array index with PBS_ARRAY_INDEX set, the PJM ones through an mpiexec
// that starts the ranks one after the other (OMPI_COMM_WORLD_RANK), and the
// phases as PJM bulk jobs (PJM_BULKNUM, JACORPUS_TASK_COUNT) with other
// task counts. Every dataset is byte-identical to the one-process run's,
// and their manifests are equal but for the run section.
func TestSchedulerScripts(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is missing")
	}
	dir := t.TempDir()
	cfg := clusterConfig(t, dir)
	mem := filepath.Join(dir, "memory")
	if code, _, errs := runMain(t, "run", "-c", cfg, "-q", "--work-dir=", "--output", mem); code != 0 {
		t.Fatalf("one process: exit %d\n%s", code, errs)
	}
	// an mpiexec that runs the ranks in turn
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	fake := "#!/bin/bash\n[ \"$1\" = -n ] || exit 9\nn=$2; shift 2\nfor ((i = 0; i < n; i++)); do OMPI_COMM_WORLD_RANK=$i OMPI_COMM_WORLD_SIZE=$n \"$@\" || exit; done\n"
	os.WriteFile(filepath.Join(bin, "mpiexec"), []byte(fake), 0o755)

	for _, tc := range []struct{ scheduler, indexVar string }{{"pbs", "PBS_ARRAY_INDEX"}, {"pjm", ""}} {
		t.Run(tc.scheduler, func(t *testing.T) {
			out := filepath.Join(dir, "out-"+tc.scheduler)
			work := filepath.Join(dir, "work-"+tc.scheduler)
			code, listing, errs := runMain(t, "submit", "-c", cfg, "--scheduler", tc.scheduler, "--tasks", "3", "--buckets", "2",
				"--work-dir", work, "--output", out)
			if code != 0 {
				t.Fatalf("submit: exit %d\n%s", code, errs)
			}
			lines := strings.Split(strings.TrimSpace(listing), "\n")
			re := regexp.MustCompile(`^(\w+) +(\d+) tasks +(\S+)$`)
			phases := 0
			for _, line := range lines {
				m := re.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				phases++
				tasks, _ := strconv.Atoi(m[2])
				runs := 1
				if tc.indexVar != "" && tasks > 1 {
					runs = tasks // one process per array index
				}
				for i := range runs {
					cmd := exec.Command("bash", m[3])
					cmd.Env = append(os.Environ(), "JACORPUS_AS_MAIN=1", "PATH="+bin+":"+os.Getenv("PATH"))
					if tc.indexVar != "" && tasks > 1 {
						cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d", tc.indexVar, i))
					}
					if b, err := cmd.CombinedOutput(); err != nil {
						t.Fatalf("%s (index %d): %v\n%s", m[3], i, err, b)
					}
				}
			}
			if phases != 7 {
				t.Fatalf("submit listed %d phases:\n%s", phases, listing)
			}
			sameShards(t, mem, out)
			if a, b := comparableManifest(t, mem), comparableManifest(t, out); a != b {
				t.Errorf("the %s run's manifest differs from the one-process run's:\n%s\n%s", tc.scheduler, a, b)
			}
		})
	}

	// PJM bulk jobs, other task counts: PJM_BULKNUM and JACORPUS_TASK_COUNT
	out := filepath.Join(dir, "out-bulk")
	work := filepath.Join(dir, "work-bulk")
	_, listing, _ := runMain(t, "run", "-c", cfg, "--phases", "--tasks", "2", "--buckets", "3")
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		name, n, _ := strings.Cut(line, " ")
		tasks, _ := strconv.Atoi(n)
		for i := range tasks {
			env := []string{}
			if tasks > 1 {
				env = append(env, fmt.Sprintf("PJM_BULKNUM=%d", i), fmt.Sprintf("JACORPUS_TASK_COUNT=%d", tasks))
			}
			if code, _, errs := runEnv(t, env, "run", "-c", cfg, "-q", "--tasks", "2", "--buckets", "3", "--work-dir", work,
				"--output", out, "--phase", name); code != 0 {
				t.Fatalf("bulk %s task %d: exit %d\n%s", name, i, code, errs)
			}
		}
	}
	sameShards(t, mem, out)
	if a, b := comparableManifest(t, filepath.Join(dir, "out-pbs")), comparableManifest(t, out); a != b {
		t.Errorf("the manifest of 2 tasks differs from the one of 3")
	}
	// a count from the environment that disagrees with the plan is refused
	code, _, errs := runEnv(t, []string{"PJM_BULKNUM=0", "JACORPUS_TASK_COUNT=5"}, "run", "-c", cfg, "-q", "--tasks", "2", "--buckets", "3",
		"--work-dir", work, "--phase", "filter")
	if code != 1 || !strings.Contains(errs, "phase filter has 2 tasks") {
		t.Errorf("a count of 5 for 2 tasks: exit %d\n%s", code, errs)
	}
}

// TestKilledTaskResumes kills (SIGKILL) one task of the signatures phase
// part-way, re-submits the whole job and kills one filter task part-way,
// then re-submits it again: the killed tasks run again, the completed ones
// are skipped, and the dataset is byte-identical to the one-process run's,
// nothing lost or duplicated.
func TestKilledTaskResumes(t *testing.T) {
	dir := t.TempDir()
	cfg := clusterConfig(t, dir)
	mem := filepath.Join(dir, "memory")
	if code, _, errs := runMain(t, "run", "-c", cfg, "-q", "--work-dir=", "--output", mem); code != 0 {
		t.Fatalf("one process: exit %d\n%s", code, errs)
	}
	work := filepath.Join(dir, "work")
	_, listing, _ := runMain(t, "run", "-c", cfg, "--phases")
	type step struct {
		name string
		i, n int
	}
	var steps []step
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		name, n, _ := strings.Cut(line, " ")
		tasks, _ := strconv.Atoi(n)
		for i := range tasks {
			steps = append(steps, step{name, i, tasks})
		}
	}
	killed := map[string]bool{}
	for _, s := range steps {
		args := []string{"run", "-c", cfg, "-q", "--phase", s.name, "--task-index", strconv.Itoa(s.i)}
		if s.name == "signatures" && s.i == 1 {
			cmd, stderr := start(t, args...)
			// kill it once it is writing its output (its temporary directory exists)
			pattern := filepath.Join(work, s.name, fmt.Sprintf(".task-%05d.tmp-*", s.i))
			deadline := time.Now().Add(20 * time.Second)
			for {
				if m, _ := filepath.Glob(pattern); len(m) > 0 {
					break
				}
				if time.Now().After(deadline) {
					ents, _ := os.ReadDir(filepath.Join(work, s.name))
					t.Fatalf("%s task %d never started writing (exit %d; %v):\n%s", s.name, s.i, wait(t, cmd, stderr), ents, stderr)
				}
				time.Sleep(time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			if code := wait(t, cmd, stderr); code != 128+int(syscall.SIGKILL) {
				t.Fatalf("%s task %d ended before the kill: exit %d\n%s", s.name, s.i, code, stderr)
			}
			killed[fmt.Sprintf("%s/%d", s.name, s.i)] = true
			if _, err := os.Stat(filepath.Join(work, s.name, fmt.Sprintf("task-%05d", s.i))); err == nil {
				t.Fatalf("a killed task left its directory in place")
			}
			continue
		}
		code, _, errs := runMain(t, args...)
		switch {
		case killed["signatures/1"] && (s.name == "buckets" || s.name == "filter" || s.name == "finalize"):
			// later phases wait for the killed task
			if code != 1 || !strings.Contains(errs, "is not done: run it before phase") {
				t.Fatalf("%s task %d after a killed task: exit %d\n%s", s.name, s.i, code, errs)
			}
		case code != 0:
			t.Fatalf("%s task %d: exit %d\n%s", s.name, s.i, code, errs)
		}
	}
	if code, out, _ := runMain(t, "status", "-c", cfg); code != 1 || !regexp.MustCompile(`signatures +3 +2 +0 +0 +1`).MatchString(out) {
		t.Errorf("status after the kill: exit %d\n%s", code, out)
	}
	// the filter task could not run before signatures was repaired: kill it
	// on the second submission
	var ran []string
	for _, s := range steps {
		args := []string{"run", "-c", cfg, "--phase", s.name, "--task-index", strconv.Itoa(s.i)}
		if s.name == "filter" && s.i == 2 && !killed["filter/2"] {
			cmd, stderr := start(t, args...)
			// kill it once its first checkpoint is done: the next run
			// starts after it
			cp := filepath.Join(work, s.name, fmt.Sprintf(".task-%05d.checkpoints", s.i), "cp-00000")
			for {
				if _, err := os.Stat(cp); err == nil {
					break
				}
				time.Sleep(time.Millisecond)
			}
			cmd.Process.Signal(syscall.SIGKILL)
			if code := wait(t, cmd, stderr); code != 128+int(syscall.SIGKILL) {
				t.Fatalf("filter task 2 ended before the kill: exit %d\n%s", code, stderr)
			}
			killed["filter/2"] = true
			break
		}
		code, _, errs := runMain(t, args...)
		if code != 0 {
			t.Fatalf("again: %s task %d: exit %d\n%s", s.name, s.i, code, errs)
		}
		if !strings.Contains(errs, "already done: skipped") && s.name != "prepare" {
			ran = append(ran, fmt.Sprintf("%s/%d", s.name, s.i))
		}
	}
	if !killed["filter/2"] {
		t.Fatal("filter task 2 was never killed")
	}
	// the third submission completes the job
	for _, s := range steps {
		code, _, errs := runMain(t, "run", "-c", cfg, "--phase", s.name, "--task-index", strconv.Itoa(s.i))
		if code != 0 {
			t.Fatalf("third: %s task %d: exit %d\n%s", s.name, s.i, code, errs)
		}
		if !strings.Contains(errs, "already done: skipped") && s.name != "prepare" {
			ran = append(ran, fmt.Sprintf("%s/%d", s.name, s.i))
		}
		if s.name == "filter" && s.i == 2 && !regexp.MustCompile(`msg="checkpoint already done: its files are not read again" .*phase=filter task=2/3 checkpoint=1/`).MatchString(errs) {
			t.Errorf("filter task 2 did not resume after its first checkpoint:\n%s", errs)
		}
	}
	t.Logf("tasks run again: %v", ran)
	if ran[0] != "signatures/1" || !strings.Contains(strings.Join(ran, " "), "filter/2") || strings.Contains(strings.Join(ran, " "), "signatures/0") {
		t.Errorf("tasks run on re-submission: %v", ran)
	}
	sameShards(t, mem, filepath.Join(dir, "out"))
	if code, out, _ := runMain(t, "status", "-c", cfg); code != 0 || !strings.Contains(out, "every task done") {
		t.Errorf("status at the end: exit %d\n%s", code, out)
	}
	// no leftovers of the killed attempts
	if m, _ := filepath.Glob(filepath.Join(work, "*", ".task-*.tmp-*")); len(m) > 0 {
		t.Errorf("leftovers: %v", m)
	}
}
