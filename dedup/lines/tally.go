package lines

import (
	"cmp"
	"slices"
	"strings"
)

// Tally records what Strip removed, for review: per key, the number of
// documents the line was removed from, the number of lines removed, and one
// sample text: the line as first seen (in the earliest Strip call that
// removed it, the first such line of that text), without its line ending. The zero value is ready. A Tally is not safe for
// concurrent use: give each worker its own and Merge them in input order.
type Tally struct {
	m   map[uint64]*tallyEntry
	doc uint64 // Strip calls so far: the current document's number
}

type tallyEntry struct {
	text    string
	docs    int64
	lines   int64
	lastDoc uint64 // the last document counted in docs
}

// Line is one boilerplate line of a Tally.
type Line struct {
	Key   uint64 `json:"key"`   // Key(Text)
	Text  string `json:"text"`  // the line as first seen, untrimmed, without its line ending
	Docs  int64  `json:"docs"`  // documents it was removed from
	Lines int64  `json:"lines"` // lines removed (a document may repeat it)
}

// startDoc starts counting a new document.
func (t *Tally) startDoc() { t.doc++ }

// record counts one removed line of the current document.
func (t *Tally) record(k uint64, line string) {
	e := t.m[k]
	if e == nil {
		if t.m == nil {
			t.m = make(map[uint64]*tallyEntry)
		}
		e = &tallyEntry{text: strings.Clone(line)} // do not pin the document
		t.m[k] = e
	}
	e.lines++
	if e.lastDoc != t.doc {
		e.lastDoc = t.doc
		e.docs++
	}
}

// Merge adds o's counts to t. Where both hold a line, t's sample text is
// kept: t is taken to come first in input order. Merging t into itself
// doubles its counts.
func (t *Tally) Merge(o *Tally) {
	if o == nil {
		return
	}
	if o == t {
		for _, e := range t.m {
			e.docs = satAdd(e.docs, e.docs)
			e.lines = satAdd(e.lines, e.lines)
		}
		return
	}
	for k, oe := range o.m {
		if e := t.m[k]; e != nil {
			e.docs = satAdd(e.docs, oe.docs)
			e.lines = satAdd(e.lines, oe.lines)
			continue
		}
		if t.m == nil {
			t.m = make(map[uint64]*tallyEntry, len(o.m))
		}
		// lastDoc 0 is before any document of t's next Strip call (t.doc+1 >= 1)
		t.m[k] = &tallyEntry{text: oe.text, docs: oe.docs, lines: oe.lines}
	}
}

// Top returns at most n lines, removed from the most documents first, ties
// by key ascending; n < 0 returns all.
func (t *Tally) Top(n int) []Line {
	ls := make([]Line, 0, len(t.m))
	for k, e := range t.m {
		ls = append(ls, Line{Key: k, Text: e.text, Docs: e.docs, Lines: e.lines})
	}
	slices.SortFunc(ls, func(a, b Line) int {
		if c := cmp.Compare(b.Docs, a.Docs); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	if n >= 0 && n < len(ls) {
		ls = ls[:n]
	}
	return ls
}

// TallyOf returns a Tally holding the lines (as Top returns them), to Merge
// the tallies of several processes: Top of the merged tallies is Top of a
// Tally that saw all their documents.
func TallyOf(ls []Line) *Tally {
	t := &Tally{m: make(map[uint64]*tallyEntry, len(ls))}
	for _, l := range ls {
		t.m[l.Key] = &tallyEntry{text: l.Text, docs: l.Docs, lines: l.Lines}
	}
	return t
}
