// Package job runs one jacorpus job from a Config: it expands the inputs,
// takes this task's slice of them, wires ingest → normalize → dedup → filters
// → tokenize → shard on a pipeline.Runner, and commits the shards and the
// manifest. The CLI is a thin layer over Run; other Go tools can call it too.
package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/normalize"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/rejects"
	"github.com/jacorpus/jacorpus/shard"
	"github.com/jacorpus/jacorpus/tokenize"
)

// Version is the jacorpus version written into manifests.
const Version = "0.1.0-dev"

// Options are the run's non-config settings.
type Options struct {
	// Logger receives progress and milestones; nil discards them.
	Logger *slog.Logger
	// ProgressEvery is the progress log interval (default 5 s).
	ProgressEvery time.Duration
}

// Result is what a finished run produced.
type Result struct {
	// Dir is where the shards and the manifest were written.
	Dir      string
	Manifest *shard.Manifest
	Stats    *pipeline.Stats
	Files    int
	Workers  int
	Elapsed  time.Duration
	// InputBytes is the size of this task's input files as stored.
	InputBytes int64
}

// RunInfo is the manifest's "run" section: facts about this execution that
// do not affect the dataset (and so differ between identical runs).
type RunInfo struct {
	Workers     int       `json:"workers"`
	Started     time.Time `json:"started"`
	WallSeconds float64   `json:"wall_seconds"`
	Host        string    `json:"host"`
	GoVersion   string    `json:"go_version"`
	OutputDir   string    `json:"output_dir"`
	RejectsDir  string    `json:"rejects_dir,omitempty"`
}

// OutputDir returns the directory task t writes to: the configured dir for a
// single-task job, dir/task-NNNNN for task NNNNN of a multi-task job.
func OutputDir(c *Config) string {
	if c.Task.Count <= 1 {
		return c.Output.Dir
	}
	return filepath.Join(c.Output.Dir, fmt.Sprintf("task-%05d", c.Task.Index))
}

// Run executes cfg. On failure it removes every shard it wrote and leaves no
// manifest, so a directory with a manifest.json always holds a complete run.
func Run(ctx context.Context, cfg Config, opts Options) (*Result, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	files, err := ingest.Expand(cfg.Inputs)
	if err != nil {
		return nil, err
	}
	weights := make([]int64, len(files))
	for i, f := range files {
		weights[i] = f.Size
	}
	lo, hi, err := pipeline.Partition(weights, cfg.Task.Index, cfg.Task.Count)
	if err != nil {
		return nil, err
	}
	files = files[lo:hi]
	var inBytes int64
	for _, f := range files {
		inBytes += f.Size
	}
	stages, err := buildStages(&cfg, files)
	if err != nil {
		return nil, err
	}
	dir := OutputDir(&cfg)
	if err := shard.PrepareDir(dir, cfg.Output.Overwrite); err != nil {
		return nil, err
	}
	workers := pipeline.EffectiveWorkers(cfg.Workers)
	log.Info("run", "files", len(files), "input_bytes", inBytes, "task", fmt.Sprintf("%d/%d", cfg.Task.Index, cfg.Task.Count),
		"workers", workers, "output", dir)

	w, err := shard.NewWriter(shard.Options{Dir: dir, MaxBytes: int64(cfg.Output.ShardSize), MaxRows: cfg.Output.ShardRows})
	if err != nil {
		return nil, err
	}
	runner := &pipeline.Runner{
		Stages: stages, Sink: w, Workers: workers, ProgressEvery: opts.ProgressEvery,
		Progress: func(p pipeline.Progress) {
			if p.Done {
				return
			}
			log.Info("progress", "docs_read", p.DocsRead, "docs_written", p.DocsWritten, "problems", p.Problems,
				"input_MB", fmt.Sprintf("%.1f/%.1f", float64(p.BytesRead)/1e6, float64(inBytes)/1e6),
				"MB/s", fmt.Sprintf("%.2f", float64(p.BytesRead)/1e6/p.Elapsed.Seconds()))
		},
	}
	var rej *rejects.Writer
	if cfg.Rejects != "" {
		if rej, err = rejects.Create(cfg.Rejects); err != nil {
			return nil, err
		}
		runner.Rejects = rej
	}
	src := ingest.NewSource(files, cfg.Inputs)
	src.MaxLineBytes, src.MaxDocBytes = int(cfg.MaxRecordBytes), int(cfg.MaxRecordBytes)
	stats, runErr := runner.Run(ctx, src)
	src.Close() // read-only files: nothing to report on close
	if rej != nil {
		runErr = errors.Join(runErr, rej.Close())
	}
	stats.Stage(pipeline.IngestStage).BytesIn = inBytes // as stored; the live count depends on decoder read-ahead
	if runErr != nil {
		return nil, errors.Join(runErr, w.Abort())
	}
	infos, err := w.Close()
	if err != nil {
		return nil, errors.Join(err, w.Abort())
	}
	elapsed := time.Since(start)
	host, _ := os.Hostname()
	m := shard.NewManifest("jacorpus "+Version, infos)
	m.Inputs = inputFiles(files)
	m.Config = cfg
	m.Stats = stats
	m.Run = RunInfo{Workers: workers, Started: start.UTC(), WallSeconds: elapsed.Seconds(), Host: host,
		GoVersion: runtime.Version(), OutputDir: dir, RejectsDir: cfg.Rejects}
	if err := shard.WriteManifest(dir, m); err != nil {
		// the rename may have happened before the error: no manifest may
		// outlive the shards it lists
		rmErr := os.Remove(filepath.Join(dir, shard.ManifestName))
		if errors.Is(rmErr, os.ErrNotExist) {
			rmErr = nil
		}
		return nil, errors.Join(err, rmErr, w.Abort())
	}
	log.Info("done", "shards", len(infos), "rows", m.Totals.Rows, "tokens", m.Totals.Tokens, "seconds", fmt.Sprintf("%.1f", elapsed.Seconds()))
	return &Result{Dir: dir, Manifest: m, Stats: stats, Files: len(files), Workers: workers, Elapsed: elapsed, InputBytes: inBytes}, nil
}

// InputFile is one entry of the manifest's input list.
type InputFile struct {
	Path  string `json:"path"`
	Bytes int64  `json:"bytes"`
}

func inputFiles(files []ingest.File) []InputFile {
	out := make([]InputFile, len(files))
	for i, f := range files {
		out[i] = InputFile{Path: f.Path, Bytes: f.Size}
	}
	return out
}

// buildStages returns normalize → dedup → filters → tokenize as configured,
// with the filter preset of every input keyed by the source name its
// documents carry.
func buildStages(cfg *Config, files []ingest.File) ([]pipeline.Stage, error) {
	stages := []pipeline.Stage{normalize.Stage{Options: cfg.Normalize}}
	if cfg.Dedup.Exact {
		stages = append(stages, dedup.NewExact())
	}
	fs := &filters.Stage{BySource: map[string][]filters.Rule{}}
	var err error
	if fs.Default, err = filters.Preset(filters.PresetDefault, cfg.Filters); err != nil {
		return nil, err
	}
	presetOf := map[string]string{}
	for _, f := range files {
		in := cfg.Inputs[f.Input]
		source := in.Source
		if source == "" {
			source = f.Path
		}
		preset := in.Preset
		if preset == "" {
			preset = filters.PresetDefault
		}
		if prev, ok := presetOf[source]; ok && prev != preset {
			return nil, fmt.Errorf("source %q: inputs give it two filter presets, %q and %q", source, prev, preset)
		}
		presetOf[source] = preset
		if fs.BySource[source], err = filters.Preset(preset, cfg.Filters); err != nil {
			return nil, fmt.Errorf("source %q: %w", source, err)
		}
	}
	stages = append(stages, fs)
	if cfg.Tokenize.Enabled {
		stages = append(stages, tokenize.Stage{Options: cfg.Tokenize.Options})
	}
	return stages, nil
}
