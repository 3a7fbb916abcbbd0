package tokenize

import (
	"reflect"
	"testing"

	"github.com/ikawaha/kagome/v2/tokenizer"
	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

func TestCount(t *testing.T) {
	tk, err := New(DictIPA)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		text   string
		wakati []string
	}{
		{"すもももももももものうち", []string{"すもも", "も", "もも", "も", "もも", "の", "うち"}},
		{"吾輩は猫である。", []string{"吾輩", "は", "猫", "で", "ある", "。"}},
		{"国会は\n国権の最高機関", []string{"国会", "は", "国権", "の", "最高", "機関"}},
		{"", nil},
		{" \n\u3000", nil},
	}
	for _, c := range cases {
		got := tk.Wakati(c.text)
		if !reflect.DeepEqual(got, c.wakati) {
			t.Errorf("Wakati(%q) = %q, want %q", c.text, got, c.wakati)
		}
		if n := tk.Count(c.text); n != len(c.wakati) {
			t.Errorf("Count(%q) = %d, want %d", c.text, n, len(c.wakati))
		}
	}
	if _, err := New("unidic-kansai"); err == nil {
		t.Error("unknown dictionary accepted")
	}
}

func TestCut(t *testing.T) {
	cases := []struct {
		name, text string
		max        int
		head       string
	}{
		{"short", "あいう", 100, "あいう"},
		{"at newline", "あいう\nえお\nかきくけこさしすせそ", 20, "あいう\nえお\n"},
		{"at sentence end", "あいうえお。かきくけこさしすせそ", 24, "あいうえお。"},
		{"rune boundary", "あいうえおかきくけこ", 10, "あいう"},
	}
	for _, c := range cases {
		head, rest := cut(c.text, c.max)
		if head != c.head || head+rest != c.text {
			t.Errorf("%s: head %q rest %q", c.name, head, rest)
		}
	}
}

// TestLongDocumentChunked checks that a long real document analysed in
// pieces counts the same tokens as analysed whole: cuts fall on line breaks.
func TestLongDocumentChunked(t *testing.T) {
	tk, _ := New(DictIPA)
	longest := ""
	for _, d := range testcorpus.Fixture(t) {
		if len(d.Text) > len(longest) {
			longest = d.Text
		}
	}
	if len(longest) <= MaxChunkBytes {
		t.Fatalf("longest fixture doc has %d bytes; test needs > %d", len(longest), MaxChunkBytes)
	}
	whole := 0
	for _, tok := range tk.t.Analyze(longest, tokenizer.Normal) {
		if !blank(tok.Surface) {
			whole++
		}
	}
	if got := tk.Count(longest); got != whole || got < len([]rune(longest))/4 {
		t.Errorf("chunked count %d, whole %d (runes %d)", got, whole, len([]rune(longest)))
	}
}

func BenchmarkTokenize(b *testing.B) {
	docs := testcorpus.Fixture(b)
	tk, _ := New(DictIPA)
	b.SetBytes(testcorpus.TextBytes(docs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			tk.Count(d.Text)
		}
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
