package lines

import (
	"math"
)

// Counts holds the document frequency of every distinct eligible line: the
// number of documents containing the line at least once, and the number of
// documents counted. The zero value is not ready; use NewCounts. A Counts is
// not safe for concurrent use: give each worker its own and Merge them.
//
// Memory: one entry per distinct line in a sorted open-addressing table of
// 12-byte slots (key and 32-bit count; larger counts move to a side map), so
// 15 to 23 bytes per distinct line by the table's load: BenchmarkCountsMemory
// measured 15.3 B/line at 1,000,000 lines and 21.9 at 1,050,000, just after
// growing; a map[uint64]int64 took 36 to 38. Counting also keeps a scratch of
// 2 to 4 slots of 16 bytes per distinct line of the largest document so far.
type Counts struct {
	opt  Options
	t    table
	docs int64
	keys *DocKeys
	add  func(uint64) // c.t.add(k, 1), made once
}

// NewCounts returns empty counts under o (completed by WithDefaults; check
// it first with Validate).
func NewCounts(o Options) *Counts {
	c := &Counts{opt: o.WithDefaults(), keys: NewDocKeys(o)}
	c.add = func(k uint64) { c.t.add(k, 1) }
	return c
}

// AddDocument counts each distinct eligible line of text once. Lines end at
// \n; a trailing \r is dropped, then the line is trimmed as by Key, and it is
// eligible when it has between MinChars and MaxChars runes.
func (c *Counts) AddDocument(text string) {
	c.docs = satAdd(c.docs, 1)
	c.keys.Each(text, c.add)
}

// Docs returns the number of documents counted, including those with no
// eligible line, plus what AddDocs and Merge added.
func (c *Counts) Docs() int64 { return c.docs }

// Lines returns the number of distinct keys held.
func (c *Counts) Lines() int { return c.t.len() }

// Merge adds o's line counts and document total to c. Counting a corpus in
// pieces (under the same Options) and merging gives the same Counts as
// counting it whole; merging c into itself doubles it.
func (c *Counts) Merge(o *Counts) {
	if o == nil {
		return
	}
	c.t.merge(&o.t)
	c.docs = satAdd(c.docs, o.docs)
}

// Each calls fn with every key in [lo, hi] and its document count, in
// ascending key order, until fn returns false. fn must not change c. Use
// Each(0, math.MaxUint64, fn) for all keys, and adjacent ranges to write
// the counts in key-range partitions.
func (c *Counts) Each(lo, hi uint64, fn func(key uint64, docs int64) bool) {
	c.t.each(lo, hi, fn)
}

// Add adds docs to the document count of key, as read back from a file
// written with Each. docs < 1 is ignored.
func (c *Counts) Add(key uint64, docs int64) {
	if docs > 0 {
		c.t.add(key, docs)
	}
}

// AddDocs adds n to the documents counted, as read back from a file.
// n < 0 is ignored.
func (c *Counts) AddDocs(n int64) {
	if n > 0 {
		c.docs = satAdd(c.docs, n)
	}
}

// Select returns the boilerplate lines under c's Options: those in at least
// MinDocs documents, or in at least MinFraction of Docs() (as
// float64(docs)/float64(Docs()) >= MinFraction), and in any case in at least
// 2 documents. The result depends only on the counts.
func (c *Counts) Select() *Set {
	var keys []uint64
	if need, ok := c.opt.threshold(c.docs); ok {
		c.t.each(0, math.MaxUint64, func(k uint64, v int64) bool {
			if v >= need {
				keys = append(keys, k)
			}
			return true
		})
	}
	return newSortedSet(c.opt, keys)
}
