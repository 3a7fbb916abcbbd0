package morph

import (
	_ "embed"
	"fmt"
	"sync"
)

//go:generate go run ./internal/gen -o ipa.morph

// ipaRaw is kagome's IPA dictionary (kagome-dict/ipa) in the serialized
// form of MarshalBinary; internal/gen writes it. It is not compressed:
// in a fresh process, decompressing it (7.0 MB zstd) and copying its
// arrays took ~100 ms, nearly all of it page faults on 24 MB of new
// memory, while the Dict of loadShared uses the arrays in place, in pages
// mapped from the executable (BenchmarkLoadIPA; see doc.go).
//
//go:embed ipa.morph
var ipaRaw []byte

// IPA returns the IPA dictionary (ipadic, as packaged by kagome-dict/ipa).
// It is read from the embedded file on first use and shared by the
// process; it never loads kagome's own dictionary (which takes ~0.7 s).
func IPA() (*Dict, error) { return ipaOnce() }

var ipaOnce = sync.OnceValues(func() (*Dict, error) {
	d, err := loadShared(ipaRaw)
	if err != nil {
		return nil, fmt.Errorf("morph: embedded IPA dictionary: %w", err)
	}
	return d, nil
})
