package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/shard"
)

const statsUsage = `usage:
  jacorpus stats [--json] DIR
      summarises a dataset from its manifest.json alone (no shard is read):
      totals, each source's share of rows, tokens and text bytes, the balance
      of tokens and rows across shards and their sizes, the run's funnel
      (documents in, kept by each stage, dropped by reason), the config
      fingerprint and the tool; --json prints it as one JSON object
`

// datasetStats is what jacorpus stats reports; its JSON form is the --json
// output (keys in field order).
type datasetStats struct {
	Manifest        string        `json:"manifest"`
	Tool            string        `json:"tool"`
	ManifestVersion int           `json:"manifest_version"`
	ConfigSHA256    string        `json:"config_sha256,omitempty"`
	RunID           string        `json:"run_id,omitempty"`
	Task            *job.TaskInfo `json:"task,omitempty"`
	Columns         []string      `json:"columns"`
	Totals          statsTotals   `json:"totals"`
	Sources         []statsSource `json:"sources"`
	// Shards is absent when the manifest lists no shard.
	Shards *shardBalance `json:"shards,omitempty"`
	// Funnel is absent when the manifest has no run stats.
	Funnel *statsFunnel `json:"funnel,omitempty"`
}

// statsTotals is the manifest's totals plus the sources' text bytes.
type statsTotals struct {
	Shards int   `json:"shards"`
	Rows   int64 `json:"rows"`
	Tokens int64 `json:"tokens"`
	Bytes  int64 `json:"bytes"`
	// TextBytes sums the sources' text bytes (absent without sources).
	TextBytes *int64 `json:"text_bytes,omitempty"`
}

// statsSource is one source's totals and its shares (percent) of the dataset.
type statsSource struct {
	Source       string  `json:"source"`
	Rows         int64   `json:"rows"`
	RowsPct      float64 `json:"rows_pct"`
	Tokens       int64   `json:"tokens"`
	TokensPct    float64 `json:"tokens_pct"`
	TextBytes    int64   `json:"text_bytes"`
	TextBytesPct float64 `json:"text_bytes_pct"`
}

// shardBalance describes how evenly rows, tokens and bytes spread over the
// shards.
type shardBalance struct {
	Tokens spread    `json:"tokens"`
	Rows   spread    `json:"rows"`
	Bytes  sizeDist  `json:"bytes"`
	Most   shardSize `json:"largest"`  // most tokens (first such in order)
	Least  shardSize `json:"smallest"` // fewest tokens (first such in order)
}

// spread is a per-shard quantity's range: Spread = Max-Min, SpreadPct its
// percentage of Mean.
type spread struct {
	Min       int64   `json:"min"`
	Max       int64   `json:"max"`
	Mean      float64 `json:"mean"`
	Spread    int64   `json:"spread"`
	SpreadPct float64 `json:"spread_pct_of_mean"`
}

// sizeDist is the shard file sizes' distribution; Median is the mean of
// the two middle sizes (rounded down) for an even count.
type sizeDist struct {
	Min    int64 `json:"min"`
	Median int64 `json:"median"`
	Max    int64 `json:"max"`
}

// shardSize names a shard with its rows, tokens and bytes.
type shardSize struct {
	File   string `json:"file"`
	Rows   int64  `json:"rows"`
	Tokens int64  `json:"tokens"`
	Bytes  int64  `json:"bytes"`
}

// statsFunnel is the run's document flow from the manifest's stats.
type statsFunnel struct {
	// DocumentsIn is what the first stage received (records read), DocumentsOut
	// what the last one passed on (rows written).
	DocumentsIn  int64         `json:"documents_in"`
	DocumentsOut int64         `json:"documents_out"`
	Stages       []funnelStage `json:"stages"`
	// Problems counts input problems (bad records), SkippedRecords the
	// records that are not documents by reason (WARC), DuplicateIDs the rows
	// whose id an earlier row had.
	Problems       int64            `json:"problems"`
	SkippedRecords map[string]int64 `json:"skipped_records"`
	DuplicateIDs   int64            `json:"duplicate_ids"`
	// InputFiles counts the input files by status (ok, skipped, …).
	InputFiles map[string]int `json:"input_files"`
}

// funnelStage is one stage's documents in and out and its drops by reason.
type funnelStage struct {
	Name    string           `json:"name"`
	In      int64            `json:"in"`
	Out     int64            `json:"out"`
	Dropped int64            `json:"dropped"`
	Reasons map[string]int64 `json:"dropped_by_reason"`
}

// cmdStats summarises a dataset from its manifest.
func cmdStats(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, statsUsage) }
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	path := filepath.Join(fs.Arg(0), shard.ManifestName)
	m, err := job.ReadManifest(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if tasks, _ := filepath.Glob(filepath.Join(fs.Arg(0), "task-*", shard.ManifestName)); len(tasks) > 0 {
				err = fmt.Errorf("%w (a job of several tasks: give one task's directory, such as %s)", err, filepath.Dir(tasks[0]))
			}
		}
		return exitErr(stderr, err)
	}
	st := summarise(path, m)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(st); err != nil {
			return exitErr(stderr, err)
		}
		return 0
	}
	printStats(stdout, st)
	return 0
}

// summarise computes the stats of the manifest m read from path.
func summarise(path string, m *job.Manifest) *datasetStats {
	st := &datasetStats{
		Manifest:        path,
		Tool:            m.Tool,
		ManifestVersion: m.Version,
		ConfigSHA256:    m.ConfigSHA256,
		Task:            m.Task,
		Columns:         m.Schema,
		Sources:         []statsSource{},
		Totals: statsTotals{Shards: m.Totals.Shards, Rows: m.Totals.Rows, Tokens: m.Totals.Tokens,
			Bytes: m.Totals.Bytes},
	}
	if m.Run != nil {
		st.RunID = m.Run.RunID
	}
	if len(m.Sources) > 0 {
		var text int64
		for _, s := range m.Sources {
			text += s.TextBytes
		}
		st.Totals.TextBytes = &text
		for _, s := range m.Sources {
			st.Sources = append(st.Sources, statsSource{
				Source: s.Source,
				Rows:   s.Rows, RowsPct: pct(s.Rows, m.Totals.Rows),
				Tokens: s.Tokens, TokensPct: pct(s.Tokens, m.Totals.Tokens),
				TextBytes: s.TextBytes, TextBytesPct: pct(s.TextBytes, text),
			})
		}
	}
	if len(m.Shards) > 0 {
		st.Shards = balance(m.Shards)
	}
	if m.Stats != nil {
		st.Funnel = funnel(m)
	}
	return st
}

// balance describes shards (at least one).
func balance(shards []shard.Info) *shardBalance {
	b := &shardBalance{
		Tokens: spreadOf(shards, func(s shard.Info) int64 { return s.Tokens }),
		Rows:   spreadOf(shards, func(s shard.Info) int64 { return s.Rows }),
	}
	most, least := shards[0], shards[0]
	sizes := make([]int64, len(shards))
	for i, s := range shards {
		if s.Tokens > most.Tokens {
			most = s
		}
		if s.Tokens < least.Tokens {
			least = s
		}
		sizes[i] = s.Bytes
	}
	b.Most = shardSize{most.File, most.Rows, most.Tokens, most.Bytes}
	b.Least = shardSize{least.File, least.Rows, least.Tokens, least.Bytes}
	sort.Slice(sizes, func(i, j int) bool { return sizes[i] < sizes[j] })
	n := len(sizes)
	b.Bytes = sizeDist{Min: sizes[0], Max: sizes[n-1], Median: sizes[n/2]}
	if n%2 == 0 {
		b.Bytes.Median = (sizes[n/2-1] + sizes[n/2]) / 2
	}
	return b
}

// spreadOf is the spread of v over shards (at least one).
func spreadOf(shards []shard.Info, v func(shard.Info) int64) spread {
	s := spread{Min: v(shards[0]), Max: v(shards[0])}
	var sum int64
	for _, sh := range shards {
		x := v(sh)
		s.Min, s.Max = min(s.Min, x), max(s.Max, x)
		sum += x
	}
	s.Mean = float64(sum) / float64(len(shards))
	s.Spread = s.Max - s.Min
	if s.Mean > 0 {
		s.SpreadPct = 100 * float64(s.Spread) / s.Mean
	}
	return s
}

// funnel gathers the stage counts, problems, skipped records and input
// file statuses of m (whose Stats is set).
func funnel(m *job.Manifest) *statsFunnel {
	f := &statsFunnel{
		Problems:       m.Stats.ProblemsTotal,
		DuplicateIDs:   m.DuplicateIDs,
		SkippedRecords: map[string]int64{},
		InputFiles:     map[string]int{},
		Stages:         []funnelStage{},
	}
	for _, s := range m.Stats.Stages {
		reasons := map[string]int64{}
		for r, n := range s.Dropped {
			reasons[r] = n
		}
		f.Stages = append(f.Stages, funnelStage{s.Name, s.DocsIn, s.DocsOut, s.DroppedTotal(), reasons})
	}
	if n := len(f.Stages); n > 0 {
		f.DocumentsIn, f.DocumentsOut = f.Stages[0].In, f.Stages[n-1].Out
	}
	for _, in := range m.Inputs {
		f.InputFiles[in.Status]++
		for r, n := range in.Skipped {
			f.SkippedRecords[r] += n
		}
	}
	return f
}

// printStats writes st as text.
func printStats(w io.Writer, st *datasetStats) {
	fmt.Fprintf(w, "%s: written by %s (manifest version %d)\n", st.Manifest, st.Tool, st.ManifestVersion)
	if st.ConfigSHA256 != "" {
		fmt.Fprintf(w, "config_sha256 %s\n", st.ConfigSHA256)
	}
	if st.RunID != "" {
		fmt.Fprintf(w, "run_id %s\n", st.RunID)
	}
	if t := st.Task; t != nil && t.Count > 1 {
		fmt.Fprintf(w, "task %d of %d (%d of the job's %d files)\n", t.Index, t.Count, t.Files, t.JobFiles)
	}
	fmt.Fprintf(w, "columns: %s\n", strings.Join(st.Columns, ", "))
	t := st.Totals
	fmt.Fprintf(w, "\ntotal: %d shards, %d rows, %d tokens, %d bytes (%.1f MB)", t.Shards, t.Rows, t.Tokens, t.Bytes, mb(t.Bytes))
	if t.TextBytes != nil {
		fmt.Fprintf(w, ", %d text bytes (%.1f MB)", *t.TextBytes, mb(*t.TextBytes))
	}
	fmt.Fprintln(w)

	if len(st.Sources) > 0 {
		fmt.Fprintln(w, "\nsources:")
		tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "source\trows\t%\ttokens\t%\ttext bytes\t%\t")
		for _, s := range st.Sources {
			fmt.Fprintf(tw, "%s\t%d\t%.1f\t%d\t%.1f\t%d\t%.1f\t\n", s.Source, s.Rows, s.RowsPct, s.Tokens, s.TokensPct, s.TextBytes, s.TextBytesPct)
		}
		tw.Flush()
	}

	if b := st.Shards; b != nil {
		fmt.Fprintln(w, "\nper shard:")
		tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "\tmin\tmax\tmean\tspread\t% of mean\t")
		for _, r := range []struct {
			name string
			s    spread
		}{{"tokens", b.Tokens}, {"rows", b.Rows}} {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%d\t%.1f\t\n", r.name, r.s.Min, r.s.Max, r.s.Mean, r.s.Spread, r.s.SpreadPct)
		}
		tw.Flush()
		fmt.Fprintf(w, "largest %s (%d tokens, %d rows), smallest %s (%d tokens, %d rows)\n",
			b.Most.File, b.Most.Tokens, b.Most.Rows, b.Least.File, b.Least.Tokens, b.Least.Rows)
		fmt.Fprintf(w, "shard bytes: min %d, median %d, max %d\n", b.Bytes.Min, b.Bytes.Median, b.Bytes.Max)
	}

	f := st.Funnel
	if f == nil {
		fmt.Fprintln(w, "\nno run stats in the manifest")
		return
	}
	fmt.Fprintf(w, "\nfunnel: %d documents in, %d out\n", f.DocumentsIn, f.DocumentsOut)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "stage\tin\tout\tdropped\tby reason")
	for _, s := range f.Stages {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", s.Name, s.In, s.Out, s.Dropped, reasonList(s.Reasons))
	}
	tw.Flush()
	var files []string
	for status, n := range f.InputFiles {
		files = append(files, fmt.Sprintf("%s=%d", status, n))
	}
	sort.Strings(files)
	var skipped int64
	for _, n := range f.SkippedRecords {
		skipped += n
	}
	fmt.Fprintf(w, "input files: %s; problems %d; records skipped (not documents) %d", strings.Join(files, " "), f.Problems, skipped)
	if skipped > 0 {
		fmt.Fprintf(w, " (%s)", reasonList(f.SkippedRecords))
	}
	fmt.Fprintf(w, "; duplicate ids %d\n", f.DuplicateIDs)
}

// reasonList formats counts by reason, most frequent first (ties by name).
func reasonList(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j]
	})
	for i, k := range keys {
		keys[i] = fmt.Sprintf("%s=%d", k, m[k])
	}
	return strings.Join(keys, " ")
}

// mb is n bytes in (decimal) megabytes, as the run summary prints them.
func mb(n int64) float64 { return float64(n) / 1e6 }
