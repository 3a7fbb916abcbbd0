// Package filters holds the quality rules that drop documents, grouped
// into presets chosen per source.
//
// A rule reads one named score of the document (a Measure: "chars",
// "swallow.hiragana_fraction", …) and keeps the document when the score
// passes its Bound (">= 0.2"). Measures of one family share a single pass
// over the text, computed only when a rule of the document's preset asks,
// each with its reference's own definitions of a sentence, a paragraph or
// katakana. A preset is data (presets/*.yaml, embedded): ordered rules and
// the text transforms between them (nfkc, mask_pii, …). The shipped presets
// reproduce published rule sets (swallow, hojichar, …) or are jacorpus's
// own for government text and literature; a config changes their bounds,
// switches rules off, adds rules, or defines new presets (Config).
//
// The Stage drops a document at its first failing rule, the rule's name
// being the reason, or, in Annotate mode, keeps every document and writes
// every score into its meta so thresholds can be chosen afterwards
// (Rethreshold). Report gives, per preset and rule, the documents and
// characters dropped and a histogram of the scores.
package filters

import (
	"fmt"
	"maps"
	"math"
	"strconv"
	"sync"

	"github.com/jacorpus/jacorpus/pipeline"
)

// StageName is the name of the filters stage in stats.
const StageName = "filters"

// Meta keys of the annotate mode: MetaPreset holds the preset's name and
// MetaScorePrefix+rule each rule's score, formatted with
// strconv.FormatFloat(score, 'g', -1, 64) so that it reads back as the same
// float64.
const (
	MetaPreset      = "filter.preset"
	MetaScorePrefix = "filter."
)

// Stage applies each source's preset to its documents. Build it with
// NewStage; Report gives its statistics after the run.
type Stage struct {
	mode    Mode
	pii     PIIOptions
	plans   []*plan
	bySrc   map[string]*plan
	def     *plan
	mu      sync.Mutex
	workers []*workerStats
}

// plan is a preset ready to run.
type plan struct {
	idx     int // in Stage.plans
	preset  *Preset
	sources []string
	steps   []step
}

// step is a compiled rule or transform.
type step struct {
	rule      *rule
	transform *transform
}

// rule is a Step ready to score documents.
type rule struct {
	name    string
	m       *Measure
	keep    Bound
	metaKey string
	words   *Matcher
	domains *DomainList
}

// NewStage builds the stage: presetOf maps a source to its preset name
// ("" or a missing source: the default preset). List files are read here;
// an unreadable or invalid one is an error naming the file and line.
func NewStage(c Config, presetOf map[string]string) (*Stage, error) {
	if c.Mode == "" {
		c.Mode = Drop
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	st := &Stage{mode: c.Mode, pii: c.PII, bySrc: map[string]*plan{}}
	lists := &listCache{cfg: c, words: map[string]*Matcher{}, domains: map[string]*DomainList{}}
	byName := map[string]*plan{}
	get := func(name string) (*plan, error) {
		if name == "" {
			name = PresetDefault
		}
		if pl, ok := byName[name]; ok {
			return pl, nil
		}
		p, err := c.Preset(name)
		if err != nil {
			return nil, err
		}
		pl := &plan{idx: len(st.plans), preset: p}
		for _, s := range p.Steps {
			if s.Transform != "" {
				pl.steps = append(pl.steps, step{transform: transformTable[s.Transform]})
				continue
			}
			m, _ := LookupMeasure(s.Measure) // checked by Preset
			r := &rule{name: s.Rule, m: m, keep: *s.Keep, metaKey: MetaScorePrefix + s.Rule}
			var err error
			switch m.List {
			case Words:
				r.words, err = lists.wordList(s.List)
			case Domains:
				r.domains, err = lists.domainList(s.List)
			}
			if err != nil {
				return nil, fmt.Errorf("filters: preset %s, rule %s: %w", name, s.Rule, err)
			}
			pl.steps = append(pl.steps, step{rule: r})
		}
		byName[name] = pl
		st.plans = append(st.plans, pl)
		return pl, nil
	}
	var err error
	if st.def, err = get(PresetDefault); err != nil {
		return nil, err
	}
	for _, src := range sortedKeys(presetOf) {
		pl, err := get(presetOf[src])
		if err != nil {
			return nil, fmt.Errorf("source %q: %w", src, err)
		}
		st.bySrc[src] = pl
		pl.sources = append(pl.sources, src)
	}
	return st, nil
}

// listCache reads each named list once per stage.
type listCache struct {
	cfg     Config
	words   map[string]*Matcher
	domains map[string]*DomainList
}

func (l *listCache) wordList(name string) (*Matcher, error) {
	if m, ok := l.words[name]; ok {
		return m, nil
	}
	var wls []*WordList
	for _, path := range l.cfg.Lists[name] {
		wl, err := LoadWordList(path)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", name, err)
		}
		wls = append(wls, wl)
	}
	m := NewMatcher(wls...)
	l.words[name] = m
	return m, nil
}

func (l *listCache) domainList(name string) (*DomainList, error) {
	if d, ok := l.domains[name]; ok {
		return d, nil
	}
	all := newDomainList(name)
	for _, path := range l.cfg.Lists[name] {
		dl, err := LoadDomainList(path)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", name, err)
		}
		maps.Copy(all.domains, dl.domains)
		maps.Copy(all.ips, dl.ips)
	}
	l.domains[name] = all
	return all, nil
}

// NeedsRaw reports whether a preset of the stage judges the text as read
// (Preset.Text raw): the normalize stage must then keep it
// (normalize.Stage.KeepRaw).
func (st *Stage) NeedsRaw() bool {
	for _, pl := range st.plans {
		if pl.preset.Text == Raw {
			return true
		}
	}
	return false
}

// Name returns "filters".
func (*Stage) Name() string { return StageName }

// NewProcessor returns a worker's processor, with its own scratch and
// statistics.
func (st *Stage) NewProcessor() (pipeline.Processor, error) {
	ws := &workerStats{presets: make([]presetStats, len(st.plans))}
	for i, pl := range st.plans {
		ws.presets[i].steps = make([]stepStats, len(pl.steps))
		for j, s := range pl.steps {
			if s.rule != nil {
				ws.presets[i].steps[j].hist = newHistogram(s.rule.m.Kind)
				ws.presets[i].steps[j].failHist = newHistogram(s.rule.m.Kind)
			}
		}
	}
	st.mu.Lock()
	st.workers = append(st.workers, ws)
	st.mu.Unlock()
	return &processor{st: st, stats: ws}, nil
}

// processor is one worker's view of the stage.
type processor struct {
	st    *Stage
	stats *workerStats
	doc   docState
}

// Process applies the document's preset.
// prefixRunes is s cut after n code points (all of s when shorter).
func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func (p *processor) Process(d *pipeline.Document) (string, error) {
	pl, ok := p.st.bySrc[d.Source]
	if !ok {
		pl = p.st.def
	}
	ps := &p.stats.presets[pl.idx]
	ps.docs++
	annotate := p.st.mode == Annotate
	if annotate {
		if d.Meta == nil {
			d.Meta = map[string]string{}
		}
		d.Meta[MetaPreset] = pl.preset.Name
	}
	text := d.Text
	if pl.preset.Text == Raw {
		if raw, ok := d.Scratch.Get(pipeline.RawText{}).(string); ok {
			text = raw
		}
	}
	p.doc.reset(text, d.URL)
	for i, s := range pl.steps {
		ss := &ps.steps[i]
		if s.transform != nil {
			out, n := s.transform.apply(p, text)
			if out != text {
				ss.changed++
				ss.items += int64(n)
				text = out
				p.doc.reset(out, d.URL)
			}
			d.Text = text // a raw preset's transforms replace the normalized text
			continue
		}
		r := s.rule
		score := r.m.score(&p.doc, r)
		ss.seen++
		ss.hist.add(score)
		keep := r.keep.Keep(score)
		if !keep {
			ss.failed++
			ss.failHist.add(score)
		} else if margin := math.Abs(score - r.keep.Value); !math.IsNaN(margin) && wants(ss.passed, margin, uint64(d.Key)) {
			ss.passed = offer(ss.passed, Passed{Margin: margin, Score: score, Key: uint64(d.Key), ID: d.ID, Source: d.Source,
				Chars: int64(p.doc.runeCount()), Text: prefixRunes(text, passedChars)})
		}
		if annotate {
			d.Meta[r.metaKey] = strconv.FormatFloat(score, 'g', -1, 64)
			continue
		}
		if !keep {
			ss.droppedChars += int64(p.doc.runeCount()) // p.doc's text is text
			d.Scratch.Set(pipeline.DropScore{}, score)
			p.leaveScripts(d)
			return r.name, nil
		}
	}
	ps.kept++
	p.leaveScripts(d)
	return "", nil
}
