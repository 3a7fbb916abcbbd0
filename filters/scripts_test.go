package filters

import (
	"testing"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// scriptsOfStats is what the generic measures count.
func scriptsOfStats(text string) Scripts {
	var m statsMeter
	var s textStats
	m.chars(&s, text)
	return Scripts{Chars: s.Chars, Letters: s.Letters, Hiragana: s.Hiragana, Katakana: s.Katakana, Kanji: s.Kanji}
}

// TestCountScriptsAgrees checks that the fast pass counts what the generic
// measures count, on the real fixture texts and on edge cases (invalid
// UTF-8, E0/ED lead bytes, half-width kana, symbols of the kana blocks).
func TestCountScriptsAgrees(t *testing.T) {
	texts := []string{"", "abcXYZ 123", "\xe3\x81", "\xe3\x81\x81\xff\xed\xa0\x80\xe0\xa4\x85", "ｶﾞｷﾞｰ㋐⼈〇々〆〻", "Ελληνικά кириллица 한국어 ｱｲｳ", "𠮷野家\u3000の牛丼"}
	for _, d := range testcorpus.Fixture(t) {
		texts = append(texts, d.Text)
	}
	var total Scripts
	for _, text := range texts {
		got, want := CountScripts(text), scriptsOfStats(text)
		if got != want {
			t.Errorf("%.40q: CountScripts %+v, generic measures %+v", text, got, want)
		}
		total.Hiragana += got.Hiragana
		total.Kanji += got.Kanji
	}
	if total.Hiragana == 0 || total.Kanji == 0 {
		t.Fatalf("no Japanese counted in the fixture: %+v", total)
	}
}

// TestStageLeavesScripts runs the stage with a preset that computes the
// generic counts (default) and one that does not (swallow): every document,
// kept or dropped, carries the Scripts of its text.
func TestStageLeavesScripts(t *testing.T) {
	for _, preset := range []string{PresetDefault, "swallow"} {
		st, err := NewStage(Config{}, map[string]string{"s": preset})
		if err != nil {
			t.Fatal(err)
		}
		p, err := st.NewProcessor()
		if err != nil {
			t.Fatal(err)
		}
		dropped := 0
		docs := testcorpus.Fixture(t)
		// a real text cut short: too short for both presets
		docs = append(docs, &pipeline.Document{ID: "cut", Text: string([]rune(docs[0].Text)[:20])})
		for _, d := range docs {
			d.Source = "s"
			reason, err := p.Process(d)
			if err != nil {
				t.Fatal(err)
			}
			if reason != "" {
				dropped++
			}
			got, ok := ScriptsOf(d)
			if !ok {
				t.Fatalf("%s: %s: no Scripts left (reason %q)", preset, d.ID, reason)
			}
			if want := CountScripts(d.Text); got != want {
				t.Fatalf("%s: %s: Scripts %+v, text has %+v", preset, d.ID, got, want)
			}
		}
		if dropped == 0 {
			t.Errorf("%s: nothing dropped: the dropped path is not exercised", preset)
		}
	}
}

func BenchmarkCountScripts(b *testing.B) {
	docs := testcorpus.Fixture(b)
	b.SetBytes(testcorpus.TextBytes(docs))
	for b.Loop() {
		for _, d := range docs {
			CountScripts(d.Text)
		}
	}
}

// BenchmarkRuneCount is the floor: counting the code points alone.
func BenchmarkRuneCount(b *testing.B) {
	docs := testcorpus.Fixture(b)
	b.SetBytes(testcorpus.TextBytes(docs))
	for b.Loop() {
		for _, d := range docs {
			utf8.RuneCountInString(d.Text)
		}
	}
}
