package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/job"
)

const filtersUsage = `usage:
  jacorpus filters [-c CFG]                 list the presets (with the config's changes)
  jacorpus filters [-c CFG] show PRESET     the steps of a preset: rule, measure, bound, source
  jacorpus filters measures                 every measure a rule can read, with its definition
  jacorpus filters [-c CFG] sql [PRESET…]   a DuckDB condition that re-applies the bounds to an
                                            annotated dataset (filters.mode: annotate):
                                            SELECT * FROM read_parquet('out/*.parquet') WHERE <condition>
  jacorpus filters [-c CFG] apply -o OUT [--overwrite] ANNOTATED_DIR
                                            the same as a new dataset: the documents that pass
`

// cmdFilters shows presets and measures, and prints the re-threshold SQL.
func cmdFilters(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("filters", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, filtersUsage) }
	cfgPath := fs.String("c", "", "config file whose filters section changes the presets")
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	fc := filters.DefaultConfig()
	if *cfgPath != "" {
		cfg, err := job.Load(*cfgPath)
		if err != nil {
			return exitErr(stderr, err)
		}
		fc = cfg.Filters
		if err := fc.Validate(); err != nil {
			return exitErr(stderr, fmt.Errorf("%s: %w", *cfgPath, err))
		}
	}
	rest := fs.Args()
	cmd := ""
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	defer tw.Flush()
	switch cmd {
	case "", "list":
		fmt.Fprintln(tw, "preset\trules\ttitle")
		for _, name := range fc.Names() {
			p, err := fc.Preset(name)
			if err != nil {
				return exitErr(stderr, err)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\n", name, len(p.Steps), p.Title)
		}
		fmt.Fprintf(tw, "\ntransforms: %s\n", strings.Join(filters.Transforms(), ", "))
		return 0
	case "show":
		if len(rest) != 1 {
			fmt.Fprint(stderr, filtersUsage)
			return 2
		}
		p, err := fc.Preset(rest[0])
		if err != nil {
			return exitErr(stderr, err)
		}
		fmt.Fprintf(tw, "%s: %s\n", p.Name, p.Title)
		if p.Reference != "" {
			fmt.Fprintf(tw, "%s\n", p.Reference)
		}
		fmt.Fprintln(tw, "\nstep\trule\tmeasure\tkeep when\tlist\tsource")
		for i, s := range p.Steps {
			if s.Transform != "" {
				fmt.Fprintf(tw, "%d\t[transform %s]\t\t\t\t%s\n", i+1, s.Transform, s.Cite)
				continue
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", i+1, s.Rule, s.Measure, s.Keep, s.List, s.Cite)
		}
		for _, off := range p.Off {
			fmt.Fprintf(tw, "off\t%s\n", off)
		}
		return 0
	case "measures":
		fmt.Fprintln(tw, "measure\tkind\tlist\tdefinition")
		for _, m := range filters.Measures() {
			list := ""
			if m.List != filters.NoList {
				list = m.List.String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Name, m.Kind, list, m.Doc)
		}
		return 0
	case "apply":
		tw.Flush()
		return cmdApply(ctx, fc, rest, stdout, stderr)
	case "sql":
		names := rest
		if len(names) == 0 {
			names = fc.Names()
		}
		q, err := filters.SQL(fc, names...)
		if err != nil {
			return exitErr(stderr, err)
		}
		fmt.Fprintln(stdout, q)
		return 0
	}
	return exitErr(stderr, errors.New("filters: unknown subcommand "+cmd+"\n"+filtersUsage))
}

// cmdApply re-thresholds an annotated dataset into a new one.
func cmdApply(ctx context.Context, fc filters.Config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("filters apply", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output directory of the new dataset (required)")
	overwrite := fs.Bool("overwrite", false, "replace a previous dataset in -o")
	size := job.ByteSize(256 << 20)
	fs.Var(&size, "shard-size", "close a shard at about this many bytes")
	rows := fs.Int64("shard-rows", 0, "close a shard at this many rows (0: no limit)")
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if *out == "" || fs.NArg() != 1 {
		fmt.Fprint(stderr, "usage: jacorpus filters [-c CFG] apply -o OUT [--overwrite] [--shard-size S] ANNOTATED_DIR\n")
		return 2
	}
	m, err := job.ApplyFilters(ctx, job.ApplyOptions{In: fs.Arg(0), Out: *out, Filters: fc, ShardSize: size, ShardRows: *rows, Overwrite: *overwrite})
	if err != nil {
		return exitErr(stderr, err)
	}
	st := m.Stats.Stage(filters.StageName)
	var reasons []string
	for _, r := range st.TopReasons(10) {
		reasons = append(reasons, fmt.Sprintf("%s=%d", r.Reason, r.Count))
	}
	fmt.Fprintf(stdout, "%s: %d of %d documents kept, %d shards; dropped: %s\n", *out, st.DocsOut, st.DocsIn, len(m.Shards), strings.Join(reasons, " "))
	return 0
}
