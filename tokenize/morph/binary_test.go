package morph

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/zeebo/xxh3"
)

func TestMarshalRoundTrip(t *testing.T) {
	d := testDict(t)
	raw, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	d2, err := Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	raw2, err := d2.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, raw2) {
		t.Fatal("MarshalBinary(Load(b)) != b")
	}
	text := "吾輩は猫である。名前はまだ無い。ｱｲｳ 123,456円 😀"
	if got, want := morphSpans(NewAnalyzer(d2), text), morphSpans(NewAnalyzer(d), text); !equalSpans(got, want) {
		t.Errorf("loaded dictionary segments %v, converted one %v", got, want)
	}
}

// TestLoadErrors checks that damaged input is refused with an error.
func TestLoadErrors(t *testing.T) {
	raw, err := testDict(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	// resum recomputes the checksum, so that the structural checks are the
	// ones that must refuse the damage.
	resum := func(b []byte) []byte {
		le.PutUint64(b[len(b)-8:], xxh3.Hash(b[:len(b)-8]))
		return b
	}
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(raw)) }
	unitsAt := headerSize
	cases := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short", raw[:20]},
		{"magic", edit(func(b []byte) []byte { b[0] = 'X'; return b })},
		{"version", edit(func(b []byte) []byte { le.PutUint32(b[8:], 99); return resum(b) })},
		{"truncated", raw[:len(raw)-1]},
		{"extra byte", append(bytes.Clone(raw), 0)},
		{"checksum", edit(func(b []byte) []byte { b[len(b)/2] ^= 1; return b })},
		{"unit count", edit(func(b []byte) []byte { le.PutUint32(b[12:], 0xffffffff); return resum(b) })},
		{"zero left ids", edit(func(b []byte) []byte { le.PutUint32(b[20:], 0); return resum(b) })},
		{"root base beyond end", edit(func(b []byte) []byte {
			le.PutUint32(b[unitsAt:], 0xffffff00)
			return resum(b)
		})},
	}
	for _, c := range cases {
		if _, err := Load(c.b); err == nil {
			t.Errorf("%s: Load succeeded", c.name)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
}

func equalSpans(a, b []span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
