package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/dedup/lines"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/profile"
	"github.com/jacorpus/jacorpus/shard"
)

// sampleRun runs configs/default.yaml (the bundled real sample: laws, Diet
// speeches, literature, web pages) with boilerplate lines on, once per test
// binary, and returns the committed dataset's directory and manifest, read
// back from disk.
var sampleRun = sync.OnceValues(func() (string, error) {
	cfg, err := job.Load("../configs/default.yaml")
	if err != nil {
		return "", err
	}
	for i := range cfg.Inputs {
		cfg.Inputs[i].Path = filepath.Join("..", cfg.Inputs[i].Path)
	}
	dir, err := os.MkdirTemp("", "jacorpus-report-test-")
	if err != nil {
		return "", err
	}
	cfg.Output.Dir = filepath.Join(dir, "out")
	cfg.Dedup.Lines.Enabled = true
	cfg.Dedup.Lines.MinFraction = 0.05
	cfg.Dedup.Lines.MinDocs = 5
	_, err = job.Run(context.Background(), cfg, job.Options{BeforeCommit: Write})
	return cfg.Output.Dir, err
})

func sample(t *testing.T) (string, *job.Manifest) {
	t.Helper()
	dir, err := sampleRun()
	if err != nil {
		t.Fatal(err)
	}
	m, err := job.ReadManifest(filepath.Join(dir, shard.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := sampleRun(); err == nil && dir != "" {
		os.RemoveAll(filepath.Dir(dir))
	}
	os.Exit(code)
}

// tables parses the page and returns every table by id, as rows of cell
// texts (the header row first).
func tables(t *testing.T, page []byte) map[string][][]string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][][]string{}
	var text func(n *html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "table" {
			id := attr(n, "id")
			var rows [][]string
			var cells func(n *html.Node)
			cells = func(n *html.Node) {
				if n.Type == html.ElementNode && n.Data == "tr" {
					var row []string
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
							row = append(row, text(c))
						}
					}
					rows = append(rows, row)
					return
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					cells(c)
				}
			}
			cells(n)
			out[id] = rows
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// n parses a table cell's count ("1,234").
func n(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
	if err != nil {
		t.Fatalf("cell %q: %v", s, err)
	}
	return v
}

// TestReportNumbersEqualManifest renders the sample run's report.html (as
// run --report committed it) and checks its tables against the manifest:
// the funnel against the stats, the drops by reason against the stats and
// the profile, the sources against the shard-level per-source totals, the
// histograms' totals against the documents read and written, the clusters
// against near dedup's drops, the shards against the shard list.
func TestReportNumbersEqualManifest(t *testing.T) {
	dir, m := sample(t)
	page, err := os.ReadFile(filepath.Join(dir, shard.ReportName))
	if err != nil {
		t.Fatal(err)
	}
	tb := tables(t, page)
	ing := stage(m.Stats, pipeline.IngestStage)

	summary := map[string]string{}
	for _, row := range tb["summary"] {
		summary[row[0]] = row[1]
	}
	if n(t, summary["documents read"]) != ing.DocsOut || n(t, summary["documents written"]) != m.Totals.Rows || n(t, summary["tokens"]) != m.Totals.Tokens {
		t.Errorf("summary %v; manifest: %d read, %d rows, %d tokens", summary, ing.DocsOut, m.Totals.Rows, m.Totals.Tokens)
	}

	funnel := tb["funnel-table"][1:]
	if len(funnel) != len(m.Stats.Stages) {
		t.Fatalf("funnel: %d rows, %d stages", len(funnel), len(m.Stats.Stages))
	}
	var lastChars int64
	for i, st := range m.Stats.Stages {
		row := funnel[i]
		if row[0] != st.Name || n(t, row[1]) != st.DocsIn || n(t, row[2]) != st.DocsOut || n(t, row[3]) != st.DroppedTotal() {
			t.Errorf("funnel row %v, stage %+v", row, *st)
		}
		if row[5] != "" {
			lastChars = n(t, row[5])
		}
	}
	var keptChars, keptTokens int64
	for _, s := range m.Profile.Sources {
		keptChars += s.KeptChars
		keptTokens += s.KeptTokens
	}
	if lastChars != keptChars || keptTokens != m.Totals.Tokens {
		t.Errorf("funnel ends with %d characters, the sources kept %d; %d tokens kept, %d in the shards", lastChars, keptChars, keptTokens, m.Totals.Tokens)
	}

	reasons := tb["funnel-reasons"][1:]
	var want int
	for _, st := range m.Stats.Stages {
		want += len(st.Dropped)
	}
	if len(reasons) != want || want == 0 {
		t.Errorf("%d reasons listed, the stats have %d", len(reasons), want)
	}
	for _, row := range reasons {
		st := stage(m.Stats, row[0])
		if n(t, row[2]) != st.Dropped[row[1]] {
			t.Errorf("reason %v: stats say %d", row, st.Dropped[row[1]])
		}
		if row[0] == pipeline.IngestStage {
			continue
		}
		g := group(m.Profile.Dropped, row[0], row[1])
		if g == nil || g.Docs != st.Dropped[row[1]] || n(t, row[3]) != g.Chars {
			t.Errorf("reason %v: profile %+v, stats %d", row, g, st.Dropped[row[1]])
		}
	}

	bySource := map[string]shard.SourceTotals{}
	for _, s := range m.Sources {
		bySource[s.Source] = s
	}
	var docsIn int64
	rows := tb["sources-table"][1:]
	if len(rows) != len(m.Profile.Sources) || len(rows) < 5 {
		t.Fatalf("%d source rows, %d sources in the profile", len(rows), len(m.Profile.Sources))
	}
	for _, row := range rows {
		s := bySource[row[0]]
		docsIn += n(t, row[1])
		if n(t, row[2]) != s.Rows || n(t, row[6]) != s.Tokens {
			t.Errorf("source row %v; shards say %+v", row, s)
		}
	}
	if docsIn != ing.DocsOut {
		t.Errorf("sources: %d documents in, ingest gave %d", docsIn, ing.DocsOut)
	}

	for _, id := range []string{"hist-length-table", "hist-tokens-table"} {
		var kept, dropped int64
		rows := tb[id][1:]
		for _, row := range rows {
			kept += n(t, row[1])
			if len(row) > 2 {
				dropped += n(t, row[2])
			}
		}
		wantDropped := ing.DocsOut - m.Totals.Rows
		if id == "hist-tokens-table" {
			wantDropped = 0
		}
		if kept != m.Totals.Rows || dropped != wantDropped || len(rows) < 3 {
			t.Errorf("%s: %d kept, %d dropped in %d bins; want %d, %d", id, kept, dropped, len(rows), m.Totals.Rows, wantDropped)
		}
	}

	cl := tb["clusters-summary"]
	nearStats := stage(m.Stats, dedup.NearStageName)
	near := nearStats.DroppedTotal()
	if len(cl) != 2 || n(t, cl[1][1])+n(t, cl[1][3]) != near || near == 0 {
		t.Errorf("clusters %v; near dedup dropped %d", cl, near)
	}

	sh := tb["shards-table"][1:]
	if len(sh) != len(m.Shards) {
		t.Fatalf("%d shard rows, %d shards", len(sh), len(m.Shards))
	}
	for i, s := range m.Shards {
		if sh[i][0] != s.File || n(t, sh[i][1]) != s.Rows || n(t, sh[i][2]) != s.Tokens || n(t, sh[i][3]) != s.Bytes {
			t.Errorf("shard row %v, manifest %+v", sh[i], s)
		}
	}

	if m.Dedup == nil || m.Dedup.Lines == nil || len(m.Dedup.Lines.Top) == 0 {
		t.Fatal("the sample run removed no boilerplate line: the section is not exercised")
	}
	bl := tb["boilerplate-table"][1:]
	for i, l := range m.Dedup.Lines.Top {
		if bl[i][0] != l.Text || n(t, bl[i][1]) != l.Docs {
			t.Errorf("boilerplate row %v, manifest %+v", bl[i], l)
		}
	}
}

// TestClosestPasses: the report shows, per rule, the passes closest to
// its bound that the manifest's filter report holds, in its order.
func TestClosestPasses(t *testing.T) {
	_, m := sample(t)
	sec := passes(m.Filters)
	var want []string
	for _, pr := range m.Filters.Presets {
		for _, st := range pr.Steps {
			for _, p := range st.Passed {
				want = append(want, p.ID)
			}
		}
	}
	var got []string
	for _, g := range sec.Samples {
		for _, d := range g.Docs {
			got = append(got, d.ID)
			if d.Score == nil || d.Text == "" {
				t.Errorf("%s: sample %+v", g.Title, d)
			}
		}
	}
	if len(want) == 0 || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("passes shown %v, manifest %v", got, want)
	}
	var b strings.Builder
	if err := Build(m).HTML(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `id="passes"`) {
		t.Errorf("no closest passes section in the page")
	}
}

func group(gs []profile.Group, stage, reason string) *profile.Group {
	for i := range gs {
		if gs[i].Stage == stage && gs[i].Reason == reason {
			return &gs[i]
		}
	}
	return nil
}

// TestDeterministic: the same manifest gives the same bytes, HTML and
// Markdown, and report.html is what the committed dataset holds.
func TestDeterministic(t *testing.T) {
	dir, m := sample(t)
	var a, b, ma, mb bytes.Buffer
	if err := Build(m).HTML(&a); err != nil {
		t.Fatal(err)
	}
	m2, err := job.ReadManifest(filepath.Join(dir, shard.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := Build(m2).HTML(&b); err != nil {
		t.Fatal(err)
	}
	Build(m).Markdown(&ma)
	Build(m2).Markdown(&mb)
	if !bytes.Equal(a.Bytes(), b.Bytes()) || !bytes.Equal(ma.Bytes(), mb.Bytes()) {
		t.Fatal("two renderings of one manifest differ")
	}
	onDisk, err := os.ReadFile(filepath.Join(dir, shard.ReportName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, a.Bytes()) {
		t.Error("report.html committed with the dataset differs from a rendering of its manifest")
	}
	res, err := shard.Verify(dir, true)
	if err != nil || len(res.Problems) > 0 {
		t.Errorf("verify with report.html: %v %v", err, res.Problems)
	}
	if !strings.Contains(ma.String(), "| kokkai |") || !strings.Contains(ma.String(), "## Funnel") {
		t.Errorf("Markdown lacks the sources or the funnel:\n%.2000s", ma.String())
	}
}

// TestEscapesDocumentText renders a manifest whose samples, sources and
// boilerplate lines hold markup: none of it reaches the page as markup.
func TestEscapesDocumentText(t *testing.T) {
	evil := `</pre><script>alert(1)</script><img src=x onerror=alert(2)>`
	p := profile.New(false)
	r := profile.NewRecorder(false)
	r.Dropped("filters", "too_short", &pipeline.Document{ID: evil, Source: evil, Text: evil + "本文"})
	r.Kept(&pipeline.Document{ID: "a", Source: `"><svg onload=alert(3)>`, Text: evil})
	if err := p.Merge(r.Profile()); err != nil {
		t.Fatal(err)
	}
	m := &job.Manifest{Stats: &pipeline.Stats{}, Profile: p, Dedup: &job.DedupReport{Lines: &job.LinesReport{}}}
	m.Dedup.Lines.Top = append(m.Dedup.Lines.Top, lineOf(evil))
	var b bytes.Buffer
	if err := Build(m).HTML(&b); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "img":
				bad = append(bad, n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					bad = append(bad, a.Key)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(bad) > 0 {
		t.Errorf("markup from the input reached the page: %v", bad)
	}
	if !strings.Contains(b.String(), "&lt;script&gt;alert(1)") {
		t.Error("the sample text is not shown (escaped)")
	}
}

func lineOf(text string) lines.Line { return lines.Line{Text: text, Docs: 3, Lines: 4} }

// TestEveryChartHasTable: every chart of the sample's page is followed, in
// its figure, by a table with one row per bar.
func TestEveryChartHasTable(t *testing.T) {
	dir, _ := sample(t)
	page, err := os.ReadFile(filepath.Join(dir, shard.ReportName))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	figures := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "figure" {
			figures++
			var chart string
			bars, rows := -1, 0
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode {
					continue
				}
				switch c.Data {
				case "svg":
					chart = attr(c, "data-chart")
					bars, _ = strconv.Atoi(attr(c, "data-bars"))
				case "table":
					rows = countTR(c)
				}
			}
			if chart == "" || rows != bars+1 {
				t.Errorf("figure of chart %q: %d bars, a table of %d rows (want a header and one per bar)", chart, bars, rows)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if figures < 10 {
		t.Errorf("%d charts in the sample's report; want every section's", figures)
	}
}

// countTR counts the tr elements under n.
func countTR(n *html.Node) int {
	k := 0
	if n.Type == html.ElementNode && n.Data == "tr" {
		k++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		k += countTR(c)
	}
	return k
}
