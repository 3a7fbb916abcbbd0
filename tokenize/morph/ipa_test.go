package morph

import (
	"bytes"
	"testing"
)

// TestEmbeddedIPAUpToDate checks that the embedded dictionary is what
// internal/gen makes from the kagome IPA dictionary in go.mod, so it cannot
// go stale: after updating kagome-dict, run `go generate ./tokenize/morph`.
func TestEmbeddedIPAUpToDate(t *testing.T) {
	raw, err := decompress(ipaZst)
	if err != nil {
		t.Fatal(err)
	}
	want, err := testDict(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, want) {
		t.Fatalf("ipa.morph.zst (%d bytes uncompressed) differs from FromKagome(ipa.Dict()) (%d bytes): run go generate ./tokenize/morph", len(raw), len(want))
	}
	d, err := IPA()
	if err != nil {
		t.Fatal(err)
	}
	if d2, _ := IPA(); d2 != d {
		t.Error("IPA() loaded the dictionary twice")
	}
}

// BenchmarkLoadIPA is the time IPA() takes in a fresh process: decompress
// the embedded file and Load it.
func BenchmarkLoadIPA(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		raw, err := decompress(ipaZst)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Load(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad is Load alone, on the uncompressed bytes.
func BenchmarkLoad(b *testing.B) {
	raw, err := decompress(ipaZst)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(raw); err != nil {
			b.Fatal(err)
		}
	}
}
