package normalize

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"golang.org/x/text/unicode/norm"
)

func TestString(t *testing.T) {
	ascii := Default()
	ascii.IdeographicSpace = IdeographicASCII
	keepIndent := Default()
	keepIndent.TrimIndent = false
	noBlank := Default()
	noBlank.MaxBlankLines = 0
	noNFKC := Default()
	noNFKC.NFKC = false
	cases := []struct {
		name string
		opts Options
		in   string
		want string
	}{
		{"precomposed dakuten stays", Default(), "がぎぐげご ぱぴぷぺぽ", "がぎぐげご ぱぴぷぺぽ"},
		{"half-width kana with dakuten", Default(), "ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟ ｳﾞ", "ガギグ パピ ヴ"},
		{"combining dakuten composes", Default(), "か\u3099き\u309A", "が" + "き\u309A"},
		{"spacing dakuten after kana composes", Default(), "か゛ハ゜", "がパ"},
		{"spacing dakuten alone is kept", Default(), "濁点「゛」と半濁点「゜」", "濁点「゛」と半濁点「゜」"},
		{"spacing dakuten after half-width kana", Default(), "ｶ゛ﾊ゜", "ガパ"},
		{"NFKC off still composes dakuten", noNFKC, "か゛か\u3099", "がが"},
		{"full-width ASCII folds", Default(), "ＡＢＣ１２３！", "ABC123!"},
		{"ideographic space kept inside a line", Default(), "第一条　この法律は", "第一条　この法律は"},
		{"ideographic space to ascii", ascii, "第一条　この法律は", "第一条 この法律は"},
		{"indent removed", Default(), "　移民の概念は\n　他方で", "移民の概念は\n他方で"},
		{"indent kept when asked", keepIndent, "　移民の概念は", "　移民の概念は"},
		{"run of ideographic spaces is one", Default(), "附則　　　抄", "附則　抄"},
		{"mixed run becomes ascii space", Default(), "附則　 　抄", "附則 抄"},
		{"run with a tab becomes a tab", Default(), "a \t b", "a\tb"},
		{"trailing space trimmed", Default(), "文。　 \n次。", "文。\n次。"},
		{"CRLF and CR", Default(), "一\r\n二\r三", "一\n二\n三"},
		{"controls removed, tab and newline kept", Default(), "あ\x00い\x1bう\x7fえ\u0085お\tか", "あいうえ\nお\tか"},
		{"invisible characters removed", Default(), "\uFEFFゼロ\u200B幅\u00AD", "ゼロ幅"},
		{"blank lines collapse to one", Default(), "\n\n段落一\n\n\n\n段落二\n  \n\n", "段落一\n\n段落二"},
		{"no blank lines", noBlank, "段落一\n\n\n段落二", "段落一\n段落二"},
		{"no-break space", Default(), "a\u00a0\u00a0b", "a b"},
		{"NFKC off keeps width", noNFKC, "ＡＢ ｶﾞ", "ＡＢ ｶﾞ"},
		{"compat chars", Default(), "㈱①㌔", "(株)1キロ"},
		{"empty", Default(), "", ""},
		{"only whitespace", Default(), " \n\t\u3000\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := New(c.opts).String(c.in)
			if got != c.want {
				t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// TestRealText runs the normalizer over every document of the fixture and
// checks properties that must hold for real Japanese text.
func TestRealText(t *testing.T) {
	n := New(Default())
	for _, d := range testcorpus.Fixture(t) {
		got := n.String(d.Text)
		if !utf8.ValidString(got) || got == "" {
			t.Fatalf("%s: invalid or empty result", d.ID)
		}
		if again := n.String(got); again != got {
			t.Errorf("%s: not idempotent", d.ID)
		}
		// No voiced kana is lost: count precomposed voiced/semi-voiced kana
		// in NFKC of the input and in the output.
		if a, b := voiced(norm.NFKC.String(d.Text)), voiced(got); a != b {
			t.Errorf("%s: voiced kana %d → %d", d.ID, a, b)
		}
		if strings.Contains(got, "\n\n\n") || strings.HasPrefix(got, "\u3000") || strings.Contains(got, "\r") {
			t.Errorf("%s: whitespace not normalized", d.ID)
		}
	}
	// The Diet speech's speaker separator (U+3000) survives; indentation does not.
	got := n.String("○金田国務大臣　御質問にお答えをいたします。\n　移民の概念というものは")
	if got != "○金田国務大臣　御質問にお答えをいたします。\n移民の概念というものは" {
		t.Errorf("speech: %q", got)
	}
}

func voiced(s string) int {
	n := 0
	for _, r := range s {
		if r == 'ヴ' || r == 'ゔ' {
			n++
			continue
		}
		d := norm.NFD.String(string(r))
		if strings.ContainsAny(d, "\u3099\u309A") {
			n++
		}
	}
	return n
}

func TestValidate(t *testing.T) {
	bad := Default()
	bad.IdeographicSpace = "drop"
	if bad.Validate() == nil {
		t.Error("unknown mode accepted")
	}
	neg := Default()
	neg.MaxBlankLines = -1
	if neg.Validate() == nil {
		t.Error("negative blank lines accepted")
	}
	if _, err := (Stage{Options: bad}).NewProcessor(); err == nil {
		t.Error("stage accepted bad options")
	}
}

func BenchmarkNormalize(b *testing.B) {
	docs := testcorpus.Fixture(b)
	n := New(Default())
	b.SetBytes(testcorpus.TextBytes(docs))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			n.String(d.Text)
		}
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
