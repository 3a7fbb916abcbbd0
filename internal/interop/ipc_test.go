package interop

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/shard"
)

// TestArrowIPCReadBack: the sample job with output.format: arrow writes
// Arrow IPC stream files that Arrow's Go IPC reader reads with the shard
// schema; rows and tokens equal the manifest's, per shard and in total, and
// the documents are the ones the Parquet run writes, in the same order.
func TestArrowIPCReadBack(t *testing.T) {
	cfg := sampleConfig(t)
	cfg.Output.Format = shard.FormatArrow
	if _, err := job.Run(context.Background(), cfg, job.Options{}); err != nil {
		t.Fatal(err)
	}
	m, err := job.ReadManifest(filepath.Join(cfg.Output.Dir, shard.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Shards) < 2 {
		t.Fatalf("%d shards, want several", len(m.Shards))
	}
	var ids []string
	var rows, tokens int64
	for _, s := range m.Shards {
		f, err := os.Open(filepath.Join(cfg.Output.Dir, s.File))
		if err != nil {
			t.Fatal(err)
		}
		r, err := ipc.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", s.File, err)
		}
		var sr, st int64
		for r.Next() {
			rec := r.Record()
			if got := rec.Schema().String(); rec.NumCols() != 6 || rec.Schema().Field(1).Name != "text" {
				t.Fatalf("%s: schema %s", s.File, got)
			}
			idCol := rec.Column(0).(*array.String)
			tok := rec.Column(5).(*array.Int64)
			for i := 0; i < int(rec.NumRows()); i++ {
				ids = append(ids, idCol.Value(i))
				st += tok.Value(i)
			}
			sr += rec.NumRows()
		}
		if err := r.Err(); err != nil {
			t.Fatalf("%s: %v", s.File, err)
		}
		r.Release()
		f.Close()
		if sr != s.Rows || st != s.Tokens {
			t.Errorf("%s: Arrow reads %d rows %d tokens, the manifest says %d / %d", s.File, sr, st, s.Rows, s.Tokens)
		}
		rows, tokens = rows+sr, tokens+st
	}
	if rows != m.Totals.Rows || tokens != m.Totals.Tokens {
		t.Errorf("totals: Arrow %d rows %d tokens, manifest %+v", rows, tokens, m.Totals)
	}

	pq := sampleConfig(t)
	if _, err := job.Run(context.Background(), pq, job.Options{}); err != nil {
		t.Fatal(err)
	}
	pm, err := job.ReadManifest(filepath.Join(pq.Output.Dir, shard.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var pids []string
	for _, s := range pm.Shards {
		pids = append(pids, readArrow(t, filepath.Join(pq.Output.Dir, s.File)).ids...)
	}
	if len(pids) != len(ids) || pm.Totals.Tokens != tokens {
		t.Fatalf("parquet run: %d rows %d tokens; arrow run %d rows %d tokens", len(pids), pm.Totals.Tokens, len(ids), tokens)
	}
	for i := range ids {
		if ids[i] != pids[i] {
			t.Fatalf("row %d: arrow %s, parquet %s", i, ids[i], pids[i])
		}
	}
}
