package job

import (
	"bufio"
	"container/heap"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jacorpus/jacorpus/commit"
	"github.com/jacorpus/jacorpus/dedup/lines"
	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/internal/cputime"
	"github.com/jacorpus/jacorpus/internal/fsync"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/profile"
	"github.com/jacorpus/jacorpus/progress"
	"github.com/jacorpus/jacorpus/rejects"
	"github.com/jacorpus/jacorpus/shard"
)

// A part is what one task of a job's write phase leaves for Finalize in
// Options.Part: the spool of its surviving documents (shard.Options.SpoolOnly),
// ids.bin (the sorted distinct 64-bit hashes of their ids) and part.json
// (PartInfo: everything its manifest would say), written last.
const (
	PartFile = "part.json"
	IDsFile  = "ids.bin"
	// PartRejects is the part's rejects directory (with rejects set), which
	// Finalize merges into the job's.
	PartRejects = "rejects"
)

// PartInfo is part.json: a write task's share of the manifest.
type PartInfo struct {
	Task    TaskInfo           `json:"task"`
	Inputs  []InputFile        `json:"inputs"`
	Files   []ingest.FileStats `json:"files"`
	Stats   *pipeline.Stats    `json:"stats"`
	Filters *filters.Report    `json:"filters,omitempty"`
	Dedup   *DedupReport       `json:"dedup,omitempty"`
	// Lines is the whole tally of the removed boilerplate lines (the
	// report's Top is taken from the merged tallies).
	Lines []lines.Line `json:"lines,omitempty"`
	// Schema is the shards' columns.
	Schema []string `json:"schema"`
	// DuplicateIDs counts the rows of the part whose id an earlier row of
	// the part had; IDs is the number of distinct ids (in ids.bin).
	DuplicateIDs int64 `json:"duplicate_ids"`
	IDs          int64 `json:"ids"`
	InputBytes   int64 `json:"input_bytes"`
	// CPUSeconds and WallSeconds are the task's (for the throughput).
	CPUSeconds  float64 `json:"cpu_seconds"`
	WallSeconds float64 `json:"wall_seconds"`
	Workers     int     `json:"workers"`
	// Profile is the part's profile (merged by Finalize); Busy the busy
	// time of each stage (not in Stats' JSON), for the throughput.
	Profile *profile.Profile `json:"profile,omitempty"`
	Busy    []StageTime      `json:"busy,omitempty"`
}

// writerOptions are the shard writer's options of a job: the same for the
// write tasks' spools and for Finalize, so the parts assemble into the
// shards one process writes.
func writerOptions(cfg *Config, dir string, workers int) shard.Options {
	return shard.Options{Dir: dir, MaxBytes: int64(cfg.Output.ShardSize), MaxRows: cfg.Output.ShardRows,
		MaxTokens: cfg.Output.ShardTokens, RowGroupBytes: int64(cfg.Output.RowGroupSize), ZstdLevel: cfg.Output.ZstdLevel, Format: cfg.Output.Format,
		WorldSize: max(cfg.Output.WorldSize, 1), Shuffle: cfg.Output.Shuffle, Seed: cfg.Output.Seed, ShuffleBuckets: cfg.Output.ShuffleBuckets,
		Encoders: workers, Wakati: cfg.Tokenize.Enabled && cfg.Tokenize.Wakati}
}

// writeIDs writes the sorted distinct id hashes of a part.
func writeIDs(path string, seen map[uint64]struct{}) error {
	keys := make([]uint64, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	var b [8]byte
	for _, k := range keys {
		binary.LittleEndian.PutUint64(b[:], k)
		bw.Write(b[:])
	}
	err = bw.Flush()
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// writePartInfo writes part.json into dir, synced.
func writePartInfo(dir string, p *PartInfo) error {
	js, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, PartFile)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = f.Write(append(js, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		return err
	}
	return fsync.Dir(dir)
}

// ReadPart reads the part.json of a write task's part directory.
func ReadPart(dir string) (*PartInfo, error) {
	path := filepath.Join(dir, PartFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("part: %w", err)
	}
	p := new(PartInfo)
	if err := json.Unmarshal(data, p); err != nil {
		return nil, fmt.Errorf("part %s: %w", path, err)
	}
	if p.Stats == nil {
		return nil, fmt.Errorf("part %s: no stats", path)
	}
	return p, nil
}

// distinctIDs counts the distinct hashes over the parts' ids.bin files (each
// sorted) by a k-way merge (a heap over the parts), reading each file
// sequentially.
func distinctIDs(dirs []string) (int64, error) {
	var cs []*cursor
	defer func() {
		for _, c := range cs {
			c.f.Close()
		}
	}()
	next := func(c *cursor) (bool, error) {
		var b [8]byte
		if _, err := io.ReadFull(c.r, b[:]); err != nil {
			if err == io.EOF {
				return false, nil
			}
			return false, fmt.Errorf("%s: %w", c.name, err)
		}
		c.cur = binary.LittleEndian.Uint64(b[:])
		return true, nil
	}
	var live []*cursor
	for _, d := range dirs {
		name := filepath.Join(d, IDsFile)
		f, err := os.Open(name)
		if err != nil {
			return 0, err
		}
		c := &cursor{r: bufio.NewReaderSize(f, 1<<20), f: f, name: name}
		cs = append(cs, c)
		ok, err := next(c)
		if err != nil {
			return 0, err
		}
		if ok {
			live = append(live, c)
		}
	}
	h := cursorHeap(live)
	heap.Init(&h)
	var n int64
	var last uint64
	first := true
	for h.Len() > 0 {
		c := h[0]
		if first || c.cur != last {
			n++
			last, first = c.cur, false
		}
		ok, err := next(c)
		if err != nil {
			return 0, err
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return n, nil
}

// cursor reads one part's ids.bin.
type cursor struct {
	r    *bufio.Reader
	f    *os.File
	cur  uint64
	name string
}

// cursorHeap orders the cursors by their current id (container/heap).
type cursorHeap []*cursor

func (h cursorHeap) Len() int           { return len(h) }
func (h cursorHeap) Less(i, j int) bool { return h[i].cur < h[j].cur }
func (h cursorHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)        { *h = append(*h, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// Finalize writes the dataset of a job whose write tasks left their parts
// in parts (directories, in task order): it merges the parts' stats,
// judges the input as a single run would, assembles the balanced shards
// (shard.Assemble) into a staging directory and commits them with the
// manifest. The shards and the manifest (but its run section) are the ones
// Run writes in one process.
func Finalize(ctx context.Context, cfg Config, parts []string, opts Options) (*Result, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Task = TaskConfig{Index: 0, Count: 1, SliceBytes: cfg.Task.SliceBytes}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start, cpu0 := time.Now(), cputime.Seconds()
	runID := newRunID()
	if len(parts) == 0 {
		return nil, errors.New("finalize: no part")
	}
	var (
		stats   = &pipeline.Stats{}
		fstats  []ingest.FileStats
		inputs  []InputFile
		rep     *filters.Report
		prof    *profile.Profile
		tally   = &lines.Tally{}
		dups    int64
		ids     int64
		inBytes int64
		cpu     float64
		first   *PartInfo
	)
	next := 0 // the parts cover the job's files in order
	// reading the parts, their ids and their rejects: the time before the
	// shards are assembled
	var partsRead atomic.Int64
	endMerge := sync.OnceFunc(progress.Begin(opts.Progress, "merging parts", func() progress.Snapshot {
		return progress.Snapshot{Detail: fmt.Sprintf("%d/%d", partsRead.Load(), len(parts))}
	}))
	defer endMerge()
	for _, dir := range parts {
		partsRead.Add(1)
		p, err := ReadPart(dir)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = p
		} else if p.Task.JobSHA256 != first.Task.JobSHA256 || p.Task.Count != first.Task.Count {
			return nil, fmt.Errorf("finalize: part %s is of another job (task %d of %d, input digest %.12s; part 0: %d tasks, %.12s)",
				dir, p.Task.Index, p.Task.Count, p.Task.JobSHA256, first.Task.Count, first.Task.JobSHA256)
		}
		if p.Task.FirstFile != next {
			return nil, fmt.Errorf("finalize: part %s starts at file %d of the job, expected %d (the parts must cover the job's files in order)",
				dir, p.Task.FirstFile, next)
		}
		next += p.Task.Files
		for _, b := range p.Busy {
			p.Stats.Stage(b.Name).BusySeconds = b.BusySeconds
		}
		stats.Merge(p.Stats)
		if p.Profile != nil {
			if prof == nil {
				prof = profile.New(cfg.Tokenize.Enabled)
			}
			if err := prof.Merge(p.Profile); err != nil {
				return nil, fmt.Errorf("finalize: part %s: %w", dir, err)
			}
		}
		fstats = append(fstats, p.Files...)
		inputs = append(inputs, p.Inputs...)
		if p.Filters != nil {
			if rep == nil {
				rep = p.Filters
			} else {
				rep.Merge(p.Filters)
			}
		}
		tally.Merge(lines.TallyOf(p.Lines))
		dups += p.DuplicateIDs
		ids += p.IDs
		inBytes += p.InputBytes
		cpu += p.CPUSeconds
	}
	if next != first.Task.JobFiles {
		return nil, fmt.Errorf("finalize: the parts cover %d of the job's %d files", next, first.Task.JobFiles)
	}
	distinct, err := distinctIDs(parts)
	if err != nil {
		return nil, fmt.Errorf("finalize: ids: %w", err)
	}
	dups += ids - distinct // ids another part had first
	rej, err := mergeRejects(&cfg, parts, runID)
	if err != nil {
		return nil, err
	}
	defer func() {
		if rej != nil {
			rej.abort()
			warn(log, rej.dir)
		}
	}()
	jobFiles := make([]ingest.File, first.Task.JobFiles)
	if ferr := judge(&cfg, jobFiles, fstats, stats); ferr != nil {
		if rej != nil { // nothing is committed but the rejects, which say what went wrong
			if _, rerr := commitRejects(rej.w, rej.dir); rerr == nil {
				ferr.RejectsDir = rej.dir.Final
			}
		}
		return nil, ferr
	}

	out, err := commit.Prepare(cfg.Output.Dir, commit.Options{Overwrite: cfg.Output.Overwrite,
		Owned: shard.Owned, What: "output", Index: shard.ManifestName})
	if err != nil {
		return nil, err
	}
	defer func() {
		out.Abort()
		warn(log, out)
	}()
	workers := min(pipeline.EffectiveWorkers(cfg.Workers), runtime.GOMAXPROCS(0))
	log.Info("finalize", "parts", len(parts), "output", out.Final)
	wopts := writerOptions(&cfg, out.Staging, workers)
	wopts.Progress = new(shard.Progress)
	endMerge()
	endAssemble := progress.Begin(opts.Progress, "assembling shards", writing(wopts.Progress))
	infos, sources, err := shard.Assemble(parts, wopts)
	endAssemble()
	if err != nil {
		return nil, err
	}
	mcfg := manifestConfig(cfg)
	digest, err := configDigest(mcfg)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m := &Manifest{Manifest: *shard.NewManifest("jacorpus "+Version, infos)}
	m.Schema = first.Schema
	m.Sources = sources
	m.Inputs = inputs
	m.Config = &mcfg
	m.ConfigSHA256 = digest
	m.Stats = stats
	m.Dedup = first.Dedup
	if m.Dedup != nil && m.Dedup.Lines != nil {
		l := *m.Dedup.Lines
		l.Top = tally.Top(cfg.Dedup.Lines.Top)
		d := *m.Dedup
		d.Lines = &l
		m.Dedup = &d
	}
	m.Filters = rep
	m.Task = &TaskInfo{Index: 0, Count: 1, FirstFile: 0, Files: first.Task.JobFiles, JobFiles: first.Task.JobFiles,
		JobSHA256: first.Task.JobSHA256, Empty: first.Task.JobFiles == 0}
	m.DuplicateIDs = dups
	m.Profile = prof
	elapsed := time.Since(start)
	cpu += cputime.Seconds() - cpu0
	host, _ := os.Hostname()
	m.Run = newRunInfo(&cfg, stats, RunInfo{RunID: runID, Workers: workers, Started: start.UTC(), WallSeconds: elapsed.Seconds(), Host: host,
		GoVersion: runtime.Version(), OutputDir: out.Final, RejectsDir: cfg.Rejects, Phases: &cfg.Phases})
	if err := shard.WriteManifest(out.Staging, m); err != nil {
		return nil, err
	}
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(out.Staging, m); err != nil {
			return nil, err
		}
	}
	if ctx.Err() != nil {
		return nil, interrupted(ctx)
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	log.Info("done", "shards", len(infos), "rows", m.Totals.Rows, "tokens", m.Totals.Tokens, "seconds", fmt.Sprintf("%.1f", elapsed.Seconds()))
	res := &Result{Dir: out.Final, Manifest: m, Stats: stats, Files: first.Task.JobFiles, Workers: workers,
		Elapsed: elapsed, CPUSeconds: cpu, InputBytes: inBytes, FileStats: fstats, DuplicateIDs: dups}
	res.Warnings = out.Warnings()
	if rej != nil {
		finishRejects(res, rej.w, rej.dir)
	}
	return res, nil
}

// jobRejects is the job's rejects directory being written by Finalize.
type jobRejects struct {
	dir *commit.Dir
	w   *rejects.Writer
}

func (r *jobRejects) abort() {
	r.w.Close()
	r.dir.Abort()
}

// mergeRejects writes the parts' rejects, in order, into a staged rejects
// directory of the job; nil without rejects.
func mergeRejects(cfg *Config, parts []string, runID string) (*jobRejects, error) {
	if cfg.Rejects == "" {
		return nil, nil
	}
	dir, err := commit.Prepare(cfg.Rejects, commit.Options{Overwrite: cfg.Output.Overwrite,
		Owned: rejects.Owned, What: "rejects", Index: rejects.IndexFile})
	if err != nil {
		return nil, err
	}
	w, err := rejects.Create(dir.Staging, rejects.Options{MaxBytes: int64(cfg.RejectsMaxBytes), RunID: runID})
	if err != nil {
		dir.Abort()
		return nil, err
	}
	r := &jobRejects{dir: dir, w: w}
	for _, p := range parts {
		if err := w.Append(filepath.Join(p, PartRejects)); err != nil {
			r.abort()
			return nil, fmt.Errorf("finalize: part %s: %w", p, err)
		}
	}
	return r, nil
}

// partState is what Run hands writePart.
type partState struct {
	stages      []pipeline.Stage
	ids         *idCheck
	all, files  []ingest.File
	fstats      []ingest.FileStats
	stats       *pipeline.Stats
	lo, workers int
	inBytes     int64
	start       time.Time
	cpu0        float64
	rw          *rejects.Writer
	phased      *Phased
	profile     *profile.Profile
}

// writePart ends a write task (Options.Part): the spool, ids.bin and
// part.json go into dir; the task's rejects are committed.
func writePart(cfg *Config, dir string, w *shard.Writer, st partState) (*Result, error) {
	if _, err := w.Close(); err != nil {
		return nil, errors.Join(err, w.Abort())
	}
	if err := writeIDs(filepath.Join(dir, IDsFile), st.ids.seen); err != nil {
		return nil, fmt.Errorf("part %s: %w", dir, err)
	}
	p := &PartInfo{
		Task: TaskInfo{Index: cfg.Task.Index, Count: cfg.Task.Count, FirstFile: st.lo, Files: len(st.files), JobFiles: len(st.all),
			JobSHA256: jobDigest(st.all), Empty: len(st.files) == 0},
		Inputs: inputFiles(st.files, st.fstats), Files: st.fstats, Stats: st.stats,
		Dedup:  dedupReport(st.stages, nil, nil, st.phased),
		Schema: w.Columns(), DuplicateIDs: st.ids.dups, IDs: int64(len(st.ids.seen)), InputBytes: st.inBytes,
		CPUSeconds: cputime.Seconds() - st.cpu0, WallSeconds: time.Since(st.start).Seconds(), Workers: st.workers,
		Profile: st.profile,
	}
	for _, s := range st.stats.Stages {
		p.Busy = append(p.Busy, StageTime{Name: s.Name, BusySeconds: s.BusySeconds})
	}
	for _, s := range st.stages {
		switch s := s.(type) {
		case *filters.Stage:
			p.Filters = s.Report()
		case *lineStage:
			p.Lines = s.tally.Top(-1)
		}
	}
	if err := writePartInfo(dir, p); err != nil {
		return nil, fmt.Errorf("part %s: %w", dir, err)
	}
	res := &Result{Dir: dir, Stats: st.stats, Files: len(st.files), FirstFile: st.lo, Workers: st.workers,
		Elapsed: time.Since(st.start), CPUSeconds: p.CPUSeconds, InputBytes: st.inBytes, FileStats: st.fstats, DuplicateIDs: st.ids.dups}
	if st.rw != nil { // Finalize merges them; a write error is kept in their summary
		st.rw.Close()
		sum := st.rw.Summary()
		res.Rejects = &sum
	}
	return res, nil
}
