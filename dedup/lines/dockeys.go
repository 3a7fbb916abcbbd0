package lines

import "strings"

// DocKeys lists the distinct eligible line keys of one document at a time,
// as AddDocument counts them, for a caller that counts elsewhere (the
// phases of a job write them to files). Not safe for concurrent use.
type DocKeys struct {
	opt  Options
	seen docSet
}

// NewDocKeys returns a DocKeys under o (completed by WithDefaults).
func NewDocKeys(o Options) *DocKeys { return &DocKeys{opt: o.WithDefaults()} }

// Each calls fn once for every distinct eligible line key of text, in the
// order the lines first occur.
func (k *DocKeys) Each(text string, fn func(key uint64)) {
	k.seen.reset()
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if key, ok := k.opt.lineKey(line); ok && k.seen.add(key) {
			fn(key)
		}
	}
}

// SelectCounts returns the boilerplate keys among counts, given the total
// number of documents counted, under the same rule as Counts.Select: for
// a caller that counted one key range elsewhere.
func (o Options) SelectCounts(docs int64, keys []uint64, counts []int64) []uint64 {
	var out []uint64
	if need, ok := o.WithDefaults().threshold(docs); ok {
		for i, k := range keys {
			if counts[i] >= need {
				out = append(out, k)
			}
		}
	}
	return out
}
