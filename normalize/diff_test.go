package normalize

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/text/unicode/norm"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// allOptions are every combination the differential tests run: NFKC on and
// off, both ideographic space modes, TrimIndent on and off, MaxBlankLines
// 0, 1 and 2.
var allOptions = func() []Options {
	var all []Options
	for _, nfkc := range []bool{true, false} {
		for _, ideo := range []string{IdeographicKeep, IdeographicASCII} {
			for _, trim := range []bool{true, false} {
				for blank := range 3 {
					all = append(all, Options{NFKC: nfkc, IdeographicSpace: ideo, TrimIndent: trim, MaxBlankLines: blank})
				}
			}
		}
	}
	return all
}()

// checkSame fails unless n and the reference give the same result for in.
func checkSame(t *testing.T, id string, n *Normalizer, ref *oldNormalizer, in string) {
	t.Helper()
	if got, want := n.String(in), ref.String(in); got != want {
		t.Fatalf("%s, %+v: String(%+q)\n = %+q\nreference %+q", id, n.opts, excerpt(in, 0, 4096), excerpt(got, 0, 4096), excerpt(want, 0, 4096))
	}
}

// oldWithPiece returns a reference normalizer that handles at most piece
// bytes at a time.
func oldWithPiece(o Options, piece int) *oldNormalizer {
	n := newOld(o)
	n.piece = piece
	return n
}

// FuzzFastPath compares String with the reference implementation
// (reference_test.go) for every option set of allOptions, with the default
// piece size and with pieces of 7 bytes on both sides. (The reference is
// not quite piece-independent: with NFKC off, a cut between two ﾞ inside a
// run of more than 30 combining marks moves the U+034F that norm inserts.
// The pieces of both are the same, so the comparison is exact.) Its seed corpus in
// testdata/fuzz/FuzzFastPath holds real Japanese lines, half-width kana
// with sound marks, combining marks, U+3000 runs, CRLF, controls, invalid
// UTF-8, the placeholder U+FDD0 and spacing accents.
func FuzzFastPath(f *testing.F) {
	for _, c := range stringCases {
		f.Add(c.in)
	}
	type pair struct {
		n, tiny      *Normalizer
		ref, tinyRef *oldNormalizer
	}
	var pairs []pair
	for _, o := range allOptions {
		pairs = append(pairs, pair{New(o), withPiece(o, 7), newOld(o), oldWithPiece(o, 7)})
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, p := range pairs {
			checkSame(t, "fuzz", p.n, p.ref, in)
			checkSame(t, "fuzz, pieces of 7 bytes", p.tiny, p.tinyRef, in)
		}
	})
}

// TestFastPathRandom runs the comparison of FuzzFastPath on random text.
func TestFastPathRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, o := range allOptions {
		n, tiny, ref, tinyRef := New(o), withPiece(o, 7), newOld(o), oldWithPiece(o, 7)
		for range 300 {
			in := randomText(rng)
			checkSame(t, "random", n, ref, in)
			checkSame(t, "random, pieces of 7 bytes", tiny, tinyRef, in)
		}
	}
}

// TestFastPathRunes compares String with the reference on every rune below
// U+10000 (the fast path's table) between contexts that may act with it.
func TestFastPathRunes(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	contexts := []string{"か", "a", " ", "\n", "\u3000", "\u3099", "゛", "ﾞ", "\u0301", "\x00", "\r", "\uFDD0", "ｶ", "\u11A8", "가", strings.Repeat("\u0301", 30)}
	for _, o := range []Options{Default(), with(func(o *Options) { o.NFKC = false })} {
		n, ref := New(o), newOld(o)
		var b strings.Builder
		for r := rune(0); r < 0x10000; r++ {
			for _, c := range contexts {
				b.WriteString(c)
				b.WriteRune(r)
			}
			b.WriteRune(r)
			b.WriteByte('\n')
			if r%256 == 255 {
				checkSame(t, "runes", n, ref, b.String())
				b.Reset()
			}
		}
	}
}

// TestFastPathRealText compares String with the reference on the fixture
// and, when ../shared/corpus is present, on its laws, Diet speeches and
// Aozora works: every document with the default options and one of
// allOptions in turn. It stops after about 10 s unless
// JACORPUS_DIFF_ALL is set.
func TestFastPathRealText(t *testing.T) {
	limit := 10 * time.Second
	if testing.Short() {
		limit = 2 * time.Second
	}
	if os.Getenv("JACORPUS_DIFF_ALL") != "" {
		limit = 24 * time.Hour
	}
	deadline := time.Now().Add(limit)
	type pair struct {
		n   *Normalizer
		ref *oldNormalizer
	}
	var pairs []pair
	for _, o := range append([]Options{Default()}, allOptions...) {
		pairs = append(pairs, pair{New(o), newOld(o)})
	}
	docs, bytes := 0, 0
	check := func(id, text string) bool {
		for _, p := range []pair{pairs[0], pairs[1+docs%len(allOptions)]} {
			checkSame(t, id, p.n, p.ref, text)
		}
		docs++
		bytes += len(text)
		return time.Now().Before(deadline)
	}
	for _, d := range testcorpus.Fixture(t) {
		check(d.ID, d.Text)
	}
	shared := testcorpus.Path("../../shared/corpus")
	files := []string{
		"gov/egov_laws_2013.part1.jsonl.gz",
		"gov/diet_speeches.jsonl.gz",
		"literature/aozora_pd.part1.jsonl.gz",
	}
	perFile := limit / time.Duration(len(files)+1)
	for _, name := range files {
		path := filepath.Join(shared, name)
		if _, err := os.Stat(path); err != nil {
			t.Logf("%s absent: skipped", path)
			continue
		}
		fileDeadline := time.Now().Add(perFile)
		n := 0
		err := eachJSONText(path, func(id, text string) bool {
			n++
			return check(name+":"+id, text) && time.Now().Before(fileDeadline)
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d documents", name, n)
	}
	t.Logf("%d documents, %d bytes: same as the reference", docs, bytes)
}

// eachJSONText calls f with the id and text of every record of a JSON
// Lines file (gzip or zstd by its name) until f returns false.
func eachJSONText(path string, f func(id, text string) bool) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	var r io.Reader = file
	switch {
	case strings.HasSuffix(path, ".gz"):
		zr, err := gzip.NewReader(file)
		if err != nil {
			return err
		}
		r = zr
	case strings.HasSuffix(path, ".zst"):
		zr, err := zstd.NewReader(file)
		if err != nil {
			return err
		}
		defer zr.Close()
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var rec struct {
			ID   json.RawMessage `json:"id"`
			Text string          `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return err
		}
		if !f(string(rec.ID), rec.Text) {
			return nil
		}
	}
	return sc.Err()
}

// mixedText returns documents of real Japanese text from testdata, about
// 1.5 MB of each kind at most: laws, Diet speeches, literature (the
// fixture's Aozora works and sample/aozora) and web pages (the text of
// crawled e-Gov pages and of sample.warc.wet.gz).
func mixedText(tb testing.TB) []string {
	const perKind = 3 << 19
	var docs []string
	add := func(path string) {
		size := 0
		err := eachJSONText(testcorpus.Path(path), func(_, text string) bool {
			docs = append(docs, text)
			size += len(text)
			return size < perKind
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	for _, d := range testcorpus.Fixture(tb) {
		docs = append(docs, d.Text)
	}
	add("sample/egov_laws.jsonl.zst")
	add("sample/diet_speeches.jsonl.gz")
	add("dedup/lines/egov_pages.jsonl.gz")
	aozora, _ := filepath.Glob(testcorpus.Path("sample/aozora/*.txt"))
	for _, p := range aozora {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	wet, err := os.ReadFile(testcorpus.Path("web/sample.warc.wet.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(wet))
	if err != nil {
		tb.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	for _, rec := range strings.Split(string(plain), "WARC/1.0\r\n") {
		if _, body, ok := strings.Cut(rec, "\r\n\r\n"); ok && strings.Contains(rec, "WARC-Type: conversion") {
			docs = append(docs, body)
		}
	}
	return docs
}

// BenchmarkNormalizeMixed normalizes a few MB of real mixed Japanese text
// (laws, speeches, literature, web pages) document by document.
func BenchmarkNormalizeMixed(b *testing.B) {
	benchMixed(b, New(Default()).String)
}

// BenchmarkNormalizeMixedReference is BenchmarkNormalizeMixed for the
// reference implementation, the speed before the fast path.
func BenchmarkNormalizeMixedReference(b *testing.B) {
	benchMixed(b, newOld(Default()).String)
}

// benchMixed runs normalize over the mixed text, document by document.
func benchMixed(b *testing.B, normalize func(string) string) {
	docs := mixedText(b)
	size := 0
	for _, d := range docs {
		size += len(d)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, d := range docs {
			normalize(d)
		}
	}
}

// TestMixedText checks that the benchmark text is what it claims: several
// MB, with a share of each kind, and that String gives the reference's
// result on it.
func TestMixedText(t *testing.T) {
	docs := mixedText(t)
	size := 0
	n, ref := New(Default()), newOld(Default())
	for i, d := range docs {
		size += len(d)
		if i%7 == 0 {
			checkSame(t, "mixed", n, ref, d)
		}
	}
	if size < 3<<20 {
		t.Errorf("mixed text is %d bytes", size)
	}
}

// TestFastTable checks the property the fast path relies on for every rune
// of a class other than kSlow, kSound and the line breaks (which clean
// turns into '\n' before the form sees them), with x/text itself: the
// normal form splits before the rune whatever comes before it (a base it
// could combine with, a run of non-starters near the 30 after which norm
// inserts U+034F), and after it when a fast rune follows; its normal form
// on its own is what the table says.
func TestFastTable(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	pres := []string{"", "가", "a" + strings.Repeat("\u0301", 30)}
	posts := []string{"", "\u3099", "\u11a8", strings.Repeat("\u0301", 31)}
	for _, f := range []norm.Form{norm.NFKC, norm.NFC} {
		tab := fastTableFor(f)
		for r := rune(0); r < 0x10000; r++ {
			c := tab.class[r]
			if c == kSlow || c == kSound || c == kLF || c == kBreak {
				continue
			}
			// one in 16 of the unified ideographs and Hangul syllables,
			// which x/text handles alike
			if (0x3400 <= r && r <= 0x9FFF || 0xAC00 <= r && r <= 0xD7A3) && r%16 != 0 {
				continue
			}
			x := string(r)
			want := x
			switch {
			case c >= kMapped:
				want = tab.maps[c-kMapped]
			case c == kSpace || c == kIdeo || c == kTab:
				want = f.String(x)
			}
			if got := f.String(x); got != want {
				t.Fatalf("%v: %U: form %+q, table %+q", f, r, got, want)
			}
			for _, pre := range pres {
				for _, post := range posts {
					whole := f.String(pre + x + post)
					if split := f.String(pre) + f.String(x+post); whole != split {
						t.Errorf("%v: %+q %U %+q: %+q, split before %+q", f, pre, r, post, whole, split)
					}
				}
				if whole, split := f.String(pre+x+"aあ"), f.String(pre)+want+"aあ"; whole != split {
					t.Errorf("%v: %+q %U: %+q, split %+q", f, pre, r, whole, split)
				}
			}
		}
	}
}
