package normalize

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"golang.org/x/text/unicode/norm"
)

func with(f func(*Options)) Options {
	o := Default()
	f(&o)
	return o
}

var (
	ascii       = with(func(o *Options) { o.IdeographicSpace = IdeographicASCII })
	keepIndent  = with(func(o *Options) { o.TrimIndent = false })
	noBlank     = with(func(o *Options) { o.MaxBlankLines = 0 })
	noNFKC      = with(func(o *Options) { o.NFKC = false })
	noNFKCASCII = with(func(o *Options) { o.NFKC = false; o.IdeographicSpace = IdeographicASCII })
)

// stringCases are the table of TestString and seeds of FuzzString.
var stringCases = []struct {
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
	// A protected rune before a combining mark stays protected (norm
	// must not re-normalize what it already wrote).
	{"kaomoji keeps U+3000", Default(), "（　ﾟ∀ﾟ）", "(　゜∀゜)"},
	{"kaomoji ascii", ascii, "（　ﾟ∀ﾟ）", "( ゜∀゜)"},
	{"U+3000 before combining mark", Default(), "a　\u0301b", "a　\u0301b"},
	{"spacing mark before combining mark", Default(), "ん゛\u0301", "ん゛\u0301"},
	{"spacing mark before combining mark, no NFKC", noNFKC, "ん゛\u0301", "ん゛\u0301"},
	{"composed mark before combining mark", Default(), "か゛\u0301", "が\u0301"},
	// Half-width sound marks behave like ゛゜.
	{"half-width mark after non-kana", Default(), "∀ﾞ Aﾟ", "∀゛ A゜"},
	{"half-width mark alone", Default(), "ﾞ", "゛"},
	{"half-width mark after U+3000", Default(), "ｱ　ﾞ", "ア　゛"},
	{"half-width mark without precomposed form", Default(), "ｷﾟ", "キ゜"},
	{"half-width mark after full-width kana", Default(), "かﾞゝﾞ", "がゞ"},
	{"half-width mark kept without NFKC", noNFKC, "∀ﾞ", "∀ﾞ"},
	{"spacing mark composes after NFKC", Default(), "㋕゛", "ガ"},
	{"spacing mark after composed mark", Default(), "か゛゛", "が゛"},
	// A combining U+3099/U+309A with no base becomes ゛/゜.
	{"combining mark at start", Default(), "\u3099あ", "゛あ"},
	{"combining mark at line start", Default(), "あ\n\u309Aい", "あ\n゜い"},
	{"combining mark after indent", keepIndent, " \u3099", " ゛"},
	{"combining mark after U+3000", Default(), "a　\u3099b", "a　゛b"},
	{"combining mark after U+3000 ascii", ascii, "a　\u3099b", "a ゛b"},
	{"combining mark after U+3000 no NFKC", noNFKCASCII, "a　\u3099b", "a ゛b"},
	{"combining mark reordered to the front", Default(), "\u0301\u3099", "゛\u0301"},
	{"combining mark after base stays", Default(), "あ\u3099き\u309A", "あ\u3099き\u309A"},
	{"second combining mark sits on the first", Default(), "　\u3099\u3099", "゛\u3099"},
	// Other spacing accents are not split into a space and a mark.
	{"spacing accents kept", Default(), "（　￣▽￣）don´t ¨", "(　￣▽￣)don´t ¨"},
	{"spacing accent in NFC", Default(), "\u1FEE", "\u0385"},
	{"spacing accent before combining mark", Default(), "¨\u0301", "¨\u0301"},
	// Page breaks separate words.
	{"form feed and vertical tab", Default(), "一\f二\v三\r\f四", "一\n二\n三\n\n四"},
}

func TestString(t *testing.T) {
	for _, c := range stringCases {
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

// TestSpacingAccents checks spacingAccent against norm (the runes apart
// from ゛゜ whose NFKC form is a space followed by combining marks) and the
// byte filter of clean against the runes clean changes.
func TestSpacingAccents(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) || r == voicedSpacing || r == semiSpacing {
			continue
		}
		k := norm.NFKC.String(string(r))
		want := len(k) > 1 && k[0] == ' ' && norm.NFKC.PropertiesString(k[1:]).CCC() != 0
		if spacingAccent(r) != want {
			t.Errorf("spacingAccent(%U) = %v, NFKC %+q", r, !want, k)
		}
	}
	// clean looks at every rune it may drop or protect
	n := New(Default())
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		if (dropped(r) || lineBreak(r) || n.protected(r)) && !mayChange(string(r), 0) {
			t.Errorf("mayChange(%U) = false", r)
		}
	}
}

// configs are the option sets TestPieces, TestInvariants and FuzzString
// run: both ideographic space modes with NFKC on and off, and the other
// whitespace options.
var configs = []struct {
	name string
	opts Options
}{
	{"default", Default()},
	{"ascii", ascii},
	{"noNFKC", noNFKC},
	{"noNFKC ascii", noNFKCASCII},
	{"keep indent, no blank lines", with(func(o *Options) { o.TrimIndent = false; o.MaxBlankLines = 0 })},
}

// withPiece returns a Normalizer that handles at most piece bytes at a time.
func withPiece(o Options, piece int) *Normalizer {
	n := New(o)
	n.piece = piece
	return n
}

// randomText joins random tokens chosen to meet every rule and every
// piece-cutting case: line breaks, whitespace runs, sound marks, combining
// marks (runs over 30 make norm insert U+034F), controls, invalid bytes.
func randomText(rng *rand.Rand) string {
	tokens := []string{
		"a", "Z", "1", ".", " ", "  ", "\t", "\n", "\n\n\n", "\r\n", "\r", "\v", "\f",
		"\u3000", "\u3000\u3000", "か", "は", "ん", "ゝ", "ウ", "ｶ", "ﾊ", "ｷ", "ﾞ", "ﾟ", "゛", "゜",
		"\u3099", "\u309A", "\u0301", "\u0334", "\u0344", "¨", "￣", "´", "\u1FEE", "㌔", "㈱", "Ａ",
		"漢", "。", "가", "\u11A8", "ﷺ", "\x00", "\x7f", "\u0085", "\u200B", "\uFEFF",
		"\u2028", "\u00A0", "\u2003", "\xff", "\xe3\x81", "\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301",
	}
	var b strings.Builder
	for range rng.IntN(120) {
		b.WriteString(tokens[rng.IntN(len(tokens))])
	}
	return b.String()
}

// TestPieces checks that cutting the input into pieces changes nothing:
// the result with tiny pieces and with the default size equals the result
// of processing the whole text at once.
func TestPieces(t *testing.T) {
	docs := testcorpus.Fixture(t)
	var big strings.Builder // several default pieces
	for _, d := range docs {
		big.WriteString(d.Text)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]string, 3000)
	for i := range random {
		random[i] = randomText(rng)
	}
	for _, c := range configs {
		whole := withPiece(c.opts, math.MaxInt)
		check := func(t *testing.T, n *Normalizer, id, in string) {
			t.Helper()
			if got, want := n.String(in), whole.String(in); got != want {
				t.Fatalf("%s, piece %d: String(%+q)\n = %+q\nwant %+q", id, n.piece, in, got, want)
			}
		}
		t.Run(c.name, func(t *testing.T) {
			for _, piece := range []int{1, 7, 64} {
				n := withPiece(c.opts, piece)
				for i, in := range random {
					check(t, n, "random "+strconv.Itoa(i), in)
				}
			}
			tiny := withPiece(c.opts, 7)
			for _, d := range docs {
				check(t, tiny, d.ID, d.Text)
			}
			check(t, New(c.opts), "all fixture text", big.String())
		})
	}
}

// TestInvariants checks the invariants of FuzzString on random text.
func TestInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		in := randomText(rng)
		for _, c := range configs {
			checkString(t, c.name, c.opts, in)
		}
	}
}

// TestStringMemory checks that String allocates little more than its
// result: real text, and runs of one character that must still be cut into
// pieces (only a run of combining marks has no safe cut).
func TestStringMemory(t *testing.T) {
	const size = 4 << 20
	cases := []struct {
		name string
		in   string
	}{
		{"fixture text", largeText(t, size)},
		{"CR", strings.Repeat("\r", size)},
		{"spaces", strings.Repeat(" ", size)},
		{"U+3000", strings.Repeat("\u3000", size/3)},
		{"sound marks", strings.Repeat("゛", size/3)},
		{"half-width kana", strings.Repeat("ｶﾞ", size/6)},
		{"controls", strings.Repeat("\x01", size)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := New(Default())
			n.String(c.in[:1<<20]) // size the scratch buffers
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			out := n.String(c.in)
			runtime.ReadMemStats(&after)
			// the result buffer, a right-sized copy of a result under half
			// of it, and scratch
			limit := len(c.in) + 256<<10
			if 2*len(out) <= len(c.in)+8<<10 {
				limit += len(out)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(limit) {
				t.Errorf("String(%d bytes) allocated %d bytes, result %d", len(c.in), alloc, len(out))
			}
		})
	}
}

// largeText repeats the fixture documents, separated by blank lines, to at
// least size bytes.
func largeText(tb testing.TB, size int) string {
	docs := testcorpus.Fixture(tb)
	var b strings.Builder
	b.Grow(size + 64<<10)
	for b.Len() < size {
		for _, d := range docs {
			b.WriteString(d.Text)
			b.WriteString("\n\n")
		}
	}
	return b.String()
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

// BenchmarkNormalizeLarge normalizes one 64 MiB document; alloc/B is the
// bytes allocated per input byte (the result itself is about 1).
func BenchmarkNormalizeLarge(b *testing.B) {
	text := largeText(b, 64<<20)
	n := New(Default())
	n.String(text[:1<<20])
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n.String(text)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	alloc := float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N)
	b.ReportMetric(alloc/float64(len(text)), "alloc/B")
}
