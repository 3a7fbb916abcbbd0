package morph

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
)

//go:generate go run ./internal/gen -o ipa.morph.zst

// ipaZst is kagome's IPA dictionary (kagome-dict/ipa) in the serialized form
// of MarshalBinary, zstd-compressed; internal/gen writes it. Measured:
// 11.7 MB raw, 7.0 MB compressed; Load of the raw bytes ~15 ms, decompress
// and Load ~21 ms (BenchmarkLoad, BenchmarkLoadIPA), well inside 100 ms, so
// the smaller file wins.
//
//go:embed ipa.morph.zst
var ipaZst []byte

// IPA returns the IPA dictionary (ipadic, as packaged by kagome-dict/ipa).
// It is decoded from the embedded file on first use and shared by the
// process; it never loads kagome's own dictionary (which takes ~0.7 s).
func IPA() (*Dict, error) { return ipaOnce() }

var ipaOnce = sync.OnceValues(func() (*Dict, error) {
	raw, err := decompress(ipaZst)
	if err != nil {
		return nil, fmt.Errorf("morph: embedded IPA dictionary: %w", err)
	}
	d, err := Load(raw)
	if err != nil {
		return nil, fmt.Errorf("morph: embedded IPA dictionary: %w", err)
	}
	return d, nil
})

// decompress undoes the zstd compression of the embedded dictionary.
func decompress(z []byte) ([]byte, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20))
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	return dec.DecodeAll(z, nil)
}
