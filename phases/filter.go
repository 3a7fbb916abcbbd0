package phases

import (
	"context"
	"slices"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
)

// filter: task i is an ordinary run of input slice i (job.Run, task i of
// task.count) that applies what the earlier phases decided.
func (t *task) filter(ctx context.Context) (*job.Result, error) {
	cfg := t.cfg
	cfg.Task = job.TaskConfig{Index: t.index, Count: t.count}
	ph := &job.Phased{Exact: none, Near: none}
	var err error
	if ph.Boilerplate, err = t.boilerplate(); err != nil {
		return nil, err
	}
	if cfg.Dedup.Exact {
		keys, err := t.dropped(fileExact)
		if err != nil {
			return nil, err
		}
		ph.Exact = in(keys)
	}
	if cfg.Dedup.Near.Enabled {
		keys, err := t.dropped(fileNear)
		if err != nil {
			return nil, err
		}
		ph.Near = in(keys)
	}
	opts := t.opts
	opts.Phased = ph
	return job.Run(ctx, cfg, opts)
}

func none(pipeline.Key) bool { return false }

// in returns a lookup in the sorted keys.
func in(keys []uint64) func(pipeline.Key) bool {
	return func(k pipeline.Key) bool {
		_, ok := slices.BinarySearch(keys, uint64(k))
		return ok
	}
}
