package filters

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// TestHojicharGolden: the hojichar preset decides as HojiChar 3ca1d27 did
// on the 1,067 sample documents and 366 synthetic edge cases: the same first
// rejecting filter, the same verdict of every filter on the text it sees,
// and (normalization and masking) the same final text.
func TestHojicharGolden(t *testing.T) {
	f, err := os.Open(testcorpus.Path("filters/hojichar_golden.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	h := newHojichar()
	texts := map[string]map[string]string{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	docs, bad := 0, 0
	for sc.Scan() {
		var g struct {
			File       string          `json:"file"`
			ID         string          `json:"id"`
			Text       *string         `json:"text"`
			Keep       bool            `json:"keep"`
			RejectedBy *string         `json:"rejected_by"`
			Sha        string          `json:"text_sha256_normalized"`
			PerFilter  map[string]bool `json:"per_filter"`
		}
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		var text string
		if g.Text != nil {
			text = *g.Text
		} else {
			if texts[g.File] == nil {
				texts[g.File] = readJSONL(t, g.File)
			}
			text = texts[g.File][g.ID]
		}
		docs++
		out, by, rejects := h.run(text)
		want := ""
		if g.RejectedBy != nil {
			want = *g.RejectedBy
		}
		sum := sha256.Sum256([]byte(out))
		ok := by == want && (by == "") == g.Keep && hex.EncodeToString(sum[:]) == g.Sha
		for i, name := range hojicharFilters {
			if rejects[i] != g.PerFilter[name] {
				ok = false
			}
		}
		if !ok {
			bad++
			if bad <= 10 {
				t.Errorf("%s %s: rejected by %q, HojiChar %q (or a filter's verdict or the text differs)", g.File, g.ID, by, want)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if docs < 1400 {
		t.Fatalf("%d golden records, want the 1,433", docs)
	}
	t.Logf("%d documents, %d differ", docs, bad)
}

// BenchmarkHojichar runs the hojichar preset (without its MeCab-based
// filters) on real text.
func BenchmarkHojichar(b *testing.B) {
	docs := testcorpus.Fixture(b)
	b.SetBytes(testcorpus.TextBytes(docs))
	h := newHojichar()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			h.run(d.Text)
		}
	}
}
