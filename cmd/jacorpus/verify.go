package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/jacorpus/jacorpus/shard"
)

const verifyUsage = `usage:
  jacorpus verify [--quick] DIR
      checks a dataset against its manifest.json, as after copying it to
      another file system: every shard present, with its size and SHA-256
      (--quick: sizes only), and no other file in DIR. Prints one line per
      problem (FILE: missing | truncated | size differs | altered | extra
      file | unreadable) and exits 1 if there is any.
`

// cmdVerify checks datasets against their manifests.
func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, verifyUsage) }
	quick := fs.Bool("quick", false, "check sizes only, not contents")
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	code := 0
	for _, dir := range fs.Args() {
		res, err := shard.Verify(dir, *quick)
		if err != nil {
			fmt.Fprintf(stderr, "jacorpus verify: %s: %v\n", dir, err)
			code = 1
			continue
		}
		what := "sizes and SHA-256"
		if !res.Hashed {
			what = "sizes"
		}
		for _, p := range res.Problems {
			fmt.Fprintf(stdout, "%s/%s\n", dir, p)
		}
		if len(res.Problems) > 0 {
			fmt.Fprintf(stdout, "%s: %d problems in %d shards (%s checked)\n", dir, len(res.Problems), res.Shards, what)
			code = 1
			continue
		}
		fmt.Fprintf(stdout, "%s: ok: %d shards, %d rows, %d bytes (%s checked)\n", dir, res.Shards, res.Manifest.Totals.Rows, res.Bytes, what)
	}
	return code
}
