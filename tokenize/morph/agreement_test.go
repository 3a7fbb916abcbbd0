package morph

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// agreementTexts returns real texts: the project fixture (laws, Diet
// speeches, Aozora works) and the extra texts in testdata/agreement/, as
// lines (the unit the corpus pipeline analyses are pieces of about a line
// up to 16 KiB; lines keep the test's kagome side fast).
func agreementTexts(tb testing.TB) []string {
	tb.Helper()
	var texts []string
	files, _ := filepath.Glob("testdata/agreement/*.jsonl")
	files = append([]string{"../../testdata/sample/fixture_docs.jsonl"}, files...)
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var rec struct {
				Text string `json:"text"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			texts = append(texts, strings.SplitAfter(rec.Text, "\n")...)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
	}
	return texts
}

// TestAgreement compares the segmentation and the parts of speech with
// kagome's, token by token, on real text.
func TestAgreement(t *testing.T) {
	a := NewAnalyzer(testDict(t))
	kt := kagomeTok()
	var total, differ, posDiffer, bytes int
	for _, text := range agreementTexts(t) {
		bytes += len(text)
		want := kagomeSpans(kt, text)
		got := morphSpans(a, text)
		total += len(want)
		// compare boundaries as sets: a token agrees if a token with the
		// same start and end is on the other side
		gotSet := make(map[[2]int]POS, len(got))
		for _, s := range got {
			gotSet[[2]int{s.start, s.end}] = s.pos
		}
		bad := false
		for _, w := range want {
			p, ok := gotSet[[2]int{w.start, w.end}]
			if !ok {
				differ++
				bad = true
				continue
			}
			if p != w.pos {
				posDiffer++
				if posDiffer <= 20 {
					t.Errorf("POS of %q: got %v, kagome %v", text[w.start:w.end], p, w.pos)
				}
			}
		}
		if bad && differ <= 200 {
			t.Errorf("segmentation differs in %q:\n got    %s\n kagome %s", text, show(text, got), show(text, want))
		}
		if n, k := a.Count(text), countBlank(text, want); n != k {
			t.Errorf("Count(%q) = %d, kagome %d", text, n, k)
		}
	}
	t.Logf("%d bytes, %d kagome tokens, %d differ (%.4f%% agree), %d POS differ", bytes, total, differ, 100*float64(total-differ)/float64(total), posDiffer)
}

func show(text string, ss []span) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString(text[s.start:s.end])
	}
	return b.String()
}

// countBlank counts the spans of text that are not whitespace-only.
func countBlank(text string, ss []span) int {
	n := 0
	for _, s := range ss {
		if strings.TrimFunc(text[s.start:s.end], isSpace) != "" {
			n++
		}
	}
	return n
}
