package workfile

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

type meta struct {
	Task  int    `json:"task"`
	Range string `json:"range"`
}

func write(t testing.TB, path string, payload []byte) {
	t.Helper()
	w, err := Create(path, "bands", meta{3, "0-7f"})
	if err != nil {
		t.Fatal(err)
	}
	for p := payload; len(p) > 0; { // uneven writes
		n := min(len(p), 1+len(p)%77777)
		if _, err := w.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func read(path string) ([]byte, error) {
	r, err := Open(path, "bands")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, size := range []int{0, 1, BlockSize - 1, BlockSize, BlockSize + 1, 3*BlockSize + 12345} {
		payload := make([]byte, size)
		for i := range payload {
			payload[i] = byte(rng.Uint32())
		}
		path := filepath.Join(t.TempDir(), "f")
		write(t, path, payload)
		got, err := read(path)
		if err != nil || !bytes.Equal(got, payload) {
			t.Fatalf("size %d: read %d bytes, %v", size, len(got), err)
		}
		r, _ := Open(path, "bands")
		var m meta
		if err := r.Meta(&m); err != nil || m != (meta{3, "0-7f"}) {
			t.Fatalf("meta %+v, %v", m, err)
		}
		r.Close()
		if _, err := Open(path, "index"); err == nil || !strings.Contains(err.Error(), `want "index"`) {
			t.Fatalf("wrong kind accepted: %v", err)
		}
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Fatalf("temporary files left: %v", entries)
		}
	}
}

// TestCorruption flips every byte of a small file and cuts it at every
// length: each is detected as corrupt, named by path.
func TestCorruption(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "good")
	payload := bytes.Repeat([]byte("band keys 0123456789"), 100)
	write(t, path, payload)
	good, _ := os.ReadFile(path)
	bad := filepath.Join(dir, "bad")
	check := func(what string, data []byte) {
		os.WriteFile(bad, data, 0o644)
		got, err := read(bad)
		if err == nil {
			t.Fatalf("%s: accepted (%d bytes read)", what, len(got))
		}
		var c *CorruptError
		if !errors.As(err, &c) || c.Path != bad {
			if !strings.Contains(err.Error(), "want \"bands\"") { // a flipped kind byte
				t.Fatalf("%s: %v is not a CorruptError naming the file", what, err)
			}
		}
	}
	for i := range good {
		data := bytes.Clone(good)
		data[i] ^= 0x10
		check("flip at "+itoa(i), data)
	}
	for n := 0; n < len(good); n++ {
		check("cut at "+itoa(n), good[:n])
	}
	check("trailing byte", append(bytes.Clone(good), 0))
	// a missing file is an ordinary error
	if _, err := read(filepath.Join(dir, "none")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestCorruptOffset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	payload := make([]byte, 2*BlockSize+10)
	write(t, path, payload)
	data, _ := os.ReadFile(path)
	second := len(data) - 24 - (8 + 10) - (8 + BlockSize) // where the second block starts
	data[second+100] ^= 1
	os.WriteFile(path, data, 0o644)
	_, err := read(path)
	var c *CorruptError
	if !errors.As(err, &c) || c.Offset != int64(second) {
		t.Fatalf("error %v, want a checksum mismatch at the second block", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "seed")
	write(f, good, []byte("some payload"))
	data, _ := os.ReadFile(good)
	f.Add(data)
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f")
		os.WriteFile(p, data, 0o644)
		if _, err := read(p); err == nil {
			if err := Verify(p, "bands"); err != nil {
				t.Fatalf("read accepted what Verify refuses: %v", err)
			}
		}
	})
}

func TestReaderAt(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	payload := make([]byte, 2*BlockSize+777)
	for i := range payload {
		payload[i] = byte(rng.Uint32())
	}
	path := filepath.Join(t.TempDir(), "f")
	write(t, path, payload)
	r, err := OpenAt(path, "bands")
	if err != nil {
		t.Fatal(err)
	}
	if r.Size() != int64(len(payload)) {
		t.Fatalf("size %d", r.Size())
	}
	for i := 0; i < 200; i++ {
		off := rng.IntN(len(payload))
		n := rng.IntN(min(len(payload)-off, 3*BlockSize/2) + 1)
		buf := make([]byte, n)
		if _, err := r.ReadAt(buf, int64(off)); err != nil || !bytes.Equal(buf, payload[off:off+n]) {
			t.Fatalf("ReadAt(%d, %d): %v", n, off, err)
		}
	}
	if _, err := r.ReadAt(make([]byte, 2), int64(len(payload)-1)); err == nil {
		t.Fatal("read past the end")
	}
	r.Close()
	// a flipped byte in the second block fails reads there only
	data, _ := os.ReadFile(path)
	second := len(data) - 24 - (8 + 777) - (8 + BlockSize)
	data[second+50] ^= 1
	os.WriteFile(path, data, 0o644)
	r, err = OpenAt(path, "bands")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.ReadAt(make([]byte, 10), 5); err != nil {
		t.Fatalf("first block: %v", err)
	}
	if _, err := r.ReadAt(make([]byte, 10), BlockSize+5); !IsCorrupt(err) {
		t.Fatalf("second block: %v", err)
	}
	// a truncated file is refused at open
	os.WriteFile(path, data[:len(data)-5], 0o644)
	if _, err := OpenAt(path, "bands"); !IsCorrupt(err) {
		t.Fatalf("truncated: %v", err)
	}
}
