package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/jacorpus/jacorpus/tokenize"
)

const tokenizeUsage = `usage:
  jacorpus tokenize [--wakati | --count] [-d ipa] [--workers N] [FILE…]
      reads UTF-8 text (the FILEs, or standard input when none or "-") and
      writes one line per input line, as mecab -Owakati does:
        --wakati  the morphemes separated by spaces (default)
        --count   the number of morphemes
      Whitespace is not a morpheme. Lines are analysed as jacorpus run
      analyses a document's text (long lines in pieces of at most 16 KiB).
`

// tokenizeBatch is the input a worker takes at a time: enough lines to make
// the hand-over cheap, few enough to keep memory small.
const tokenizeBatch = 256 << 10

// cmdTokenize runs morphological analysis over lines of text.
func cmdTokenize(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tokenize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tokenizeUsage) }
	wakati := fs.Bool("wakati", false, "print the morphemes separated by spaces (the default)")
	count := fs.Bool("count", false, "print the number of morphemes of each line")
	dictName := fs.String("d", tokenize.DictIPA, "dictionary")
	workers := fs.Int("workers", 1, "lines analysed in parallel by this many goroutines (output order is kept)")
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if *wakati && *count {
		fmt.Fprintln(stderr, "jacorpus tokenize: --wakati and --count exclude each other")
		return 2
	}
	if *workers < 1 {
		fmt.Fprintf(stderr, "jacorpus tokenize: --workers %d must be >= 1\n", *workers)
		return 2
	}
	if err := (tokenize.Options{Dictionary: *dictName}).Validate(); err != nil {
		return exitErr(stderr, err)
	}
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	w := bufio.NewWriterSize(stdout, 256<<10)
	tp := &tokenizePool{dict: *dictName, count: *count}
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			w.Flush()
			return exitErr(stderr, context.Cause(ctx))
		}
		var r io.Reader = stdin
		var f *os.File
		if name != "-" {
			var err error
			if f, err = os.Open(name); err != nil {
				w.Flush()
				return exitErr(stderr, err)
			}
			r = f
		}
		err := tp.run(ctx, r, w, *workers)
		if f != nil {
			f.Close()
		}
		if err != nil {
			w.Flush()
			return exitErr(stderr, fmt.Errorf("%s: %w", name, err))
		}
	}
	if err := w.Flush(); err != nil {
		return exitErr(stderr, err)
	}
	return 0
}

// tokenizePool analyses batches of lines on worker goroutines, each with its
// own tokenizer, and writes the results in input order.
type tokenizePool struct {
	dict  string
	count bool
	free  []*tokenize.Tokenizer
	mu    sync.Mutex
}

func (p *tokenizePool) get() (*tokenize.Tokenizer, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		t := p.free[n-1]
		p.free = p.free[:n-1]
		return t, nil
	}
	return tokenize.New(p.dict)
}

func (p *tokenizePool) put(t *tokenize.Tokenizer) {
	p.mu.Lock()
	p.free = append(p.free, t)
	p.mu.Unlock()
}

// batch is a run of whole lines and, once analysed, their output. Batches
// are reused: their buffers keep their capacity from one run of lines to
// the next, so a long input allocates almost nothing per line or batch.
type batch struct {
	in, out []byte
	err     error
	done    chan struct{} // receives once when out (or err) is ready
}

// run reads r to its end in batches of whole lines, analyses them on up to
// workers goroutines and writes the output lines to w in order.
func (p *tokenizePool) run(parent context.Context, r io.Reader, w *bufio.Writer, workers int) error {
	ctx, cancel := context.WithCancel(parent) // a failed write stops the reading
	defer cancel()
	br := bufio.NewReaderSize(r, tokenizeBatch)
	queue := make(chan *batch, workers)
	sem := make(chan struct{}, workers)
	// at most workers batches queued, one being read and one being written
	free := make(chan *batch, workers+2)
	for range workers + 2 {
		free <- &batch{done: make(chan struct{}, 1)}
	}
	var readErr error
	go func() {
		defer close(queue)
		for ctx.Err() == nil {
			var b *batch
			select {
			case b = <-free:
			case <-ctx.Done():
				return
			}
			b.in, b.err = b.in[:0], nil
			for len(b.in) < tokenizeBatch {
				chunk, err := br.ReadSlice('\n')
				if err == bufio.ErrBufferFull { // a line longer than the buffer: read it whole
					var rest []byte
					rest, err = br.ReadBytes('\n')
					chunk = append(append([]byte(nil), chunk...), rest...)
				}
				b.in = append(b.in, chunk...)
				if err == io.EOF {
					break
				}
				if err != nil {
					readErr = err
					break
				}
			}
			if len(b.in) == 0 {
				return
			}
			if b.in[len(b.in)-1] != '\n' {
				b.in = append(b.in, '\n') // the last line without its line feed
			}
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; b.done <- struct{}{} }()
				t, err := p.get()
				if err != nil {
					b.err = err
					return
				}
				b.out = p.analyse(t, b.in, b.out[:0])
				p.put(t)
			}()
			queue <- b
			if readErr != nil {
				return
			}
		}
	}()
	var err error
	for b := range queue {
		<-b.done
		if err == nil {
			err = b.err
		}
		if err == nil {
			_, err = w.Write(b.out)
		}
		if err != nil {
			cancel()
		}
		free <- b
	}
	if err != nil {
		return err
	}
	if readErr != nil {
		return readErr
	}
	return context.Cause(parent)
}

// analyse appends the output line of every line of in (each ending in
// '\n'). The batch is made a string once, and its lines are substrings.
func (p *tokenizePool) analyse(t *tokenize.Tokenizer, batch, out []byte) []byte {
	in := string(batch)
	for len(in) > 0 {
		i := strings.IndexByte(in, '\n')
		line := in[:i]
		line = strings.TrimSuffix(line, "\r")
		if p.count {
			out = strconv.AppendInt(out, int64(t.Count(line)), 10)
		} else {
			out = t.AppendWakati(out, line)
		}
		out = append(out, '\n')
		in = in[i+1:]
	}
	return out
}
