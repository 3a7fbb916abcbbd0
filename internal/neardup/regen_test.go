package neardup

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/normalize"
)

// TestRegenerateTestdata rebuilds the two files of testdata/dedup/ from the
// shared corpus (../shared/corpus beside the module, or $NEARDUP_CORPUS). It
// runs only with NEARDUP_REGEN=1:
//
//	NEARDUP_REGEN=1 go test -run TestRegenerateTestdata ./internal/neardup
//
// Only public-domain and government text is used: National Diet speeches
// (free to use, 著作権法第40条第1項; credit 国立国会図書館 国会会議録検索システム),
// e-Gov laws of 2013 (not copyrightable, 著作権法第13条) and Aozora Bunko
// works of authors who died before 1968 (public domain). The selection is
// deterministic (a fixed PCG seed over the files in their order).
//
// neardup_bases.jsonl.gz: 50 bases per source, texts normalized with
// normalize.String (the pipeline's default: NFKC, U+3000 kept, indentation
// trimmed, at most one blank line), 800–6000 runes, spread over four length
// bins; Aozora works lose their 記号 legend and 底本 colophon and are cut
// into chapter-sized pieces (at 見出し lines where possible), one piece per
// work and at most four works per author; every base has an n-gram Jaccard
// similarity below 0.2 with every other, so families do not overlap.
//
// egov_recrawl_pairs.jsonl.gz: the 60 pairs with the shortest text_crawl1,
// lines copied byte for byte (all fields), shortest first.
func TestRegenerateTestdata(t *testing.T) {
	if os.Getenv("NEARDUP_REGEN") != "1" {
		t.Skip("set NEARDUP_REGEN=1 to rebuild testdata/dedup from the shared corpus")
	}
	corpus := os.Getenv("NEARDUP_CORPUS")
	if corpus == "" {
		corpus = filepath.Join(testcorpus.Path(".."), "..", "shared", "corpus")
	}
	if err := os.MkdirAll(testcorpus.Path("dedup"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeBases(t, corpus)
	writeRecrawl(t, corpus)
}

// baseRecord is one line of the bases file.
type baseRecord struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	Text   string `json:"text"`
}

// lengthBins are the rune-length bins of the bases, with how many bases of
// each source fall in each.
func lengthBins() [4]struct{ lo, hi, quota int } {
	return [4]struct{ lo, hi, quota int }{
		{800, 1200, 12}, {1200, 2000, 14}, {2000, 3500, 13}, {3500, 6001, 11},
	}
}

// scanGzip calls f with every line of a gzip JSONL file.
func scanGzip(t *testing.T, path string, f func(line []byte)) {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	zr, err := gzip.NewReader(file)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	for sc.Scan() {
		f(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// selector picks bases: per length bin up to its quota, skipping any text
// too similar to one already picked (by any source).
type selector struct {
	picked []baseRecord
	sets   []map[string]struct{}
}

// take offers candidates (already shuffled) of one source and keeps what
// fits; group, when not nil, names a group (an author) of which at most
// four are kept.
func (s *selector) take(t *testing.T, cands []baseRecord, group func(int) string) []baseRecord {
	bins := lengthBins()
	var filled [len(bins)]int
	groups := map[string]int{}
	var out []baseRecord
	for i, c := range cands {
		n := utf8.RuneCountInString(c.Text)
		bin := -1
		for k, b := range bins {
			if n >= b.lo && n < b.hi {
				bin = k
			}
		}
		if bin < 0 || filled[bin] >= bins[bin].quota {
			continue
		}
		if group != nil && groups[group(i)] >= 4 {
			continue
		}
		set := shingleSet(c.Text, 5)
		similar := false
		for _, o := range s.sets {
			if setJaccard(set, o) >= 0.2 {
				similar = true
				break
			}
		}
		if similar {
			continue
		}
		s.sets = append(s.sets, set)
		s.picked = append(s.picked, c)
		out = append(out, c)
		filled[bin]++
		if group != nil {
			groups[group(i)]++
		}
	}
	want := 0
	for _, b := range bins {
		want += b.quota
	}
	if len(out) != want {
		t.Fatalf("picked %d bases, want %d (bins %v)", len(out), want, filled)
	}
	return out
}

func writeBases(t *testing.T, corpus string) {
	rng := rand.New(rand.NewPCG(20240601, 7))
	shuffle := func(c []baseRecord) {
		rng.Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
	}
	inRange := func(s string) bool {
		n := utf8.RuneCountInString(s)
		return n >= 800 && n <= 6000
	}
	var sel selector

	var diet []baseRecord
	scanGzip(t, filepath.Join(corpus, "gov", "diet_speeches.jsonl.gz"), func(line []byte) {
		var r struct{ ID, Text string }
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(r.Text); n < 700 || n > 7000 {
			return
		}
		if text := normalize.String(r.Text); inRange(text) {
			diet = append(diet, baseRecord{"diet:" + r.ID, "diet_speeches", text})
		}
	})
	shuffle(diet)
	diet = sel.take(t, diet, nil)

	var laws []baseRecord
	scanGzip(t, filepath.Join(corpus, "gov", "egov_laws_2013.part1.jsonl.gz"), func(line []byte) {
		var r struct{ ID, Text string }
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(r.Text); n < 800 || n > 30000 {
			return
		}
		if text := normalize.String(r.Text); inRange(text) {
			laws = append(laws, baseRecord{"egov:" + r.ID, "egov_laws_2013", text})
		}
	})
	shuffle(laws)
	laws = sel.take(t, laws, nil)

	var works []baseRecord
	var authors []string
	seenWork := map[string]bool{}
	scanGzip(t, filepath.Join(corpus, "literature", "aozora_pd.part1.jsonl.gz"), func(line []byte) {
		var r struct {
			ID     string
			WorkID string `json:"work_id"`
			Author string
			Text   string
		}
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		if seenWork[r.WorkID] {
			return // another edition of a work already offered
		}
		pieces := aozoraPieces(normalize.String(stripAozora(r.Text)), rng)
		if len(pieces) == 0 {
			return
		}
		seenWork[r.WorkID] = true
		k := rng.IntN(len(pieces))
		works = append(works, baseRecord{fmt.Sprintf("aozora:%s#%d", r.ID, k), "aozora_pd", pieces[k]})
		authors = append(authors, r.Author)
	})
	perm := rng.Perm(len(works))
	shuffledWorks := make([]baseRecord, len(works))
	shuffledAuthors := make([]string, len(works))
	for i, p := range perm {
		shuffledWorks[i], shuffledAuthors[i] = works[p], authors[p]
	}
	works = sel.take(t, shuffledWorks, func(i int) string { return shuffledAuthors[i] })

	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	for i := range diet {
		for _, r := range []baseRecord{diet[i], laws[i], works[i]} {
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := testcorpus.Path(BasesFile)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bases, %d bytes", path, len(sel.picked), buf.Len())
}

// stripAozora removes the 【テキスト中に現れる記号について】 legend (between
// the two dashed lines after the title) and the 底本 colophon with the
// 青空文庫 footer that every Aozora Bunko file carries.
func stripAozora(text string) string {
	const dashes = "-------------------------------------------------------"
	if i := strings.Index(text, dashes); i >= 0 {
		if j := strings.Index(text[i+len(dashes):], dashes); j >= 0 {
			text = text[:i] + text[i+len(dashes)+j+len(dashes):]
		}
	}
	if i := strings.LastIndex(text, "\n底本："); i >= 0 {
		text = text[:i]
	}
	return strings.TrimSpace(text)
}

// aozoraPieces cuts a work into chapter-sized pieces of 800–6000 runes: at
// 見出し lines once a piece has 800 runes, else at a line break once it
// reaches a random length in [1500, 5500].
func aozoraPieces(text string, rng *rand.Rand) []string {
	var pieces []string
	var cur strings.Builder
	curLen := 0
	want := 1500 + rng.IntN(4001)
	flush := func() {
		if s := strings.TrimSpace(cur.String()); utf8.RuneCountInString(s) >= 800 && utf8.RuneCountInString(s) <= 6000 {
			pieces = append(pieces, s)
		}
		cur.Reset()
		curLen = 0
		want = 1500 + rng.IntN(4001)
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		n := utf8.RuneCountInString(line)
		heading := strings.Contains(line, "見出し］")
		if curLen > 0 && (heading && curLen >= 800 || curLen+n > 6000 || curLen >= want) {
			flush()
		}
		cur.WriteString(line)
		curLen += n
	}
	flush()
	return pieces
}

func writeRecrawl(t *testing.T, corpus string) {
	type pair struct {
		line  []byte
		title string
		runes int
	}
	var pairs []pair
	scanGzip(t, filepath.Join(corpus, "gov", "egov_recrawl_pairs.jsonl.gz"), func(line []byte) {
		var r map[string]any
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		c1, _ := r["text_crawl1"].(string)
		title, _ := r["title"].(string)
		pairs = append(pairs, pair{slices.Clone(line), title, utf8.RuneCountInString(c1)})
	})
	slices.SortStableFunc(pairs, func(a, b pair) int {
		if a.runes != b.runes {
			return a.runes - b.runes
		}
		return strings.Compare(a.title, b.title)
	})
	pairs = pairs[:60]
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	for _, p := range pairs {
		zw.Write(p.line)
		zw.Write([]byte("\n"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := testcorpus.Path(RecrawlFile)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d pairs, %d bytes", path, len(pairs), buf.Len())
}
