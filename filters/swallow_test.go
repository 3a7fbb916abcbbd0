package filters

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// swallowGolden is one record of testdata/filters/swallow_golden.jsonl.gz:
// the reference's scores of one document (see docs/presets/swallow.md).
type swallowGolden struct {
	File   string         `json:"file"`
	ID     string         `json:"id"`
	Scores map[string]any `json:"scores"`
}

// readJSONL returns id → text of a testdata JSONL file (gzip or zstd by name).
func readJSONL(t *testing.T, rel string) map[string]string {
	t.Helper()
	f, err := os.Open(testcorpus.Path(rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	switch {
	case strings.HasSuffix(rel, ".gz"):
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case strings.HasSuffix(rel, ".zst"):
		zr, err := zstd.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		r = zr
	}
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var d struct{ ID, Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		out[d.ID] = d.Text
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// eachGolden calls fn with every record of the golden file rel (raw JSON)
// and the text the reference judged: the record's own text (synthetic
// cases), else the testdata document it names. It returns the record count.
func eachGolden(t *testing.T, rel string, fn func(rec []byte, text string)) int {
	t.Helper()
	f, err := os.Open(testcorpus.Path(rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]map[string]string{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	n := 0
	for sc.Scan() {
		var g struct {
			File string  `json:"file"`
			ID   string  `json:"id"`
			Text *string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		text := ""
		if g.Text != nil {
			text = *g.Text
		} else {
			if texts[g.File] == nil {
				texts[g.File] = readJSONL(t, g.File)
			}
			var ok bool
			if text, ok = texts[g.File][g.ID]; !ok {
				t.Fatalf("%s: no document %s", g.File, g.ID)
			}
		}
		fn(sc.Bytes(), text)
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSwallowScoresGolden: every score equals, as a float64, what the
// reference computed on the same text, for the 1,067 sample documents and
// the synthetic edge cases.
func TestSwallowScoresGolden(t *testing.T) {
	var m swallowMeter
	bad := 0
	docs := eachGolden(t, "filters/swallow_golden.jsonl.gz", func(rec []byte, text string) {
		var g swallowGolden
		if err := json.Unmarshal(rec, &g); err != nil {
			t.Fatal(err)
		}
		s := m.Measure(text)
		got := map[string]float64{
			"num_letters":                               float64(s.NumLetters),
			"num_japanese_letters":                      float64(s.NumJapanese),
			"duplicate_paragraph_fraction":              s.DupParagraph,
			"duplicate_sentence_fraction":               s.DupSentence,
			"duplicate_paragraph_fraction_in_character": s.DupParagraphChars,
			"duplicate_sentence_fraction_in_character":  s.DupSentenceChars,
			"hiragana_fraction":                         s.Hiragana,
			"katakana_fraction":                         s.Katakana,
			"kanji_fraction":                            s.Kanji,
			"japanese_fraction":                         s.Japanese,
			"avg_sentence_length":                       s.AvgSentence,
			"max_sentence_length":                       float64(s.MaxSentence),
			"ellipsis_fraction":                         s.Ellipsis,
		}
		for n := 2; n <= 4; n++ {
			got[fmt.Sprintf("top_%dgram_character_fraction", n)] = s.Top2to4[n-2]
		}
		for n := 5; n <= 10; n++ {
			got[fmt.Sprintf("duplicate_%dgram_character_fraction", n)] = s.Dup5to10[n-5]
		}
		for name, v := range got {
			want, ok := g.Scores[name].(float64)
			if !ok {
				continue // a reference crash case records no score
			}
			if v != want {
				bad++
				if bad <= 10 {
					t.Errorf("%s %s: %s = %v, reference %v", g.File, g.ID, name, v, want)
				}
			}
		}
	})
	if docs < 1100 {
		t.Fatalf("%d golden records, want the 1,109", docs)
	}
	t.Logf("%d documents, %d scores differ", docs, bad)
}

// BenchmarkSwallowScores measures every swallow score on real text.
func BenchmarkSwallowScores(b *testing.B) {
	docs := testcorpus.Fixture(b)
	b.SetBytes(testcorpus.TextBytes(docs))
	var m swallowMeter
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			m.Measure(d.Text)
		}
	}
}
