package zlibsize

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
)

// sample is one input of the oracle table: its bytes are rebuilt
// deterministically from the repository's testdata/ and fixed seeds, so
// testdata/sizes.tsv stores only the sizes.
type sample struct {
	id     string
	data   []byte
	levels []int
}

var (
	allLevels = []int{1, 2, 3, 4, 5, 6, 7, 8, 9}
	mainLvls  = []int{1, 6, 9}
	lvls69    = []int{6, 9}
)

// rng is splitmix64: a fixed generator, so that the inputs never change
// with the Go version.
type rng uint64

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func randomBytes(seed uint64, n int) []byte {
	r := rng(seed)
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.next())
	}
	return b
}

// geometricBytes draws byte k with probability about 2^-(k+1): a skewed
// alphabet whose optimal Huffman code is deeper than 15 bits, so gen_bitlen's
// length limiting runs.
func geometricBytes(seed uint64, n int) []byte {
	r := rng(seed)
	b := make([]byte, n)
	for i := range b {
		x := r.next()
		k := 0
		for x&1 == 1 && k < 255 {
			k++
			x >>= 1
			if x == 0 {
				x = r.next()
			}
		}
		b[i] = byte(k)
	}
	return b
}

// fibDist makes runs whose periods fall in distance codes 0..17 with match
// counts in Fibonacci proportions: the optimal distance tree is 17 levels
// deep, so gen_bitlen limits it to 15 bits (the length-overflow path for
// MAX_BITS; the bit length tree's MAX_BL_BITS path is hit by real text).
func fibDist(seed uint64) []byte {
	fib := []int{1, 1}
	for len(fib) < 18 {
		fib = append(fib, fib[len(fib)-1]+fib[len(fib)-2])
	}
	// the smallest distance of each distance code (trees.c base_dist + 1)
	dist := []int{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385}
	var out []byte
	for c, d := range dist {
		unit := randomBytes(seed+uint64(c), d)
		out = append(out, repeatTo(unit, d+maxMatch*fib[17-c])...)
	}
	return out
}

func repeatTo(unit []byte, n int) []byte {
	return bytes.Repeat(unit, n/len(unit)+1)[:n]
}

func readGzipJSONLTexts(tb testing.TB, path string) [][]byte {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	return jsonlTexts(tb, zr, path)
}

func readZstdJSONLTexts(tb testing.TB, path string) [][]byte {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	return jsonlTexts(tb, zr, path)
}

func jsonlTexts(tb testing.TB, r interface{ Read([]byte) (int, error) }, path string) [][]byte {
	tb.Helper()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var out [][]byte
	for sc.Scan() {
		var rec struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, []byte(rec.Text))
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return out
}

// samples returns every input of the oracle table. Changing it requires
// regenerating testdata/sizes.tsv (see TestRegenerateSizes).
func samples(tb testing.TB) []sample {
	tb.Helper()
	var out []sample
	add := func(id string, data []byte, levels []int) {
		out = append(out, sample{id, data, levels})
	}

	// Tiny inputs: empty (a fixed block with END_BLOCK only), fewer bytes
	// than MIN_MATCH, the first possible matches.
	for _, s := range []string{"", "a", "\x00", "\xff", "ab", "abc", "abcd", "aaa", "aaaa", "aaaaa", "あ", "ああ", "あああ", "あいうあいう"} {
		add(fmt.Sprintf("tiny:%q", s), []byte(s), allLevels)
	}

	// Real Japanese documents: the 86 fixture documents whole.
	docs := testcorpus.Fixture(tb)
	var joined []byte
	for i, d := range docs {
		add("fixture:"+d.ID, []byte(d.Text), allLevels)
		if i > 0 {
			joined = append(joined, '\n')
		}
		joined = append(joined, d.Text...)
	}
	// Prefixes of all fixture texts joined: lengths around the hash, match,
	// lookahead, window, slide and symbol-buffer boundaries, plus seeded ones.
	cuts := []int{1, 2, 3, 7, 100, 255, 256, 257, 258, 259, 260, 261, 262, 263, 1000, 4095, 4096, 4097,
		16383, 16384, 16385, 32505, 32506, 32507, 32767, 32768, 32769, 65273, 65274, 65275,
		65535, 65536, 65537, 65797, 65798, 65799, 98304, 100000, 131072, 131073, 200000, 262144, len(joined)}
	r := rng(1)
	for _, n := range cuts {
		add(fmt.Sprintf("fixture-joined:%d", n), joined[:n], mainLvls)
	}
	for i := 0; i < 15; i++ {
		n := 1 + r.intn(len(joined))
		add(fmt.Sprintf("fixture-joined:%d", n), joined[:n], lvls69)
	}
	// Windows from the middle of the joined text (starts not at a document).
	for i := 0; i < 30; i++ {
		a := r.intn(len(joined))
		n := 1 + r.intn(min(len(joined)-a, 70000))
		add(fmt.Sprintf("fixture-joined:%d+%d", a, n), joined[a:a+n], mainLvls)
	}

	// Diet speeches: 901 documents, 2.3 MB in all: the first 200 whole,
	// and prefixes of their concatenation beyond 1 MB (many blocks, many
	// window slides).
	speeches := readGzipJSONLTexts(tb, testcorpus.Path("sample/diet_speeches.jsonl.gz"))
	var diet []byte
	for i, t := range speeches {
		if i < 200 {
			add(fmt.Sprintf("diet:%d", i), t, lvls69)
		}
		diet = append(diet, t...)
		diet = append(diet, '\n')
	}
	for _, n := range []int{1<<20 + 12345, len(diet)} {
		add(fmt.Sprintf("diet-joined:%d", n), diet[:n], mainLvls)
	}
	for i := 0; i < 4; i++ {
		n := 1 + r.intn(len(diet))
		add(fmt.Sprintf("diet-joined:%d", n), diet[:n], []int{9})
	}

	// e-Gov laws (80, some longer than 64 KB) and Aozora works.
	laws := readZstdJSONLTexts(tb, testcorpus.Path("sample/egov_laws.jsonl.zst"))
	for i, t := range laws {
		add(fmt.Sprintf("egov:%d", i), t, lvls69)
	}
	aoz, err := filepath.Glob(testcorpus.Path("sample/aozora/*.txt"))
	if err != nil || len(aoz) == 0 {
		tb.Fatalf("aozora samples: %v", err)
	}
	sort.Strings(aoz)
	for _, p := range aoz {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		add("aozora:"+filepath.Base(p), b, allLevels)
	}
	// Legacy encodings and HTML, byte for byte.
	raws, err := filepath.Glob(testcorpus.Path("raw/*"))
	if err != nil || len(raws) == 0 {
		tb.Fatalf("raw samples: %v", err)
	}
	sort.Strings(raws)
	for _, p := range raws {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		add("raw:"+filepath.Base(p), b, allLevels)
	}
	// Already-compressed bytes: stored blocks.
	gz, err := os.ReadFile(testcorpus.Path("sample/diet_speeches.jsonl.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, n := range []int{1000, 16383, 16384, 65536, 200000} {
		add(fmt.Sprintf("gzbytes:%d", n), gz[:n], mainLvls)
	}

	// Random bytes (stored blocks, blocks of exactly lit_bufsize-1 symbols).
	for i, n := range []int{1, 2, 3, 100, 1000, 16382, 16383, 16384, 16385, 32768, 65536, 65537, 100000, 300000} {
		add(fmt.Sprintf("random:%d:%d", i, n), randomBytes(uint64(100+i), n), mainLvls)
	}
	for i, n := range []int{300, 5000, 70000, 500000} {
		add(fmt.Sprintf("geometric:%d:%d", i, n), geometricBytes(uint64(200+i), n), allLevels)
	}
	add("fibdist", fibDist(700), []int{1, 4, 9})
	// Small alphabets: few distinct literals, long matches.
	for i, n := range []int{1000, 100000} {
		b := randomBytes(uint64(300+i), n)
		for j := range b {
			b[j] = "ACGT"[b[j]&3]
		}
		add(fmt.Sprintf("acgt:%d:%d", i, n), b, allLevels)
	}

	// Repeated patterns: maximal matches, blocks longer than the window
	// (block_start < 0: no stored block possible), the lazy/nice limits.
	for _, n := range []int{3, 4, 258, 259, 260, 261, 262, 263, 1000, 65536, 70000, 1 << 20, 3 << 20} {
		add(fmt.Sprintf("rep-a:%d", n), repeatTo([]byte("a"), n), mainLvls)
	}
	for _, unit := range []string{"ab", "abc", "あ", "こんにちは。", "第一条　この法律は、"} {
		for _, n := range []int{100, 10000, 300000} {
			add(fmt.Sprintf("rep:%q:%d", unit, n), repeatTo([]byte(unit), n), mainLvls)
		}
	}
	chunk := randomBytes(400, 200)
	add("rep-random200:200000", repeatTo(chunk, 200000), mainLvls)
	chunk = randomBytes(401, 40000) // period longer than MAX_DIST
	add("rep-random40000:200000", repeatTo(chunk, 200000), mainLvls)
	sentence := []byte(docs[0].Text)
	add("rep-doc0:1200000", repeatTo(sentence, 1200000), mainLvls)

	// Text and random bytes interleaved: per-block choice between stored,
	// fixed and dynamic, and stored blocks after the window slid.
	var mixed []byte
	for i := 0; i < 12; i++ {
		a := r.intn(len(joined) - 30000)
		mixed = append(mixed, joined[a:a+1+r.intn(30000)]...)
		mixed = append(mixed, randomBytes(uint64(500+i), 1+r.intn(40000))...)
	}
	add(fmt.Sprintf("mixed:%d", len(mixed)), mixed, allLevels)

	seen := map[string]bool{}
	for _, s := range out {
		if seen[s.id] {
			tb.Fatalf("duplicate sample id %s", s.id)
		}
		seen[s.id] = true
		if strings.ContainsAny(s.id, "\t\n") {
			tb.Fatalf("sample id %q has a tab or newline", s.id)
		}
	}
	return out
}
