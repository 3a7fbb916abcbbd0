package lines

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// page is one record of testdata/dedup/lines/egov_pages.jsonl.gz.
type page struct {
	ID, URL, Text string
}

// egovPages reads the e-Gov fixture: 100 real law pages of the December
// 2013 crawl as text lines (see testdata/dedup/lines/README.md).
func egovPages(tb testing.TB) []page {
	tb.Helper()
	f, err := os.Open(testcorpus.Path("dedup/lines/egov_pages.jsonl.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 4<<20)
	var ps []page
	for sc.Scan() {
		var p page
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			tb.Fatal(err)
		}
		ps = append(ps, p)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	if len(ps) != 100 {
		tb.Fatalf("%d pages, want 100", len(ps))
	}
	return ps
}

// article matches a law article line: 第一条, 第十二条の二, …
var article = regexp.MustCompile(`^第[一二三四五六七八九十百千]+条`)

// TestEgovPages counts and strips the real e-Gov pages. These pages are bare
// law texts: no site navigation, no header or footer. What recurs across
// them is the structure of Japanese statutes: the supplementary-provision
// heading 附　則 and the caption （施行期日） (effective date) in most laws,
// （経過措置） (transitional measures) in a third. MinFraction 0.3 selects
// exactly these three; no article line (第…条) may be selected, even the
// formulaic 第一条　この法律は、公布の日から施行する。 shared by a few laws.
func TestEgovPages(t *testing.T) {
	pages := egovPages(t)
	o := Options{MinFraction: 0.3}
	c := NewCounts(o)
	for _, p := range pages {
		c.AddDocument(p.Text)
	}
	set := c.Select()
	want := []string{"（施行期日）", "附　則", "（経過措置）"}
	var wantKeys []uint64
	for _, l := range want {
		wantKeys = append(wantKeys, Key(l))
	}
	slices.Sort(wantKeys)
	if !slices.Equal(set.Keys(), wantKeys) {
		t.Errorf("selected %d keys, want exactly %q", set.Len(), want)
	}

	// per document: every page repeats its title (<TITLE> and the heading),
	// which must count once
	titles := map[string]int64{}
	for _, p := range pages {
		ls := strings.SplitN(p.Text, "\n", 3)
		if ls[0] != ls[1] {
			t.Fatalf("%s: title not repeated: %q, %q", p.ID, ls[0], ls[1])
		}
		titles[ls[0]]++
	}
	counts := countsOf(c)
	for title, n := range titles {
		if got := counts[Key(title)]; got != n {
			t.Errorf("title %q counted in %d documents, is in %d", title, got, n)
		}
	}

	var tally Tally
	removedDocs, articles := 0, 0
	for _, p := range pages {
		out, removed := set.Strip(p.Text, &tally)
		if removed > 0 {
			removedDocs++
		}
		if strings.TrimSpace(out) == "" {
			t.Errorf("%s: nothing left", p.ID)
		}
		for _, l := range strings.Split(p.Text, "\n") {
			if article.MatchString(trim(l)) {
				articles++
				if !strings.Contains(out, l) {
					t.Errorf("%s: article line removed: %.40q", p.ID, l)
				}
			}
		}
	}
	if articles < 1000 || removedDocs < 70 {
		t.Fatalf("%d article lines, %d pages stripped: not the fixture expected", articles, removedDocs)
	}
	top := tally.Top(10)
	for _, l := range top {
		t.Logf("%3d docs %3d lines  %q", l.Docs, l.Lines, l.Text)
		if article.MatchString(trim(l.Text)) {
			t.Errorf("article line %q removed", l.Text)
		}
	}
	if len(top) != 3 || trim(top[0].Text) != "（施行期日）" {
		t.Errorf("Top(10) = %v", top)
	}

	// a low absolute threshold is not safe on law text: it takes formulaic
	// articles shared by a few laws (logged, not a property of the package)
	low := NewCounts(Options{MinDocs: 5})
	low.Merge(c)
	n := 0
	for l := range selectedLines(pages, low.Select()) {
		if article.MatchString(l) {
			n++
		}
	}
	t.Logf("MinDocs 5 would select %d distinct article lines, e.g. 第一条　この省令は、公布の日から施行する。", n)
}

// selectedLines returns the distinct trimmed lines of pages whose key is in s.
func selectedLines(pages []page, s *Set) map[string]bool {
	m := map[string]bool{}
	for _, p := range pages {
		for _, l := range strings.Split(p.Text, "\n") {
			if s.Contains(Key(l)) {
				m[trim(l)] = true
			}
		}
	}
	return m
}

// TestEgovMergeHalves counts and strips the real pages in two pieces, as two
// processes would, and checks the merged Counts and Tally equal the whole.
func TestEgovMergeHalves(t *testing.T) {
	pages := egovPages(t)
	o := Options{MinFraction: 0.3}
	count := func(ps []page) *Counts {
		c := NewCounts(o)
		for _, p := range ps {
			c.AddDocument(p.Text)
		}
		return c
	}
	whole := count(pages)
	set := whole.Select()
	strip := func(ps []page) *Tally {
		var tl Tally
		for _, p := range ps {
			set.Strip(p.Text, &tl)
		}
		return &tl
	}
	wholeTally := strip(pages)
	for _, cut := range []int{1, 37, 50, 99} {
		a, b := count(pages[:cut]), count(pages[cut:])
		a.Merge(b)
		if !reflect.DeepEqual(countsOf(a), countsOf(whole)) || a.Docs() != whole.Docs() {
			t.Fatalf("cut %d: merged counts differ", cut)
		}
		var ka, kw []uint64
		a.Each(0, math.MaxUint64, func(k uint64, _ int64) bool { ka = append(ka, k); return true })
		whole.Each(0, math.MaxUint64, func(k uint64, _ int64) bool { kw = append(kw, k); return true })
		if !slices.Equal(ka, kw) || !slices.IsSorted(ka) {
			t.Fatalf("cut %d: key order differs", cut)
		}
		ta := strip(pages[:cut])
		ta.Merge(strip(pages[cut:]))
		if !reflect.DeepEqual(ta.Top(-1), wholeTally.Top(-1)) {
			t.Fatalf("cut %d: merged tally differs", cut)
		}
	}
}

// TestStripConcurrent strips the real pages with one Set from several
// goroutines, each with its own Tally over a contiguous run of pages, and
// checks that merging the tallies in input order gives what one goroutine
// gives (go test -race checks the Set is only read).
func TestStripConcurrent(t *testing.T) {
	pages := egovPages(t)
	c := NewCounts(Options{MinDocs: 3})
	for _, p := range pages {
		c.AddDocument(p.Text)
	}
	set := c.Select()
	var want Tally
	wantOut := make([]string, len(pages))
	for i, p := range pages {
		wantOut[i], _ = set.Strip(p.Text, &want)
	}
	const workers = 4
	tallies := make([]Tally, workers)
	out := make([]string, len(pages))
	done := make(chan bool)
	for w := range workers {
		go func() {
			for i := w * len(pages) / workers; i < (w+1)*len(pages)/workers; i++ {
				out[i], _ = set.Strip(pages[i].Text, &tallies[w])
			}
			done <- true
		}()
	}
	for range workers {
		<-done
	}
	for w := 1; w < workers; w++ {
		tallies[0].Merge(&tallies[w])
	}
	if !slices.Equal(out, wantOut) || !reflect.DeepEqual(tallies[0].Top(-1), want.Top(-1)) {
		t.Fatal("concurrent stripping differs from sequential")
	}
	if len(want.Top(-1)) < 10 {
		t.Fatalf("only %d lines removed: the test proves little", len(want.Top(-1)))
	}
}
