package lines

import "strings"

// Strip removes from text every eligible line (as AddDocument counts them)
// whose key is in s, with its line ending, and returns the result and the
// number of lines removed. Every other line is kept byte for byte with its
// ending (\n, \r\n or none at the end), and nothing else changes: blank
// lines around a removed line stay. When nothing is removed, out is text
// itself, not a copy. When t is not nil, the removed lines are recorded in
// it, text counting as one document.
func (s *Set) Strip(text string, t *Tally) (out string, removed int) {
	if s == nil || len(s.keys) == 0 {
		return text, 0
	}
	if t != nil {
		t.startDoc()
	}
	var b strings.Builder
	kept := 0 // text[kept:pos] is kept but not yet written to b
	for pos := 0; pos < len(text); {
		end, next := len(text), len(text)
		if i := strings.IndexByte(text[pos:], '\n'); i >= 0 {
			end, next = pos+i, pos+i+1
		}
		if k, ok := s.opt.lineKey(text[pos:end]); ok && s.Contains(k) {
			if removed == 0 {
				b.Grow(len(text) - (next - pos))
			}
			b.WriteString(text[kept:pos])
			kept = next
			removed++
			if t != nil {
				t.record(k, dropCR(text[pos:end]))
			}
		}
		pos = next
	}
	if removed == 0 {
		return text, 0
	}
	b.WriteString(text[kept:])
	return b.String(), removed
}
