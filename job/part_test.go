package job

import (
	"path/filepath"
	"testing"
)

// TestDistinctIDs: the ids of parts merge into the distinct count a single
// run's id check would see, so duplicates across tasks are counted.
func TestDistinctIDs(t *testing.T) {
	sets := [][]uint64{{5, 1, 9, 1 << 63}, {}, {9, 2, 5}, {7}}
	var dirs []string
	for _, ids := range sets {
		dir := t.TempDir()
		seen := map[uint64]struct{}{}
		for _, id := range ids {
			seen[id] = struct{}{}
		}
		if err := writeIDs(filepath.Join(dir, IDsFile), seen); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	n, err := distinctIDs(dirs)
	if err != nil || n != 6 {
		t.Fatalf("distinct %d, %v; want 6 (1 2 5 7 9 2^63)", n, err)
	}
	if _, err := distinctIDs([]string{t.TempDir()}); err == nil {
		t.Fatal("a part without ids.bin went unnoticed")
	}
}
