package neardup

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// Files under testdata/ read by LoadBases and LoadRecrawlPairs.
const (
	// BasesFile holds the base documents: one JSON object {"id", "source",
	// "text"} per line, gzip; texts normalized like pipeline output.
	BasesFile = "dedup/neardup_bases.jsonl.gz"
	// RecrawlFile holds real re-crawl pairs of e-Gov laws: one JSON object
	// {"title", "id_data2", "text_crawl1", "text_crawl2"} per line, gzip;
	// texts as crawled.
	RecrawlFile = "dedup/egov_recrawl_pairs.jsonl.gz"
)

// readJSONL calls f with every line of the gzip JSONL file rel of testdata.
func readJSONL(tb testing.TB, rel string, f func(line []byte) error) {
	tb.Helper()
	path := testcorpus.Path(rel)
	file, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer file.Close()
	zr, err := gzip.NewReader(file)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if err := f(sc.Bytes()); err != nil {
			tb.Fatalf("%s:%d: %v", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}

// LoadBases returns the texts of testdata/dedup/neardup_bases.jsonl.gz: about
// 150 real documents of 800–6000 runes (Diet speeches, e-Gov laws, pieces of
// Aozora Bunko works), already normalized as the pipeline's normalize stage
// does (NFKC, U+3000 kept, indentation trimmed, at most one blank line), in
// file order. Pass them to Generate.
func LoadBases(tb testing.TB) []string {
	tb.Helper()
	var texts []string
	readJSONL(tb, BasesFile, func(line []byte) error {
		var rec struct{ ID, Source, Text string }
		if err := json.Unmarshal(line, &rec); err != nil {
			return err
		}
		texts = append(texts, rec.Text)
		return nil
	})
	if len(texts) == 0 {
		tb.Fatalf("%s: no documents", BasesFile)
	}
	return texts
}

// LoadRecrawlPairs returns the pairs of testdata/dedup/egov_recrawl_pairs.jsonl.gz:
// the same e-Gov law captured on 2013-12-01 and 2013-12-10, differing
// slightly (mostly line endings and white space, some wording), each text
// NFKC-normalized (golang.org/x/text/unicode/norm) and nothing else. A
// near-duplicate remover should keep the first of each pair and drop the
// second.
func LoadRecrawlPairs(tb testing.TB) [][2]string {
	tb.Helper()
	var pairs [][2]string
	readJSONL(tb, RecrawlFile, func(line []byte) error {
		var rec struct {
			Crawl1 string `json:"text_crawl1"`
			Crawl2 string `json:"text_crawl2"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			return err
		}
		pairs = append(pairs, [2]string{norm.NFKC.String(rec.Crawl1), norm.NFKC.String(rec.Crawl2)})
		return nil
	})
	if len(pairs) == 0 {
		tb.Fatalf("%s: no pairs", RecrawlFile)
	}
	return pairs
}

// WriteJSONL writes docs to path as JSONL with ids prefix0, prefix1, … and
// returns path.
func WriteJSONL(tb testing.TB, path string, docs []Doc, prefix string) string {
	tb.Helper()
	var b strings.Builder
	for i, d := range docs {
		js, err := json.Marshal(map[string]string{"id": fmt.Sprintf("%s%03d", prefix, i), "text": d.Text})
		if err != nil {
			tb.Fatal(err)
		}
		b.Write(js)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}
