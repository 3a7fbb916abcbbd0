package tokenize

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/tokenize/morph"
)

// TestWakatiAndPOS: AppendWakati is Wakati joined by spaces and POS counts
// every morpheme once, on every fixture document (some longer than a
// piece); nouns are the commonest part of speech of laws and speeches.
func TestWakatiAndPOS(t *testing.T) {
	tk, err := New(DictIPA)
	if err != nil {
		t.Fatal(err)
	}
	var all POSCounts
	for _, d := range testcorpus.Fixture(t) {
		w := tk.Wakati(d.Text)
		if got := string(tk.AppendWakati([]byte("x"), d.Text)); got != "x"+strings.Join(w, " ") {
			t.Fatalf("%s: AppendWakati differs from Wakati", d.ID)
		}
		c := tk.POS(d.Text)
		if c.Total() != len(w) {
			t.Fatalf("%s: POS counts %d morphemes, Wakati %d", d.ID, c.Total(), len(w))
		}
		for i, n := range c {
			all[i] += n
		}
	}
	for _, p := range []morph.POS{morph.Verb, morph.Particle, morph.Symbol, morph.AuxVerb} {
		if all[morph.Noun] <= all[p] || all[p] == 0 {
			t.Errorf("nouns %d, %s %d", all[morph.Noun], p, all[p])
		}
	}
	if got := string(tk.AppendWakati(nil, " \n ")); got != "" {
		t.Errorf("AppendWakati of blanks = %q", got)
	}
}

// TestUserDict: a user dictionary's entries take precedence where they
// match, each one token (as kagome makes them; the segmentation field is
// not used for counting); a missing file is an
// error naming it.
func TestUserDict(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "user.txt")
	if err := os.WriteFile(path, []byte("# comment\n形態素解析,形態素 解析,ケイタイソ カイセキ,カスタム名詞\n朝青龍,朝青龍,アサショウリュウ,カスタム人名\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sys, _ := New(DictIPA)
	tk, err := Open(Options{Dictionary: DictIPA, UserDict: path})
	if err != nil {
		t.Fatal(err)
	}
	text := "形態素解析の記事で朝青龍を見た。"
	if got, want := sys.Wakati(text), []string{"形態素", "解析", "の", "記事", "で", "朝", "青龍", "を", "見", "た", "。"}; !reflect.DeepEqual(got, want) {
		t.Errorf("system dictionary: %q, want %q", got, want)
	}
	if got, want := tk.Wakati(text), []string{"形態素解析", "の", "記事", "で", "朝青龍", "を", "見", "た", "。"}; !reflect.DeepEqual(got, want) {
		t.Errorf("with the user dictionary: %q, want %q", got, want)
	}
	if _, err := Open(Options{UserDict: filepath.Join(dir, "missing.txt")}); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file: %v", err)
	}
}

// TestUniDic: UniDic segments in its short units; converted once, it is
// saved in the cache directory, from which the next load is fast and the
// same.
func TestUniDic(t *testing.T) {
	if testing.Short() {
		t.Skip("converting UniDic takes about 5 s")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	d1, err := uniDict()
	if err != nil {
		t.Fatal(err)
	}
	path := uniCachePath()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no cache file: %v", err)
	}
	start := time.Now()
	d2, err := uniDict()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("UniDic from the cache in %v", time.Since(start))
	text := "国立国語研究所で日本語の形態素解析を試した。"
	a1, a2 := &Tokenizer{a: morph.NewAnalyzer(d1)}, &Tokenizer{a: morph.NewAnalyzer(d2)}
	w1, w2 := a1.Wakati(text), a2.Wakati(text)
	if !reflect.DeepEqual(w1, w2) {
		t.Fatalf("converted %q, cached %q", w1, w2)
	}
	if want := []string{"国立", "国語", "研究", "所", "で", "日本", "語", "の", "形態", "素", "解析", "を", "試し", "た", "。"}; !reflect.DeepEqual(w1, want) {
		t.Errorf("UniDic: %q, want %q", w1, want)
	}
	// a corrupt cache file is replaced
	if err := os.WriteFile(path, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := uniDict(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); len(b) < 1<<20 {
		t.Errorf("the corrupt cache was not rewritten (%d bytes)", len(b))
	}
}
