// Command benchtext writes real Japanese text, one sentence per line, for
// the side-by-side tokenizer benchmark (make bench-tokenize): sentences of
// Diet speeches, laws and Aozora Bunko works from the shared corpus, taken
// in turn from each source until the output has -mb megabytes. The output
// is the same for the same corpus and size.
//
//	go run ./scripts/benchtext -corpus ../shared/corpus -mb 30 > text.txt
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// sources are the shared corpus files read, in turn.
var sources = []string{
	"gov/diet_speeches.jsonl.gz",
	"gov/egov_laws_2013.part1.jsonl.gz",
	"literature/aozora_pd.part1.jsonl.gz",
}

func main() {
	corpus := flag.String("corpus", "../shared/corpus", "the shared corpus directory")
	mb := flag.Int("mb", 30, "megabytes of text to write")
	flag.Parse()
	if err := run(*corpus, int64(*mb)<<20, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchtext:", err)
		os.Exit(1)
	}
}

// sentenceReader yields the sentences of one JSONL file's "text" fields.
type sentenceReader struct {
	name    string
	sc      *bufio.Scanner
	pending []string
}

func open(path string) (*sentenceReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	return &sentenceReader{name: path, sc: sc}, nil
}

// next returns the next sentence, or io.EOF.
func (r *sentenceReader) next() (string, error) {
	for len(r.pending) == 0 {
		if !r.sc.Scan() {
			if err := r.sc.Err(); err != nil {
				return "", fmt.Errorf("%s: %w", r.name, err)
			}
			return "", io.EOF
		}
		var rec struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(r.sc.Bytes(), &rec) != nil {
			continue
		}
		r.pending = split(rec.Text)
	}
	s := r.pending[0]
	r.pending = r.pending[1:]
	return s, nil
}

// split cuts text into sentences: after 。！？ and at line breaks, each
// trimmed of white space; empty ones are left out.
func split(text string) []string {
	var out []string
	start := 0
	flush := func(end int) {
		if s := strings.TrimSpace(text[start:end]); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i, r := range text {
		switch r {
		case '\n', '\r':
			flush(i)
		case '。', '！', '？':
			flush(i + len(string(r)))
		}
	}
	flush(len(text))
	return out
}

func run(corpus string, limit int64, out io.Writer) error {
	var rs []*sentenceReader
	for _, s := range sources {
		r, err := open(filepath.Join(corpus, s))
		if err != nil {
			return err
		}
		rs = append(rs, r)
	}
	w := bufio.NewWriter(out)
	var n int64
	for n < limit && len(rs) > 0 {
		for i := 0; i < len(rs) && n < limit; i++ {
			s, err := rs[i].next()
			if errors.Is(err, io.EOF) {
				rs = append(rs[:i], rs[i+1:]...)
				i--
				continue
			}
			if err != nil {
				return err
			}
			k, _ := w.WriteString(s + "\n")
			n += int64(k)
		}
	}
	return w.Flush()
}
