// Command gen writes the embedded IPA dictionary of package morph: kagome's
// IPA dictionary (github.com/ikawaha/kagome-dict/ipa) converted with
// morph.FromKagome, serialized with MarshalBinary and compressed with zstd.
// Run it through `go generate ./tokenize/morph` after updating kagome-dict;
// TestEmbeddedIPAUpToDate fails while the committed file is stale.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/klauspost/compress/zstd"

	"github.com/jacorpus/jacorpus/tokenize/morph"
)

func main() {
	out := flag.String("o", "ipa.morph.zst", "output file")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	d, err := morph.FromKagome(ipa.Dict())
	if err != nil {
		return err
	}
	raw, err := d.MarshalBinary()
	if err != nil {
		return err
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return err
	}
	z := enc.EncodeAll(raw, nil)
	if err := os.WriteFile(out, z, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Printf("gen: %s: %d bytes (%d uncompressed)\n", out, len(z), len(raw))
	return nil
}
