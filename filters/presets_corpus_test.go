package filters

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/normalize"
	"github.com/jacorpus/jacorpus/pipeline"
)

// The gov and literature presets are calibrated on the shared corpus
// (docs/presets/gov.md, docs/presets/literature.md): they must keep real
// laws, Diet speeches and Aozora works, and drop what goes wrong in such
// sources. These tests judge documents as a run does: normalize, then the
// filters stage, each document's source naming its preset.

// calibratedPresetOf maps the fixture's kind to the preset of its source.
var calibratedPresetOf = map[string]string{"gov-law": "gov", "gov-speech": "gov", "literature": "literature"}

// judge runs documents through normalize and a filters stage whose sources
// "gov" and "literature" use those presets (cfg's versions of them).
type judge struct {
	norm, filt pipeline.Processor
}

func newJudge(tb testing.TB, cfg Config) *judge {
	tb.Helper()
	st, err := NewStage(cfg, map[string]string{"gov": "gov", "literature": "literature"})
	if err != nil {
		tb.Fatal(err)
	}
	fp, _ := st.NewProcessor()
	np, err := normalize.Stage{Options: normalize.Default(), KeepRaw: st.NeedsRaw()}.NewProcessor()
	if err != nil {
		tb.Fatal(err)
	}
	return &judge{norm: np, filt: fp}
}

// reason normalizes text and returns the rule of preset that drops it ("":
// kept), and the document (its meta holds the scores in annotate mode).
func (j *judge) reason(tb testing.TB, preset, text string) (string, *pipeline.Document) {
	tb.Helper()
	d := &pipeline.Document{Source: preset, Text: text}
	if _, err := j.norm.Process(d); err != nil {
		tb.Fatal(err)
	}
	r, err := j.filt.Process(d)
	if err != nil {
		tb.Fatal(err)
	}
	return r, d
}

// Degradations of a real document, each with the rule of both presets that
// must drop it (the first failing rule: the earlier ones pass).
var degradations = []struct {
	name, rule string
	apply      func(text string, rng *rand.Rand) string
}{
	{"truncated to 10 characters", "too_short", func(text string, _ *rand.Rand) string { return prefixRunes(text, 10) }},
	{"5% of bytes replaced by U+FFFD", "replacement_chars", replaceBytes},
	{"every line duplicated", "dup_lines", func(text string, _ *rand.Rand) string {
		var b strings.Builder
		for line := range strings.SplitSeq(text, "\n") {
			b.WriteString(line + "\n" + line + "\n")
		}
		return b.String()
	}},
	{"random ASCII of the same size", "low_japanese_ratio", func(text string, rng *rand.Rand) string { return randomASCII(len(text), rng) }},
	// the other kinds of junk the presets exist for, each after a piece of
	// the real text
	{"a table of digits", "digits", func(text string, rng *rand.Rand) string {
		var b strings.Builder
		b.WriteString(headOf(text) + "\n")
		for range 100 {
			fmt.Fprintf(&b, "%d\u3000%d\u3000%d\n", rng.IntN(1e6), rng.IntN(1e6), rng.IntN(1e6))
		}
		return b.String()
	}},
	{"rows of symbols", "symbols", func(text string, rng *rand.Rand) string {
		syms := []rune("■□◆◇★☆●○▲△")
		var b strings.Builder
		b.WriteString(headOf(text) + "\n")
		for range 100 {
			for range 40 {
				b.WriteRune(syms[rng.IntN(len(syms))])
			}
			b.WriteString("\n")
		}
		return b.String()
	}},
	{"a run of one character", "char_run", func(text string, _ *rand.Rand) string {
		r := []rune(text)
		return string(r[:len(r)/2]) + strings.Repeat("ー", 400) + string(r[len(r)/2:])
	}},
	{"a phrase repeated on one line", "repetitive", func(text string, _ *rand.Rand) string {
		return strings.Repeat(phraseOf(text), 200)
	}},
}

// headOf returns the first 30 characters of text without white space (a
// law's title, a speaker and the start of the speech, a work's title and
// author).
func headOf(text string) string {
	return prefixRunes(strings.Join(strings.Fields(strings.ReplaceAll(text, "\u3000", " ")), ""), 30)
}

// phraseOf returns 30 Japanese letters and 、。 from the middle of text.
func phraseOf(text string) string {
	var b strings.Builder
	n := 0
	for _, r := range text[len(text)/2:] {
		if n == 30 {
			break
		}
		if r == '、' || r == '。' || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			b.WriteRune(r)
			n++
		}
	}
	return b.String()
}

// replaceBytes replaces 5% of the bytes of text (positions drawn from rng)
// by U+FFFD and decodes the result as a reader would, every broken sequence
// becoming U+FFFD.
func replaceBytes(text string, rng *rand.Rand) string {
	b := []byte(text)
	hit := make([]bool, len(b))
	for _, i := range rng.Perm(len(b))[:len(b)/20] {
		hit[i] = true
	}
	var out []byte
	for i, c := range b {
		if hit[i] {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, c)
		}
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// randomASCII returns n bytes of printable ASCII with a newline every 80.
func randomASCII(n int, rng *rand.Rand) string {
	b := make([]byte, n)
	for i := range b {
		if i%80 == 79 {
			b[i] = '\n'
		} else {
			b[i] = byte(' ' + rng.IntN(95))
		}
	}
	return string(b)
}

// TestCalibratedPresetDocs: every real law and Diet speech of the fixture
// is kept by gov, every Aozora work by literature, as a run judges them
// (after normalize).
func TestCalibratedPresetDocs(t *testing.T) {
	j := newJudge(t, DefaultConfig())
	n := map[string]int{}
	for _, d := range testcorpus.Fixture(t) {
		preset, ok := calibratedPresetOf[d.Meta["kind"]]
		if !ok {
			t.Fatalf("%s: kind %q", d.ID, d.Meta["kind"])
		}
		n[preset]++
		if r, _ := j.reason(t, preset, d.Text); r != "" {
			t.Errorf("%s (%s): %s drops it as %q", d.ID, d.Meta["title"], preset, r)
		}
	}
	if n["gov"] != 72 || n["literature"] != 14 {
		t.Errorf("fixture: %v", n)
	}
}

// TestCalibratedPresetsDegraded: every fixture document, degraded (cut to
// 10 characters, 5% of its bytes undecodable, every line twice, replaced by
// random ASCII) or turned into the junk a rule exists for, is dropped by
// that rule.
func TestCalibratedPresetsDegraded(t *testing.T) {
	j := newJudge(t, DefaultConfig())
	rng := rand.New(rand.NewPCG(1, 2))
	for _, d := range testcorpus.Fixture(t) {
		preset := calibratedPresetOf[d.Meta["kind"]]
		for _, dg := range degradations {
			if r, _ := j.reason(t, preset, dg.apply(d.Text, rng)); r != dg.rule {
				t.Errorf("%s, %s: %s drops it as %q, want %q", d.ID, dg.name, preset, r, dg.rule)
			}
		}
	}
}

// TestCalibratedPresetBounds puts documents of real Japanese letters exactly
// at each bound and one step past it: the keep side is kept, the other side
// dropped by the rule. Only the generic rules of the presets run (the
// family rules appended to them judge other things).
func TestCalibratedPresetBounds(t *testing.T) {
	c := DefaultConfig()
	c.Presets = map[string]PresetConfig{}
	for _, name := range []string{"gov", "literature"} {
		p, _ := ShippedPreset(name)
		var off []string
		for _, s := range p.Steps {
			if s.Rule != "" && strings.Contains(s.Measure, ".") {
				off = append(off, s.Rule)
			}
		}
		c.Presets[name] = PresetConfig{Disable: off}
	}
	j := newJudge(t, c)
	// hiragana and kanji of the fixture's real text, per preset
	letters := map[string][]rune{}
	for _, d := range testcorpus.Fixture(t) {
		preset := calibratedPresetOf[d.Meta["kind"]]
		for _, r := range d.Text {
			if unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Han, r) {
				letters[preset] = append(letters[preset], r)
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	// mix spreads k extras through n real letters (one line, no runs of the
	// extras unless there are more of them than letters)
	mix := func(preset string, n int, extra func() string, k int) string {
		var b strings.Builder
		for i := range max(n, k) {
			if i < n {
				b.WriteRune(letters[preset][i])
			}
			if i < k {
				b.WriteString(extra())
			}
		}
		return b.String()
	}
	latin := func() string { return string(rune('a' + rng.IntN(26))) }
	digit := func() string { return strconv.Itoa(rng.IntN(10)) }
	star := func() string { return "★" }
	fffd := func() string { return "\uFFFD" }
	withRun := func(preset string, n, run int) string {
		s := mix(preset, n, nil, 0)
		r := []rune(s)
		return string(r[:n/2]) + strings.Repeat("ー", run) + string(r[n/2:])
	}
	line := func(preset string, n int) string { return mix(preset, n, nil, 0) }
	a, b := line("gov", 50), string(letters["gov"][1000:1001])
	la := string(letters["literature"][:250])
	cases := []struct {
		preset, name, text, want string
	}{
		{"gov", "20 characters", line("gov", 20), ""},
		{"gov", "19 characters", line("gov", 19), "too_short"},
		{"literature", "200 characters", line("literature", 200), ""},
		{"literature", "199 characters", line("literature", 199), "too_short"},
		{"gov", "Japanese 700 of 1000 letters", mix("gov", 700, latin, 300), ""},
		{"gov", "Japanese 700 of 1001 letters", mix("gov", 700, latin, 301), "low_japanese_ratio"},
		{"literature", "Japanese 600 of 1000 letters", mix("literature", 600, latin, 400), ""},
		{"literature", "Japanese 600 of 1001 letters", mix("literature", 600, latin, 401), "low_japanese_ratio"},
		{"gov", "1 U+FFFD in 1000", mix("gov", 999, fffd, 1), ""},
		{"gov", "2 U+FFFD in 1000", mix("gov", 998, fffd, 2), "replacement_chars"},
		{"literature", "1 U+FFFD in 1000", mix("literature", 999, fffd, 1), ""},
		{"literature", "2 U+FFFD in 1000", mix("literature", 998, fffd, 2), "replacement_chars"},
		{"gov", "a line twice: 0.5", a + "\n" + a, "dup_lines"},
		{"gov", "a line twice and one more character: 50/101", a + "\n" + a + "\n" + b, ""},
		{"literature", "a line twice: 0.5", la + "\n" + la, "dup_lines"},
		{"literature", "a line twice and one more character: 250/501", la + "\n" + la + "\n" + b, ""},
		{"gov", "digits 300 of 600", mix("gov", 300, digit, 300), ""},
		{"gov", "digits 301 of 601", mix("gov", 300, digit, 301), "digits"},
		{"literature", "digits 200 of 500", mix("literature", 300, digit, 200), ""},
		{"literature", "digits 201 of 501", mix("literature", 300, digit, 201), "digits"},
		{"gov", "symbols 200 of 500", mix("gov", 300, star, 200), ""},
		{"gov", "symbols 201 of 501", mix("gov", 300, star, 201), "symbols"},
		{"literature", "symbols 300 of 500", mix("literature", 200, star, 300), ""},
		{"literature", "symbols 301 of 501", mix("literature", 200, star, 301), "symbols"},
		{"gov", "a run of 99", withRun("gov", 1000, 99), ""},
		{"gov", "a run of 100", withRun("gov", 1000, 100), "char_run"},
		{"literature", "a run of 399", withRun("literature", 3000, 399), ""},
		{"literature", "a run of 400", withRun("literature", 3000, 400), "char_run"},
	}
	for _, c := range cases {
		if got := normalize.String(c.text); got != c.text {
			t.Fatalf("%s %s: normalize changes the text", c.preset, c.name)
		}
		if r, _ := j.reason(t, c.preset, c.text); r != c.want {
			t.Errorf("%s, %s: dropped as %q, want %q", c.preset, c.name, r, c.want)
		}
	}
}

// corpusKeep is a shared-corpus file and the documents its preset must keep
// at least (docs/presets/gov.md, docs/presets/literature.md).
type corpusKeep struct {
	file, preset string
	docs, kept   int
}

var calibratedCorpora = []corpusKeep{
	{"gov/egov_laws_2013.part1.jsonl.gz", "gov", 4000, 3997},
	{"gov/diet_speeches.jsonl.gz", "gov", 54041, 54041},
	{"literature/aozora_pd.part1.jsonl.gz", "literature", 2000, 2000},
}

// TestPresetsCorpusE2E judges every document of the shared corpus's laws,
// Diet speeches and Aozora works with its preset and checks the keep rates
// documented in docs/presets/{gov,literature}.md; it logs the drops, the
// quantiles of every rule's score (the tables of those files), and checks
// that every 100th document, degraded, is dropped by the expected rule.
// Run with JACORPUS_E2E=1 (make e2e); it skips when ../shared/corpus is
// absent.
func TestPresetsCorpusE2E(t *testing.T) {
	if os.Getenv("JACORPUS_E2E") != "1" {
		t.Skip("big-corpus run: set JACORPUS_E2E=1 (make e2e)")
	}
	dir := filepath.Join("..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		testcorpus.Need(t, false, dir+" (the shared corpus)")
	}
	ann := DefaultConfig()
	ann.Mode = Annotate
	for _, ck := range calibratedCorpora {
		t.Run(filepath.Base(ck.file), func(t *testing.T) {
			path := filepath.Join(dir, ck.file)
			if _, err := os.Stat(path); err != nil {
				testcorpus.Need(t, false, path)
			}
			p, _ := ShippedPreset(ck.preset)
			rules := p.rules()
			a := newJudge(t, ann)
			drop := newJudge(t, DefaultConfig())
			rng := rand.New(rand.NewPCG(5, 6))
			scores := map[string][]float64{}
			dropped := map[string][]string{}
			n, kept, degraded := 0, 0, 0
			eachRecord(t, path, func(id, title, text string) {
				r, d := a.reason(t, ck.preset, text)
				if r != "" {
					t.Fatalf("%s: annotate dropped it as %q", id, r)
				}
				for _, rule := range rules {
					v, err := strconv.ParseFloat(d.Meta[MetaScorePrefix+rule], 64)
					if err != nil {
						t.Fatalf("%s: %s: %v", id, rule, err)
					}
					scores[rule] = append(scores[rule], v)
				}
				why, err := Rethreshold(d.Meta, DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				if why == "" {
					kept++
				} else {
					dropped[why] = append(dropped[why], id+" "+prefixRunes(title, 40))
				}
				if n%100 == 0 {
					for _, dg := range degradations {
						if r, _ := drop.reason(t, ck.preset, dg.apply(text, rng)); r != dg.rule {
							t.Errorf("%s, %s: dropped as %q, want %q", id, dg.name, r, dg.rule)
						}
						degraded++
					}
				}
				n++
			})
			t.Logf("%s, preset %s: kept %d of %d (%.3f%%); %d degraded versions of every 100th document checked",
				ck.file, ck.preset, kept, n, 100*float64(kept)/float64(n), degraded)
			for _, rule := range sortedKeys(dropped) {
				ids := dropped[rule]
				t.Logf("  dropped by %s: %d, e.g. %s", rule, len(ids), strings.Join(ids[:min(len(ids), 5)], "; "))
			}
			t.Logf("| rule | measure | keep | min | p0.1 | p1 | p50 | p99 | p99.9 | max |\n|---|---|---|---|---|---|---|---|---|---|")
			for _, s := range p.Steps {
				if s.Rule == "" {
					continue
				}
				v := scores[s.Rule]
				sort.Float64s(v)
				row := fmt.Sprintf("| %s | %s | `%s` |", s.Rule, s.Measure, s.Keep)
				for _, q := range []float64{0, 0.001, 0.01, 0.5, 0.99, 0.999, 1} {
					row += " " + strconv.FormatFloat(quantile(v, q), 'g', 4, 64) + " |"
				}
				t.Log(row)
			}
			if n != ck.docs || kept < ck.kept {
				t.Errorf("%s: kept %d of %d, documented: at least %d of %d", ck.file, kept, n, ck.kept, ck.docs)
			}
		})
	}
}

// quantile returns the q-quantile of sorted v (linear between ranks).
func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	k := q * float64(len(v)-1)
	i := int(k)
	if i+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[i] + (k-float64(i))*(v[i+1]-v[i])
}

// eachRecord calls f with the id, title (a speech: its meeting) and text of
// every record of a gzipped JSON-lines file of the shared corpus.
func eachRecord(t *testing.T, path string, f func(id, title, text string)) {
	gz := openData(t, path)
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var rec struct {
			ID      json.RawMessage `json:"id"`
			Title   string          `json:"title"`
			Meeting string          `json:"meeting"`
			Text    string          `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		id := strings.Trim(string(rec.ID), `"`)
		f(id, cmp.Or(rec.Title, rec.Meeting), rec.Text)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
