package phases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/fsync"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/progress"
)

// A task of a phase that reads an input slice (lines, signatures, filter)
// runs as checkpoints: consecutive runs of whole input files, up to
// phases.checkpoints of them, balanced by size. Each checkpoint writes its
// own directory, WORK/PHASE/.task-IIIII.checkpoints/cp-CCCCC, under a
// temporary name, renamed into place with a done.json of its files'
// checksums, its file range and the job's fingerprint. A task that is run
// again after it was killed skips the checkpoints whose marker and files
// hold, so the input files they cover are not read again. When every
// checkpoint is done, the task assembles its output from them (the lines
// and signatures tasks route their records into the key ranges; the filter
// task's checkpoints are its parts) and the checkpoint directories go.

// checkpoint is one checkpoint of a slice task.
type checkpoint struct {
	index int
	files job.FileRange
}

// checkpoints returns the checkpoints of this task.
func (t *task) checkpoints() ([]checkpoint, error) {
	return checkpointsOf(t.files, t.index, t.count, t.cfg.Phases.Checkpoints)
}

// checkpointsOf returns the checkpoints of task index of count over files,
// with up to k checkpoints a task: runs of whole files balanced by size. A
// task whose slice holds fewer than two files has one, of its whole slice
// (a zero range).
func checkpointsOf(files []ingest.File, index, count, k int) ([]checkpoint, error) {
	sizes := make([]int64, len(files))
	for i, f := range files {
		sizes[i] = f.Size
	}
	lo, hi, err := pipeline.Partition(sizes, index, count)
	if err != nil {
		return nil, err
	}
	k = min(k, hi-lo)
	if k <= 1 {
		return []checkpoint{{}}, nil
	}
	var cps []checkpoint
	for c := range k {
		a, b, err := pipeline.Partition(sizes[lo:hi], c, k)
		if err != nil {
			return nil, err
		}
		if a < b {
			cps = append(cps, checkpoint{index: len(cps), files: job.FileRange{Lo: lo + a, Hi: lo + b}})
		}
	}
	return cps, nil
}

// checkpointsDir is WORK/PHASE/.task-IIIII.checkpoints.
func checkpointsDir(work, phase string, i int) string {
	d := taskDir(work, phase, i)
	return filepath.Join(filepath.Dir(d), "."+filepath.Base(d)+".checkpoints")
}

// cpMarker is a checkpoint's done.json.
type cpMarker struct {
	Done
	Checkpoint int `json:"checkpoint"`
	FirstFile  int `json:"first_file"`
	EndFile    int `json:"end_file"`
}

// runCheckpoints runs fn for every checkpoint of cps that an earlier
// attempt of this task did not complete, each into a directory of its own,
// and returns the checkpoints' directories in order. It runs under the
// task's lock (inside output).
func (t *task) runCheckpoints(ctx context.Context, cps []checkpoint, fn func(dir string, files job.FileRange) error) ([]string, error) {
	root := checkpointsDir(t.work, t.phase, t.index)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	if old, _ := filepath.Glob(filepath.Join(root, ".cp-*")); len(old) > 0 { // killed attempts' leftovers
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	dirs := make([]string, len(cps))
	for i, cp := range cps {
		final := filepath.Join(root, fmt.Sprintf("cp-%05d", cp.index))
		dirs[i] = final
		log := t.log.With("checkpoint", fmt.Sprintf("%d/%d", cp.index+1, len(cps)), "files", fmt.Sprintf("%d..%d", cp.files.Lo, cp.files.Hi-1))
		if ok, why := t.checkpointDone(final, cp); ok {
			log.Info("checkpoint already done: its files are not read again")
			continue
		} else if why != "not done" {
			log.Warn("checkpoint runs again", "why", why)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tmp, err := os.MkdirTemp(root, fmt.Sprintf(".cp-%05d.tmp-", cp.index))
		if err != nil {
			return nil, err
		}
		start := time.Now()
		if err := fn(tmp, cp.files); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
		if err := t.writeCheckpointDone(tmp, cp, start); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
		if err := os.RemoveAll(final); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
		if err := os.Rename(tmp, final); err != nil {
			os.RemoveAll(tmp)
			return nil, err
		}
		if err := fsync.Dir(root); err != nil {
			return nil, err
		}
		log.Info("checkpoint done", "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	}
	return dirs, nil
}

// writeCheckpointDone writes the marker of checkpoint cp into dir.
func (t *task) writeCheckpointDone(dir string, cp checkpoint, started time.Time) error {
	d, err := t.newDone(dir, started)
	if err != nil {
		return err
	}
	if err := writeMarker(dir, cpMarker{Done: d, Checkpoint: cp.index, FirstFile: cp.files.Lo, EndFile: cp.files.Hi}); err != nil {
		return err
	}
	return fsync.Dir(dir)
}

// checkpointDone reports whether dir holds checkpoint cp of this task,
// complete under this job's fingerprint with its files intact; why says
// what is wrong when not.
func (t *task) checkpointDone(dir string, cp checkpoint) (ok bool, why string) {
	data, err := os.ReadFile(filepath.Join(dir, DoneName))
	if errors.Is(err, fs.ErrNotExist) {
		return false, "not done"
	}
	if err != nil {
		return false, err.Error()
	}
	var m cpMarker
	if err := json.Unmarshal(data, &m); err != nil {
		return false, fmt.Sprintf("%s: %v", filepath.Join(dir, DoneName), err)
	}
	if m.Fingerprint != t.fp || m.Phase != t.phase || m.Task != t.index || m.Tasks != t.count ||
		m.Checkpoint != cp.index || m.FirstFile != cp.files.Lo || m.EndFile != cp.files.Hi {
		return false, fmt.Sprintf("done under another plan or checkpoint layout (fingerprint %.12s, files %d..%d)", m.Fingerprint, m.FirstFile, m.EndFile-1)
	}
	return verifyFiles(dir, m.Files)
}

// routing shows, while the task routes its n checkpoints' records into its
// key-range files, how many it has started; the returned func ends it.
func (t *task) routing(n int) func() {
	return progress.Begin(t.opts.Progress, "routing checkpoints", func() progress.Snapshot {
		return progress.Snapshot{Detail: fmt.Sprintf("%d/%d", t.routed.Load(), n)}
	})
}
