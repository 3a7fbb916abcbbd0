package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/report"
	"github.com/jacorpus/jacorpus/shard"
)

const reportUsage = `usage:
  jacorpus report [--format html|md] DIR
      renders a dataset's manifest.json as a report: the funnel (documents
      and characters kept and dropped by stage and reason), the sources'
      shares, histograms of length, tokens, Japanese and hiragana ratio and
      of each filter rule's scores, near-duplicate clusters, boilerplate
      lines, shard balance, throughput and a few kept and dropped documents.
      html (the default) writes DIR/report.html, one self-contained file
      (inline SVG, no script, nothing fetched); md prints Markdown to stdout.
      jacorpus run --report writes report.html with the dataset.
`

// cmdReport writes a dataset's report.
func cmdReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, reportUsage) }
	format := fs.String("format", "html", "html (writes DIR/report.html) or md (Markdown to stdout)")
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	dir := fs.Arg(0)
	switch *format {
	case "html":
		if err := report.WriteDir(dir); err != nil {
			return exitErr(stderr, err)
		}
		fmt.Fprintln(stdout, filepath.Join(dir, shard.ReportName))
		return 0
	case "md", "markdown":
		m, err := job.ReadManifest(filepath.Join(dir, shard.ManifestName))
		if err != nil {
			return exitErr(stderr, err)
		}
		if err := report.Build(m).Markdown(stdout); err != nil {
			return exitErr(stderr, err)
		}
		return 0
	}
	fmt.Fprintf(stderr, "jacorpus report: --format %q: want html or md\n", *format)
	return 2
}
