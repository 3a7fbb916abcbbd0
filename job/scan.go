package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/dedup/lines"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/progress"
)

// ScanUntil says how far Scan takes the documents.
type ScanUntil int

const (
	// ScanNormalized hands documents on right after normalize (to count
	// boilerplate lines).
	ScanNormalized ScanUntil = iota
	// ScanDedup hands documents on as they reach exact and near dedup,
	// with their MinHash signature when near dedup is on
	// (dedup.SignatureOf).
	ScanDedup
)

// ScanOptions configure Scan.
type ScanOptions struct {
	// Logger receives milestones; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is told the scan's activity with its live
	// counters (Options.Progress).
	Progress progress.Meter
	Until    ScanUntil
	// Boilerplate, when set, is stripped after normalize.
	Boilerplate *lines.Set
	// Files, when set, is the job's file list as a plan recorded it
	// (Options.Files).
	Files []ingest.File
	// Range, when set, is the files to read instead of the task's slice
	// (Options.Range).
	Range FileRange
}

// ScanResult is what Scan read.
type ScanResult struct {
	// Files is the number of input files of the task, FirstFile the
	// ordinal of the first in the job's file list.
	Files, FirstFile int
	Stats            *pipeline.Stats
}

// Scan reads this task's slice of the input (cfg.Task) through the stages
// before dedup and calls fn for every document that reaches the point
// opts.Until, in input order, on one goroutine. It writes nothing and
// records no rejects: the phases of a job use it to compute what dedup
// needs, and the filter phase reads the input again to write the dataset.
func Scan(ctx context.Context, cfg Config, opts ScanOptions, fn func(*pipeline.Document) error) (*ScanResult, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	all, lo, files, presets, err := taskInputs(ctx, &cfg, opts.Files, opts.Range)
	if err != nil {
		return nil, err
	}
	if err := checkLayout(&cfg, all); err != nil {
		return nil, err
	}
	if err := preflight(ctx, &cfg, files); err != nil {
		return nil, err
	}
	for _, f := range files {
		if fi, err := os.Stat(f.RealPath()); err == nil && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: the phases of a job read the input more than once, which a pipe or device cannot be", f.Path)
		}
	}
	var stages []pipeline.Stage
	if opts.Until == ScanNormalized {
		stages, err = buildStages(&cfg, presets, stagePlan{scan: true})
		stages = stages[:2] // extract, normalize
	} else {
		stages, err = buildStages(&cfg, presets, stagePlan{scan: true, lines: opts.Boilerplate})
	}
	if err != nil {
		return nil, err
	}
	workers := min(pipeline.EffectiveWorkers(cfg.Workers), runtime.GOMAXPROCS(0))
	runner := &pipeline.Runner{Stages: stages, Workers: workers, SinkName: "scan",
		Sink: pipeline.SinkFunc(func(docs []*pipeline.Document) error {
			for _, d := range docs {
				if err := fn(d); err != nil {
					return err
				}
			}
			return nil
		})}
	src := ingest.NewSource(files, cfg.Inputs)
	src.MaxLineBytes, src.MaxDocBytes = int(cfg.MaxRecordBytes), int(cfg.MaxRecordBytes)
	log.Info("scan", "files", len(files), "task", cfg.Task.Index, "of", cfg.Task.Count)
	stats, err := runReading(ctx, opts.Progress, "reading", runner, src, files)
	if err != nil {
		if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			err = interrupted(ctx)
		}
		return nil, err
	}
	return &ScanResult{Files: len(files), FirstFile: lo, Stats: stats}, nil
}

// Fingerprint is a digest of what decides a job's dataset: the config as the
// manifest records it (no paths, no task or phase counts) and the job's
// input files (names and sizes in order). The phases of a job stamp their
// files with it, so that files of another job or another config are refused.
func Fingerprint(ctx context.Context, cfg Config) (string, error) {
	all, err := ingest.ExpandContext(ctx, cfg.Inputs)
	if err != nil {
		return "", err
	}
	return FingerprintOf(cfg, all)
}

// FingerprintOf is Fingerprint with the job's files already expanded.
func FingerprintOf(cfg Config, all []ingest.File) (string, error) {
	digest, err := configDigest(manifestConfig(cfg))
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(digest))
	h.Write([]byte(jobDigest(all)))
	// the saved indexes decide too: their descriptions (which change with
	// every save) are part of the digest
	for _, dir := range cfg.Dedup.Near.Against {
		info, err := os.ReadFile(filepath.Join(dir, dedup.IndexFile))
		if err != nil {
			return "", fmt.Errorf("dedup.near.against: %w", err)
		}
		fmt.Fprintf(h, "\x00against\x00%s\x00%x", dir, sha256.Sum256(info))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ConfigDigest is the manifest's config_sha256 of cfg: the digest of what
// decides the dataset, without paths, workers and the task layout.
func ConfigDigest(cfg Config) (string, error) { return configDigest(manifestConfig(cfg)) }

// JobFiles expands the job's inputs once, as every task would (files,
// Parquet slices), and checks them as Run does before reading anything:
// the output layout and a filter preset for every source. A plan records
// the list so that later tasks need not walk the input tree again.
func JobFiles(ctx context.Context, cfg Config) ([]ingest.File, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Task = TaskConfig{Index: 0, Count: 1, SliceBytes: cfg.Task.SliceBytes}
	all, _, _, _, err := taskInputs(ctx, &cfg, nil, FileRange{})
	if err != nil {
		return nil, err
	}
	if err := checkLayout(&cfg, all); err != nil {
		return nil, err
	}
	return all, nil
}
