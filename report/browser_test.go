package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

// chromium returns the path of a Chromium or Chrome binary. Without one
// the browser test fails under CI=true (scripts/test-deps.sh installs
// Debian's chromium) and is skipped otherwise.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is missing (scripts/test-deps.sh installs Debian's chromium)")
	}
	t.Skip("chromium is missing (scripts/test-deps.sh installs Debian's chromium); skipping the browser test")
	return ""
}

// headless runs the browser on a file with args; it returns stdout and
// stderr (the browser's log, console messages included).
func headless(t *testing.T, bin, page string, args ...string) (stdout, stderr []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	argv := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--no-first-run", "--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}, args...)
	argv = append(argv, "file://"+page)
	cmd := exec.CommandContext(ctx, bin, argv...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(argv, " "), err, errb.String())
	}
	return out.Bytes(), errb.Bytes()
}

// consoleLine matches the browser's log line of a console message (errors,
// warnings, CSP violations, failed loads all reach the console).
var consoleLine = regexp.MustCompile(`(?m)^.*:CONSOLE[:(].*$`)

// artifacts is where the browser test leaves its screenshot:
// $JACORPUS_ARTIFACTS, else jacorpus-test-artifacts under the temporary
// directory (replaced by every run).
func artifacts(t *testing.T) string {
	dir := os.Getenv("JACORPUS_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "jacorpus-test-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBrowser loads the sample run's report.html in headless Chromium:
// no console message (no error, no blocked fetch: the page's CSP forbids
// every network access), and in the DOM as the browser built it, every
// chart has the bars the manifest calls for, labelled and with data; it
// saves a screenshot as the test's artefact.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	if testing.Short() {
		t.Skip("-short: no browser")
	}
	// the console check must see what it looks for: a page that logs
	bad := filepath.Join(t.TempDir(), "bad.html")
	if err := os.WriteFile(bad, []byte(`<!DOCTYPE html><html><body><script>console.error("jacorpus-probe")</script></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, logs := headless(t, bin, bad, "--dump-dom"); !strings.Contains(strings.Join(consoleLine.FindAllString(string(logs), -1), "\n"), "jacorpus-probe") {
		t.Fatalf("the console check does not see console.error of a probe page; browser log:\n%s", logs)
	}

	dir, m := sample(t)
	page, err := filepath.Abs(filepath.Join(dir, shard.ReportName))
	if err != nil {
		t.Fatal(err)
	}
	dom, logs := headless(t, bin, page, "--dump-dom")
	if msgs := consoleLine.FindAllString(string(logs), -1); len(msgs) > 0 {
		t.Errorf("console messages while loading report.html:\n%s", strings.Join(msgs, "\n"))
	}
	charts := chartsOf(t, dom)
	want := expectedCharts(m)
	for id, w := range want {
		c, ok := charts[id]
		if !ok {
			t.Errorf("chart %s missing from the DOM", id)
			continue
		}
		if c.dataBars != len(c.labels) || len(c.labels) != w.bars {
			t.Errorf("chart %s: data-bars %d, %d bars in the DOM, want %d", id, c.dataBars, len(c.labels), w.bars)
		}
		if c.segs == 0 || c.total <= 0 {
			t.Errorf("chart %s has no data: %d segments, total %v", id, c.segs, c.total)
		}
		if w.labels != nil && strings.Join(c.labels, "|") != strings.Join(w.labels, "|") {
			t.Errorf("chart %s labels %q, want %q", id, c.labels, w.labels)
		}
		if w.total > 0 && c.total != w.total {
			t.Errorf("chart %s: values sum to %v, want %v", id, c.total, w.total)
		}
	}
	for id := range charts {
		if _, ok := want[id]; !ok {
			t.Errorf("chart %s in the page is not checked", id)
		}
	}

	shot := filepath.Join(artifacts(t), "report.png")
	os.Remove(shot)
	headless(t, bin, page, "--screenshot="+shot, "--window-size=1100,3000", "--hide-scrollbars")
	fi, err := os.Stat(shot)
	if err != nil || fi.Size() < 10000 {
		t.Fatalf("screenshot %s: %v (%v)", shot, err, fi)
	}
	t.Logf("screenshot of report.html: %s", shot)
}

// domChart is what the DOM shows of one chart.
type domChart struct {
	dataBars int
	labels   []string
	segs     int
	total    float64
}

// chartsOf reads the charts (svg.chart) of the dumped DOM.
func chartsOf(t *testing.T, dom []byte) map[string]*domChart {
	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*domChart{}
	var cur *domChart
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "svg" && attr(n, "class") == "chart":
				bars, _ := strconv.Atoi(attr(n, "data-bars"))
				cur = &domChart{dataBars: bars}
				out[attr(n, "data-chart")] = cur
				defer func() { cur = nil }()
			case n.Data == "g" && attr(n, "class") == "bar" && cur != nil:
				cur.labels = append(cur.labels, attr(n, "data-label"))
			case n.Data == "rect" && attr(n, "class") == "seg" && cur != nil:
				v, err := strconv.ParseFloat(attr(n, "data-value"), 64)
				w, _ := strconv.ParseFloat(attr(n, "width"), 64)
				h, _ := strconv.ParseFloat(attr(n, "height"), 64)
				if err == nil && v > 0 && w > 0 && h > 0 {
					cur.segs++
					cur.total += v
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// wantChart is what a chart must show, from the manifest.
type wantChart struct {
	bars   int
	labels []string
	total  float64 // 0: not checked
}

// expectedCharts derives every chart's bars from the manifest alone.
func expectedCharts(m *job.Manifest) map[string]wantChart {
	w := map[string]wantChart{}
	var stages, charStages []string
	var docsOut float64
	for _, s := range m.Stats.Stages {
		stages = append(stages, s.Name)
		if s.Name != pipeline.IngestStage {
			charStages = append(charStages, s.Name)
		}
		docsOut += float64(s.DocsOut + s.DroppedTotal())
	}
	w["funnel-docs"] = wantChart{bars: len(stages), labels: stages, total: docsOut}
	w["funnel-chars"] = wantChart{bars: len(charStages), labels: charStages}
	var names []string
	var in float64
	for _, s := range m.Profile.Sources {
		names = append(names, s.Name)
		in += float64(s.Docs)
	}
	w["sources-docs"] = wantChart{bars: len(names), labels: names, total: in}
	w["sources-chars"] = wantChart{bars: len(names), labels: names}
	span := func(a, b []int64) int {
		lo, hi := -1, -1
		for i := range a {
			if a[i] != 0 || (b != nil && b[i] != 0) {
				if lo < 0 {
					lo = i
				}
				hi = i
			}
		}
		return hi - lo + 1
	}
	p := m.Profile
	w["hist-length"] = wantChart{bars: span(p.Length.Kept, p.Length.Dropped), total: float64(m.Stats.Stages[0].DocsOut)}
	if p.Tokens != nil {
		w["hist-tokens"] = wantChart{bars: span(p.Tokens.Kept, nil), total: float64(m.Totals.Rows)}
	}
	w["hist-japanese"] = wantChart{bars: 20}
	w["hist-hiragana"] = wantChart{bars: 20}
	w["clusters-sizes"] = wantChart{bars: span(p.Clusters.Sizes.Kept, nil), total: float64(p.Clusters.Clusters)}
	var files []string
	for _, s := range m.Shards {
		files = append(files, s.File)
	}
	if m.Totals.Tokens > 0 {
		w["shards-tokens"] = wantChart{bars: len(files), labels: files, total: float64(m.Totals.Tokens)}
	} else {
		w["shards-rows"] = wantChart{bars: len(files), labels: files, total: float64(m.Totals.Rows)}
	}
	var busy []string
	for _, s := range m.Run.Stages {
		if s.BusySeconds > 0 {
			busy = append(busy, s.Name)
		}
	}
	w["throughput-stages"] = wantChart{bars: len(busy), labels: busy}
	var lines []string
	for _, l := range m.Dedup.Lines.Top {
		lines = append(lines, l.Text)
	}
	w["boilerplate-lines"] = wantChart{bars: len(lines), labels: lines}
	for _, pr := range m.Filters.Presets {
		for _, st := range pr.Steps {
			if st.Rule != "" && st.Histogram != nil && st.Histogram.N > 0 {
				w["rule-"+pr.Name+"-"+st.Rule] = wantChart{bars: span(st.Histogram.Counts, nil), total: float64(st.Histogram.N)}
			}
		}
	}
	return w
}
