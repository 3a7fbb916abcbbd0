package morph

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ikawaha/kagome/v2/tokenizer"

	"github.com/jacorpus/jacorpus/internal/cputime"
)

// benchBytes is how much text the benchmarks read from each corpus file.
const benchBytes = 3 << 20

// benchCorpus is real text for the benchmarks: about 3 MB of Diet speeches
// and 3 MB of laws from ../shared/corpus/gov, as lines (cut into pieces of
// at most 16 KiB, the tokenize package's chunk size).
var benchCorpus = sync.OnceValues(func() ([]string, error) {
	var lines []string
	for _, name := range []string{"diet_speeches.jsonl.gz", "egov_laws_2013.part1.jsonl.gz"} {
		ls, err := readGzipLines("../../../shared/corpus/gov/"+name, benchBytes)
		if err != nil {
			return nil, err
		}
		lines = append(lines, ls...)
	}
	return lines, nil
})

// benchPieces is the same text as benchCorpus in pieces of up to 16 KiB
// cut after a line break, as the tokenize package feeds whole documents.
var benchPieces = sync.OnceValues(func() ([]string, error) {
	lines, err := benchCorpus()
	if err != nil {
		return nil, err
	}
	var pieces []string
	var b strings.Builder
	for _, l := range lines {
		if b.Len()+len(l) > 16<<10 && b.Len() > 0 {
			pieces = append(pieces, b.String())
			b.Reset()
		}
		b.WriteString(l)
	}
	if b.Len() > 0 {
		pieces = append(pieces, b.String())
	}
	return pieces, nil
})

func readGzipLines(path string, limit int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	var lines []string
	n := 0
	for sc.Scan() && n < limit {
		var rec struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, err
		}
		for _, l := range strings.SplitAfter(rec.Text, "\n") {
			for len(l) > 16<<10 {
				i := 16 << 10
				for !utf8.RuneStart(l[i]) {
					i--
				}
				lines = append(lines, l[:i])
				l = l[i:]
			}
			if l != "" {
				lines = append(lines, l)
				n += len(l)
			}
		}
	}
	return lines, sc.Err()
}

func benchLines(b *testing.B) ([]string, int64) {
	return benchText(b, benchCorpus)
}

func benchText(b *testing.B, corpus func() ([]string, error)) ([]string, int64) {
	lines, err := corpus()
	if err != nil {
		b.Skipf("benchmark corpus absent (../shared/corpus/gov): %v", err)
	}
	var n int64
	for _, l := range lines {
		n += int64(len(l))
	}
	return lines, n
}

func BenchmarkCount(b *testing.B) {
	lines, n := benchLines(b)
	benchCount(b, lines, n)
}

func BenchmarkWakati(b *testing.B) {
	lines, n := benchLines(b)
	benchWakati(b, lines, n)
}

// benchCount runs Count over lines (n bytes) and reports MB per CPU-second.
func benchCount(b *testing.B, lines []string, n int64) {
	a := NewAnalyzer(testDict(b))
	perCPU(b, n, func() {
		for _, l := range lines {
			a.Count(l)
		}
	})
}

// benchWakati is benchCount for AppendWakati.
func benchWakati(b *testing.B, lines []string, n int64) {
	a := NewAnalyzer(testDict(b))
	var buf []byte
	perCPU(b, n, func() {
		for _, l := range lines {
			buf = a.AppendWakati(buf[:0], l)
		}
	})
}

func BenchmarkTokens(b *testing.B) {
	lines, n := benchLines(b)
	a := NewAnalyzer(testDict(b))
	nouns := 0
	f := func(_, _ int, p POS) {
		if p == Noun {
			nouns++
		}
	}
	perCPU(b, n, func() {
		for _, l := range lines {
			a.Tokens(l, f)
		}
	})
}

// BenchmarkKagome is kagome's Analyze (what tokenize.Count runs) over the
// same text, for comparison.
func BenchmarkKagome(b *testing.B) {
	lines, n := benchLines(b)
	kt := kagomeTok()
	perCPU(b, n, func() {
		for _, l := range lines {
			kt.Analyze(l, tokenizer.Normal)
		}
	})
}

// BenchmarkCountPieces is Count on the same text in 16 KiB pieces.
func BenchmarkCountPieces(b *testing.B) {
	pieces, n := benchText(b, benchPieces)
	a := NewAnalyzer(testDict(b))
	perCPU(b, n, func() {
		for _, p := range pieces {
			a.Count(p)
		}
	})
}

// BenchmarkKagomePieces is kagome on the same 16 KiB pieces.
func BenchmarkKagomePieces(b *testing.B) {
	pieces, n := benchText(b, benchPieces)
	kt := kagomeTok()
	perCPU(b, n, func() {
		for _, p := range pieces {
			kt.Analyze(p, tokenizer.Normal)
		}
	})
}

// BenchmarkCountOneLine is Count on one line, for -benchmem: it allocates
// nothing once warm.
func BenchmarkCountOneLine(b *testing.B) {
	a := NewAnalyzer(testDict(b))
	line := "国会は、国権の最高機関であつて、国の唯一の立法機関である。"
	a.Count(line)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		a.Count(line)
	}
}

// cpuTime is the user+system CPU time of the process so far. The
// benchmarks report MB per CPU-second beside Go's wall-clock MB/s: on a
// shared machine the wall clock also counts the time other jobs hold the
// core, while CPU time is what a core spends on the work (GC included).
func cpuTime() time.Duration { return time.Duration(cputime.Seconds() * float64(time.Second)) }

// perCPU runs body b.N times and reports MB per CPU-second.
func perCPU(b *testing.B, n int64, body func()) {
	b.SetBytes(n)
	b.ResetTimer()
	t0 := cpuTime()
	iters := 0
	for b.Loop() {
		body()
		iters++
	}
	if d := cpuTime() - t0; d > 0 {
		b.ReportMetric(float64(n)*float64(iters)/d.Seconds()/1e6, "MB/cpu-s")
	}
}

// benchFileLines reads the file named by JACORPUS_BENCH_TEXT (one sentence
// per line, as scripts/benchtext writes it; scripts/bench-tokenize.sh runs
// MeCab on the same file), skipping the benchmark when it is unset.
func benchFileLines(b *testing.B) ([]string, int64) {
	name := os.Getenv("JACORPUS_BENCH_TEXT")
	if name == "" {
		b.Skip("JACORPUS_BENCH_TEXT is unset")
	}
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	var n int64
	for _, l := range lines {
		n += int64(len(l))
	}
	return lines, n
}

// BenchmarkCountBenchText is Count over JACORPUS_BENCH_TEXT line by line.
func BenchmarkCountBenchText(b *testing.B) {
	lines, n := benchFileLines(b)
	benchCount(b, lines, n)
}

// BenchmarkWakatiBenchText is AppendWakati over JACORPUS_BENCH_TEXT.
func BenchmarkWakatiBenchText(b *testing.B) {
	lines, n := benchFileLines(b)
	benchWakati(b, lines, n)
}
