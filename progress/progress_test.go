package progress

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMeasure(t *testing.T) {
	start := time.Unix(1000, 0)
	snap := Snapshot{Docs: 200, Bytes: 25e6, BytesTotal: 100e6, Detail: "3/12"}
	f := measure("writing", func() Snapshot { return snap }, start, start.Add(10*time.Second))
	if f.name != "writing 3/12" || f.percent != 25 || f.eta != 30*time.Second || f.docsPerS != 20 || f.mbPerS != 2.5 {
		t.Errorf("by bytes: %+v", f)
	}
	// by documents when no byte total; none at all without totals
	snap = Snapshot{Docs: 50, DocsTotal: 200}
	if f := measure("x", func() Snapshot { return snap }, start, start.Add(time.Second)); f.percent != 25 || f.eta != 3*time.Second {
		t.Errorf("by docs: %+v", f)
	}
	snap = Snapshot{Docs: 50}
	if f := measure("x", func() Snapshot { return snap }, start, start.Add(time.Second)); f.percent != -1 || f.eta != -1 {
		t.Errorf("no total: %+v", f)
	}
	// input read past its total (a FIFO has no size): 100 %, ETA unknown
	snap = Snapshot{Bytes: 300, BytesTotal: 200}
	if f := measure("x", func() Snapshot { return snap }, start, start.Add(time.Second)); f.percent != 100 || f.eta != -1 {
		t.Errorf("past the total: %+v", f)
	}
	if f := measure("idle", nil, start, start.Add(time.Second)); f.hasCounts || f.elapsed != time.Second {
		t.Errorf("no probe: %+v", f)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitLine waits until buf has a line containing every one of want.
func waitLine(t *testing.T, buf *syncBuffer, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(buf.String(), "\n") {
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(line, w)
			}
			if ok {
				return line
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("no line with %q in:\n%s", want, buf.String())
	return ""
}

// TestReporterLog: in Log mode the Reporter logs the innermost activity
// with its figures from its own goroutine, while the counters move and
// while they stand still; an ended activity gives way to the one around it.
func TestReporterLog(t *testing.T) {
	var buf syncBuffer
	r := New(Options{Mode: Log, Every: 5 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	r.Start()
	defer r.Stop()
	if Begin(nil, "x", nil) == nil || Prefixed(nil, "p") != nil {
		t.Fatal("nil Meter")
	}
	endTask := Begin(r, "phase filter task 1/4", nil)
	waitLine(t, &buf, `msg=progress activity="phase filter task 1/4" elapsed=`)
	var docs, bytes atomic.Int64
	m := Prefixed(r, "phase filter task 1/4")
	endRead := m.Begin("reading", func() Snapshot {
		return Snapshot{Docs: docs.Load(), Bytes: bytes.Load(), BytesTotal: 4e6,
			Stages: []Stage{{"normalize", docs.Load() / 2}, {"shard", 0}}}
	})
	docs.Store(1000)
	bytes.Store(1e6)
	line := waitLine(t, &buf, `activity="phase filter task 1/4: reading"`, " docs=1000 ", " MB=1.0/4.0 ", " percent=25.0 ", " eta=",
		` stages="normalize=500 shard=0"`, " docs/s=", " MB/s=")
	t.Log(line)
	// the counters stand still (a barrier): the lines go on
	n := strings.Count(buf.String(), "docs=1000 ")
	waitLine(t, &buf, "docs=1000 ")
	for strings.Count(buf.String(), "docs=1000 ") < n+3 {
		time.Sleep(2 * time.Millisecond)
	}
	endRead()
	endRead() // twice is once
	cut := len(buf.String())
	for !strings.Contains(buf.String()[cut:], `activity="phase filter task 1/4" elapsed=`) {
		time.Sleep(2 * time.Millisecond)
	}
	endTask()
	r.Stop()
	stopped := buf.String()
	time.Sleep(20 * time.Millisecond)
	if buf.String() != stopped {
		t.Error("lines after Stop")
	}
}

// TestWriter: without bars the log writer writes to Out.
func TestWriter(t *testing.T) {
	var out syncBuffer
	r := New(Options{Mode: Log, Out: &out})
	r.Writer().Write([]byte("line\n"))
	if out.String() != "line\n" {
		t.Errorf("%q", out.String())
	}
}
