package pipeline

import (
	"context"
	"io"
	"testing"
	"time"
)

// gatedSource hands out docs, waiting on gate before the document at
// index at.
type gatedSource struct {
	docs []*Document
	at   int
	gate chan struct{}
	i    int
}

func (s *gatedSource) Next(ctx context.Context) (*Document, error) {
	if s.i == s.at {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if s.i >= len(s.docs) {
		return nil, io.EOF
	}
	s.i++
	return s.docs[s.i-1], nil
}

// TestCounters: while the source waits, the live counters show what was
// read and what each stage did — the stage before a Barrier moves, the
// Barrier and the sink stay at zero until the end — and at the end they
// equal the stats. Another goroutine reads them throughout (run with -race).
func TestCounters(t *testing.T) {
	src := &gatedSource{docs: docs(100), at: 25, gate: make(chan struct{})}
	c := new(Counters)
	r := &Runner{Stages: []Stage{odd(), &belowMean{}}, Sink: &collect{}, Workers: 2, BatchDocs: 10, Counters: c}
	if c.Stages() != nil {
		t.Fatal("stages before Run")
	}
	type res struct {
		st  *Stats
		err error
	}
	done := make(chan res, 1)
	go func() { st, err := r.Run(context.Background(), src); done <- res{st, err} }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if st := c.Stages(); st != nil && c.Read.Load() == 25 && st[0].Docs.Load() == 20 {
			if n := st[1].Docs.Load(); n != 0 {
				t.Fatalf("the barrier decided on %d documents before it was sealed", n)
			}
			if n := c.Written.Load(); n != 0 {
				t.Fatalf("%d documents written behind the barrier", n)
			}
			if st[0].Name != "odd" || st[1].Name != "mean" {
				t.Fatalf("names %q %q", st[0].Name, st[1].Name)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("read %d, stages %v", c.Read.Load(), c.Stages())
		}
		time.Sleep(time.Millisecond)
	}
	close(src.gate)
	got := <-done
	if got.err != nil {
		t.Fatal(got.err)
	}
	if c.Read.Load() != got.st.Stage(IngestStage).DocsIn || c.Written.Load() != got.st.Stage("shard").DocsOut {
		t.Errorf("read %d written %d, stats %+v", c.Read.Load(), c.Written.Load(), got.st)
	}
	live := c.Stages()
	for i := range live {
		s := &live[i]
		if want := got.st.Stage(s.Name).DocsIn; s.Docs.Load() != want {
			t.Errorf("stage %d %s: %d, stats %d", i, s.Name, s.Docs.Load(), want)
		}
	}
}
