package phases

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sync"
	"testing"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/rejects"
)

// cancelOn is a log writer that cancels a run when a checkpoint of phase
// completes: the run stops as a killed one would, between two checkpoints.
type cancelOn struct {
	mu     sync.Mutex
	phase  string
	cancel context.CancelFunc
	log    bytes.Buffer
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.phase != "" && bytes.Contains(p, []byte(`msg="checkpoint done"`)) && bytes.Contains(p, []byte("phase="+c.phase+" ")) {
		c.cancel()
	}
	return c.log.Write(p)
}

// TestCheckpointsResume stops the job after the first checkpoint of the
// lines, then the signatures, then the filter phase, each time running it
// again: every re-run skips the checkpoint done before (its files are not
// read again), and the dataset, its manifest and its rejects are those of
// the one-process run.
func TestCheckpointsResume(t *testing.T) {
	cfg := sample(t)
	tmp := t.TempDir()
	// input problems as well as dropped documents, in two files of their own
	bad := filepath.Join(tmp, "bad")
	if err := os.Mkdir(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, body := range []string{
		"{\"id\": \"a\", \"text\": \"壊れていない文書です。これは十分に長い日本語の文章で、検査のために書かれています。\"}\n{\"id\": \"b\", \"text\": \n",
		"not json at all\n{\"id\": \"d\", \"text\": \"これも壊れていない文書で、十分な長さの日本語の文を含んでいます。読み込まれるべきです。\"}\n{\"id\": \"c\", \"text\": \"\xff\xfe\"}\n",
	} {
		if err := os.WriteFile(filepath.Join(bad, fmt.Sprintf("bad-%d.jsonl", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Inputs = append(cfg.Inputs, ingest.Input{Path: bad, Source: "bad", Preset: "none"})
	cfg.Rejects = filepath.Join(tmp, "rejects-memory")
	mem, err := job.Run(context.Background(), cfg, job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pc := cfg
	pc.Output.Dir = filepath.Join(tmp, "phased")
	pc.Rejects = filepath.Join(tmp, "rejects-phased")
	pc.Phases = job.PhasesConfig{Tasks: 2, Buckets: 2, Checkpoints: 3}
	work := filepath.Join(tmp, "work")
	resumed := func(log, phase string) bool {
		return regexp.MustCompile(`msg="checkpoint already done: its files are not read again" .*phase=` + phase + ` task=0/2 checkpoint=1/`).MatchString(log)
	}
	prev := ""
	for _, phase := range []string{Lines, Signatures, Filter} {
		ctx, cancel := context.WithCancel(context.Background())
		w := &cancelOn{phase: phase, cancel: cancel}
		_, err := RunAll(ctx, pc, work, job.Options{Logger: slog.New(slog.NewTextHandler(w, nil))})
		cancel()
		if err == nil {
			t.Fatalf("the run did not stop after the first checkpoint of phase %s", phase)
		}
		if _, err := os.Stat(filepath.Join(checkpointsDir(work, phase, 0), "cp-00000", DoneName)); err != nil {
			t.Fatalf("phase %s: the first checkpoint is not kept: %v", phase, err)
		}
		if prev != "" && !resumed(w.log.String(), prev) {
			t.Errorf("phase %s did not resume after its first checkpoint:\n%s", prev, w.log.String())
		}
		prev = phase
	}
	w := &cancelOn{}
	res, err := RunAll(context.Background(), pc, work, job.Options{Logger: slog.New(slog.NewTextHandler(w, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if !resumed(w.log.String(), Filter) {
		t.Errorf("phase filter did not resume after its first checkpoint:\n%s", w.log.String())
	}
	if left, _ := filepath.Glob(filepath.Join(work, "*", ".task-*.checkpoints")); len(left) > 0 {
		t.Errorf("checkpoint directories left after the tasks completed: %v", left)
	}
	sameShards(t, mem, res)
	if a, b := comparable(t, mem.Manifest), comparable(t, res.Manifest); a != b {
		t.Errorf("manifests differ beyond the run section:\n%s\n%s", a, b)
	}
	sameRejects(t, cfg.Rejects, pc.Rejects)
}

// sameRejects checks that two rejects directories hold the same records
// and counts (their run ids aside).
func sameRejects(t *testing.T, a, b string) {
	t.Helper()
	pa, err := os.ReadFile(filepath.Join(a, rejects.ProblemsFile))
	if err != nil {
		t.Fatal(err)
	}
	pb, err := os.ReadFile(filepath.Join(b, rejects.ProblemsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pa, pb) {
		t.Errorf("%s differs: %d and %d bytes", rejects.ProblemsFile, len(pa), len(pb))
	}
	da, err := rejects.ReadDropped(filepath.Join(a, rejects.DroppedFile))
	if err != nil {
		t.Fatal(err)
	}
	db, err := rejects.ReadDropped(filepath.Join(b, rejects.DroppedFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(da) == 0 || len(pa) == 0 {
		t.Errorf("the sample drops no document: the test checks nothing")
	}
	if !reflect.DeepEqual(da, db) {
		t.Errorf("%s differs: %d and %d rows", rejects.DroppedFile, len(da), len(db))
	}
	summary := func(dir string) rejects.Summary {
		js, err := os.ReadFile(filepath.Join(dir, rejects.IndexFile))
		if err != nil {
			t.Fatal(err)
		}
		var s rejects.Summary
		if err := json.Unmarshal(js, &s); err != nil {
			t.Fatal(err)
		}
		s.RunID = ""
		return s
	}
	if sa, sb := summary(a), summary(b); !reflect.DeepEqual(sa, sb) {
		t.Errorf("rejects summaries differ:\n%+v\n%+v", sa, sb)
	}
}
