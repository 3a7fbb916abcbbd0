package phases

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jacorpus/jacorpus/internal/fsync"
)

// DoneName is the completion marker of a task, written last into its
// directory: the files the task wrote with their sizes and SHA-256.
const DoneName = "done.json"

// Done is a task's completion marker.
type Done struct {
	Fingerprint string      `json:"fingerprint"`
	Phase       string      `json:"phase"`
	Task        int         `json:"task"`
	Tasks       int         `json:"tasks"`
	Files       []DoneEntry `json:"files"`
	Seconds     float64     `json:"seconds"`
	Finished    time.Time   `json:"finished"`
}

// DoneEntry is one file of a completed task (Name relative to the task's
// directory, '/'-separated).
type DoneEntry struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// fileSHA256 returns the size and SHA-256 of a file.
func fileSHA256(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("%s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// writeDone checksums every file under dir and writes dir/done.json.
func (t *task) writeDone(dir string, started time.Time) error {
	d, err := t.newDone(dir, started)
	if err != nil {
		return err
	}
	return writeMarker(dir, d)
}

// newDone is the marker of this task for the files under dir.
func (t *task) newDone(dir string, started time.Time) (Done, error) {
	files, err := checksums(dir)
	return Done{Fingerprint: t.fp, Phase: t.phase, Task: t.index, Tasks: t.count, Files: files,
		Seconds: time.Since(started).Seconds(), Finished: time.Now().UTC().Truncate(time.Second)}, err
}

// writeMarker writes v as dir/done.json.
func writeMarker(dir string, v any) error {
	js, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return fsync.WriteFile(filepath.Join(dir, DoneName), append(js, '\n'))
}

// checksums returns every file under dir with its size and SHA-256, by name.
func checksums(dir string) ([]DoneEntry, error) {
	var files []DoneEntry
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		n, sum, err := fileSHA256(path)
		if err != nil {
			return err
		}
		files = append(files, DoneEntry{Name: filepath.ToSlash(rel), Bytes: n, SHA256: sum})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, err
}

// verifyFiles checks the files of a marker in dir; why names the first
// missing or corrupt one.
func verifyFiles(dir string, files []DoneEntry) (ok bool, why string) {
	for _, f := range files {
		n, sum, err := fileSHA256(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if err != nil {
			return false, err.Error()
		}
		if n != f.Bytes || sum != f.SHA256 {
			return false, fmt.Sprintf("%s is corrupt (%d bytes, sha256 %.12s; written %d bytes, %.12s)", f.Name, n, sum, f.Bytes, f.SHA256)
		}
	}
	return true, ""
}

// readDone reads the marker of task i of phase; nil without one.
func readDone(work, phase string, i int) (*Done, error) {
	data, err := os.ReadFile(filepath.Join(taskDir(work, phase, i), DoneName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d := new(Done)
	if err := json.Unmarshal(data, d); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(taskDir(work, phase, i), DoneName), err)
	}
	return d, nil
}

// isDone reports whether task i of phase completed under fingerprint fp (by
// its marker; verify also checks every file's size and checksum). why says
// what is wrong when it did not.
func isDone(work, phase string, i, tasks int, fp string, verify bool) (ok bool, why string) {
	d, err := readDone(work, phase, i)
	switch {
	case err != nil:
		return false, err.Error()
	case d == nil:
		return false, "not done"
	case d.Fingerprint != fp || d.Phase != phase || d.Task != i || d.Tasks != tasks:
		return false, fmt.Sprintf("done under another plan (fingerprint %.12s, task %d of %d)", d.Fingerprint, d.Task, d.Tasks)
	}
	if !verify {
		return true, ""
	}
	return verifyFiles(taskDir(work, phase, i), d.Files)
}

// failedPath is WORK/PHASE/.task-IIIII.failed: why the last attempt of a
// task failed (removed when it succeeds).
func failedPath(work, phase string, i int) string {
	d := taskDir(work, phase, i)
	return filepath.Join(filepath.Dir(d), "."+filepath.Base(d)+".failed")
}

// markFailed records a failed attempt.
func (t *task) markFailed(err error) {
	host, _ := os.Hostname()
	msg := fmt.Sprintf("%s %s pid %d: %v\n", time.Now().UTC().Format(time.RFC3339), host, os.Getpid(), err)
	if os.MkdirAll(filepath.Dir(failedPath(t.work, t.phase, t.index)), 0o755) == nil {
		os.WriteFile(failedPath(t.work, t.phase, t.index), []byte(msg), 0o644)
	}
}

// TaskState is what Status found of one task.
type TaskState int

const (
	// TaskMissing: never run, or its output is gone.
	TaskMissing TaskState = iota
	// TaskRunning: a process holds the task's lock.
	TaskRunning
	// TaskFailed: the last attempt failed (Status gives why).
	TaskFailed
	// TaskDone: completed under the current plan.
	TaskDone
)

// String names the state.
func (s TaskState) String() string {
	return [...]string{"missing", "running", "failed", "done"}[s]
}

// PhaseStatus is the state of every task of one phase.
type PhaseStatus struct {
	Phase
	States []TaskState
	// Why holds, for failed tasks, the recorded error.
	Why map[int]string
}

// Count returns how many tasks are in state s.
func (p PhaseStatus) Count(s TaskState) int {
	n := 0
	for _, x := range p.States {
		if x == s {
			n++
		}
	}
	return n
}

// Status reports the state of every task of the job prepared in work: done
// (by the completion marker, under the plan's fingerprint), running (its
// lock is held), failed (the last attempt's error) or missing. Without a
// plan, every phase of cfg is missing.
func Status(work string) (*JobPlan, []PhaseStatus, error) {
	plan, err := ReadPlan(work)
	if err != nil {
		return nil, nil, err
	}
	var out []PhaseStatus
	for _, ph := range plan.Phases {
		ps := PhaseStatus{Phase: ph, States: make([]TaskState, ph.Tasks), Why: map[int]string{}}
		for i := range ph.Tasks {
			if ph.Name == Prepare {
				ps.States[i] = TaskDone
				continue
			}
			if ok, _ := isDone(work, ph.Name, i, ph.Tasks, plan.Fingerprint, false); ok {
				ps.States[i] = TaskDone
				continue
			}
			d := taskDir(work, ph.Name, i)
			if held(filepath.Join(filepath.Dir(d), "."+filepath.Base(d)+".lock")) {
				ps.States[i] = TaskRunning
				continue
			}
			if msg, err := os.ReadFile(failedPath(work, ph.Name, i)); err == nil {
				ps.States[i] = TaskFailed
				ps.Why[i] = strings.TrimSpace(string(msg))
			}
		}
		out = append(out, ps)
	}
	return plan, out, nil
}

// held reports whether another process holds the lock file.
func held(path string) bool {
	if _, err := os.Stat(path); err != nil {
		return false
	}
	unlock, err := lockTask(path)
	if err != nil {
		return true
	}
	unlock()
	return false
}
