// Package dedup removes duplicate documents. This first rule is exact
// deduplication: two documents are duplicates when their normalized texts are
// byte-identical, decided by a 128-bit key (the first 16 bytes of SHA-256 of
// the text). The survivor is the first copy in input order, which is why the
// Exact stage is Sequential: it sees documents in input order on one
// goroutine, whatever the worker count.
//
// SHA-256 is used for the key because it is deterministic across machines and
// Go versions, fast where the CPU has SHA extensions, and 128 bits of it make
// an accidental collision negligible (≈ n²/2¹²⁹) even for billions of
// documents. The key type is exported so that a staged, multi-task dedup can
// exchange keys through files.
package dedup

import (
	"crypto/sha256"

	"github.com/jacorpus/jacorpus/pipeline"
)

// Key identifies a text for exact deduplication.
type Key [16]byte

// KeyOf returns the key of text.
func KeyOf(text string) Key {
	var sum [sha256.Size]byte
	if len(text) <= keyChunk {
		sum = sha256.Sum256([]byte(text)) // small: the copy stays on the stack
	} else {
		// a huge document is hashed through a small buffer: []byte(text)
		// would copy all of it
		h := sha256.New()
		var buf [keyChunk]byte
		for len(text) > 0 {
			n := copy(buf[:], text)
			h.Write(buf[:n])
			text = text[n:]
		}
		h.Sum(sum[:0])
	}
	var k Key
	copy(k[:], sum[:16])
	return k
}

// keyChunk is the piece of text KeyOf hashes at a time.
const keyChunk = 32 << 10

// StageName is the name of the dedup stage in stats.
const StageName = "dedup"

// ReasonExact is the drop reason of an exact duplicate.
const ReasonExact = "exact_duplicate"

// Exact drops every document whose text was seen before. The zero value is
// not ready; use NewExact. It keeps one key per distinct text (16 bytes plus
// map overhead, about 40 bytes per document).
type Exact struct {
	seen map[Key]struct{}
}

// NewExact returns an empty exact deduplicator.
func NewExact() *Exact { return &Exact{seen: make(map[Key]struct{})} }

// Name returns "dedup".
func (*Exact) Name() string { return StageName }

// Sequential marks Exact as an in-order stage.
func (*Exact) Sequential() {}

// Seen records text and reports whether it had been recorded before.
func (e *Exact) Seen(text string) bool {
	k := KeyOf(text)
	if _, ok := e.seen[k]; ok {
		return true
	}
	e.seen[k] = struct{}{}
	return false
}

// Len returns the number of distinct texts seen.
func (e *Exact) Len() int { return len(e.seen) }

// Process drops d if its text is a duplicate of an earlier document.
func (e *Exact) Process(d *pipeline.Document) (string, error) {
	if e.Seen(d.Text) {
		return ReasonExact, nil
	}
	return "", nil
}
