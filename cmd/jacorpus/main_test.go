package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/shard"
)

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = realMain(args, &o, &e)
	return code, o.String(), e.String()
}

func TestCommands(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"version", []string{"version"}, 0, "jacorpus " + job.Version, ""},
		{"no args", nil, 2, "", "usage:"},
		{"unknown", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"run help", []string{"run", "-h"}, 0, "", "-shard-size"},
		{"bad flag", []string{"run", "--shard-size", "12 parsecs"}, 1, "", "unknown unit"},
		{"no inputs", []string{"run", "--output", "x"}, 1, "", "inputs: none given"},
		{"zero shard size", []string{"run", "--shard-size", "0", "a.jsonl"}, 1, "", "output.shard_size: 0 must be > 0"},
		{"huge shard size", []string{"run", "--shard-size", "1e30"}, 1, "", "too large"},
		{"negative workers", []string{"run", "--workers", "-2", "a.jsonl"}, 1, "", "workers: -2 must be >= 0"},
		{"bad task", []string{"run", "--task-index", "3", "--task-count", "2", "a.jsonl"}, 1, "", "task: index 3 of count 2"},
		{"missing input", []string{"run", "--output", "x", "no/such/file.jsonl"}, 1, "", "no/such/file.jsonl"},
		{"missing config", []string{"run", "-c", "nope.yaml"}, 1, "", "nope.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(c.args...)
			if code != c.code || !strings.Contains(out, c.stdout) || !strings.Contains(errOut, c.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, errOut, c.code, c.stdout, c.stderr)
			}
		})
	}
}

func TestBadConfigNamesLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "job.yaml")
	os.WriteFile(p, []byte("inputs:\n  - path: a.jsonl\n    formatt: jsonl\n"), 0o644)
	code, _, errOut := run("run", "-c", p)
	if code != 1 || !strings.Contains(errOut, p) || !strings.Contains(errOut, "line 3") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// TestRunFlags runs the fixture with flags only and checks that they reach
// the output: rows per shard, workers, rejects, overwrite. The fixture's e-Gov
// re-crawl pair differs only in whitespace, so one copy goes as an exact
// duplicate after normalization.
func TestRunFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	rej := filepath.Join(t.TempDir(), "rej")
	args := []string{"run", "-q", "--output", out, "--shard-rows", "20", "--workers", "1", "--rejects", rej,
		"--input", "../../testdata/sample/fixture_docs.jsonl"}
	code, stdout, stderr := run(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"ingest", "normalize", "dedup", "filters", "tokenize", "shard", "5 shards, 85 rows", "exact_duplicate=1", "1 workers"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	m, err := shard.ReadManifest(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Shards) != 5 || m.Shards[0].Rows != 20 || m.Shards[4].Rows != 5 {
		t.Errorf("shards %+v", m.Shards)
	}
	if _, err := os.Stat(filepath.Join(rej, "dropped.jsonl")); err != nil {
		t.Error(err)
	}
	// again: refused without --overwrite, accepted with it
	if code, _, stderr := run(args...); code != 1 || !strings.Contains(stderr, "--overwrite") {
		t.Errorf("rerun: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(append(args, "--overwrite")...); code != 0 {
		t.Errorf("overwrite: exit %d: %s", code, stderr)
	}
}
