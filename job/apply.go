package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jacorpus/jacorpus/commit"
	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/shard"
)

// ApplyOptions says which annotated dataset to re-threshold and where the
// documents that pass go.
type ApplyOptions struct {
	// In is the directory of a dataset written with filters.mode: annotate.
	In string
	// Out receives the new dataset (shards and manifest), committed as a
	// run's output is: nothing appears there unless the whole apply succeeds.
	Out string
	// Filters holds the presets and bounds to apply.
	Filters filters.Config
	// ShardSize and ShardRows size the new shards (as output.shard_size and
	// output.shard_rows).
	ShardSize ByteSize
	ShardRows int64
	// Overwrite lets Out replace a previous dataset.
	Overwrite bool
}

// ApplyConfig is the manifest's config section of an applied dataset.
type ApplyConfig struct {
	// From is the annotated dataset the documents come from.
	From string `json:"from"`
	// FromRunID is its run's id (from its manifest).
	FromRunID string         `json:"from_run_id,omitempty"`
	Filters   filters.Config `json:"filters"`
}

// ApplyFilters writes the documents of the annotated dataset In that pass
// the bounds of Filters into the new dataset Out, in the same order, with
// the same columns (the scores stay in meta). A document is decided by
// filters.Rethreshold with the preset named in its meta; one that cannot be
// decided (its meta lacks a score the preset needs) stops the apply with
// its shard and row. The manifest's stats count the documents dropped per
// rule.
func ApplyFilters(ctx context.Context, o ApplyOptions) (*Manifest, error) {
	if err := o.Filters.Validate(); err != nil {
		return nil, err
	}
	in, err := ReadManifest(filepath.Join(o.In, shard.ManifestName))
	if err != nil {
		return nil, err
	}
	out, err := commit.Prepare(o.Out, commit.Options{Overwrite: o.Overwrite, Owned: shard.Owned, What: "output", Index: shard.ManifestName})
	if err != nil {
		return nil, err
	}
	defer out.Abort() // no-op after Commit
	// the new shards have the input's format and columns
	format, wakati := shard.FormatParquet, slices.Contains(in.Schema, "wakati")
	if len(in.Shards) > 0 && strings.HasSuffix(in.Shards[0].File, shard.FormatArrow.Ext()) {
		format = shard.FormatArrow
	}
	w, err := shard.NewWriter(shard.Options{Dir: out.Staging, MaxBytes: int64(o.ShardSize), MaxRows: o.ShardRows, Format: format, Wakati: wakati})
	if err != nil {
		return nil, err
	}
	stats := &pipeline.Stats{}
	st := stats.Stage(filters.StageName)
	for _, s := range in.Shards {
		if err := applyShard(ctx, filepath.Join(o.In, s.File), o.Filters, w, st); err != nil {
			return nil, errors.Join(err, w.Abort())
		}
	}
	infos, err := w.Close()
	if err != nil {
		return nil, errors.Join(err, w.Abort())
	}
	m := &Manifest{Manifest: *shard.NewManifest("jacorpus "+Version, infos)}
	m.Schema = w.Columns()
	m.Sources = w.Sources()
	cfg := ApplyConfig{From: o.In, Filters: o.Filters}
	if in.Run != nil {
		cfg.FromRunID = in.Run.RunID
	}
	m.Apply = &cfg
	m.Stats = stats
	if err := shard.WriteManifest(out.Staging, m); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, interrupted(ctx)
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	return m, nil
}

// applyShard re-decides the rows of one shard, streaming them in batches.
func applyShard(ctx context.Context, path string, fc filters.Config, w *shard.Writer, st *pipeline.StageStats) error {
	r, err := shard.OpenReader(path)
	if err != nil {
		return err
	}
	defer r.Close()
	rows := make([]shard.Row, 256)
	n := 0 // rows read so far
	for {
		if err := ctx.Err(); err != nil {
			return interrupted(ctx)
		}
		k, rerr := r.Read(rows)
		var keep []*pipeline.Document
		for i, row := range rows[:k] {
			var meta map[string]string
			if err := json.Unmarshal([]byte(row.Meta), &meta); err != nil {
				return fmt.Errorf("%s: row %d (%s): meta: %w", path, n+i, row.ID, err)
			}
			rule, err := filters.Rethreshold(meta, fc)
			if err != nil {
				return fmt.Errorf("%s: row %d (%s): %w", path, n+i, row.ID, err)
			}
			st.DocsIn++
			st.BytesIn += int64(len(row.Text))
			if rule != "" {
				st.Dropped[rule]++
				continue
			}
			st.DocsOut++
			st.BytesOut += int64(len(row.Text))
			keep = append(keep, &pipeline.Document{ID: row.ID, Text: row.Text, Source: row.Source, URL: row.URL, Meta: meta, Tokens: int(row.Tokens), Wakati: row.Wakati})
		}
		n += k
		if len(keep) > 0 {
			if err := w.Write(keep); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("%s: row %d: %w", path, n, rerr)
		}
	}
}
