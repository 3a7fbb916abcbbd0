package phases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
)

// PlanFile is the name of the plan the prepare phase writes into the work
// directory.
const PlanFile = "plan.json"

// planVersion changes when the plan's meaning does.
const planVersion = 1

// JobPlan is plan.json: what the prepare phase decided once for every later
// task of the job: the phases and their task counts, the fingerprint that
// stamps every work file, and the input files (paths, sizes, modification
// times, Parquet slices), so that no later task walks the input tree.
type JobPlan struct {
	Version int `json:"version"`
	// Fingerprint is job.FingerprintOf the config and Files.
	Fingerprint string `json:"fingerprint"`
	// ConfigSHA256 is job.ConfigDigest of the config that prepared it: a
	// task run with another config is refused.
	ConfigSHA256 string `json:"config_sha256"`
	// Tasks and Buckets are phases.tasks and phases.buckets.
	Tasks   int     `json:"tasks"`
	Buckets int     `json:"buckets"`
	Phases  []Phase `json:"phases"`
	// Bytes is the input's stored size.
	Bytes   int64         `json:"bytes"`
	Files   []PlannedFile `json:"files"`
	Created time.Time     `json:"created"`
	// SHA256 is the digest of the plan's JSON with this field empty: a plan
	// cut short or edited is refused.
	SHA256 string `json:"sha256"`
}

// PlannedFile is one input file (or Parquet slice) of a plan.
type PlannedFile struct {
	Path      string `json:"path"`
	Name      string `json:"name"`
	Source    string `json:"source"`
	Size      int64  `json:"size"`
	ModTime   int64  `json:"mtime_ns"`
	Input     int    `json:"input"`
	Ordinal   int    `json:"ordinal"`
	RowGroups [2]int `json:"row_groups,omitzero"`
}

func (f PlannedFile) file() ingest.File {
	return ingest.File{Path: f.Path, Name: f.Name, Source: f.Source, Size: f.Size, Input: f.Input, Ordinal: f.Ordinal, RowGroups: f.RowGroups}
}

// files returns the plan's files as ingest.Files.
func (p *JobPlan) files() []ingest.File {
	out := make([]ingest.File, len(p.Files))
	for i, f := range p.Files {
		out[i] = f.file()
	}
	return out
}

// digest is the plan's SHA256 field's value.
func (p JobPlan) digest() string {
	p.SHA256 = ""
	js, _ := json.Marshal(p)
	sum := sha256.Sum256(js)
	return hex.EncodeToString(sum[:])
}

// ReadPlan reads WORK/plan.json.
func ReadPlan(work string) (*JobPlan, error) {
	path := filepath.Join(work, PlanFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is missing: run phase prepare first", path)
	}
	if err != nil {
		return nil, err
	}
	p := new(JobPlan)
	if err := json.Unmarshal(data, p); err != nil {
		return nil, fmt.Errorf("%s: %w: run phase prepare again", path, err)
	}
	if p.Version != planVersion {
		return nil, fmt.Errorf("%s: plan version %d, this jacorpus writes %d: run phase prepare again", path, p.Version, planVersion)
	}
	if d := p.digest(); d != p.SHA256 {
		return nil, fmt.Errorf("%s is damaged (sha256 %.12s, recorded %.12s): run phase prepare again", path, d, p.SHA256)
	}
	return p, nil
}

// prepare lists the inputs once into WORK/plan.json. When the work
// directory holds a plan with another fingerprint (the config or the input
// changed), the intermediates of that plan are removed first so that none
// can mix with this one's; with the same fingerprint they are kept, and a
// re-submitted job goes on where it stopped.
func (t *task) prepare(ctx context.Context) error {
	files, err := job.JobFiles(ctx, t.cfg)
	if err != nil {
		return err
	}
	fp, err := job.FingerprintOf(t.cfg, files)
	if err != nil {
		return err
	}
	digest, err := job.ConfigDigest(t.cfg)
	if err != nil {
		return err
	}
	p := &JobPlan{Version: planVersion, Fingerprint: fp, ConfigSHA256: digest, Tasks: t.cfg.Phases.Tasks,
		Buckets: t.cfg.Phases.Buckets, Phases: Plan(&t.cfg), Created: time.Now().UTC().Truncate(time.Second)}
	for _, f := range files {
		pf := PlannedFile{Path: f.Path, Name: f.Name, Source: f.Source, Size: f.Size, Input: f.Input, Ordinal: f.Ordinal, RowGroups: f.RowGroups}
		if fi, err := os.Stat(f.Path); err == nil {
			pf.ModTime = fi.ModTime().UnixNano()
			if !fi.Mode().IsRegular() {
				return fmt.Errorf("%s: the phases of a job read the input more than once, which a pipe or device cannot be", f.Path)
			}
		}
		p.Bytes += f.Size // a slice's share for a Parquet slice
		p.Files = append(p.Files, pf)
	}
	if old, err := ReadPlan(t.work); err == nil && old.Fingerprint == fp && old.Tasks == p.Tasks && old.Buckets == p.Buckets {
		t.log.Info("plan unchanged: completed tasks are kept", "fingerprint", fp[:12], "files", len(files))
		return nil
	} else if err == nil {
		t.log.Warn("the config, the input or the phase layout changed since the last prepare: removing the old intermediates",
			"old_fingerprint", old.Fingerprint[:12], "fingerprint", fp[:12])
	}
	for _, name := range allPhases {
		if name == Prepare {
			continue
		}
		if err := os.RemoveAll(filepath.Join(t.work, name)); err != nil {
			return err
		}
	}
	p.SHA256 = p.digest()
	js, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(t.work, 0o755); err != nil {
		return err
	}
	if err := fsync.WriteFile(filepath.Join(t.work, PlanFile), append(js, '\n')); err != nil {
		return err
	}
	t.log.Info("plan written", "files", len(files), "input_bytes", p.Bytes, "fingerprint", fp[:12])
	return nil
}

// checkInputs compares this task's slice of the planned files (index of
// count, as job.Run takes it) with the file system: a file that changed
// since prepare would make tasks disagree.
func (t *task) checkInputs(files []ingest.File) error {
	sizes := make([]int64, len(files))
	for i, f := range files {
		sizes[i] = f.Size
	}
	lo, hi, err := pipeline.Partition(sizes, t.index, t.count)
	if err != nil {
		return err
	}
	for _, f := range t.plan.Files[lo:hi] {
		fi, err := os.Stat(f.Path)
		if err != nil {
			return fmt.Errorf("input %s: %w (it was listed by prepare at %s)", f.Name, err, t.plan.Created.Format(time.RFC3339))
		}
		if f.ModTime != 0 && (fi.ModTime().UnixNano() != f.ModTime) || f.RowGroups == [2]int{} && fi.Size() != f.Size {
			return fmt.Errorf("input %s (%s) changed since prepare listed it (size %d → %d, modified %s): run the job again from prepare (a new plan)",
				f.Name, f.Path, f.Size, fi.Size(), fi.ModTime().UTC().Format(time.RFC3339))
		}
	}
	return nil
}
