package progress

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Mode is how a Reporter shows progress.
type Mode int

const (
	// Log writes one slog line every Options.Every (batch job logs).
	Log Mode = iota
	// Bars draws live bars on a terminal, one per activity.
	Bars
)

// DefaultEvery is the default interval of the log lines: frequent enough
// to see a job move, rare enough that a job log of many hours stays
// readable (120 lines an hour).
const DefaultEvery = 30 * time.Second

// barRefresh is how often the bars' figures are recomputed.
const barRefresh = 200 * time.Millisecond

// Options configure a Reporter.
type Options struct {
	Mode Mode
	// Out receives the bars (Bars; a terminal); it should be standard
	// error, so that standard output carries only a command's results.
	Out io.Writer
	// Logger receives the progress lines (Log); nil discards them.
	Logger *slog.Logger
	// Every is the interval of the log lines (default DefaultEvery).
	Every time.Duration
}

// Reporter is a Meter that reports the current activity from its own
// goroutine, between Start and Stop: as bars or as log lines.
type Reporter struct {
	opts Options

	mu      sync.Mutex
	current []*activity // the activities begun and not ended, oldest first
	bars    *mpb.Progress
	started bool
	stop    chan struct{}
	done    chan struct{}
}

// activity is one Begin.
type activity struct {
	name  string
	probe Probe
	start time.Time
	bar   *mpb.Bar
	// the bar's name and figures, drawn by mpb's goroutine
	text atomic.Pointer[string]
	fig  atomic.Pointer[figures]
}

// figuresText is what a bar shows after it: percent, documents and their
// rate, MB and their rate, ETA (or only the elapsed time without counts).
func (a *activity) figuresText() string {
	f := a.fig.Load()
	if f == nil {
		return ""
	}
	if !f.hasCounts {
		return duration(f.elapsed)
	}
	var b strings.Builder
	if f.percent >= 0 {
		fmt.Fprintf(&b, "%5.1f%% ", f.percent)
	}
	fmt.Fprintf(&b, "%d docs %.0f docs/s %s MB %.1f MB/s", f.snap.Docs, f.docsPerS, mb(f.snap.Bytes), f.mbPerS)
	if n := len(f.snap.Stages); n > 0 { // behind a barrier the last stage lags
		fmt.Fprintf(&b, " %s %d", f.snap.Stages[n-1].Name, f.snap.Stages[n-1].Docs)
	}
	if f.eta >= 0 {
		fmt.Fprintf(&b, " ETA %s", duration(f.eta))
	} else {
		fmt.Fprintf(&b, " %s", duration(f.elapsed))
	}
	return b.String()
}

// New returns a Reporter; Start starts it.
func New(opts Options) *Reporter {
	if opts.Every <= 0 {
		opts.Every = DefaultEvery
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Reporter{opts: opts}
}

// Writer returns a writer for the command's log: while bars are drawn it
// prints above them (a log line written straight to the terminal would
// tear them), otherwise it writes to Options.Out.
func (r *Reporter) Writer() io.Writer { return logWriter{r} }

type logWriter struct{ r *Reporter }

func (w logWriter) Write(b []byte) (int, error) {
	w.r.mu.Lock()
	bars := w.r.bars
	w.r.mu.Unlock()
	if bars != nil {
		if n, err := bars.Write(b); err == nil {
			return n, nil
		}
	}
	return w.r.opts.Out.Write(b)
}

// SetLogger sets the logger of the progress lines (Log mode), for a logger
// that writes through Writer. Call it before Start.
func (r *Reporter) SetLogger(l *slog.Logger) { r.opts.Logger = l }

// Start starts reporting. A Reporter starts once.
func (r *Reporter) Start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return
	}
	r.started = true
	r.stop, r.done = make(chan struct{}), make(chan struct{})
	every := r.opts.Every
	if r.opts.Mode == Bars {
		r.bars = mpb.New(mpb.WithOutput(r.opts.Out), mpb.WithWidth(100), mpb.WithRefreshRate(barRefresh))
		every = barRefresh
	}
	go r.loop(every, r.stop)
}

// Stop stops reporting: the bars of activities still running are left as
// they are (an interrupted run) and drawn a last time. Stop returns once
// nothing more is written to Out.
func (r *Reporter) Stop() {
	r.mu.Lock()
	if !r.started || r.stop == nil {
		r.mu.Unlock()
		return
	}
	close(r.stop)
	r.stop = nil
	r.mu.Unlock()
	<-r.done
	r.mu.Lock()
	bars := r.bars
	for _, a := range r.current {
		if a.bar != nil {
			a.update(time.Now())
			a.bar.Abort(false)
		}
	}
	r.mu.Unlock()
	if bars != nil {
		bars.Wait()
	}
	r.mu.Lock()
	r.bars = nil
	r.mu.Unlock()
}

// Begin starts an activity (Meter).
func (r *Reporter) Begin(name string, probe Probe) func() {
	a := &activity{name: name, probe: probe, start: time.Now()}
	r.mu.Lock()
	r.current = append(r.current, a)
	if r.bars != nil {
		a.text.Store(new(string))
		opts := []mpb.BarOption{
			mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return *a.text.Load() }, decor.WCSyncSpaceR)),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return a.figuresText() }, decor.WC{})),
		}
		var style mpb.BarFillerBuilder = mpb.BarStyle()
		if probe == nil { // a name and the time: no bar, gone once done
			style = mpb.NopStyle()
			opts = append(opts, mpb.BarRemoveOnComplete())
		}
		a.bar = r.bars.New(1000, style, opts...)
		a.update(a.start)
	}
	r.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { r.end(a) }) }
}

// end ends activity a: its bar is completed (figures as they are now).
func (r *Reporter) end(a *activity) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := slices.Index(r.current, a)
	if i < 0 {
		return
	}
	r.current = slices.Delete(r.current, i, i+1)
	if a.bar != nil && r.bars != nil {
		a.update(time.Now())
		a.bar.SetTotal(-1, true)
	}
}

// loop reports every interval until Stop.
func (r *Reporter) loop(every time.Duration, stop <-chan struct{}) {
	defer close(r.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			r.tick(now)
		}
	}
}

// tick reports once: every bar is updated, or the current activity is
// logged.
func (r *Reporter) tick(now time.Time) {
	r.mu.Lock()
	if r.bars != nil {
		for _, a := range r.current {
			a.update(now)
		}
		r.mu.Unlock()
		return
	}
	var a *activity
	if n := len(r.current); n > 0 {
		a = r.current[n-1]
	}
	r.mu.Unlock()
	if a != nil {
		r.log(measure(a.name, a.probe, a.start, now))
	}
}

// log writes one progress line.
func (r *Reporter) log(f figures) {
	attrs := []any{"activity", f.name, "elapsed", duration(f.elapsed)}
	if f.hasCounts {
		s := f.snap
		docs := fmt.Sprint(s.Docs)
		if s.DocsTotal > 0 {
			docs += fmt.Sprintf("/%d", s.DocsTotal)
		}
		megabytes := mb(s.Bytes)
		if s.BytesTotal > 0 {
			megabytes += "/" + mb(s.BytesTotal)
		}
		attrs = append(attrs, "docs", docs, "docs/s", fmt.Sprintf("%.0f", f.docsPerS),
			"MB", megabytes, "MB/s", fmt.Sprintf("%.2f", f.mbPerS))
		if f.percent >= 0 {
			attrs = append(attrs, "percent", fmt.Sprintf("%.1f", f.percent))
		}
		if f.eta >= 0 {
			attrs = append(attrs, "eta", duration(f.eta))
		}
		if len(s.Stages) > 0 {
			attrs = append(attrs, "stages", stages(s.Stages))
		}
	}
	r.opts.Logger.Info("progress", attrs...)
}

// update recomputes a's figures for its bar and moves the bar (in
// thousandths of the activity).
func (a *activity) update(now time.Time) {
	f := measure(a.name, a.probe, a.start, now)
	name := f.name
	a.text.Store(&name)
	a.fig.Store(&f)
	if f.percent >= 0 {
		a.bar.SetCurrent(min(int64(f.percent*10), 999)) // 1000 completes the bar: only end does
	}
}
