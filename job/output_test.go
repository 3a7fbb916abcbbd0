package job

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestBalancedSample is the balance check on the sample: with
// output.world_size 8 the shard count is a multiple of 8 and the shards'
// token totals differ by at most 1 % or the largest document, whichever is
// larger; with shuffle on as well, the dataset is byte-identical for 1, 2
// and 4 workers.
func TestBalancedSample(t *testing.T) {
	for _, shuffle := range []bool{false, true} {
		t.Run(fmt.Sprint("shuffle=", shuffle), func(t *testing.T) {
			var dirs []string
			for _, workers := range []int{1, 2, 4} {
				cfg := sampleConfig(t)
				cfg.Workers = workers
				cfg.Output.WorldSize = 8
				cfg.Output.Shuffle, cfg.Output.Seed = shuffle, 2026
				res, err := Run(context.Background(), cfg, Options{})
				if err != nil {
					t.Fatal(err)
				}
				dirs = append(dirs, res.Dir)
				if workers > 1 {
					continue
				}
				m := res.Manifest
				if n := len(m.Shards); n == 0 || n%8 != 0 {
					t.Fatalf("%d shards, want a multiple of 8", n)
				}
				var largest int64
				for _, r := range outputRows(t, res) {
					largest = max(largest, r.Tokens)
				}
				lo, hi := m.Shards[0].Tokens, m.Shards[0].Tokens
				for _, s := range m.Shards {
					lo, hi = min(lo, s.Tokens), max(hi, s.Tokens)
				}
				mean := m.Totals.Tokens / int64(len(m.Shards))
				if bound := max(mean/100, largest); hi-lo > bound {
					t.Errorf("token spread %d (%d..%d) > bound %d (1%% of %d, largest document %d)", hi-lo, lo, hi, bound, mean, largest)
				}
				t.Logf("%d shards, %d..%d tokens, spread %d, largest document %d", len(m.Shards), lo, hi, hi-lo, largest)
			}
			for _, d := range dirs[1:] {
				a, b := dirNames(t, dirs[0]), dirNames(t, d)
				if !slices.Equal(a, b) {
					t.Fatalf("files differ: %v vs %v", a, b)
				}
				for _, name := range a {
					x, _ := os.ReadFile(filepath.Join(dirs[0], name))
					y, _ := os.ReadFile(filepath.Join(d, name))
					if name == "manifest.json" {
						x, y = stripTimings(t, x), stripTimings(t, y)
					}
					if !bytes.Equal(x, y) {
						t.Errorf("%s differs between worker counts", name)
					}
				}
			}
		})
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}
