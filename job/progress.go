package job

import (
	"context"
	"fmt"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/progress"
	"github.com/jacorpus/jacorpus/shard"
)

// runReading runs runner over src as the activity name of m (nil: none):
// the probe reads the bytes src consumed from the input files (as stored)
// out of the files' sizes, the records it produced and every stage's
// documents, all live counters, so the progress moves behind a barrier
// and inside one long record too.
func runReading(ctx context.Context, m progress.Meter, name string, runner *pipeline.Runner, src *ingest.Source, files []ingest.File) (*pipeline.Stats, error) {
	if m == nil {
		return runner.Run(ctx, src)
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	c := new(pipeline.Counters)
	runner.Counters = c
	sink := runner.SinkName // "" without a sink (counting lines)
	if sink == "" && runner.Sink != nil {
		sink = sinkName
	}
	end := m.Begin(name, func() progress.Snapshot {
		s := progress.Snapshot{Docs: c.Read.Load(), Bytes: src.BytesRead(), BytesTotal: total}
		live := c.Stages()
		s.Stages = make([]progress.Stage, 0, len(live)+1)
		for i := range live {
			s.Stages = append(s.Stages, progress.Stage{Name: live[i].Name, Docs: live[i].Docs.Load()})
		}
		if sink != "" {
			s.Stages = append(s.Stages, progress.Stage{Name: sink, Docs: c.Written.Load()})
		}
		return s
	})
	defer end()
	return runner.Run(ctx, src)
}

// writing returns the probe of a shard writer's output: rows written out of
// the rows it writes (known once a balanced writer has cut the dataset),
// bytes written, and the shard being written as the detail ("3/12").
func writing(p *shard.Progress) progress.Probe {
	return func() progress.Snapshot {
		s := progress.Snapshot{Docs: p.Rows.Load(), DocsTotal: p.PlannedRows.Load(), Bytes: p.Bytes.Load()}
		if n := p.PlannedShards.Load(); n > 0 {
			s.Detail = fmt.Sprintf("%d/%d", min(p.Shards.Load()+1, n), n)
		}
		return s
	}
}
