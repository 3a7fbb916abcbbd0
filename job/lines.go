package job

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/dedup/lines"
	"github.com/jacorpus/jacorpus/extract"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/normalize"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/progress"
)

// LinesConfig turns on corpus-wide boilerplate line removal (see package
// dedup/lines): lines found in many documents are removed from all of them.
type LinesConfig struct {
	Enabled bool `yaml:"enabled" json:"enabled"`
	// MinDocs: a line in at least this many documents is boilerplate (0: off).
	MinDocs int64 `yaml:"min_docs" json:"min_docs"`
	// MinFraction: a line in at least this share of the documents is
	// boilerplate (0: off).
	MinFraction float64 `yaml:"min_fraction" json:"min_fraction"`
	// MaxChars and MinChars bound the length (in characters, spaces
	// trimmed) of the lines that are counted and removed.
	MaxChars int `yaml:"max_chars" json:"max_chars"`
	MinChars int `yaml:"min_chars" json:"min_chars"`
	// Top is how many of the most frequent removed lines the manifest lists.
	Top int `yaml:"top" json:"top"`
}

// DefaultLines returns the line settings used when dedup.lines is enabled
// without thresholds.
func DefaultLines() LinesConfig {
	return LinesConfig{MinFraction: 0.01, MinDocs: 0, MaxChars: 200, MinChars: 1, Top: 20}
}

// Options returns the settings of package lines.
func (c LinesConfig) Options() lines.Options {
	return lines.Options{MinDocs: c.MinDocs, MinFraction: c.MinFraction, MaxChars: c.MaxChars, MinChars: c.MinChars}
}

// LinesReport is the "lines" part of the manifest's dedup section.
type LinesReport struct {
	// Docs is the number of documents counted (min_fraction is a share of
	// it); a line counts each distinct text that has it once. Distinct is
	// the number of eligible distinct lines. Both are 0 in the filter phase
	// of a phased job (the counting was done by other processes).
	Docs     int64 `json:"docs,omitempty"`
	Distinct int   `json:"distinct_lines,omitempty"`
	// Boilerplate is the number of lines found boilerplate.
	Boilerplate int `json:"boilerplate_lines"`
	// Top lists the most widespread removed lines.
	Top []lines.Line `json:"top"`
}

// countLines is the first pass of a run with boilerplate line removal: it
// reads this task's input once more, normalizes it and counts the document
// frequency of every eligible line, each distinct text once.
func countLines(ctx context.Context, cfg *Config, files []ingest.File, workers int, log *slog.Logger, m progress.Meter) (*lines.Counts, error) {
	for _, f := range files {
		fi, err := os.Stat(f.RealPath())
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: dedup.lines reads the input twice, which a pipe or device cannot be", f.Path)
		}
	}
	counts := lines.NewCounts(cfg.Dedup.Lines.Options())
	exact := dedup.NewExact()
	count := &lineCounter{counts: counts, exact: exact}
	runner := &pipeline.Runner{Stages: []pipeline.Stage{extract.Stage{Config: cfg.Extract}, normalize.Stage{Options: cfg.Normalize}, count}, Workers: workers}
	src := ingest.NewSource(files, cfg.Inputs)
	src.MaxLineBytes, src.MaxDocBytes = int(cfg.MaxRecordBytes), int(cfg.MaxRecordBytes)
	log.Info("counting lines (first pass)", "files", len(files))
	if _, err := runReading(ctx, m, "counting lines", runner, src, files); err != nil {
		return nil, fmt.Errorf("counting lines: %w", err)
	}
	log.Info("lines counted", "docs", counts.Docs(), "distinct", counts.Lines())
	return counts, nil
}

// lineCounter is the counting stage of the first pass.
type lineCounter struct {
	counts *lines.Counts
	exact  *dedup.Exact
}

func (*lineCounter) Name() string { return "count_lines" }
func (*lineCounter) Sequential()  {}

func (c *lineCounter) Process(d *pipeline.Document) (string, error) {
	// A copied page must not make its own lines boilerplate: a line counts
	// distinct texts, out of all documents.
	if c.exact.Seen(d.Text) {
		c.counts.AddDocs(1)
	} else {
		c.counts.AddDocument(d.Text)
	}
	return "", nil
}

// LineStageName is the stats name of boilerplate line removal.
const LineStageName = "lines"

// lineStage strips boilerplate lines, in input order so that the tally's
// samples are the same whatever the worker count.
type lineStage struct {
	set   *lines.Set
	tally lines.Tally
	top   int
}

func (*lineStage) Name() string { return LineStageName }
func (*lineStage) Sequential()  {}

func (s *lineStage) Process(d *pipeline.Document) (string, error) {
	out, n := s.set.Strip(d.Text, &s.tally)
	if n > 0 {
		d.Text = out
	}
	return "", nil
}

// report is the manifest's lines section; counts is nil in a phased run,
// whose counting happened in other processes.
func (s *lineStage) report(counts *lines.Counts) *LinesReport {
	r := &LinesReport{Boilerplate: s.set.Len(), Top: s.tally.Top(s.top)}
	if counts != nil {
		r.Docs, r.Distinct = counts.Docs(), counts.Lines()
	}
	return r
}
