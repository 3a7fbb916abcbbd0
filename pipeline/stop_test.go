package pipeline

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"
)

// stuckSource blocks in Next until released, ignoring ctx: a read from a
// FIFO without a writer.
type stuckSource struct {
	n       int
	release chan struct{}
	closed  atomic.Bool
}

func (s *stuckSource) Next(ctx context.Context) (*Document, error) {
	if s.n < 3 {
		s.n++
		return &Document{ID: "d", Text: "x"}, nil
	}
	<-s.release
	return nil, io.EOF
}

func (s *stuckSource) Close() error { s.closed.Store(true); return nil }

// TestRunReturnsWhileSourceIsStuck: a cancelled run returns although the
// source is stuck inside Next, and the source is closed once Next returns.
func TestRunReturnsWhileSourceIsStuck(t *testing.T) {
	src := &stuckSource{release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	var written atomic.Int64
	r := &Runner{Sink: SinkFunc(func(d []*Document) error { written.Add(int64(len(d))); return nil }), BatchDocs: 1}
	done := make(chan error, 1)
	go func() { _, err := r.Run(ctx, src); done <- err }()
	for written.Load() < 3 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second): // a hang check, not a timing
		t.Fatal("Run did not return after cancellation while the source was stuck")
	}
	if src.closed.Load() {
		t.Error("source closed while a Next call was in progress")
	}
	close(src.release)
	for i := 0; i < 1000 && !src.closed.Load(); i++ {
		time.Sleep(time.Millisecond)
	}
	if !src.closed.Load() {
		t.Error("source not closed after its Next returned")
	}
}

// TestRunReturnsWhileStageIsStuck: the same for a Processor that takes long.
func TestRunReturnsWhileStageIsStuck(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	entered := make(chan struct{}, 1)
	stage := MapStage{StageName: "slow", Fn: func(d *Document) (string, error) {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-release
		return "", nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Runner{Stages: []Stage{stage}, Workers: 2}
	done := make(chan error, 1)
	go func() { _, err := r.Run(ctx, FromSlice(docs(10))); done <- err }()
	<-entered
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancellation while a stage was busy")
	}
}
