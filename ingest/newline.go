package ingest

import (
	"bytes"
	"io"
)

// crReader turns every lone '\r' of r into '\n' and leaves "\r\n" alone, so
// that splitting on '\n' finds old Mac line ends too while byte offsets stay
// those of r. A '\r' that ends one read is held back until the next byte is
// known, so reads need buffers of at least two bytes (bufio's are larger).
type crReader struct {
	r    io.Reader
	held bool // a '\r' was read and not yet returned
}

// Read implements io.Reader.
func (c *crReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	start := 0
	if c.held {
		start = 1
	}
	n, err := c.r.Read(p[start:])
	if c.held {
		if n == 0 && err == nil {
			return 0, nil
		}
		c.held = false
		p[0] = '\n' // lone: followed by another byte, the end or an error
		if n > 0 && p[1] == '\n' {
			p[0] = '\r'
		}
	}
	end := start + n
	if end > 0 && p[end-1] == '\r' && err == nil {
		c.held = true
		end--
	}
	for i := start; i < end; {
		k := bytes.IndexByte(p[i:end], '\r')
		if k < 0 {
			break
		}
		i += k
		if i+1 == start+n || p[i+1] != '\n' {
			p[i] = '\n'
		}
		i++
	}
	return end, err
}
