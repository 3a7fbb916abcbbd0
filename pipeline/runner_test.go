package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// sliceSource yields docs and, before doc k, the problems in probs[k].
type sliceSource struct {
	docs   []*Document
	probs  map[int][]*Problem
	i      int
	pend   []*Problem
	fail   error // returned instead of the doc at index failAt
	failAt int
}

func (s *sliceSource) Next(ctx context.Context) (*Document, error) {
	if len(s.pend) > 0 {
		p := s.pend[0]
		s.pend = s.pend[1:]
		return nil, p
	}
	if ps, ok := s.probs[s.i]; ok {
		delete(s.probs, s.i)
		s.pend = ps
		return s.Next(ctx)
	}
	if s.fail != nil && s.i == s.failAt {
		return nil, s.fail
	}
	if s.i >= len(s.docs) {
		return nil, io.EOF
	}
	d := s.docs[s.i]
	s.i++
	return d, nil
}

func docs(n int) []*Document {
	out := make([]*Document, n)
	for i := range out {
		out[i] = &Document{ID: fmt.Sprint(i), Text: strings.Repeat("あ", i%17), Pos: Position{File: "in.jsonl", Line: int64(i + 1)}}
	}
	return out
}

type collect struct{ ids []string }

func (c *collect) Write(ds []*Document) error {
	for _, d := range ds {
		c.ids = append(c.ids, d.ID+"|"+d.Text)
	}
	return nil
}

type recRejects struct{ lines []string }

func (r *recRejects) Problem(p *Problem) error { r.lines = append(r.lines, "P "+p.Error()); return nil }
func (r *recRejects) Dropped(stage, reason string, d *Document) error {
	r.lines = append(r.lines, "D "+stage+" "+reason+" "+d.ID)
	return nil
}

// seen drops a document whose text was seen before (a Sequential stage).
type seen struct{ m map[string]bool }

func (s *seen) Name() string { return "seen" }
func (s *seen) Sequential()  {}
func (s *seen) Process(d *Document) (string, error) {
	if s.m[d.Text] {
		return "dup", nil
	}
	s.m[d.Text] = true
	return "", nil
}

// belowMean drops documents shorter than the mean length of all documents (a Barrier).
type belowMean struct{ sum, n int }

func (b *belowMean) Name() string              { return "mean" }
func (b *belowMean) Observe(d *Document) error { b.sum += len(d.Text); b.n++; return nil }
func (b *belowMean) Seal() error               { return nil }
func (b *belowMean) Process(d *Document) (string, error) {
	if len(d.Text)*b.n < b.sum {
		return "below_mean", nil
	}
	return "", nil
}

func slowUpper() Stage {
	return MapStage{StageName: "mark", Fn: func(d *Document) (string, error) {
		if len(d.ID)%3 == 0 {
			time.Sleep(time.Microsecond * time.Duration(len(d.Text)))
		}
		d.Text += "!"
		return "", nil
	}}
}

func odd() Stage {
	return MapStage{StageName: "odd", Fn: func(d *Document) (string, error) {
		var i int
		fmt.Sscan(d.ID, &i)
		if i%2 == 1 {
			return "odd", nil
		}
		return "", nil
	}}
}

func TestRunnerOrderAndStatsIndependentOfWorkers(t *testing.T) {
	type result struct {
		out     []string
		rejects []string
		stats   []StageStats
	}
	run := func(workers, batch int) result {
		src := &sliceSource{docs: docs(1000), probs: map[int][]*Problem{
			0:   {{Pos: Position{File: "in.jsonl", Line: 1}, Kind: ProblemMalformedJSON}},
			500: {{Pos: Position{File: "in.jsonl", Line: 77}, Kind: ProblemInvalidUTF8}},
		}}
		sink, rej := &collect{}, &recRejects{}
		r := &Runner{Stages: []Stage{slowUpper(), odd(), &seen{m: map[string]bool{}}, &belowMean{}},
			Sink: sink, Rejects: rej, Workers: workers, BatchDocs: batch}
		st, err := r.Run(context.Background(), src)
		if err != nil {
			t.Fatal(err)
		}
		var ss []StageStats
		for _, s := range st.Stages {
			c := *s
			c.BusySeconds = 0
			ss = append(ss, c)
		}
		if st.ProblemsTotal != 2 || len(st.Problems) != 2 {
			t.Fatalf("problems: %d listed %d", st.ProblemsTotal, len(st.Problems))
		}
		return result{sink.ids, rej.lines, ss}
	}
	base := run(1, 7)
	// 1000 docs: 500 even survive "odd"; texts repeat every 17 → dedup keeps 17
	// distinct texts among evens (of which those below the mean length drop).
	if got := base.stats[2].DocsOut; got != 500 {
		t.Fatalf("odd stage out = %d, want 500", got)
	}
	if got := base.stats[3].Dropped["dup"]; got != 500-17 {
		t.Fatalf("dup drops = %d, want %d", got, 500-17)
	}
	if base.stats[0].Name != IngestStage || base.stats[0].DocsOut != 1000 || base.stats[0].DocsIn != 1002 {
		t.Fatalf("ingest stats %+v", base.stats[0])
	}
	if len(base.out) == 0 || len(base.out) >= 17 {
		t.Fatalf("unexpected survivors %v", base.out)
	}
	for _, c := range []struct{ workers, batch int }{{2, 1}, {4, 7}, {8, 64}, {3, 1000}} {
		got := run(c.workers, c.batch)
		if !reflect.DeepEqual(got.out, base.out) || !reflect.DeepEqual(got.stats, base.stats) {
			t.Errorf("workers=%d batch=%d: output or stats differ from workers=1:\n%v %v\n%v %v",
				c.workers, c.batch, got.out, got.stats, base.out, base.stats)
		}
		if !reflect.DeepEqual(got.rejects, base.rejects) {
			for i := range got.rejects {
				if i >= len(base.rejects) || got.rejects[i] != base.rejects[i] {
					t.Fatalf("workers=%d batch=%d: reject %d = %q, want %q (of %d)", c.workers, c.batch, i, got.rejects[i], base.rejects[i], len(base.rejects))
				}
			}
			t.Fatalf("workers=%d batch=%d: %d rejects, want %d", c.workers, c.batch, len(got.rejects), len(base.rejects))
		}
	}
	// rejects come in input order: problem, then drops of docs 0 (mean), 1 (odd), 2 (mean) ...
	want := []string{"P in.jsonl:1: malformed_json", "D mean below_mean 0", "D odd odd 1", "D mean below_mean 2"}
	if !reflect.DeepEqual(base.rejects[:4], want) {
		t.Errorf("first rejects %q, want %q", base.rejects[:4], want)
	}
	if i := slices.Index(base.rejects, "P in.jsonl:77: invalid_utf8"); i < 0 || base.rejects[i+1] != "D seen dup 500" {
		t.Errorf("problem before doc 500 misplaced (at %d)", i)
	}
}

func TestRunnerFatalErrorNamesStageAndPosition(t *testing.T) {
	boom := MapStage{StageName: "boom", Fn: func(d *Document) (string, error) {
		if d.ID == "420" {
			return "", errors.New("kaput")
		}
		return "", nil
	}}
	for _, workers := range []int{1, 4} {
		r := &Runner{Stages: []Stage{boom}, Sink: &collect{}, Workers: workers, BatchDocs: 8}
		_, err := r.Run(context.Background(), &sliceSource{docs: docs(5000)})
		if err == nil || !strings.Contains(err.Error(), "stage boom: in.jsonl:421 (id 420): kaput") {
			t.Fatalf("workers=%d: err = %v", workers, err)
		}
	}
}

func TestRunnerSourceAndSinkErrors(t *testing.T) {
	r := &Runner{Workers: 2}
	_, err := r.Run(context.Background(), &sliceSource{docs: docs(10), fail: errors.New("disk gone"), failAt: 5})
	if err == nil || !strings.Contains(err.Error(), "ingest: disk gone") {
		t.Fatalf("source err = %v", err)
	}
	r = &Runner{Workers: 2, Sink: failSink{}}
	_, err = r.Run(context.Background(), &sliceSource{docs: docs(10)})
	if err == nil || !strings.Contains(err.Error(), "shard: full") {
		t.Fatalf("sink err = %v", err)
	}
}

type failSink struct{}

func (failSink) Write([]*Document) error { return errors.New("full") }

func TestRunnerCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	stop := MapStage{StageName: "stop", Fn: func(d *Document) (string, error) { return "", nil }}
	sink := SinkFunc(func(ds []*Document) error {
		n += len(ds)
		if n > 100 {
			cancel()
		}
		return nil
	})
	r := &Runner{Stages: []Stage{stop}, Sink: sink, Workers: 3, BatchDocs: 10}
	_, err := r.Run(ctx, &sliceSource{docs: docs(100000)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestStatsMerge(t *testing.T) {
	a, b := &Stats{}, &Stats{}
	a.Stage("ingest").DocsOut = 3
	a.Stage("filters").Dropped["too_short"] = 2
	a.AddProblem(Problem{Pos: Position{File: "a"}, Kind: "x"})
	b.Stage("ingest").DocsOut = 4
	b.Stage("filters").Dropped["too_short"] = 1
	b.Stage("filters").Dropped["too_long"] = 5
	b.Stage("tokenize").DocsOut = 9
	b.AddProblem(Problem{Pos: Position{File: "b"}, Kind: "y"})
	a.Merge(b)
	if a.Stage("ingest").DocsOut != 7 || a.Stage("filters").Dropped["too_short"] != 3 ||
		a.Stage("filters").Dropped["too_long"] != 5 || a.Stage("tokenize").DocsOut != 9 ||
		a.ProblemsTotal != 2 || a.Problems[1].Pos.File != "b" {
		t.Fatalf("merge: %+v", a)
	}
	top := a.Stage("filters").TopReasons(1)
	if len(top) != 1 || top[0].Reason != "too_long" {
		t.Fatalf("top %v", top)
	}
}

type failObserve struct{ belowMean }

func (f *failObserve) Observe(d *Document) error {
	if d.ID == "78" {
		return errors.New("signature store full")
	}
	return f.belowMean.Observe(d)
}

type failRejects struct{ recRejects }

func (f *failRejects) Dropped(string, string, *Document) error { return errors.New("disk full") }

func TestRunnerErrors(t *testing.T) {
	cases := []struct {
		name string
		r    *Runner
		want string
	}{
		{"barrier observe", &Runner{Stages: []Stage{odd(), &failObserve{}}, Workers: 2, BatchDocs: 10},
			"stage mean: in.jsonl:79 (id 78): signature store full"},
		{"rejects", &Runner{Stages: []Stage{odd()}, Rejects: &failRejects{}, Workers: 2},
			"rejects: disk full"},
		{"duplicate stage", &Runner{Stages: []Stage{odd(), odd()}}, `stage name "odd" is used twice`},
		{"reserved name", &Runner{Stages: []Stage{MapStage{StageName: "ingest"}}}, `stage name "ingest" is used twice`},
		{"sink name", &Runner{Stages: []Stage{MapStage{StageName: "out"}}, SinkName: "out"}, `stage name "out" is used twice`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.r.Run(context.Background(), &sliceSource{docs: docs(300)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// gateSource yields n problems; before the last one it waits until the
// rejects have seen a problem, which only happens if batches of problems are
// handed on before the source ends.
type gateSource struct {
	n    int
	i    int
	gate chan struct{}
}

func (g *gateSource) Next(ctx context.Context) (*Document, error) {
	if g.i == g.n {
		return nil, io.EOF
	}
	if g.i == g.n-1 {
		select {
		case <-g.gate:
		case <-time.After(10 * time.Second):
			return nil, errors.New("problems were held back until the source ended")
		}
	}
	g.i++
	return nil, &Problem{Pos: Position{File: "bad.jsonl", Line: int64(g.i)}, Kind: ProblemInvalidUTF8, Raw: []byte("\xff")}
}

type gateRejects struct {
	once sync.Once
	gate chan struct{}
	n    int
}

func (g *gateRejects) Problem(*Problem) error {
	g.n++
	g.once.Do(func() { close(g.gate) })
	return nil
}
func (g *gateRejects) Dropped(string, string, *Document) error { return nil }

func TestRunnerFlushesProblems(t *testing.T) {
	gate := make(chan struct{})
	rej := &gateRejects{gate: gate}
	r := &Runner{Rejects: rej, BatchDocs: 16, Workers: 2}
	st, err := r.Run(context.Background(), &gateSource{n: 1000, gate: gate})
	if err != nil {
		t.Fatal(err)
	}
	if rej.n != 1000 || st.ProblemsTotal != 1000 || st.Stage(IngestStage).Dropped[ProblemInvalidUTF8] != 1000 {
		t.Fatalf("rejects %d, stats %d", rej.n, st.ProblemsTotal)
	}
}

func TestScratch(t *testing.T) {
	type keyA struct{}
	type keyB struct{}
	var d Document
	if d.Scratch.Get(keyA{}) != nil {
		t.Fatal("empty scratch has a value")
	}
	d.Scratch.Set(keyA{}, 1)
	d.Scratch.Set(keyB{}, "b")
	d.Scratch.Set(keyA{}, 2)
	if got := d.Scratch.Get(keyA{}); got != 2 {
		t.Fatalf("keyA = %v, want 2", got)
	}
	if got := d.Scratch.Get(keyB{}); got != "b" {
		t.Fatalf("keyB = %v, want b", got)
	}
	d.Scratch.Delete(keyA{})
	if d.Scratch.Get(keyA{}) != nil || d.Scratch.Get(keyB{}) != "b" {
		t.Fatal("Delete removed the wrong value")
	}
}
