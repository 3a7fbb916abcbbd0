package filters

import (
	"math"
	"slices"
)

// workerStats are one worker's counts, merged by Report.
type workerStats struct{ presets []presetStats }

type presetStats struct {
	docs, kept int64
	steps      []stepStats
}

type stepStats struct {
	seen, failed, droppedChars int64
	changed, items             int64 // transforms
	hist, failHist             *Histogram
	passed                     []Passed // closest to the bound first
}

// PassedSamples is how many passes closest to its bound a rule keeps.
const PassedSamples = 3

// passedChars is how many characters of a pass's text are kept.
const passedChars = 200

// Passed is a document that passed a rule, among the passes closest to
// the rule's bound (the least margin, then the least key): the documents
// that show where the rule draws its line. The choice depends on the
// documents alone, not on workers or tasks.
type Passed struct {
	// Margin is |score - bound|.
	Margin float64 `json:"margin"`
	Score  float64 `json:"score"`
	// Key is the document's pipeline.Key.
	Key    uint64 `json:"key"`
	ID     string `json:"id"`
	Source string `json:"source"`
	// Chars is the document's length in characters, Text its first 200.
	Chars int64  `json:"chars"`
	Text  string `json:"text"`
}

func (a *Passed) before(b *Passed) bool {
	if a.Margin != b.Margin {
		return a.Margin < b.Margin
	}
	return a.Key < b.Key
}

// wants reports whether a pass of margin and key would enter list.
func wants(list []Passed, margin float64, key uint64) bool {
	if len(list) < PassedSamples {
		return true
	}
	last := &list[len(list)-1]
	return margin < last.Margin || margin == last.Margin && key < last.Key
}

// offer adds p to list (sorted, at most PassedSamples long).
func offer(list []Passed, p Passed) []Passed {
	i := slices.IndexFunc(list, func(q Passed) bool { return p.before(&q) })
	if i < 0 {
		i = len(list)
	}
	list = slices.Insert(list, i, p)
	return list[:min(len(list), PassedSamples)]
}

// mergePassed merges two lists (of disjoint documents: other workers' or
// tasks') into one of the first PassedSamples.
func mergePassed(a, b []Passed) []Passed {
	for _, p := range b {
		a = offer(a, p)
	}
	return a
}

// Report is what the filters stage did, for the manifest: per preset, the
// documents in and kept and, per step, what the rule dropped (or the
// transform changed) with a histogram of the rule's scores. Reports of the
// tasks of a job merge with Merge.
type Report struct {
	Mode    Mode           `json:"mode"`
	Presets []PresetReport `json:"presets"`
}

// PresetReport is one preset's part of a Report.
type PresetReport struct {
	Name    string   `json:"name"`
	Sources []string `json:"sources,omitempty"`
	// Off lists rules left out, with the reason (Preset.Off).
	Off   []string     `json:"off,omitempty"`
	Docs  int64        `json:"docs"`
	Kept  int64        `json:"kept"`
	Steps []StepReport `json:"steps"`
}

// StepReport is one rule's or transform's part of a PresetReport.
type StepReport struct {
	Rule    string `json:"rule,omitempty"`
	Measure string `json:"measure,omitempty"`
	Keep    string `json:"keep,omitempty"`
	// Seen counts the documents the rule scored (in drop mode, those that
	// passed every earlier rule).
	Seen int64 `json:"seen,omitempty"`
	// Failed counts the documents whose score failed the bound; in drop mode
	// they were dropped by this rule, and DroppedChars counts their
	// characters (code points).
	Failed       int64      `json:"failed"`
	DroppedChars int64      `json:"dropped_chars,omitempty"`
	Histogram    *Histogram `json:"histogram,omitempty"`
	// FailedHistogram counts the scores of the Failed documents alone (in
	// the bins of Histogram; absent when none failed): Histogram minus it
	// is the documents the rule kept.
	FailedHistogram *Histogram `json:"failed_histogram,omitempty"`
	// Passed are the documents that passed the rule closest to its
	// bound, closest first (up to PassedSamples).
	Passed []Passed `json:"passed,omitempty"`
	// Transform names a transform step; Changed counts the documents it
	// changed and Items what it changed in them (masked items; 1 per
	// document for whole-text transforms).
	Transform string `json:"transform,omitempty"`
	Changed   int64  `json:"changed,omitempty"`
	Items     int64  `json:"items,omitempty"`
}

// Report merges the workers' counts. Counts are sums, so the report does
// not depend on the number of workers.
func (st *Stage) Report() *Report {
	r := &Report{Mode: st.mode}
	st.mu.Lock()
	defer st.mu.Unlock()
	for i, pl := range st.plans {
		pr := PresetReport{Name: pl.preset.Name, Sources: pl.sources, Off: pl.preset.Off}
		for j, s := range pl.steps {
			sr := StepReport{}
			if s.rule != nil {
				sr.Rule, sr.Measure, sr.Keep = s.rule.name, s.rule.m.Name, s.rule.keep.String()
				sr.Histogram = newHistogram(s.rule.m.Kind)
				sr.FailedHistogram = newHistogram(s.rule.m.Kind)
			} else {
				sr.Transform = s.transform.name
			}
			for _, w := range st.workers {
				ss := &w.presets[i].steps[j]
				sr.Seen += ss.seen
				sr.Failed += ss.failed
				sr.DroppedChars += ss.droppedChars
				sr.Changed += ss.changed
				sr.Items += ss.items
				if sr.Histogram != nil {
					sr.Histogram.Merge(ss.hist)
					sr.FailedHistogram.Merge(ss.failHist)
				}
				sr.Passed = mergePassed(sr.Passed, ss.passed)
			}
			if sr.FailedHistogram != nil && sr.FailedHistogram.N == 0 {
				sr.FailedHistogram = nil // nothing failed: Histogram is the kept
			}
			pr.Steps = append(pr.Steps, sr)
		}
		for _, w := range st.workers {
			pr.Docs += w.presets[i].docs
			pr.Kept += w.presets[i].kept
		}
		r.Presets = append(r.Presets, pr)
	}
	return r
}

// Merge adds o (another task's report of the same config) into r: presets
// and steps are matched by name and position.
func (r *Report) Merge(o *Report) {
	for _, op := range o.Presets {
		i := slices.IndexFunc(r.Presets, func(p PresetReport) bool { return p.Name == op.Name })
		if i < 0 {
			r.Presets = append(r.Presets, op)
			continue
		}
		p := &r.Presets[i]
		p.Docs += op.Docs
		p.Kept += op.Kept
		for _, s := range op.Sources {
			if !slices.Contains(p.Sources, s) {
				p.Sources = append(p.Sources, s)
			}
		}
		slices.Sort(p.Sources)
		for j := range min(len(p.Steps), len(op.Steps)) {
			a, b := &p.Steps[j], op.Steps[j]
			a.Seen += b.Seen
			a.Failed += b.Failed
			a.DroppedChars += b.DroppedChars
			a.Changed += b.Changed
			a.Items += b.Items
			if a.Histogram != nil && b.Histogram != nil {
				a.Histogram.Merge(b.Histogram)
			}
			switch {
			case a.FailedHistogram == nil && b.FailedHistogram != nil:
				h := *b.FailedHistogram
				h.Edges, h.Counts = slices.Clone(h.Edges), slices.Clone(h.Counts)
				a.FailedHistogram = &h
			case a.FailedHistogram != nil:
				a.FailedHistogram.Merge(b.FailedHistogram)
			}
			a.Passed = mergePassed(a.Passed, b.Passed)
		}
	}
}

// Histogram counts scores in fixed bins (no sum: a float sum would depend on
// the order in which workers' counts merge): bin i holds Edges[i] <= score <
// Edges[i+1], the last bin also its upper edge and everything above.
// Ratio measures have 20 bins of 0.05 over [0, 1]; Count measures bins
// doubling from 1 ([0,1), [1,2), [2,4), … up to 2^40); Factor measures 0.1
// wide bins up to 2. Fixed bins make histograms of tasks mergeable.
type Histogram struct {
	Edges  []float64 `json:"edges"`
	Counts []int64   `json:"counts"`
	N      int64     `json:"n"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
}

func newHistogram(k Kind) *Histogram {
	var edges []float64
	switch k {
	case Ratio:
		for i := 0; i <= 20; i++ {
			edges = append(edges, float64(i)/20)
		}
	case Factor:
		for i := 0; i <= 20; i++ {
			edges = append(edges, float64(i)/10)
		}
	default:
		edges = append(edges, 0)
		for e := 1.0; e <= 1<<40; e *= 2 {
			edges = append(edges, e)
		}
	}
	return &Histogram{Edges: edges, Counts: make([]int64, len(edges)-1)}
}

// add counts one score.
func (h *Histogram) add(v float64) {
	if h.N == 0 || v < h.Min {
		h.Min = v
	}
	if h.N == 0 || v > h.Max {
		h.Max = v
	}
	h.N++
	// the last edge <= v, clamped to the bins
	i, _ := slices.BinarySearch(h.Edges, v)
	if i == len(h.Edges) || h.Edges[i] != v {
		i--
	}
	h.Counts[max(0, min(i, len(h.Counts)-1))]++
}

// Merge adds o's counts (same bins) into h.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil || o.N == 0 {
		return
	}
	if h.N == 0 {
		h.Min, h.Max = o.Min, o.Max
	} else {
		h.Min, h.Max = math.Min(h.Min, o.Min), math.Max(h.Max, o.Max)
	}
	h.N += o.N
	for i := range min(len(h.Counts), len(o.Counts)) {
		h.Counts[i] += o.Counts[i]
	}
}
