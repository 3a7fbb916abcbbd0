// Package report renders a dataset's manifest.json as a report a person
// reads: one self-contained HTML file (report.html beside the manifest:
// inline SVG charts drawn here, inline CSS, no script, nothing fetched) or
// the same content as Markdown. Sections: the run's funnel (documents and
// characters kept and dropped by stage and reason), the sources' shares,
// histograms of length, tokens, Japanese and hiragana ratio, each filter
// rule's scores, near-duplicate cluster sizes, removed boilerplate lines,
// shard balance, throughput per stage, and a few kept and dropped
// documents. Every chart has a table of the same numbers under it.
//
// Build computes the figures once from the manifest; HTML and Markdown
// only format them, so both say the same. The output is a function of the
// manifest alone: the same manifest gives the same bytes. Document text
// and every other string from the input are escaped.
package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/internal/fsync"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/profile"
	"github.com/jacorpus/jacorpus/shard"
)

// Report is a dataset's report: a summary and sections of charts, tables
// and sample documents, ready to be written as HTML or Markdown.
type Report struct {
	Title string
	// Summary holds the headline figures (label, value).
	Summary  [][2]string
	Sections []Section
}

// Section is one part of the report.
type Section struct {
	ID, Title string
	// Note explains the section in a sentence.
	Note   string
	Charts []Chart
	Tables []Table
	// Samples are documents shown under the charts.
	Samples []SampleGroup
	// Sub holds subsections (a filter preset's rules).
	Sub []Section
	// TablesFirst puts Tables before the charts (a preset's table of rules
	// before each rule's histogram).
	TablesFirst bool
}

// Table is a table of figures. Right marks numeric columns.
type Table struct {
	// ID names the table in the page (its id attribute) and in tests.
	ID string
	// Head is the header row, Rows the cells as shown.
	Head  []string
	Right []bool
	Rows  [][]string
}

// SampleGroup is a few documents of one drop reason or one source.
type SampleGroup struct {
	Title string
	Docs  []profile.Sample
}

// Build computes the report of manifest m.
func Build(m *job.Manifest) *Report {
	r := &Report{Title: "jacorpus dataset report"}
	ing := stage(m.Stats, pipeline.IngestStage)
	var kept int64
	if m.Stats != nil && len(m.Stats.Stages) > 0 {
		kept = m.Stats.Stages[len(m.Stats.Stages)-1].DocsOut
	}
	r.Summary = [][2]string{
		{"tool", m.Tool},
		{"documents read", count(ing.DocsOut)},
		{"documents written", count(m.Totals.Rows)},
		{"kept %", pct(kept, ing.DocsOut)},
		{"tokens", count(m.Totals.Tokens)},
		{"shards", count(int64(m.Totals.Shards))},
		{"bytes", count(m.Totals.Bytes)},
		{"config sha256", m.ConfigSHA256},
	}
	if m.Run != nil {
		r.Summary = append(r.Summary, [2]string{"run", fmt.Sprintf("%s on %s, %d workers, %.1f s (run %s)",
			m.Run.Started.UTC().Format("2006-01-02 15:04:05 UTC"), m.Run.Host, m.Run.Workers, m.Run.WallSeconds, m.Run.RunID)})
	}
	r.Sections = append(r.Sections, funnel(m))
	if m.Profile != nil {
		r.Sections = append(r.Sections, sources(m), histograms(m.Profile))
	}
	if m.Filters != nil {
		r.Sections = append(r.Sections, rules(m))
	}
	if m.Profile != nil && m.Profile.Clusters != nil {
		r.Sections = append(r.Sections, clusters(m.Profile.Clusters))
	}
	if m.Dedup != nil && m.Dedup.Lines != nil {
		r.Sections = append(r.Sections, boilerplate(m.Dedup.Lines))
	}
	r.Sections = append(r.Sections, shards(m))
	if m.Run != nil {
		r.Sections = append(r.Sections, throughput(m))
	}
	if m.Profile != nil {
		r.Sections = append(r.Sections, samples(m.Profile))
	}
	if ps := passes(m.Filters); len(ps.Samples) > 0 {
		r.Sections = append(r.Sections, ps)
	}
	return r
}

// stage returns the stats of the named stage (zero when absent).
func stage(st *pipeline.Stats, name string) pipeline.StageStats {
	if st == nil {
		return pipeline.StageStats{}
	}
	for _, s := range st.Stages {
		if s.Name == name {
			return *s
		}
	}
	return pipeline.StageStats{}
}

// funnel: documents and characters kept and dropped by each stage, and the
// drops by reason.
func funnel(m *job.Manifest) Section {
	s := Section{ID: "funnel", Title: "Funnel", Note: "What every stage received, passed on and dropped, in pipeline order (ingest: records read; its drops are input problems). Characters are counted at the end of each document's way (as written, or as the dropping stage saw it)."}
	if m.Stats == nil {
		return s
	}
	dropChars := map[string]int64{} // by stage
	reasonChars := map[[2]string]int64{}
	var charsIn int64
	if p := m.Profile; p != nil {
		for _, src := range p.Sources {
			charsIn += src.Chars
		}
		for _, g := range p.Dropped {
			dropChars[g.Stage] += g.Chars
			reasonChars[[2]string{g.Stage, g.Reason}] = g.Chars
		}
	}
	docs := Chart{ID: "funnel-docs", Title: "Documents kept and dropped by stage", Unit: "docs",
		Series: []Series{{Name: "passed on"}, {Name: "dropped"}}}
	chars := Chart{ID: "funnel-chars", Title: "Characters kept and dropped by stage", Unit: "chars",
		Series: []Series{{Name: "passed on"}, {Name: "dropped"}}}
	t := Table{ID: "funnel-table", Head: []string{"stage", "in", "passed on", "dropped", "dropped chars", "chars passed on"},
		Right: []bool{false, true, true, true, true, true}}
	reasons := Table{ID: "funnel-reasons", Head: []string{"stage", "reason", "documents", "characters"}, Right: []bool{false, false, true, true}}
	left := charsIn
	for _, st := range m.Stats.Stages {
		dropped := st.DroppedTotal()
		if st.Name != pipeline.IngestStage {
			left -= dropChars[st.Name]
		}
		docs.Labels = append(docs.Labels, st.Name)
		docs.Series[0].Values = append(docs.Series[0].Values, float64(st.DocsOut))
		docs.Series[1].Values = append(docs.Series[1].Values, float64(dropped))
		row := []string{st.Name, count(st.DocsIn), count(st.DocsOut), count(dropped), "", ""}
		if m.Profile != nil && st.Name != pipeline.IngestStage {
			chars.Labels = append(chars.Labels, st.Name)
			chars.Series[0].Values = append(chars.Series[0].Values, float64(left))
			chars.Series[1].Values = append(chars.Series[1].Values, float64(dropChars[st.Name]))
			row[4], row[5] = count(dropChars[st.Name]), count(left)
		}
		t.Rows = append(t.Rows, row)
		for _, rs := range st.TopReasons(len(st.Dropped)) {
			c := ""
			if st.Name != pipeline.IngestStage && m.Profile != nil {
				c = count(reasonChars[[2]string{st.Name, rs.Reason}])
			}
			reasons.Rows = append(reasons.Rows, []string{st.Name, rs.Reason, count(rs.Count), c})
		}
	}
	s.Charts = append(s.Charts, docs)
	if m.Profile != nil {
		s.Charts = append(s.Charts, chars)
	}
	s.Tables = append(s.Tables, t, reasons)
	return s
}

// sources: each source's documents and characters in and kept, and its
// share of the dataset.
func sources(m *job.Manifest) Section {
	p := m.Profile
	s := Section{ID: "sources", Title: "Sources", Note: "Per source: documents and characters that reached the pipeline and that were written, and the share of the written characters and tokens."}
	docs := Chart{ID: "sources-docs", Title: "Documents per source", Unit: "docs", Series: []Series{{Name: "kept"}, {Name: "dropped"}}}
	chars := Chart{ID: "sources-chars", Title: "Characters per source", Unit: "chars", Series: []Series{{Name: "kept"}, {Name: "dropped"}}}
	t := Table{ID: "sources-table", Head: []string{"source", "docs in", "docs kept", "kept %", "chars in", "chars kept", "tokens kept", "share of chars %", "share of tokens %"},
		Right: []bool{false, true, true, true, true, true, true, true, true}}
	var allChars, allTokens int64
	for _, src := range p.Sources {
		allChars += src.KeptChars
		allTokens += src.KeptTokens
	}
	for _, src := range p.Sources {
		docs.Labels = append(docs.Labels, src.Name)
		docs.Series[0].Values = append(docs.Series[0].Values, float64(src.KeptDocs))
		docs.Series[1].Values = append(docs.Series[1].Values, float64(src.Docs-src.KeptDocs))
		chars.Labels = append(chars.Labels, src.Name)
		chars.Series[0].Values = append(chars.Series[0].Values, float64(src.KeptChars))
		chars.Series[1].Values = append(chars.Series[1].Values, float64(src.Chars-src.KeptChars))
		t.Rows = append(t.Rows, []string{src.Name, count(src.Docs), count(src.KeptDocs), pct(src.KeptDocs, src.Docs), count(src.Chars), count(src.KeptChars),
			count(src.KeptTokens), pct(src.KeptChars, allChars), pct(src.KeptTokens, allTokens)})
	}
	s.Charts = []Chart{docs, chars}
	s.Tables = []Table{t}
	return s
}

// histograms: length, tokens, Japanese and hiragana ratio.
func histograms(p *profile.Profile) Section {
	s := Section{ID: "histograms", Title: "Distributions", Note: "Documents by length (characters), tokens (written documents), Japanese ratio ((hiragana + katakana + kanji) / letters) and hiragana ratio (hiragana / Japanese letters), kept and dropped; bins [low, high)."}
	for _, h := range []struct {
		id, title string
		h         *profile.Histogram
		ratio     bool
	}{
		{"hist-length", "Length (characters)", p.Length, false},
		{"hist-tokens", "Tokens", p.Tokens, false},
		{"hist-japanese", "Japanese ratio", p.JapaneseRatio, true},
		{"hist-hiragana", "Hiragana ratio", p.HiraganaRatio, true},
	} {
		if h.h == nil {
			continue
		}
		s.Charts = append(s.Charts, histChart(h.id, h.title, h.h.Edges, h.h.Kept, h.h.Dropped, !h.ratio, "kept", "dropped"))
	}
	return s
}

// histChart makes the chart of a histogram with fixed edges, with its table
// (ID id-table), trimmed to the bins from the first to the last non-empty
// one when trim is set.
func histChart(id, title string, edges []float64, a, b []int64, trim bool, an, bn string) Chart {
	lo, hi := 0, len(a)
	if trim {
		lo, hi = len(a), 0
		for i := range a {
			if a[i] != 0 || (b != nil && b[i] != 0) {
				lo, hi = min(lo, i), max(hi, i+1)
			}
		}
		if lo >= hi {
			lo, hi = 0, 0
		}
	}
	c := Chart{ID: id, Title: title, Kind: Histogram, Unit: "docs", Series: []Series{{Name: an}}}
	t := Table{ID: id + "-table", Head: []string{"bin", an}, Right: []bool{false, true}}
	if b != nil {
		c.Series = append(c.Series, Series{Name: bn})
		t.Head = append(t.Head, bn)
		t.Right = append(t.Right, true)
	}
	for i := lo; i < hi; i++ {
		label := binLabel(edges, i, len(a))
		c.Labels = append(c.Labels, label)
		c.Series[0].Values = append(c.Series[0].Values, float64(a[i]))
		row := []string{label, count(a[i])}
		if b != nil {
			c.Series[1].Values = append(c.Series[1].Values, float64(b[i]))
			row = append(row, count(b[i]))
		}
		t.Rows = append(t.Rows, row)
	}
	c.Table = &t
	return c
}

// binLabel names bin i of n: "[lo, hi)", the last one "≥ lo".
func binLabel(edges []float64, i, n int) string {
	if i == n-1 || i+1 >= len(edges) {
		return "≥ " + strconv.FormatFloat(edges[i], 'g', -1, 64)
	}
	return "[" + strconv.FormatFloat(edges[i], 'g', -1, 64) + ", " + strconv.FormatFloat(edges[i+1], 'g', -1, 64) + ")"
}

// rules: per preset, each rule's documents scored, failed and the
// histogram of its scores (kept and failed).
func rules(m *job.Manifest) Section {
	s := Section{ID: "rules", Title: "Filter rules", Note: fmt.Sprintf("Mode %s. Per preset, in order: the documents each rule scored (in drop mode, those that passed every earlier rule), failed and the characters dropped, and the histogram of its scores, kept and failed.", m.Filters.Mode)}
	for _, pr := range m.Filters.Presets {
		sub := Section{TablesFirst: true, ID: "preset-" + pr.Name, Title: fmt.Sprintf("Preset %s (%s): %s documents, %s kept", pr.Name, strings.Join(pr.Sources, ", "), count(pr.Docs), count(pr.Kept))}
		t := Table{ID: "rules-" + pr.Name, Head: []string{"rule", "measure", "keep", "scored", "failed", "dropped chars"}, Right: []bool{false, false, false, true, true, true}}
		for _, st := range pr.Steps {
			if st.Rule == "" {
				t.Rows = append(t.Rows, []string{"transform " + st.Transform, "", "", "", "changed " + count(st.Changed), ""})
				continue
			}
			t.Rows = append(t.Rows, []string{st.Rule, st.Measure, st.Keep, count(st.Seen), count(st.Failed), count(st.DroppedChars)})
			if st.Histogram == nil || st.Histogram.N == 0 {
				continue
			}
			failed := make([]int64, len(st.Histogram.Counts))
			if st.FailedHistogram != nil {
				copy(failed, st.FailedHistogram.Counts)
			}
			keptCounts := make([]int64, len(st.Histogram.Counts))
			for i, n := range st.Histogram.Counts {
				keptCounts[i] = n - failed[i]
			}
			c := histChart("rule-"+pr.Name+"-"+st.Rule, fmt.Sprintf("%s: %s (keep %s)", st.Rule, st.Measure, st.Keep), st.Histogram.Edges, keptCounts, failed, true, "kept", "failed")
			sub.Charts = append(sub.Charts, c)
		}
		sub.Tables = []Table{t}
		s.Sub = append(s.Sub, sub)
	}
	return s
}

// clusters: near-duplicate cluster sizes.
func clusters(c *profile.Clusters) Section {
	s := Section{ID: "clusters", Title: "Near-duplicate clusters", Note: "A cluster is a document near dedup kept with the documents dropped as its near copies; exact copies are counted in the funnel."}
	s.Charts = []Chart{histChart("clusters-sizes", "Cluster sizes (documents)", c.Sizes.Edges, c.Sizes.Kept, nil, true, "clusters", "")}
	s.Tables = []Table{{ID: "clusters-summary", Head: []string{"clusters", "documents dropped into them", "largest", "copies of saved documents"}, Right: []bool{true, true, true, true},
		Rows: [][]string{{count(c.Clusters), count(c.Dropped), count(c.Largest), count(c.Saved)}}}}
	return s
}

// boilerplate: the most widespread removed lines.
func boilerplate(l *job.LinesReport) Section {
	s := Section{ID: "boilerplate", Title: "Boilerplate lines", Note: fmt.Sprintf("%s lines were found boilerplate; the most widespread removed ones, with the documents they were removed from.", count(int64(l.Boilerplate)))}
	c := Chart{ID: "boilerplate-lines", Title: "Removed lines (documents)", Unit: "docs", Series: []Series{{Name: "documents"}}}
	t := Table{ID: "boilerplate-table", Head: []string{"line", "documents", "lines removed"}, Right: []bool{false, true, true}}
	for _, ln := range l.Top {
		c.Labels = append(c.Labels, ln.Text)
		c.Series[0].Values = append(c.Series[0].Values, float64(ln.Docs))
		t.Rows = append(t.Rows, []string{ln.Text, count(ln.Docs), count(ln.Lines)})
	}
	if len(l.Top) > 0 {
		s.Charts = []Chart{c}
	}
	s.Tables = []Table{t}
	return s
}

// shards: tokens and rows per shard, and the balance.
func shards(m *job.Manifest) Section {
	s := Section{ID: "shards", Title: "Shards", Note: "Tokens per shard (rows when the run did not tokenize); the spread is max − min of the tokens."}
	c := Chart{ID: "shards-tokens", Title: "Tokens per shard", Unit: "tokens", Series: []Series{{Name: "tokens"}}}
	if m.Totals.Tokens == 0 {
		c = Chart{ID: "shards-rows", Title: "Rows per shard", Unit: "rows", Series: []Series{{Name: "rows"}}}
	}
	t := Table{ID: "shards-table", Head: []string{"shard", "rows", "tokens", "bytes"}, Right: []bool{false, true, true, true}}
	var lo, hi int64
	for i, sh := range m.Shards {
		c.Labels = append(c.Labels, sh.File)
		if m.Totals.Tokens == 0 {
			c.Series[0].Values = append(c.Series[0].Values, float64(sh.Rows))
		} else {
			c.Series[0].Values = append(c.Series[0].Values, float64(sh.Tokens))
		}
		t.Rows = append(t.Rows, []string{sh.File, count(sh.Rows), count(sh.Tokens), count(sh.Bytes)})
		if i == 0 || sh.Tokens < lo {
			lo = sh.Tokens
		}
		hi = max(hi, sh.Tokens)
	}
	s.Charts = []Chart{c}
	s.Tables = []Table{t, {ID: "shards-balance", Head: []string{"shards", "rows", "tokens", "fewest tokens", "most tokens", "spread"}, Right: []bool{true, true, true, true, true, true},
		Rows: [][]string{{count(int64(m.Totals.Shards)), count(m.Totals.Rows), count(m.Totals.Tokens), count(lo), count(hi), count(hi - lo)}}}}
	return s
}

// throughput: MB/s of text per busy second of every stage.
func throughput(m *job.Manifest) Section {
	s := Section{ID: "throughput", Title: "Throughput", Note: "Text bytes a stage received per second spent inside it (summed over its workers): per core. Busy times differ between runs; they come from the manifest's run section."}
	c := Chart{ID: "throughput-stages", Title: "MB/s per busy second", Unit: "MB/s", Series: []Series{{Name: "MB/s"}}}
	t := Table{ID: "throughput-table", Head: []string{"stage", "MB in", "busy seconds", "MB/s"}, Right: []bool{false, true, true, true}}
	for _, st := range m.Run.Stages {
		in := stage(m.Stats, st.Name).BytesIn
		if st.BusySeconds <= 0 {
			continue
		}
		rate := float64(in) / 1e6 / st.BusySeconds
		c.Labels = append(c.Labels, st.Name)
		c.Series[0].Values = append(c.Series[0].Values, roundTo(rate, 2))
		t.Rows = append(t.Rows, []string{st.Name, fmt.Sprintf("%.2f", float64(in)/1e6), fmt.Sprintf("%.3f", st.BusySeconds), fmt.Sprintf("%.2f", rate)})
	}
	if len(c.Labels) > 0 {
		s.Charts = []Chart{c}
	}
	s.Tables = []Table{t}
	return s
}

// samples: a few dropped documents per reason and kept ones per source.
func samples(p *profile.Profile) Section {
	s := Section{ID: "samples", Title: "Documents", Note: fmt.Sprintf("Up to %d documents per drop reason and per source, chosen by a hash of their key (the same every run), first %d characters.", profile.SampleSize, profile.SampleChars)}
	for _, g := range p.Dropped {
		s.Samples = append(s.Samples, SampleGroup{Title: fmt.Sprintf("dropped by %s: %s (%s documents)", g.Stage, g.Reason, count(g.Docs)), Docs: g.Samples})
	}
	for _, g := range p.Kept {
		s.Samples = append(s.Samples, SampleGroup{Title: fmt.Sprintf("kept from %s (%s documents)", g.Source, count(g.Docs)), Docs: g.Samples})
	}
	return s
}

// passes: per rule, the documents that passed it closest to its bound.
func passes(rep *filters.Report) Section {
	s := Section{ID: "passes", Title: "Closest passes", Note: fmt.Sprintf("Per rule, up to %d documents that passed it with the score closest to its bound (the same every run), first 200 characters: where each rule draws its line.", filters.PassedSamples)}
	if rep == nil {
		return s
	}
	for _, pr := range rep.Presets {
		for _, st := range pr.Steps {
			if st.Rule == "" || len(st.Passed) == 0 {
				continue
			}
			g := SampleGroup{Title: fmt.Sprintf("%s: %s %s (%s passed of %s scored)", pr.Name, st.Rule, st.Keep, count(st.Seen-st.Failed), count(st.Seen))}
			for _, p := range st.Passed {
				score := p.Score
				g.Docs = append(g.Docs, profile.Sample{Key: pipeline.Key(p.Key).String(), ID: p.ID, Source: p.Source, Score: &score, Chars: p.Chars, Text: p.Text})
			}
			s.Samples = append(s.Samples, g)
		}
	}
	return s
}

// count formats n with thousands separators.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// pct formats a/b as a percentage with one decimal ("" when b is 0).
func pct(a, b int64) string {
	if b == 0 {
		return ""
	}
	return strconv.FormatFloat(100*float64(a)/float64(b), 'f', 1, 64)
}

func roundTo(v float64, d int) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', d, 64), 64)
	return f
}

// Write renders the report of m into dir/report.html (shard.ReportName)
// through a temporary file (shard.ReportTemp) renamed into place, so
// readers see the old report or the new one.
func Write(dir string, m *job.Manifest) error {
	var b strings.Builder
	if err := Build(m).HTML(&b); err != nil {
		return err
	}
	tmp := filepath.Join(dir, shard.ReportTemp)
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err = io.WriteString(f, b.String())
	if err == nil {
		err = f.Sync()
	}
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, shard.ReportName))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("report: %w", err)
	}
	return fsync.Dir(dir)
}

// WriteDir reads dir/manifest.json and writes dir/report.html.
func WriteDir(dir string) error {
	m, err := job.ReadManifest(filepath.Join(dir, shard.ManifestName))
	if err != nil {
		return err
	}
	return Write(dir, m)
}
