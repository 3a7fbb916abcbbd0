package job_test

import (
	"context"
	"fmt"
	"os"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
)

// Run a whole job from Go: the same thing `jacorpus run` does.
func Example() {
	out, _ := os.MkdirTemp("", "jacorpus")
	defer os.RemoveAll(out)
	cfg := job.Default()
	cfg.Inputs = []ingest.Input{{Path: "../testdata/sample/fixture_docs.jsonl", Source: "fixture"}}
	cfg.Output.Dir = out
	cfg.Output.ShardRows = 50
	res, err := job.Run(context.Background(), cfg, job.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Manifest.Totals.Shards, "shards,", res.Manifest.Totals.Rows, "rows")
	fmt.Println("exact duplicates:", res.Stats.Stage("dedup").Dropped["exact_duplicate"])
	// Output:
	// 2 shards, 85 rows
	// exact duplicates: 1
}
