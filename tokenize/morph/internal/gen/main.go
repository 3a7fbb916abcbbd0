// Command gen writes the embedded IPA dictionary of package morph: kagome's
// IPA dictionary (github.com/ikawaha/kagome-dict/ipa) converted with
// morph.FromKagome and serialized with MarshalBinary.
// Run it through `go generate ./tokenize/morph` after updating kagome-dict;
// TestEmbeddedIPAUpToDate fails while the committed file is stale.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ikawaha/kagome-dict/ipa"

	"github.com/jacorpus/jacorpus/tokenize/morph"
)

func main() {
	out := flag.String("o", "ipa.morph", "output file")
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
	if err := os.WriteFile(out, raw, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Printf("gen: %s: %d bytes\n", out, len(raw))
	return nil
}
