package phases_test

import (
	"fmt"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/phases"
)

// ExamplePlan lists the phases of a job with near dedup and boilerplate
// lines over 8 input slices and 4 key ranges, written as 2 output tasks:
// what a scheduler script submits, one array job per line.
func ExamplePlan() {
	cfg := job.Default()
	cfg.Dedup.Near.Enabled = true
	cfg.Dedup.Lines.Enabled = true
	cfg.Phases = job.PhasesConfig{Tasks: 8, Buckets: 4}
	cfg.Task.Count = 2
	for _, ph := range phases.Plan(&cfg) {
		fmt.Println(ph.Name, ph.Tasks)
	}
	// Output:
	// lines 8
	// linesets 4
	// signatures 8
	// buckets 4
	// filter 2
}
