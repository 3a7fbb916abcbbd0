package job

import (
	"github.com/zeebo/xxh3"

	"github.com/jacorpus/jacorpus/pipeline"
)

// idCheck counts documents written with an id that an earlier written
// document already had, then passes them on to the sink. It keeps a 64-bit
// hash per distinct id (xxh3; about 30 bytes each with the map): a false
// duplicate needs a 64-bit collision, negligible below billions of ids.
type idCheck struct {
	next pipeline.Sink
	seen map[uint64]struct{}
	dups int64
}

func newIDCheck(next pipeline.Sink) *idCheck {
	return &idCheck{next: next, seen: map[uint64]struct{}{}}
}

// Write implements pipeline.Sink.
func (c *idCheck) Write(docs []*pipeline.Document) error {
	for _, d := range docs {
		h := xxh3.HashString(d.ID)
		if _, ok := c.seen[h]; ok {
			c.dups++
			continue
		}
		c.seen[h] = struct{}{}
	}
	return c.next.Write(docs)
}
