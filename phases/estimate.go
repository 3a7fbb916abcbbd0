package phases

import (
	"fmt"
	"math"
	"strings"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

// Sizing is Estimate's forecast of a job: per phase, what its largest task
// needs and what the phase leaves on shared storage.
type Sizing struct {
	// Files, InputBytes: the job's input files (or Parquet slices) and
	// their stored size; TextBytes and Docs what the sample scales them to.
	Files      int   `json:"files"`
	InputBytes int64 `json:"input_bytes"`
	TextBytes  int64 `json:"text_bytes"`
	Docs       int64 `json:"docs"`
	// Cores is the cores per task the wall times assume, Workers the
	// worker goroutines per task, Budget the memory per task
	// (resources.memory; 0: none).
	Cores   int   `json:"cores"`
	Workers int   `json:"workers"`
	Budget  int64 `json:"memory_budget,omitempty"`
	// Phases are the phases of Plan, in order.
	Phases []PhaseSizing `json:"phases"`
	// OneProcess is the job run by job.Run in one process, without a work
	// directory (jacorpus run without --work-dir).
	OneProcess PhaseSizing `json:"one_process"`
	Warnings   []string    `json:"warnings,omitempty"`
}

// PhaseSizing is the forecast of one phase. Per-task figures are its
// largest task's.
type PhaseSizing struct {
	Name  string `json:"name"`
	Tasks int    `json:"tasks"`
	// Memory is the peak resident size of a task in bytes.
	Memory      int64   `json:"memory_bytes"`
	CPUSeconds  float64 `json:"cpu_seconds"`
	WallSeconds float64 `json:"wall_seconds"`
	// TotalCPUSeconds sums every task.
	TotalCPUSeconds float64 `json:"total_cpu_seconds"`
	// WorkBytes and WorkFiles are what the phase writes under the work
	// directory (files, directories and lock files), all tasks together;
	// OutputBytes and OutputFiles what it writes elsewhere (the dataset,
	// the saved index).
	WorkBytes   int64 `json:"work_bytes"`
	WorkFiles   int   `json:"work_files"`
	OutputBytes int64 `json:"output_bytes,omitempty"`
	OutputFiles int   `json:"output_files,omitempty"`
	// Imbalance is the largest task's text over the mean (slice phases).
	Imbalance float64 `json:"imbalance,omitempty"`
	// FitTasks, when Memory exceeds the budget, is the least task count
	// whose largest task fits (0: it fits, or no count does).
	FitTasks int `json:"fit_tasks,omitempty"`
}

// EstimateOptions are what Estimate cannot read from the config.
type EstimateOptions struct {
	// Cores per task when the config's resources.cpus and workers leave it
	// open (the machine's cores).
	Cores int
}

// Estimate forecasts, for every phase of cfg's plan and for the job in one
// process, the tasks' memory, CPU and wall time, and the bytes and files
// written, from the input files (job.JobFiles) and a sample of them
// (SampleInputs). It assumes every document passes the filters and dedup
// (the figures are upper bounds for what those drop). See
// estimate_model.go for the model's constants and how they were measured.
func Estimate(cfg job.Config, files []ingest.File, s Sample, o EstimateOptions) (*Sizing, error) {
	if len(s.Inputs) != len(cfg.Inputs) {
		return nil, fmt.Errorf("estimate: the sample has %d inputs, the config %d", len(s.Inputs), len(cfg.Inputs))
	}
	e := &estimator{cfg: cfg, files: files}
	e.workers = cfg.Workers
	e.cores = cfg.Resources.CPUs
	if e.cores == 0 {
		e.cores = e.workers
	}
	if e.cores == 0 {
		e.cores = max(o.Cores, 1)
	}
	if e.workers == 0 {
		e.workers = e.cores
	}
	if m := cfg.Resources.Memory; m != "" {
		b, err := parseMemory(m)
		if err != nil {
			return nil, fmt.Errorf("resources.memory: %w", err)
		}
		e.budget = b
	}
	e.loads = make([]load, len(files))
	for i, f := range files {
		l, err := fileLoad(&cfg, f, s)
		if err != nil {
			return nil, err
		}
		e.loads[i] = l
		e.all.add(l)
	}
	return e.sizing()
}

// parseMemory reads resources.memory: jacorpus sizes ("28GiB") and the
// schedulers' single-letter binary units ("28G").
func parseMemory(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if n := len(t); n > 0 && strings.ContainsRune("KMGTkmgt", rune(t[n-1])) {
		t = strings.ToUpper(t[n-1:]) + "iB"
		t = strings.TrimSpace(s)[:n-1] + t
	}
	b, err := job.ParseByteSize(t)
	return int64(b), err
}

// load is what one file or a task's slice of files holds.
type load struct {
	stored, inflated float64 // stored bytes; those of them compressed
	text, html       float64 // text bytes (extracted pages' included) and HTML bytes
	docs, lineKeys   float64
	filterCPU        float64 // the filter presets' CPU seconds on the text
}

func (l *load) add(m load) {
	l.stored += m.stored
	l.inflated += m.inflated
	l.text += m.text
	l.html += m.html
	l.docs += m.docs
	l.lineKeys += m.lineKeys
	l.filterCPU += m.filterCPU
}

// fileLoad scales the sample of f's input to f. A file whose sample holds
// more than 1.5 times its stored bytes in text counts as compressed.
func fileLoad(cfg *job.Config, f ingest.File, s Sample) (load, error) {
	if f.Input < 0 || f.Input >= len(s.Inputs) {
		return load{}, fmt.Errorf("estimate: %s: input %d not sampled", f.Name, f.Input)
	}
	in := s.Inputs[f.Input]
	st := float64(f.Size)
	l := load{stored: st}
	if in.Stored <= 0 || in.Docs == 0 {
		return l, nil // nothing read: an empty input
	}
	per := st / float64(in.Stored)
	l.html = float64(in.HTML) * per
	l.text = float64(in.Text)*per + l.html*extractTextRate
	l.docs = float64(in.Docs) * per
	l.lineKeys = float64(in.LineKeys) * per
	if float64(in.Text+in.HTML) > 1.5*float64(in.Stored) {
		l.inflated = st
	}
	preset := cfg.Inputs[f.Input].Preset
	if preset == "" {
		preset = "default"
	}
	cost, ok := filterCost[preset]
	if !ok {
		if pc, found := cfg.Filters.Presets[preset]; found {
			cost, ok = filterCost[pc.Base]
		}
	}
	if !ok {
		cost = filterCostOther
	}
	l.filterCPU = l.text / 1e6 * cost
	return l, nil
}

// estimator holds a job's figures while Estimate works them out.
type estimator struct {
	cfg                job.Config
	files              []ingest.File
	loads              []load
	all                load
	cores, workers     int
	budget             int64
	warnings           []string
	near, exact, lines bool
	bands, perms       int
}

func (e *estimator) warn(format string, args ...any) {
	e.warnings = append(e.warnings, fmt.Sprintf(format, args...))
}

// slices returns the loads of the n tasks of a slice phase, as
// pipeline.PartitionAll cuts the files by size.
func (e *estimator) slices(n int) ([]load, error) {
	sizes := make([]int64, len(e.files))
	for i, f := range e.files {
		sizes[i] = f.Size
	}
	bounds, err := pipeline.PartitionAll(sizes, n)
	if err != nil {
		return nil, err
	}
	out := make([]load, n)
	for t := range n {
		for i := bounds[t]; i < bounds[t+1]; i++ {
			out[t].add(e.loads[i])
		}
	}
	return out, nil
}

// largest returns the slice with the most text (stored bytes on a tie)
// and the imbalance: its text over the mean.
func largest(ls []load) (load, float64) {
	var big, sum load
	for _, l := range ls {
		sum.add(l)
		if l.text > big.text || l.text == big.text && l.stored > big.stored {
			big = l
		}
	}
	mean := sum.text / float64(len(ls))
	if mean == 0 {
		return big, 1
	}
	return big, big.text / mean
}

func (e *estimator) sizing() (*Sizing, error) {
	c := &e.cfg
	e.near, e.exact, e.lines = c.Dedup.Near.Enabled, c.Dedup.Exact, c.Dedup.Lines.Enabled
	if e.near {
		b, _ := c.Dedup.Near.Params()
		e.bands, e.perms = b, c.Dedup.Near.Permutations
	}
	sz := &Sizing{Files: len(e.files), InputBytes: int64(e.all.stored), TextBytes: int64(e.all.text), Docs: int64(e.all.docs),
		Cores: e.cores, Workers: e.workers, Budget: e.budget}
	for _, ph := range Plan(c) {
		ps, err := e.phase(ph.Name, ph.Tasks)
		if err != nil {
			return nil, err
		}
		if e.budget > 0 && ps.Memory > e.budget {
			e.overBudget(&ps)
		}
		sz.Phases = append(sz.Phases, ps)
	}
	one := e.oneProcess()
	if e.budget > 0 && one.Memory > e.budget {
		e.warn("in one process (jacorpus run without --work-dir) the job needs about %s, over resources.memory %s: run it as phases", mib(one.Memory), mib(e.budget))
	}
	sz.OneProcess = one
	e.checkFiles(sz)
	e.checkBalance()
	sz.Warnings = e.warnings
	return sz, nil
}

// phase sizes one phase of n tasks.
func (e *estimator) phase(name string, n int) (PhaseSizing, error) {
	ps := PhaseSizing{Name: name, Tasks: n}
	// every task: its directory, its lock file and done.json
	taskFiles := func(own int) { ps.WorkFiles += n*(3+own) + 1 }
	switch name {
	case Prepare:
		ps.Memory = memBase
		ps.CPUSeconds = costStart + float64(len(e.files))*20e-6
		ps.WorkBytes = 1024 + 300*int64(len(e.files))
		ps.WorkFiles = 1
	case Lines, Signatures, Filter:
		ls, err := e.slices(n)
		if err != nil {
			return ps, err
		}
		big, imb := largest(ls)
		ps.Imbalance = imb
		var total float64
		for _, l := range ls {
			total += e.sliceCPU(name, l)
		}
		ps.TotalCPUSeconds = total
		ps.Memory = e.sliceMem(name, big)
		ps.CPUSeconds = e.sliceCPU(name, big)
		ps.WallSeconds = e.wall(ps.CPUSeconds, e.sequential(big))
		m := e.cfg.Phases.Buckets
		switch name {
		case Lines:
			ps.WorkBytes = int64(16 * e.all.lineKeys)
			taskFiles(m + 1)
		case Signatures:
			ps.WorkBytes = int64(e.all.docs * e.sigRecordBytes())
			if e.cfg.Dedup.Near.Verify == dedup.VerifyExact {
				ps.WorkBytes += int64(e.all.text)
			}
			taskFiles(e.sigFiles())
		case Filter:
			ps.WorkBytes = int64(e.all.text*shardRatio*e.wakati()+e.all.docs*32) + int64(n)*(16<<10)
			spool := 1
			if e.cfg.Output.Shuffle {
				spool = e.shuffleBuckets()
			}
			// a part per checkpoint: its directory, the spool,
			// docs.bin, spool.json, ids.bin, part.json, the rejects'
			// directory and files, and the checkpoint's done.json
			part := spool + 5
			if e.cfg.Rejects != "" {
				part += 4
			}
			taskFiles(0)
			for i := range n {
				cps, err := checkpointsOf(e.files, i, n, e.cfg.Phases.Checkpoints)
				if err != nil {
					return ps, err
				}
				ps.WorkFiles += len(cps) * part
				if len(cps) > 1 {
					ps.WorkFiles += len(cps)
				}
			}
		}
	case LineSets, Buckets:
		ps.Memory, ps.CPUSeconds = e.rangeTask(name, n)
		ps.WallSeconds = costStart + ps.CPUSeconds
		ps.TotalCPUSeconds = float64(n) * ps.CPUSeconds
		if name == LineSets {
			ps.WorkBytes = int64(n) * 4096
			taskFiles(1)
		} else {
			own := 0
			if e.exact {
				own++
			}
			if e.near {
				own += 2
				ps.WorkBytes += int64(e.all.docs * 0.02 * 24) // decisions and candidates: a few percent
			}
			if e.near && e.cfg.Dedup.Near.IndexOut != "" {
				own++
				ps.WorkBytes += int64(e.all.docs * float64(e.bands) * 16)
			}
			ps.WorkBytes += int64(n) * 4096
			taskFiles(own)
		}
	case Index:
		idx := e.all.docs*float64(e.bands)*16 + e.all.docs*float64(8+2*e.perms)
		ps.Memory = memBase + 4*memReadBuf
		ps.CPUSeconds = costStart + 2*idx/1e6*costCopy
		ps.WallSeconds = ps.CPUSeconds
		ps.TotalCPUSeconds = ps.CPUSeconds
		ps.OutputBytes = int64(idx)
		ps.OutputFiles = 2 + e.cfg.Phases.Buckets + e.cfg.Phases.Tasks
		taskFiles(0)
	case Finalize:
		ps.Memory, ps.CPUSeconds = e.finalize()
		ps.WallSeconds = costStart + ps.CPUSeconds
		ps.TotalCPUSeconds = ps.CPUSeconds
		out := e.all.text * shardRatio * e.wakati()
		ps.OutputBytes = int64(out) + 64<<10
		ps.OutputFiles = e.shards(out) + 1
		ps.WorkBytes = 2048
		taskFiles(1)
	default:
		return ps, fmt.Errorf("estimate: unknown phase %q", name)
	}
	if ps.TotalCPUSeconds == 0 {
		ps.TotalCPUSeconds = ps.CPUSeconds
	}
	if ps.WallSeconds == 0 {
		ps.WallSeconds = ps.CPUSeconds
	}
	return ps, nil
}

// wakati is the factor of the text in the rows: the wakati column repeats it
// with spaces.
func (e *estimator) wakati() float64 {
	if e.cfg.Tokenize.Enabled && e.cfg.Tokenize.Wakati {
		return 2.3
	}
	return 1
}

func (e *estimator) shuffleBuckets() int {
	if b := e.cfg.Output.ShuffleBuckets; b > 0 {
		return b
	}
	return shard.DefaultShuffleBuckets
}

// shards is the expected shard count for out bytes of shards.
func (e *estimator) shards(out float64) int {
	size := float64(e.cfg.Output.ShardSize)
	if size <= 0 {
		size = shard.DefaultMaxBytes
	}
	w := max(e.cfg.Output.WorldSize, 1)
	k := int(math.Ceil(out / size))
	k = max((k+w-1)/w*w, w)
	return k
}

// sigRecordBytes is what a signatures task writes per document.
func (e *estimator) sigRecordBytes() float64 {
	var b float64
	if e.exact {
		b += 24
	}
	if e.near {
		b += 16 * float64(e.bands)
		switch e.cfg.Dedup.Near.Verify {
		case dedup.VerifySignature:
			b += 8 + 2*float64(e.perms)
		case dedup.VerifyExact:
			b += 24
		}
	}
	return b
}

// sigFiles is the files of a signatures task besides done.json: the key
// ranges' files, the signatures or texts, the summary.
func (e *estimator) sigFiles() int {
	m := e.cfg.Phases.Buckets
	f := 1
	if e.exact {
		f += m
	}
	if e.near {
		f += m
		switch e.cfg.Dedup.Near.Verify {
		case dedup.VerifySignature:
			f++
		case dedup.VerifyExact:
			f += 2
		}
	}
	return f
}

// ingestCPU is the reading of a slice: decompression, parsing, documents.
func ingestCPU(l load) float64 {
	return l.inflated/1e6*costInflate + l.text/1e6*costParse + l.docs*costPerDoc
}

// sliceCPU is the CPU seconds of a slice task of phase name over l.
func (e *estimator) sliceCPU(name string, l load) float64 {
	mb := l.text / 1e6
	cpu := costStart + ingestCPU(l) + l.html/1e6*costExtract + mb*costNormalize
	if e.lines && name != Lines {
		cpu += mb * costLineKeys // stripping the boilerplate
	}
	filtersFirst := e.cfg.Dedup.Order != dedup.BeforeFilters
	switch name {
	case Lines:
		cpu += mb*costLineKeys + 16*l.lineKeys/1e6*costCopy
	case Signatures:
		if filtersFirst {
			cpu += l.filterCPU
		}
		if e.exact {
			cpu += mb * costExact
		}
		if e.near {
			cpu += mb * costMinHash
		}
		cpu += l.docs * e.sigRecordBytes() / 1e6 * costCopy
	case Filter:
		cpu += l.filterCPU + mb*costShard*e.wakati()
		if e.cfg.Tokenize.Enabled {
			cpu += mb * costTokenize
		}
	}
	return cpu
}

// sequential is the part of a slice task that one goroutine does: the
// source (a parallel step cannot outrun it).
func (e *estimator) sequential(l load) float64 { return costStart + ingestCPU(l) }

// wall is a task's wall time: its CPU spread over the cores, but never
// less than its sequential part.
func (e *estimator) wall(cpu, seq float64) float64 {
	par := costStart + (cpu-costStart)/float64(min(e.cores, e.workers))
	return max(par, seq)
}

// pipeMem is the runner's share of a slice task over l: the process,
// the workers and the batches in flight (2 per worker in a parallel step,
// two-batch buffers between steps), each held as read and as normalized.
func (e *estimator) pipeMem(l load) float64 {
	batch := float64(memBatch)
	if l.docs > 0 {
		batch = min(batch, batchRecords*(l.text+l.html)/l.docs)
	}
	return memBase + float64(e.workers)*memWorker + float64(2*e.workers+4)*batch*2
}

// rowGroup is the row group target of the job's shards.
func (e *estimator) rowGroup() float64 {
	if g := e.cfg.Output.RowGroupSize; g > 0 {
		return float64(g)
	}
	size := int64(e.cfg.Output.ShardSize)
	if size <= 0 {
		size = shard.DefaultMaxBytes
	}
	return float64(min(max(size/4, shard.MinRowGroupBytes), shard.MaxRowGroupBytes))
}

// writerMem is the shard writer's memory for raw bytes of rows: the row
// group being collected and those its encoders (one per worker) hold. Row
// groups end by content, so their sizes vary about the target: what is
// held is bounded by the rows and by workers+1 targets.
func (e *estimator) writerMem(raw float64) float64 {
	rg := e.rowGroup()
	if e.cfg.Output.Shuffle {
		rg = min(rg, raw/float64(e.shuffleBuckets())*4) // spool files by bucket
	}
	return min(raw, rg*float64(e.workers+1)) * rowGroupHeld
}

// rows is the bytes of l's rows: text, wakati, ids and meta.
func (e *estimator) rows(l load) float64 { return l.text*e.wakati() + l.docs*100 }

func (e *estimator) dictMem() float64 {
	if e.cfg.Tokenize.Dictionary == "uni" {
		return memDictUni
	}
	return memDict
}

// sliceMem is the peak memory of a slice task of phase name over l.
func (e *estimator) sliceMem(name string, l load) int64 {
	m := float64(e.cfg.Phases.Buckets)
	mem := e.pipeMem(l)
	switch name {
	case Lines:
		mem += m * memWorkFile
	case Signatures:
		mem += float64(e.sigFiles()) * memWorkFile
		if e.near && e.cfg.Dedup.Near.Shingle == dedup.ShingleMorphemes {
			mem += e.dictMem()
		}
		if e.lines {
			mem += gcHeadroom * 8 * e.all.lineKeys * 0.01 // the boilerplate set
		}
	case Filter:
		if e.cfg.Tokenize.Enabled {
			mem += e.dictMem()
		}
		mem += e.writerMem(e.rows(l))
		mem += gcHeadroom * l.docs * (memIDDoc + memBalancerDoc)
		mem += gcHeadroom * e.all.docs * 0.05 * 16 // the decisions of every range
	}
	return int64(mem)
}

// rangeTask is the memory and CPU of one of n key-range tasks.
func (e *estimator) rangeTask(name string, n int) (int64, float64) {
	mem := float64(memBase + 2*memReadBuf)
	cpu := 0.0
	switch name {
	case LineSets:
		pairs := e.all.lineKeys / float64(n)
		mem += gcHeadroom * pairs * 16 * 2.25 // grown by append, then sorted
		cpu += pairs * costEntry
	case Buckets:
		var entries, held float64
		if e.exact {
			x := e.all.docs / float64(n)
			entries += x
			held = x * 24 * 2.25
		}
		if e.near {
			x := e.all.docs * float64(e.bands) / float64(n)
			entries += x
			held = max(held, x*16*2.25)
			if e.cfg.Dedup.Near.Verify == dedup.VerifySignature {
				cpu += e.all.docs * costSigRecord // every signature is scanned
			}
			for range e.cfg.Dedup.Near.Against {
				held += e.all.docs * 470 / float64(n) // a saved index's range, as large as this job's
			}
		}
		mem += gcHeadroom * held
		cpu += entries * costEntry
	}
	return int64(mem), cpu
}

// finalize is the memory and CPU of the finalize task: every document's
// balancer record, the ids merge, the row groups re-encoded at the cuts,
// and copying the spool into the shards.
func (e *estimator) finalize() (int64, float64) {
	out := e.all.text * shardRatio * e.wakati()
	rows := e.rows(e.all)
	rg := min(rows, e.rowGroup())
	if e.cfg.Output.Shuffle {
		rg = rows / float64(e.shuffleBuckets())
	}
	mem := memBase + gcHeadroom*e.all.docs*(memBalancerDoc*2.25+memFinalizeDoc) +
		float64(e.cfg.Phases.Tasks)*memReadBuf
	// the row groups across a shard cut or a part boundary are decoded and
	// encoded again (with shuffle, every bucket); the others are copied
	parts := min(e.cfg.Phases.Tasks, len(e.files))
	cuts := float64(e.shards(out) - 1 + parts - 1)
	reencode := min(cuts*rg, rows)
	if e.cfg.Output.Shuffle {
		reencode = rows
	}
	if reencode > 0 {
		mem += rg * rowGroupHeld
	}
	cpu := costStart + 2*out/1e6*costCopy + reencode/1e6*costShard + e.all.docs*20e-9
	return int64(mem), cpu
}

// oneProcess sizes job.Run over the whole input in one process.
func (e *estimator) oneProcess() PhaseSizing {
	l := e.all
	mb := l.text / 1e6
	cpu := costStart + ingestCPU(l) + l.html/1e6*costExtract + mb*costNormalize + l.filterCPU + mb*costShard*e.wakati()
	seq := costStart + ingestCPU(l)
	perDoc := float64(memIDDoc + memBalancerDoc)
	if e.exact {
		cpu += mb * costExact
		seq += mb * costExact
		perDoc += memExactDoc
	}
	if e.near {
		cpu += mb*costMinHash + mb*costNearIndex
		seq += mb * costNearIndex
		perDoc += memNearKey*float64(e.bands) + 2*float64(e.perms) + memNearDoc
	}
	if e.lines { // a first pass counts the lines
		first := ingestCPU(l) + l.html/1e6*costExtract + mb*(costNormalize+2*costLineKeys)
		cpu += first
		seq += ingestCPU(l)
	}
	if e.cfg.Tokenize.Enabled {
		cpu += mb * costTokenize
	}
	mem := e.pipeMem(l) + e.writerMem(e.rows(l)) + gcHeadroom*l.docs*perDoc
	if e.cfg.Tokenize.Enabled {
		mem += e.dictMem()
	}
	if e.lines {
		mem += gcHeadroom * l.lineKeys * 0.5 * 24 // the counts of distinct lines
	}
	for range e.cfg.Dedup.Near.Against {
		mem += l.docs * 470
	}
	out := l.text * shardRatio * e.wakati()
	return PhaseSizing{Name: "one process", Tasks: 1, Memory: int64(mem), CPUSeconds: cpu, WallSeconds: e.wall(cpu, seq),
		TotalCPUSeconds: cpu, OutputBytes: int64(out) + 64<<10, OutputFiles: e.shards(out) + 1}
}

// overBudget finds the task count that would fit the budget.
func (e *estimator) overBudget(ps *PhaseSizing) {
	what := "phases.tasks"
	var try func(n int) (int64, error)
	switch ps.Name {
	case Lines, Signatures, Filter:
		try = func(n int) (int64, error) {
			ls, err := e.slices(n)
			if err != nil {
				return 0, err
			}
			big, _ := largest(ls)
			return e.sliceMem(ps.Name, big), nil
		}
	case LineSets, Buckets:
		what = "phases.buckets"
		try = func(n int) (int64, error) { m, _ := e.rangeTask(ps.Name, n); return m, nil }
	}
	if try != nil {
		for n := ps.Tasks + 1; n <= 1<<16; n = max(n+1, n*5/4) {
			m, err := try(n)
			if err != nil {
				break
			}
			if m <= e.budget {
				ps.FitTasks = n
				e.warn("phase %s: about %s per task, over resources.memory %s: %s %d fits (%s)", ps.Name, mib(ps.Memory), mib(e.budget), what, n, mib(m))
				return
			}
		}
	}
	hint := ""
	switch ps.Name {
	case Filter:
		hint = ": no task count fits; a smaller output.row_group_size (the shard writer holds up to workers+1 row groups) or fewer workers"
	case Finalize:
		hint = ": finalize is one task; it holds about 80 bytes per document and the row group it re-encodes (a smaller output.row_group_size)"
	case Lines, Signatures:
		hint = ": no task count fits; the largest input file decides (split it, or set task.slice_bytes for Parquet)"
	}
	e.warn("phase %s: about %s per task, over resources.memory %s%s", ps.Name, mib(ps.Memory), mib(e.budget), hint)
}

// maxFiles is the count of work files above which Estimate warns: parallel
// file systems serve thousands of files well, not millions.
const maxFiles = 10000

func (e *estimator) checkFiles(sz *Sizing) {
	total := 0
	for _, p := range sz.Phases {
		total += p.WorkFiles
	}
	if total <= maxFiles {
		return
	}
	n, m := e.cfg.Phases.Tasks, e.cfg.Phases.Buckets
	msg := fmt.Sprintf("the phases create about %d files under the work directory (over %d)", total, maxFiles)
	if (e.near || e.exact || e.lines) && n*m > maxFiles/4 {
		msg += fmt.Sprintf(": the signatures (and lines) tasks write a file per key range, tasks × buckets = %d × %d; fewer buckets (each buckets task holds its range in memory) keep it in the thousands", n, m)
	}
	e.warn("%s", msg)
}

// checkBalance warns when one input file makes a slice task far heavier
// than the others, and when tasks get no file.
func (e *estimator) checkBalance() {
	n := e.cfg.Phases.Tasks
	if n <= 1 || len(e.files) == 0 {
		return
	}
	ls, err := e.slices(n)
	if err != nil {
		return
	}
	empty := 0
	for _, l := range ls {
		if l.stored == 0 {
			empty++
		}
	}
	_, imb := largest(ls)
	if empty > 0 {
		e.warn("%d of the %d slice tasks get no input file (the job has %d files); fewer tasks, or split the files", empty, n, len(e.files))
	}
	if imb > 1.5 {
		big := 0
		for i, f := range e.files {
			if f.Size > e.files[big].Size {
				big = i
			}
		}
		e.warn("the slice tasks are unbalanced: the largest has %.1f× the mean text; the largest file, %s (%s), is %.0f%% of the input and one task takes it whole",
			imb, e.files[big].Name, mib(e.files[big].Size), 100*float64(e.files[big].Size)/e.all.stored)
	}
}

// mib formats bytes for messages.
func mib(b int64) string {
	switch {
	case b >= 10<<30:
		return fmt.Sprintf("%.0f GiB", float64(b)/(1<<30))
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}
