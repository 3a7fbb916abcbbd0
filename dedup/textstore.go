package dedup

import (
	"fmt"
	"os"
)

// textStore keeps texts for verify: exact in an unlinked temporary file
// under TMPDIR (8 bytes of memory per text), read back when a later
// document is a candidate against one.
type textStore struct {
	f    *os.File
	offs []int64 // start of text i; the last entry is the end
	size int64
	err  error
}

func newTextStore() (*textStore, error) {
	f, err := os.CreateTemp("", "jacorpus-texts-*")
	if err != nil {
		return nil, fmt.Errorf("verify exact: %w", err)
	}
	os.Remove(f.Name()) // gone with the process, whatever happens
	return &textStore{f: f, offs: []int64{0}}, nil
}

// add appends text and returns its ref.
func (s *textStore) add(text string) (uint32, error) {
	if _, err := s.f.WriteString(text); err != nil {
		return 0, err
	}
	s.size += int64(len(text))
	s.offs = append(s.offs, s.size)
	return uint32(len(s.offs) - 2), nil
}

// get reads text ref back.
func (s *textStore) get(ref uint32) (string, error) {
	lo, hi := s.offs[ref], s.offs[ref+1]
	b := make([]byte, hi-lo)
	if _, err := s.f.ReadAt(b, lo); err != nil {
		return "", err
	}
	return string(b), nil
}

func (s *textStore) close() error { return s.f.Close() }
