package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Runner drives a Source through Stages into a Sink on one machine.
//
// Documents travel in batches through bounded channels. Consecutive Parallel
// stages run together on Workers goroutines; Sequential and Barrier stages run
// on one goroutine each; batches are put back in input order after every
// parallel step, so the Sink, the Rejects and the Stats see the same sequence
// whatever the worker count. Batch boundaries depend only on the input.
type Runner struct {
	// Stages run in order; each implements Parallel, Sequential or Barrier.
	Stages []Stage
	// Sink receives the surviving documents; nil discards them.
	Sink Sink
	// SinkName names the sink in the stats (default "shard").
	SinkName string
	// Rejects, when set, receives input problems and dropped documents.
	Rejects Rejects
	// Workers is the number of goroutines for parallel stages (<= 0: all cores).
	Workers int
	// BatchDocs and BatchBytes close a batch at that many documents or text
	// bytes (defaults 256 and 4 MiB).
	BatchDocs  int
	BatchBytes int
	// Counters, when set, are updated as the run goes, for a progress
	// display that reads them from its own goroutine (package progress);
	// they decide nothing.
	Counters *Counters
}

// Counters are the live counts of a Runner: atomics that another goroutine
// may read at any time while Run updates them. The stats Run returns are
// the exact figures; these are for watching a run.
type Counters struct {
	// Read counts the records (documents and problems) the source has
	// produced; Written the documents handed to the sink.
	Read, Written atomic.Int64
	stages        atomic.Pointer[[]StageCount]
}

// StageCount is a stage's live count of documents processed.
type StageCount struct {
	Name string
	Docs atomic.Int64
}

// Stages returns the live count of every stage of the run in order (nil
// before Run has started). A stage's count moves as it decides on a
// document, so a Barrier's stays at zero until it is sealed.
func (c *Counters) Stages() []StageCount {
	if p := c.stages.Load(); p != nil {
		return *p
	}
	return nil
}

// stage returns the counter of stage i, nil without Counters.
func (c *Counters) stage(i int) *atomic.Int64 {
	if c == nil {
		return nil
	}
	return &c.Stages()[i].Docs
}

// ByteCounter is implemented by sources that can tell how many input bytes
// (as stored, before decompression) they have consumed.
type ByteCounter interface {
	BytesRead() int64
}

// IngestStage is the stats name of the source.
const IngestStage = "ingest"

type drop struct {
	stage  int
	reason string
	doc    *Document
}

// atProblem is a problem met before the batch's doc number at.
type atProblem struct {
	at int
	p  *Problem
}

type delta struct {
	in, out, bytesIn, bytesOut int64
	dur                        time.Duration
}

type batch struct {
	docs     []*Document
	orig     []*Document // docs as read, to put rejects back in input order
	problems []atProblem
	drops    []drop
	deltas   []delta // one per stage
	read     int64   // documents the source produced into this batch
	readText int64   // their text bytes
	err      error
}

// Run processes src until it is exhausted, ctx is cancelled or a stage fails.
// It returns the stats also on error (what was counted until then).
//
// Once ctx is cancelled or the run failed, Run returns without waiting for a
// Source.Next or Processor call in progress (a read from a FIFO without a
// writer, a huge document in a slow stage): nothing reaches the Sink or the
// Rejects any more, and the goroutines still inside such a call end when it
// returns. If src implements io.Closer, Run closes it once nothing uses it
// any more — on success before Run returns, otherwise possibly after — so
// the caller must not close it.
func (r *Runner) Run(ctx context.Context, src Source) (*Stats, error) {
	workers := EffectiveWorkers(r.Workers)
	stats := &Stats{}
	ingest := stats.Stage(IngestStage)
	for _, s := range r.Stages {
		stats.Stage(s.Name())
	}
	sinkStats := stats.Stage(r.sinkName())

	if r.Counters != nil {
		live := make([]StageCount, len(r.Stages))
		for i, s := range r.Stages {
			live[i].Name = s.Name()
		}
		r.Counters.stages.Store(&live)
	}
	steps, err := r.plan(workers)
	if err != nil {
		closeSource(src)
		return stats, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var srcDur time.Duration
	ch := make(chan *batch, 2)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ch)
		defer closeSource(src)
		srcDur = r.read(ctx, src, ch)
	}()
	var in <-chan *batch = ch
	for _, st := range steps {
		out := make(chan *batch, 2)
		wg.Add(1)
		go func(st step, in <-chan *batch, out chan<- *batch) {
			defer wg.Done()
			defer close(out)
			st.run(ctx, in, out)
		}(st, in, out)
		in = out
	}

	var runErr error
	for runErr == nil {
		var b *batch
		open := true
		select {
		case b, open = <-in:
		case <-ctx.Done():
		}
		if !open {
			break
		}
		if err := ctx.Err(); err != nil {
			// cancelled from outside: a step may have dropped a batch, so
			// nothing after this point may reach the sink
			runErr = err
			break
		}
		if b.err != nil {
			runErr = b.err
			break
		}
		if err := r.collect(stats, b, ingest, sinkStats); err != nil {
			runErr = err
			break
		}
	}
	if runErr == nil {
		wg.Wait() // every step has finished: in was closed
		ingest.BusySeconds += srcDur.Seconds()
		if ctx.Err() != nil {
			runErr = ctx.Err()
		}
	} else {
		cancel() // every goroutine returns once its current call does
	}
	return stats, runErr
}

func (r *Runner) sinkName() string {
	if r.SinkName == "" {
		return "shard"
	}
	return r.SinkName
}

// EffectiveWorkers returns the worker count a Runner uses for n: n itself,
// or runtime.GOMAXPROCS(0) when n <= 0 (which follows the CPU quota of the
// process's cgroup, as on batch nodes, rather than the machine's core count).
func EffectiveWorkers(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// closeSource closes src if it is an io.Closer.
func closeSource(src Source) {
	if c, ok := src.(io.Closer); ok {
		c.Close() // a read-only source has nothing to lose on close
	}
}

// collect folds a finished batch into the stats, the rejects and the sink.
func (r *Runner) collect(stats *Stats, b *batch, ingest, sinkStats *StageStats) error {
	for _, p := range b.problems {
		ingest.DocsIn++
		ingest.Dropped[p.p.Kind]++
		stats.AddProblem(*p.p)
	}
	if err := r.reject(b); err != nil {
		return err
	}
	ingest.DocsIn += b.read
	ingest.DocsOut += b.read
	ingest.BytesOut += b.readText
	for i, d := range b.deltas {
		st := stats.Stages[i+1]
		st.DocsIn += d.in
		st.DocsOut += d.out
		st.BytesIn += d.bytesIn
		st.BytesOut += d.bytesOut
		st.BusySeconds += d.dur.Seconds()
	}
	for _, d := range b.drops {
		stats.Stages[d.stage+1].Dropped[d.reason]++
	}
	var n int64
	for _, d := range b.docs {
		n += int64(len(d.Text))
	}
	sinkStats.DocsIn += int64(len(b.docs))
	sinkStats.BytesIn += n
	if r.Sink != nil && len(b.docs) > 0 {
		t := time.Now()
		if err := r.Sink.Write(b.docs); err != nil {
			return fmt.Errorf("%s: %w", sinkStats.Name, err)
		}
		sinkStats.BusySeconds += time.Since(t).Seconds()
	}
	sinkStats.DocsOut += int64(len(b.docs))
	sinkStats.BytesOut += n
	if r.Counters != nil {
		r.Counters.Written.Add(int64(len(b.docs)))
	}
	return nil
}

// reject hands the batch's problems and drops to the Rejects in input order,
// whatever the stage that dropped a document.
func (r *Runner) reject(b *batch) error {
	if r.Rejects == nil || len(b.problems)+len(b.drops) == 0 {
		return nil
	}
	idx := make(map[*Document]int, len(b.drops))
	for i, d := range b.orig {
		idx[d] = i
	}
	drops := slices.Clone(b.drops)
	sort.SliceStable(drops, func(i, j int) bool { return idx[drops[i].doc] < idx[drops[j].doc] })
	pi := 0
	for _, d := range drops {
		for ; pi < len(b.problems) && b.problems[pi].at <= idx[d.doc]; pi++ {
			if err := r.Rejects.Problem(b.problems[pi].p); err != nil {
				return fmt.Errorf("rejects: %w", err)
			}
		}
		if err := r.Rejects.Dropped(r.Stages[d.stage].Name(), d.reason, d.doc); err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
	}
	for ; pi < len(b.problems); pi++ {
		if err := r.Rejects.Problem(b.problems[pi].p); err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
	}
	return nil
}

// read fills batches from src and returns the time spent in src.Next. A
// batch closes at BatchDocs records (documents and problems) or BatchBytes
// bytes (document text and problem raw bytes), so a long run of bad records
// is handed on like good ones instead of piling up.
func (r *Runner) read(ctx context.Context, src Source, out chan<- *batch) time.Duration {
	maxDocs, maxBytes := r.BatchDocs, r.BatchBytes
	if maxDocs <= 0 {
		maxDocs = 256
	}
	if maxBytes <= 0 {
		maxBytes = 4 << 20
	}
	var dur time.Duration
	nstages := len(r.Stages)
	cur := &batch{deltas: make([]delta, nstages)}
	size := 0
	send := func(b *batch) bool {
		select {
		case out <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		t := time.Now()
		d, err := src.Next(ctx)
		dur += time.Since(t)
		var p *Problem
		switch {
		case err == nil:
			cur.docs = append(cur.docs, d)
			cur.orig = append(cur.orig, d)
			cur.read++
			cur.readText += int64(len(d.Text))
			size += len(d.Text)
		case errors.As(err, &p):
			cur.problems = append(cur.problems, atProblem{len(cur.docs), p})
			size += len(p.Raw)
		case errors.Is(err, io.EOF):
			if len(cur.docs) > 0 || len(cur.problems) > 0 {
				send(cur)
			}
			return dur
		default:
			send(&batch{err: fmt.Errorf("%s: %w", IngestStage, err)})
			return dur
		}
		if r.Counters != nil {
			r.Counters.Read.Add(1)
		}
		if len(cur.docs)+len(cur.problems) >= maxDocs || size >= maxBytes {
			if !send(cur) {
				return dur
			}
			cur = &batch{deltas: make([]delta, nstages)}
			size = 0
		}
	}
}

// step is one goroutine group of the run.
type step interface {
	run(ctx context.Context, in <-chan *batch, out chan<- *batch)
}

// plan groups the stages into steps and creates the per-worker processors.
func (r *Runner) plan(workers int) ([]step, error) {
	var steps []step
	var par *parallelStep
	seen := map[string]bool{IngestStage: true, r.sinkName(): true}
	for _, s := range r.Stages {
		if seen[s.Name()] {
			return nil, fmt.Errorf("stage name %q is used twice (or is reserved for the source or the sink)", s.Name())
		}
		seen[s.Name()] = true
	}
	for i, s := range r.Stages {
		switch s := s.(type) {
		case Parallel:
			if par == nil {
				par = &parallelStep{workers: workers, procs: make([][]indexed, workers)}
				steps = append(steps, par)
			}
			for w := 0; w < workers; w++ {
				p, err := s.NewProcessor()
				if err != nil {
					return nil, fmt.Errorf("stage %s: %w", s.Name(), err)
				}
				par.procs[w] = append(par.procs[w], indexed{i, s.Name(), p, r.Counters.stage(i)})
			}
		case Barrier:
			par = nil
			steps = append(steps, &barrierStep{indexed{i, s.Name(), s, r.Counters.stage(i)}, s})
		case Sequential:
			par = nil
			steps = append(steps, &seqStep{indexed{i, s.Name(), s, r.Counters.stage(i)}})
		default:
			return nil, fmt.Errorf("stage %s: %T is neither Parallel, Sequential nor Barrier", s.Name(), s)
		}
	}
	return steps, nil
}

type indexed struct {
	idx  int
	name string
	p    Processor
	live *atomic.Int64 // Counters' count of the stage, nil without
}

// apply runs one processor over a batch, removing dropped documents.
func (x indexed) apply(b *batch) {
	t := time.Now()
	d := &b.deltas[x.idx]
	if x.live != nil { // once per batch: workers share the counter
		defer func(n int64) { x.live.Add(d.in - n) }(d.in)
	}
	kept := b.docs[:0]
	for _, doc := range b.docs {
		d.in++
		d.bytesIn += int64(len(doc.Text))
		reason, err := x.p.Process(doc)
		if err != nil {
			b.err = fmt.Errorf("stage %s: %s (id %s): %w", x.name, doc.Pos, doc.ID, err)
			return
		}
		if reason != "" {
			b.drops = append(b.drops, drop{x.idx, reason, doc})
			continue
		}
		d.out++
		d.bytesOut += int64(len(doc.Text))
		kept = append(kept, doc)
	}
	clear(b.docs[len(kept):])
	b.docs = kept
	d.dur += time.Since(t)
}

type parallelStep struct {
	workers int
	procs   [][]indexed // [worker][stage]
}

type job struct {
	b    *batch
	done chan struct{}
}

func (s *parallelStep) run(ctx context.Context, in <-chan *batch, out chan<- *batch) {
	work := make(chan *job)
	order := make(chan *job, 2*s.workers)
	var wg sync.WaitGroup
	for w := 0; w < s.workers; w++ {
		wg.Add(1)
		go func(procs []indexed) {
			defer wg.Done()
			for j := range work {
				if j.b.err == nil {
					for _, p := range procs {
						p.apply(j.b)
						if j.b.err != nil {
							break
						}
					}
				}
				close(j.done)
			}
		}(s.procs[w])
	}
	go func() {
		defer close(order)
		defer close(work)
		for b := range in {
			j := &job{b, make(chan struct{})}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			select {
			case work <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for j := range order {
		select {
		case <-j.done:
		case <-ctx.Done():
			continue
		}
		select {
		case out <- j.b:
		case <-ctx.Done():
		}
	}
	wg.Wait()
}

type seqStep struct{ x indexed }

func (s *seqStep) run(ctx context.Context, in <-chan *batch, out chan<- *batch) {
	for b := range in {
		if b.err == nil {
			s.x.apply(b)
		}
		select {
		case out <- b:
		case <-ctx.Done():
		}
	}
}

type barrierStep struct {
	x indexed
	b Barrier
}

func (s *barrierStep) run(ctx context.Context, in <-chan *batch, out chan<- *batch) {
	var held []*batch
	failed := false
	send := func(b *batch) {
		select {
		case out <- b:
		case <-ctx.Done():
		}
	}
	for b := range in {
		if b.err != nil || failed {
			failed = true
			send(b)
			continue
		}
		t := time.Now()
		for _, d := range b.docs {
			if err := s.b.Observe(d); err != nil {
				b.err = fmt.Errorf("stage %s: %s (id %s): %w", s.x.name, d.Pos, d.ID, err)
				break
			}
		}
		b.deltas[s.x.idx].dur += time.Since(t)
		if b.err != nil {
			failed = true
			send(b)
			continue
		}
		held = append(held, b)
	}
	if failed || ctx.Err() != nil {
		return // the run is over: no Seal, no decisions
	}
	if err := s.b.Seal(); err != nil {
		send(&batch{err: fmt.Errorf("stage %s: seal: %w", s.x.name, err)})
		return
	}
	for i, b := range held {
		held[i] = nil
		s.x.apply(b)
		send(b)
	}
}
