// Package progress shows what a running job is doing: live bars on a
// terminal (github.com/vbauerster/mpb/v8), or one log/slog line every
// interval in the log of a batch job, each with documents, documents per
// second, MB, MB per second, percent and ETA of the current activity.
//
// The seam with the code that does the work is small: a Meter is told, by
// Begin, that an activity ("reading", "writing shards", "assembling") starts
// and how to read its live counters (a Probe); the returned func ends it.
// The Reporter calls the probes from its own goroutine on its own timer, so
// it keeps reporting while the work sits behind a barrier (a dedup stage
// holding every document, the balanced shard writer's Close) or inside one
// huge record: the counters it reads are atomics the work updates as it
// goes (bytes consumed from the input files under the decompressor,
// documents per stage, rows and bytes written into shards). Nothing the
// Reporter does changes what a job writes.
package progress

import (
	"fmt"
	"strings"
	"time"
)

// Snapshot is what an activity has done so far. Percent and ETA are by
// bytes when BytesTotal is known, else by documents when DocsTotal is.
type Snapshot struct {
	// Docs counts the documents read (rows when writing shards), out of
	// DocsTotal when that is known (else 0).
	Docs, DocsTotal int64
	// Bytes counts the bytes consumed from the input files as stored
	// (compressed bytes for compressed files), or written when writing
	// shards, out of BytesTotal when that is known (else 0).
	Bytes, BytesTotal int64
	// Stages are the documents each pipeline stage has processed.
	Stages []Stage
	// Detail completes the activity's name ("3/12" for the shard being
	// written); "" for none.
	Detail string
}

// Stage is one pipeline stage's count of documents processed.
type Stage struct {
	Name string
	Docs int64
}

// Probe returns an activity's current Snapshot. It is called from the
// Reporter's goroutine while the activity runs, so it may read only what
// is safe to read concurrently (atomics).
type Probe func() Snapshot

// Meter is told what a job is doing. Begin starts an activity named name
// whose counters probe reads (nil: none, only the time passes) and returns
// the func that ends it. Activities nest: the innermost that has not ended
// is the current one. A Meter is safe for concurrent use.
type Meter interface {
	Begin(name string, probe Probe) (end func())
}

// Begin starts an activity on m; a nil m does nothing.
func Begin(m Meter, name string, probe Probe) (end func()) {
	if m == nil {
		return func() {}
	}
	return m.Begin(name, probe)
}

// Prefixed returns a Meter that names every activity "prefix: name" on m
// (a phase task's activities carry the task's name); nil for a nil m.
func Prefixed(m Meter, prefix string) Meter {
	if m == nil {
		return nil
	}
	return prefixed{m, prefix}
}

type prefixed struct {
	m      Meter
	prefix string
}

func (p prefixed) Begin(name string, probe Probe) func() {
	return p.m.Begin(p.prefix+": "+name, probe)
}

// figures are what a report shows of an activity at one moment.
type figures struct {
	name    string // with the detail
	elapsed time.Duration
	snap    Snapshot
	// percent is done in percent, -1 when there is no total; eta is the
	// time left at the average rate so far, -1 when unknown.
	percent   float64
	eta       time.Duration
	docsPerS  float64
	mbPerS    float64
	hasCounts bool // the activity has a probe
}

// measure computes an activity's figures at now.
func measure(name string, probe Probe, start, now time.Time) figures {
	f := figures{name: name, elapsed: now.Sub(start), percent: -1, eta: -1}
	if probe == nil {
		return f
	}
	f.hasCounts = true
	f.snap = probe()
	if f.snap.Detail != "" {
		f.name += " " + f.snap.Detail
	}
	secs := f.elapsed.Seconds()
	if secs > 0 {
		f.docsPerS = float64(f.snap.Docs) / secs
		f.mbPerS = float64(f.snap.Bytes) / 1e6 / secs
	}
	var frac float64
	switch s := f.snap; {
	case s.BytesTotal > 0:
		frac = float64(s.Bytes) / float64(s.BytesTotal)
	case s.DocsTotal > 0:
		frac = float64(s.Docs) / float64(s.DocsTotal)
	default:
		return f
	}
	frac = min(max(frac, 0), 1)
	f.percent = 100 * frac
	if frac > 0 && frac < 1 && secs > 0 { // at 1 what is left is not measured by the total: unknown
		f.eta = time.Duration(float64(f.elapsed) * (1 - frac) / frac)
	}
	return f
}

// mb formats a byte count in MB (10^6 bytes).
func mb(n int64) string { return fmt.Sprintf("%.1f", float64(n)/1e6) }

// duration formats a duration to the second (to 0.1 s below 10 s).
func duration(d time.Duration) string {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// stages formats the stages' counts as "name=docs name=docs".
func stages(st []Stage) string {
	parts := make([]string, len(st))
	for i, s := range st {
		parts[i] = fmt.Sprintf("%s=%d", s.Name, s.Docs)
	}
	return strings.Join(parts, " ")
}
