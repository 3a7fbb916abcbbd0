package morph

import (
	"bytes"
	"testing"
)

// TestEmbeddedIPAUpToDate checks that the embedded dictionary is what
// internal/gen makes from the kagome IPA dictionary in go.mod, so it cannot
// go stale: after updating kagome-dict, run `go generate ./tokenize/morph`.
func TestEmbeddedIPAUpToDate(t *testing.T) {
	want, err := testDict(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ipaRaw, want) {
		t.Fatalf("ipa.morph (%d bytes) differs from FromKagome(ipa.Dict()) (%d bytes): run go generate ./tokenize/morph", len(ipaRaw), len(want))
	}
	d, err := IPA()
	if err != nil {
		t.Fatal(err)
	}
	if d2, _ := IPA(); d2 != d {
		t.Error("IPA() loaded the dictionary twice")
	}
}

// BenchmarkLoadIPA is the work IPA() does: load the embedded file, using
// its arrays in place. (In a fresh process the first touch of its pages
// adds to this; TestLoadIPAFreshProcess measures that.)
func BenchmarkLoadIPA(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadShared(ipaRaw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad is Load, which copies the arrays, on the embedded bytes.
func BenchmarkLoad(b *testing.B) {
	raw := ipaRaw
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(raw); err != nil {
			b.Fatal(err)
		}
	}
}
