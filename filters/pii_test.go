package filters

import (
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"golang.org/x/text/unicode/norm"
)

func TestMaskPII(t *testing.T) {
	type pc = PIICounts
	cases := []struct {
		in, want string
		n        PIICounts
	}{
		// e-mail
		{"お問い合わせは info@example.co.jp までご連絡ください。", "お問い合わせは <EMAIL> までご連絡ください。", pc{Email: 1}},
		{"メールはsupport@example.jpまで", "メールは<EMAIL>まで", pc{Email: 1}},
		{"連絡先：yamada.taro+news@mail.example.com（担当：山田）", "連絡先：<EMAIL>（担当：山田）", pc{Email: 1}},
		{"送信元 <no-reply@example.com>.", "送信元 <<EMAIL>>.", pc{Email: 1}},
		{"宛先は.taro@example.com.です", "宛先は.<EMAIL>.です", pc{Email: 1}},
		{"0312345678@example.com に送る", "<EMAIL> に送る", pc{Email: 1}},
		{"a@b.cc@d.ee", "<EMAIL>@d.ee", pc{Email: 1}},
		// phone: fixed lines, mobile, toll-free, glued to kana and kanji
		{"電話03-1234-5678まで", "電話<PHONE>まで", pc{Phone: 1}},
		{"TEL：06-6123-4567　FAX：06-6123-4568", "TEL：<PHONE>　FAX：<PHONE>", pc{Phone: 2}},
		{"TEL03-3581-3111／Fax.03-3581-3112", "TEL<PHONE>／Fax.<PHONE>", pc{Phone: 2}},
		{"横浜045-123-4567、武蔵野0422-12-3456、帯広01564-2-3456", "横浜<PHONE>、武蔵野<PHONE>、帯広<PHONE>", pc{Phone: 3}},
		{"携帯090-1234-5678、IP電話050-1234-5678", "携帯<PHONE>、IP電話<PHONE>", pc{Phone: 2}},
		{"フリーダイヤル0120-123-456（平日9時〜18時）", "フリーダイヤル<PHONE>（平日9時〜18時）", pc{Phone: 1}},
		{"0800-123-4567、0570-123-456、0120-12-3456", "<PHONE>、<PHONE>、<PHONE>", pc{Phone: 3}},
		{"代表(03)1234-5678、(03) 1234-5678、03(1234)5678、(0120)123-456", "代表<PHONE>、<PHONE>、<PHONE>、<PHONE>", pc{Phone: 4}},
		{"番号は0312345678と09012345678です", "番号は<PHONE>と<PHONE>です", pc{Phone: 2}},
		{"03‐1234‐5678、03−1234−5678、03 1234 5678", "<PHONE>、<PHONE>、<PHONE>", pc{Phone: 3}},
		{"03-1234-5678 03-1234-5679", "<PHONE> <PHONE>", pc{Phone: 2}},
		{"海外から+81-3-1234-5678、+81 90 1234 5678、+81 (0)3-1234-5678、+819012345678へ", "海外から<PHONE>、<PHONE>、<PHONE>、<PHONE>へ", pc{Phone: 4}},
		{"0312345678+81312345678、a@b.jp(03)1234-5678", "<PHONE><PHONE>、<EMAIL><PHONE>", pc{Email: 1, Phone: 3}},
		{"〒100-0001−23@example.jp", "", pc{}},
		// postal codes after 〒 only; 〒 stays
		{"〒100-0001 東京都千代田区千代田1-1", "〒<POSTAL> 東京都千代田区千代田1-1", pc{Postal: 1}},
		{"〒 1000001、〒060‐0001札幌市", "〒 <POSTAL>、〒<POSTAL>札幌市", pc{Postal: 2}},
		// cards (Luhn-valid test numbers)
		{"カード番号 4111 1111 1111 1111 の有効期限", "カード番号 <CARD> の有効期限", pc{Card: 1}},
		{"4111-1111-1111-1111、5555555555554444、3782 822463 10005、3530111333300000", "<CARD>、<CARD>、<CARD>、<CARD>", pc{Card: 4}},
		// everything at once
		{"山田太郎（〒150-0002 渋谷区、TEL 03-1234-5678、taro@example.jp、カード 6011-0009-9013-9424）",
			"山田太郎（〒<POSTAL> 渋谷区、TEL <PHONE>、<EMAIL>、カード <CARD>）", pc{Email: 1, Phone: 1, Postal: 1, Card: 1}},

		// negatives: dates, law numbers, prices, invoice and product numbers
		{"令和5年12月1日（2023-12-01）施行", "", pc{}},
		{"平成二十五年十二月十三日法律第百八号、令和5年法律第47号", "", pc{}},
		{"価格は¥1,234,567（税込）、送料￥0", "", pc{}},
		{"請求書番号 1234-5678-9012 と 4000-1234-5678-9012", "", pc{}},
		{"ISBN9784101010014、JANコード4901234567894", "", pc{}},
		{"郵便番号100-0001、〒なし 100-0001", "", pc{}},
		// numbers inside longer ones, or too short, or invalid prefixes
		{"103-1234-5678、12-03-1234-5678、03-1234-5678-9、0312345678901", "", pc{}},
		{"03-1234-567、090-1234-567、010-1234-5678、00-1234-5678、03-12345678", "", pc{}},
		{"ID:AB0312345678、v1.0312345678、0312345678.5、x_0312345678", "", pc{}},
		{"〒100-00012、〒10-0001", "", pc{}},
		{"4111 1111 1111 1112、41111111111111111111", "", pc{}},
		{"@mention、user@localhost、foo@bar、a@b.c、x@123.45、x@-a.jp", "", pc{}},
		{"＋８１や（０３）は正規化前なので対象外", "", pc{}},
		{"", "", pc{}},
	}
	for _, c := range cases {
		want := c.want
		if want == "" {
			want = c.in
		}
		got, n := MaskPII(c.in, DefaultPIIOptions())
		if got != want || n != c.n {
			t.Errorf("MaskPII(%q)\n = %q %+v\nwant %q %+v", c.in, got, n, want, c.n)
		}
		if again, n2 := MaskPII(got, DefaultPIIOptions()); again != got || n2.Total() != 0 {
			t.Errorf("not idempotent: %q -> %q", got, again)
		}
	}
}

func TestMaskPIIOptions(t *testing.T) {
	in := "〒100-0001 TEL 03-1234-5678 taro@example.jp 4111111111111111"
	cases := []struct {
		o    PIIOptions
		want string
	}{
		{PIIOptions{}, in},
		{PIIOptions{Phone: "[電話]"}, "〒100-0001 TEL [電話] taro@example.jp 4111111111111111"},
		{PIIOptions{Email: "[メール]", Card: "[カード]"}, "〒100-0001 TEL 03-1234-5678 [メール] [カード]"},
		{PIIOptions{Postal: "###"}, "〒### TEL 03-1234-5678 taro@example.jp 4111111111111111"},
	}
	for _, c := range cases {
		if got, _ := MaskPII(in, c.o); got != c.want {
			t.Errorf("%+v: %q", c.o, got)
		}
	}
	// nothing masked: the text itself comes back, not a copy
	text := strings.Repeat("国会は、国権の最高機関であつて、国の唯一の立法機関である。", 10)
	if got, _ := MaskPII(text, DefaultPIIOptions()); unsafe.StringData(got) != unsafe.StringData(text) {
		t.Error("unmasked text was copied")
	}
}

func TestMaskPIIFixture(t *testing.T) {
	// the fixture is real text without personal data: nothing to mask, and
	// NFKC-normalized it should stay so too (its numbers are law numbers,
	// dates, article numbers, amounts)
	for _, d := range testcorpus.Fixture(t) {
		for _, text := range []string{d.Text, norm.NFKC.String(d.Text)} {
			var spans []piiSpan
			if _, n := maskPII(text, DefaultPIIOptions(), &spans); n.Total() != 0 {
				for _, sp := range spans {
					t.Errorf("%s: masked %q in %q", d.ID, text[sp.start:sp.end], text[max(0, sp.start-30):min(len(text), sp.end+30)])
				}
			}
		}
	}
}

// FuzzMaskPII checks that MaskPII does not panic, that the output is the
// text with the reported spans replaced (so a masked item is gone, unless
// the same characters also occur unmasked), that every span holds a digit or
// '@', and that masking again changes nothing.
func FuzzMaskPII(f *testing.F) {
	for _, s := range []string{
		"電話03-1234-5678まで", "〒100-0001 東京都", "taro@example.jp", "4111 1111 1111 1111",
		"+81 (0)3-1234-5678", "(03)1234-5678", "03(1234)5678", "x@a.0312345678", "a@b.cc@d.ee",
		"03 1234 5678 090-1234-5678", "TEL03-1234-5678", "\xff0312345678\xe3",
		// found by TestMaskPIIRandom
		"+81912340120+81441110120", "〒1000120−1111@0800jp5555example.co.jp", "a@b.jp(03)1234-5678",
	} {
		f.Add(s)
	}
	opts := []PIIOptions{DefaultPIIOptions(), {Email: "[メール]", Phone: "[電話]", Postal: "[〒]", Card: "[カード]"}}
	f.Fuzz(func(t *testing.T, text string) {
		for _, o := range opts {
			var spans []piiSpan
			out, n := maskPII(text, o, &spans)
			if n.Total() != len(spans) {
				t.Fatalf("%+v counted, %d spans", n, len(spans))
			}
			var b strings.Builder
			last := 0
			for _, sp := range spans {
				if sp.start < last || sp.end <= sp.start {
					t.Fatalf("bad span %+v after %d", sp, last)
				}
				item := text[sp.start:sp.end]
				if !strings.ContainsAny(item, "0123456789@") {
					t.Fatalf("masked %q", item)
				}
				b.WriteString(text[last:sp.start])
				b.WriteString(sp.repl)
				last = sp.end
			}
			b.WriteString(text[last:])
			if b.String() != out {
				t.Fatalf("output %q is not the text with %+v replaced", out, spans)
			}
			if again, n2 := MaskPII(out, o); again != out || n2.Total() != 0 {
				t.Fatalf("not idempotent: %q -> %q -> %q", text, out, again)
			}
			if utf8.ValidString(text) && !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of valid: %q", out)
			}
		}
	})
}

// BenchmarkMaskPII masks the fixture documents (laws, Diet speeches, Aozora
// works: long Japanese text with few numbers and no personal data).
func BenchmarkMaskPII(b *testing.B) {
	docs := testcorpus.Fixture(b)
	o := DefaultPIIOptions()
	b.SetBytes(testcorpus.TextBytes(docs))
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			MaskPII(d.Text, o)
		}
	}
}

// BenchmarkMaskPIIDense masks a contact-page-like text with an item every
// ~60 bytes.
func BenchmarkMaskPIIDense(b *testing.B) {
	text := strings.Repeat("株式会社サンプル 〒100-0001 東京都千代田区千代田1-1 TEL 03-1234-5678 info@example.co.jp 平成25年12月13日 ", 200)
	o := DefaultPIIOptions()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		MaskPII(text, o)
	}
}
