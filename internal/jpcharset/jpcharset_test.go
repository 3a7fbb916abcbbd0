package jpcharset

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

// sample is a real file and the encoding it is in.
type sample struct {
	name string
	enc  Encoding
	b    []byte
}

// committed returns the encoded files of testdata/raw.
func committed(t testing.TB) []sample {
	dir := filepath.Join("..", "..", "testdata", "raw")
	files := map[string]Encoding{
		"rashomon-utf-8.txt":             UTF8,
		"rashomon-shift-jis.txt":         ShiftJIS,
		"rashomon-euc-jp.txt":            EUCJP,
		"rashomon-iso-2022-jp.txt":       ISO2022JP,
		"aozora_1515_ruby_7773.txt":      ShiftJIS,
		"aozora_53401_txt_43150.txt":     ShiftJIS,
		"uzushio_shift_jis.txt":          ShiftJIS,
		"egov2013_4a939c5e1c84df96.html": ShiftJIS,
		"egov2013_adf686bac53a42c8.html": ShiftJIS,
		"egov2013_f20763b22732ebf7.html": ShiftJIS,
	}
	var out []sample
	for name, enc := range files {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sample{name, enc, b})
	}
	return out
}

// shared returns the files of ../shared/corpus/web/legacy_encoded by the
// encoding their folder or name names; nil when the corpus is absent.
func shared(t testing.TB) []sample {
	root := filepath.Join("..", "..", "..", "shared", "corpus", "web", "legacy_encoded")
	var out []sample
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		var enc Encoding
		switch up := strings.ToUpper(p); {
		case strings.Contains(up, "/EUC-JP/"), strings.Contains(up, "EUC-JP.TXT"), strings.HasSuffix(up, "P1.HTML"):
			enc = EUCJP
		case strings.Contains(up, "/SHIFT_JIS/"), strings.Contains(up, "/CP932/"), strings.Contains(up, "SHIFT-JIS.TXT"),
			strings.HasSuffix(up, "SHIFT_JIS.TXT"), strings.HasSuffix(up, "P3.HTML"):
			enc = ShiftJIS
		case strings.Contains(up, "ISO-2022-JP"):
			enc = ISO2022JP
		case strings.Contains(up, "UTF-8"), strings.Contains(up, "PERLDOC"), strings.Contains(up, "DOCOMO"), strings.HasSuffix(up, "P2.HTML"):
			enc = UTF8
		default:
			return nil // SOURCE.txt
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sample{p, enc, b})
		return nil
	})
	return out
}

func decoder(e Encoding) encoding.Encoding {
	switch e {
	case ShiftJIS:
		return japanese.ShiftJIS
	case EUCJP:
		return japanese.EUCJP
	case ISO2022JP:
		return japanese.ISO2022JP
	}
	return nil
}

func TestDetectRealFiles(t *testing.T) {
	all := append(committed(t), shared(t)...)
	if len(all) < 70 {
		t.Logf("shared corpus absent: %d files", len(all))
	}
	for _, s := range all {
		r := Detect(s.b)
		if r.ASCII {
			continue // uzushio_shift_jis.txt: its Japanese is past the 589 bytes kept
		}
		if r.Encoding != s.enc {
			t.Errorf("%s: detected %v (%.2f), want %v", s.name, r.Encoding, r.Confidence, s.enc)
			continue
		}
		if r.Confidence < 0.5 && len(s.b) > 100 { // _mozilla_bug431054_text.html has 4 characters
			t.Errorf("%s: %v with confidence %.2f < 0.5", s.name, r.Encoding, r.Confidence)
		}
	}
}

// TestDetectPrefixes: detection on short prefixes of real files (a title,
// the first lines) is still right once a few Japanese characters are in.
func TestDetectPrefixes(t *testing.T) {
	for _, s := range committed(t) {
		if s.enc == ISO2022JP {
			continue
		}
		for _, n := range []int{200, 1000, 4096} {
			if n > len(s.b) {
				continue
			}
			if r := Detect(s.b[:n]); r.Encoding != s.enc && !r.ASCII {
				t.Errorf("%s[:%d]: detected %v, want %v", s.name, n, r.Encoding, s.enc)
			}
		}
	}
}

// TestFitEveryPairing declares every real file as each of the four
// encodings: only its own (the ASCII-only ones: any) fits.
func TestFitEveryPairing(t *testing.T) {
	labels := map[Encoding][]string{
		UTF8: {"utf-8", "UTF8"}, ShiftJIS: {"Shift_JIS", "windows-31j", "x-sjis"},
		EUCJP: {"EUC-JP", "x-euc-jp"}, ISO2022JP: {"ISO-2022-JP"},
	}
	for _, s := range append(committed(t), shared(t)...) {
		for enc, ls := range labels {
			for _, l := range ls {
				fit, r := Fit(l, s.b)
				if want := enc == s.enc || r.ASCII; fit != want {
					t.Errorf("%s declared %s: fit %v, want %v (detected %v %.2f)", s.name, l, fit, want, r.Encoding, r.Confidence)
				}
			}
		}
		// a non-Japanese declaration on Japanese bytes does not fit either
		if fit, r := Fit("windows-1252", s.b); fit && !r.ASCII {
			t.Errorf("%s declared windows-1252: fits", s.name)
		}
	}
}

func TestDetectConstructed(t *testing.T) {
	rashomon, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "raw", "rashomon-utf-8.txt"))
	tests := []struct {
		name  string
		b     []byte
		want  Encoding
		ascii bool
	}{
		{"empty", nil, UTF8, true},
		{"ascii", []byte("<html><body>hello</body></html>"), UTF8, true},
		{"bom", []byte("\xEF\xBB\xBFabc"), UTF8, false},
		{"nul", []byte("abc\x00def"), Binary, false},
		{"png", []byte("\x89PNG\r\n\x1a\n...."), Binary, false},
		{"gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0}, Binary, false},
		// 2 control bytes in 100 is at the limit (2%): text; 3 is binary
		{"ctl 2%", append(bytes.Repeat([]byte("a"), 98), 1, 2), UTF8, true},
		{"ctl 3%", append(bytes.Repeat([]byte("a"), 97), 1, 2, 3), Binary, false},
		{"iso escapes only", []byte("\x1b$B$3$s$K$A$O\x1b(B"), ISO2022JP, false},
		{"utf-8 cut mid-rune", rashomon[:len(rashomon)-1-bytes.LastIndexFunc(rashomon, func(r rune) bool { return r > 0x3000 })%3], UTF8, false},
		{"latin-1", []byte("caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve \xe0 la fa\xe7on"), Unknown, false},
	}
	for _, tt := range tests {
		r := Detect(tt.b)
		if r.Encoding != tt.want || r.ASCII != tt.ascii {
			t.Errorf("%s: got %+v, want %v ascii=%v", tt.name, r, tt.want, tt.ascii)
		}
	}
}

// TestDetectTruncatedEverywhere cuts real legacy files at every byte of
// their first 600: the cut must never change the verdict once a few
// characters are in.
func TestDetectTruncatedEverywhere(t *testing.T) {
	for _, s := range committed(t) {
		if !strings.HasPrefix(s.name, "rashomon") || s.enc == ISO2022JP {
			continue
		}
		for n := 60; n < 600 && n < len(s.b); n++ {
			if r := Detect(s.b[:n]); r.Encoding != s.enc && !r.ASCII {
				t.Fatalf("%s[:%d]: %v", s.name, n, r.Encoding)
			}
		}
	}
}

func TestCanonical(t *testing.T) {
	for l, want := range map[string]Encoding{
		"Shift_JIS": ShiftJIS, " windows-31J ": ShiftJIS, `"euc-jp"`: EUCJP, "UTF-8": UTF8, "iso-2022-jp": ISO2022JP,
	} {
		if got, ok := Canonical(l); !ok || got != want {
			t.Errorf("Canonical(%q) = %v, %v", l, got, ok)
		}
	}
	if _, ok := Canonical("iso-8859-1"); ok {
		t.Error("iso-8859-1 canonical")
	}
}

// TestDetectedDecodes: the detected encoding decodes each real legacy file
// into valid UTF-8 without replacement characters.
func TestDetectedDecodes(t *testing.T) {
	for _, s := range committed(t) {
		r := Detect(s.b)
		out := s.b
		if d := decoder(r.Encoding); d != nil {
			var err error
			out, err = d.NewDecoder().Bytes(s.b)
			if err != nil {
				t.Fatal(err)
			}
		}
		if !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
			t.Errorf("%s: decoding as %v leaves invalid text", s.name, r.Encoding)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range committed(f) {
		f.Add(s.b[:min(len(s.b), 512)])
	}
	f.Add([]byte("\x1b$B"))
	f.Add([]byte{0x8f, 0xa1})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := Detect(b)
		if r.Confidence < 0 || r.Confidence > 1 || r.Encoding > Binary {
			t.Fatalf("%+v", r)
		}
		fit, r2 := Fit(r.Encoding.String(), b)
		if r2 != r {
			t.Fatalf("Fit detected %+v, Detect %+v", r2, r)
		}
		// the detected encoding fits, unless it is no encoding at all
		if r.Encoding != Binary && r.Encoding != Unknown && !fit {
			t.Fatalf("detected %v does not fit", r.Encoding)
		}
		if r.Encoding == UTF8 && r.Confidence == 1 && !r.ASCII && !bytes.HasPrefix(b, bom) && !validCut(b[:min(len(b), DefaultSample)]) {
			t.Fatalf("invalid UTF-8 detected as UTF-8 with confidence 1")
		}
	})
}

// validCut reports whether v is valid UTF-8 but for a sequence cut off at its end.
func validCut(v []byte) bool {
	for k := 0; k <= 3 && k <= len(v); k++ {
		if utf8.Valid(v[:len(v)-k]) && (k == 0 || !utf8.FullRune(v[len(v)-k:])) {
			return true
		}
	}
	return false
}

func BenchmarkDetect(b *testing.B) {
	for _, s := range committed(b) {
		switch s.name {
		case "aozora_53401_txt_43150.txt", "egov2013_4a939c5e1c84df96.html", "rashomon-utf-8.txt", "rashomon-euc-jp.txt":
		default:
			continue
		}
		data := s.b
		for len(data) < DefaultSample {
			data = append(data, s.b...)
		}
		data = data[:DefaultSample]
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				Detect(data)
			}
		})
	}
}
