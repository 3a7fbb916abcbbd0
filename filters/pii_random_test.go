package filters

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestMaskPIIRandom checks the invariants of FuzzMaskPII on texts made of
// the pieces that PII scanners look at, which random bytes rarely hit.
// PII_RANDOM_N sets the number of texts (default 20,000), PII_RANDOM_SEED
// the seed.
func TestMaskPIIRandom(t *testing.T) {
	pieces := []string{
		"0", "3", "1", "9", "4", "8", "0120", "090", "1234", "5678", "4111", "-", "‐", "−", " ", "  ", "(", ")",
		"(0)", "+81", "+", "@", ".", "a", "x", "tel", "TEL", "Fax.", "jp", "co", "example", "_", "%", "〒", "〒 ",
		"電話", "あ", "、", ":", "/", "\xff", "5555", "4444", "6011", "822463", "10005", "taro", "example.co.jp",
		"1111", "0570", "0800", "050", "〒100", "0001",
	}
	n := 20000
	if s := os.Getenv("PII_RANDOM_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed := uint64(1)
	if s := os.Getenv("PII_RANDOM_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	opts := []PIIOptions{DefaultPIIOptions(), {Email: "[メール]", Phone: "[電話]", Postal: "[〒]", Card: "[カード]"}, {Phone: "<PHONE>"}}
	var b strings.Builder
	for range n {
		b.Reset()
		for k := rng.IntN(24); k >= 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := b.String()
		for _, o := range opts {
			var spans []piiSpan
			out, _ := maskPII(text, o, &spans)
			var b strings.Builder
			last := 0
			for _, sp := range spans {
				if sp.start < last || !strings.ContainsAny(text[sp.start:sp.end], "0123456789@") {
					t.Fatalf("%q: bad span %+v", text, sp)
				}
				b.WriteString(text[last:sp.start] + sp.repl)
				last = sp.end
			}
			if b.String()+text[last:] != out {
				t.Fatalf("%q: output %q is not the text with %+v replaced", text, out, spans)
			}
			if again, n2 := MaskPII(out, o); again != out || n2.Total() != 0 {
				t.Fatalf("not idempotent: %q -> %q -> %q", text, out, again)
			}
		}
	}
}
