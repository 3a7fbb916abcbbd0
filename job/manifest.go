package job

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/profile"
	"github.com/jacorpus/jacorpus/shard"
)

// Manifest is a dataset's manifest.json as a run writes it: the shard-level
// part (shard.Manifest: shards, totals, per-source shares) and the run's
// sections. Every section but Run is a deterministic function of the input
// and the config. ReadManifest reads it back with the same types.
type Manifest struct {
	shard.Manifest
	// Task tells which slice of the job's inputs the run read (absent in an
	// applied dataset).
	Task *TaskInfo `json:"task,omitempty"`
	// Inputs lists the input files the run read, with what came of each.
	Inputs []InputFile `json:"inputs,omitempty"`
	// DuplicateIDs counts rows whose id an earlier row of the run already
	// had.
	DuplicateIDs int64 `json:"duplicate_ids"`
	// Config is the effective run configuration, without what depends on
	// where the run happened (paths, workers: see Run).
	Config *Config `json:"config,omitempty"`
	// ConfigSHA256 is the fingerprint of Config: the SHA-256 of its JSON
	// form without the task and phase layout, so the tasks of one job and
	// the same job run again share it.
	ConfigSHA256 string `json:"config_sha256,omitempty"`
	// Apply is the config of a dataset written by ApplyFilters (instead
	// of Config).
	Apply *ApplyConfig `json:"apply,omitempty"`
	// Stats are the run's stats.
	Stats *pipeline.Stats `json:"stats"`
	// Dedup holds what the dedup stages report beyond the stats.
	Dedup *DedupReport `json:"dedup,omitempty"`
	// Filters holds what the quality filters report beyond the stats.
	Filters *filters.Report `json:"filters,omitempty"`
	// Profile describes the documents, in and kept: per source, histograms,
	// near-duplicate clusters and samples (package profile). Absent in an
	// applied dataset.
	Profile *profile.Profile `json:"profile,omitempty"`
	// Run holds the facts of this execution that do not affect the
	// dataset (workers, wall time, host, paths as spelled).
	Run *RunInfo `json:"run,omitempty"`
}

// ReadManifest reads a manifest written by a run (or by ApplyFilters) with
// every section typed. Errors name the file.
func ReadManifest(path string) (*Manifest, error) {
	m := new(Manifest)
	if err := shard.DecodeManifest(path, m); err != nil {
		return nil, err
	}
	return m, nil
}

// configDigest is Manifest.ConfigSHA256 of cfg (already in its manifest
// form, manifestConfig).
func configDigest(cfg Config) (string, error) {
	cfg.Task = TaskConfig{}
	cfg.Phases = PhasesConfig{}
	js, err := json.Marshal(cfg)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(js)
	return hex.EncodeToString(sum[:]), nil
}
