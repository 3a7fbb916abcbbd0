package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/shard"
)

const lsUsage = `usage:
  jacorpus ls DIR
      lists a dataset's shards from its manifest.json (rows, tokens, bytes),
      with the totals, the token balance across shards and each source's
      share of rows and tokens, without reading the shards
`

// cmdLs lists a dataset from its manifest.
func cmdLs(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ls", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, lsUsage) }
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	m, err := shard.ReadManifest(filepath.Join(fs.Arg(0), shard.ManifestName))
	if err != nil {
		return exitErr(stderr, err)
	}
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\trows\ttokens\tbytes\t")
	var lo, hi int64 = -1, 0
	for _, s := range m.Shards {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", s.File, s.Rows, s.Tokens, s.Bytes)
		if lo < 0 || s.Tokens < lo {
			lo = s.Tokens
		}
		hi = max(hi, s.Tokens)
	}
	t := m.Totals
	fmt.Fprintf(tw, "total %d shards\t%d\t%d\t%d\t\n", t.Shards, t.Rows, t.Tokens, t.Bytes)
	tw.Flush()
	if t.Shards > 0 && hi > 0 {
		mean := float64(t.Tokens) / float64(t.Shards)
		fmt.Fprintf(stdout, "tokens per shard: min %d, max %d (spread %.1f%% of the mean, as in jacorpus stats)\n", lo, hi, 100*float64(hi-lo)/mean)
	}
	if len(m.Sources) > 0 {
		fmt.Fprintln(stdout, "\nsources:")
		tw = tabwriter.NewWriter(stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "source\trows\t%\ttokens\t%\t")
		for _, s := range m.Sources {
			fmt.Fprintf(tw, "%s\t%d\t%.1f\t%d\t%.1f\t\n", s.Source, s.Rows, pct(s.Rows, t.Rows), s.Tokens, pct(s.Tokens, t.Tokens))
		}
		tw.Flush()
	}
	fmt.Fprintf(stdout, "columns: %s; written by %s\n", strings.Join(m.Schema, ", "), m.Tool)
	return 0
}

// pct is 100·a/b, 0 when b is 0.
func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

const inspectUsage = `usage:
  jacorpus inspect [-n N] [--chars C] FILE
      prints the first N documents (default 3) of a shard: id, source,
      tokens, url, meta and the first C characters of the text (default 200)
`

// cmdInspect prints a few documents of a shard.
func cmdInspect(args []string, stdout, stderr io.Writer) (code int) {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, inspectUsage) }
	n := fs.Int("n", 3, "documents to print")
	chars := fs.Int("chars", 200, "characters of each text to print")
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if fs.NArg() != 1 || *n < 0 || *chars < 0 {
		fs.Usage()
		return 2
	}
	r, err := shard.OpenReader(fs.Arg(0))
	if err != nil {
		return exitErr(stderr, err)
	}
	defer r.Close()
	if n := r.NumRows(); n >= 0 {
		fmt.Fprintf(stdout, "%s: %d rows\n", fs.Arg(0), n)
	} else {
		fmt.Fprintf(stdout, "%s\n", fs.Arg(0))
	}
	rows := make([]shard.Row, 1)
	for i := 0; i < *n; i++ {
		k, err := r.Read(rows)
		if k == 0 {
			if err != nil && err != io.EOF {
				return exitErr(stderr, err)
			}
			break
		}
		d := rows[0]
		fmt.Fprintf(stdout, "\n[%d] id %s  source %s  tokens %d\n", i, d.ID, d.Source, d.Tokens)
		if d.URL != "" {
			fmt.Fprintf(stdout, "    url  %s\n", d.URL)
		}
		if d.Meta != "" && d.Meta != "{}" {
			fmt.Fprintf(stdout, "    meta %s\n", clip(d.Meta, *chars))
		}
		fmt.Fprintf(stdout, "    text %s\n", strings.ReplaceAll(clip(d.Text, *chars), "\n", "\n         "))
		if d.Wakati != "" {
			fmt.Fprintf(stdout, "    wakati %s\n", clip(d.Wakati, *chars))
		}
	}
	return 0
}

// clip returns the first n characters of s, with "…" when it is longer.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "…"
}
