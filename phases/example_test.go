package phases_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/phases"
)

// ExamplePlan lists the phases of a job with near dedup and boilerplate
// lines over 8 input slices and 4 key ranges: what jacorpus submit turns
// into scheduler scripts, one (array) job per line.
func ExamplePlan() {
	cfg := job.Default()
	cfg.Dedup.Near.Enabled = true
	cfg.Dedup.Lines.Enabled = true
	cfg.Phases = job.PhasesConfig{Tasks: 8, Buckets: 4, Checkpoints: job.DefaultCheckpoints}
	for _, ph := range phases.Plan(&cfg) {
		fmt.Println(ph.Name, ph.Tasks)
	}
	// Output:
	// prepare 1
	// lines 8
	// linesets 4
	// signatures 8
	// buckets 4
	// filter 8
	// finalize 1
}
