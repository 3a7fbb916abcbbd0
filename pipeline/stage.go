package pipeline

import (
	"context"
	"io"
)

// Stage is a named step of a run. A stage implements exactly one of
// Parallel, Sequential or Barrier.
type Stage interface {
	// Name identifies the stage in stats, errors and rejects.
	Name() string
}

// Processor handles one document at a time. It may rewrite d in place. A
// non-empty reason drops the document; an error stops the run.
type Processor interface {
	Process(d *Document) (reason string, err error)
}

// ProcessorFunc adapts a function to Processor.
type ProcessorFunc func(d *Document) (string, error)

// Process calls f(d).
func (f ProcessorFunc) Process(d *Document) (string, error) { return f(d) }

// Parallel is a stage whose documents are independent: every worker gets its
// own Processor (a tokenizer, a scratch buffer) and sees whole batches.
type Parallel interface {
	Stage
	NewProcessor() (Processor, error)
}

// Sequential is a stage that must see every document in input order on one
// goroutine, such as exact deduplication where the first copy survives.
type Sequential interface {
	Stage
	Processor
	// Sequential marks the stage; it does nothing.
	Sequential()
}

// Barrier is a stage that must observe every document before it decides
// about any: Observe is called for all documents in input order, then Seal,
// then Process for all documents in input order again.
type Barrier interface {
	Stage
	Processor
	Observe(d *Document) error
	Seal() error
}

// Source yields documents in a deterministic order. Next returns io.EOF at the
// end; a *Problem error is recoverable (the caller counts it and calls Next
// again); any other error is fatal.
type Source interface {
	Next(ctx context.Context) (*Document, error)
}

// Sink receives the surviving documents in input order, one batch at a time.
type Sink interface {
	Write(docs []*Document) error
}

// Rejects receives what a run did not keep: input problems and dropped
// documents, in input order. Implementations need not be safe for concurrent use.
type Rejects interface {
	Problem(p *Problem) error
	Dropped(stage, reason string, d *Document) error
}

// MapStage is a Parallel stage built from a function that needs no per-worker state.
type MapStage struct {
	StageName string
	Fn        func(d *Document) (string, error)
}

// Name returns the stage name.
func (m MapStage) Name() string { return m.StageName }

// NewProcessor returns the function as a Processor.
func (m MapStage) NewProcessor() (Processor, error) { return ProcessorFunc(m.Fn), nil }

// SinkFunc adapts a function to Sink.
type SinkFunc func(docs []*Document) error

// Write calls f(docs).
func (f SinkFunc) Write(docs []*Document) error { return f(docs) }

// FromSlice returns a Source that yields docs in order.
func FromSlice(docs []*Document) Source { return &sliceSrc{docs: docs} }

type sliceSrc struct {
	docs []*Document
	i    int
}

func (s *sliceSrc) Next(ctx context.Context) (*Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.i >= len(s.docs) {
		return nil, io.EOF
	}
	s.i++
	return s.docs[s.i-1], nil
}
