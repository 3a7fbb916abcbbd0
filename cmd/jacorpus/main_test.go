package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/rejects"
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
		{"bad flag", []string{"run", "--shard-size", "12 parsecs"}, 2, "", "unknown unit"},
		{"no inputs", []string{"run", "--output", "x"}, 1, "", "inputs: none given"},
		{"zero shard size", []string{"run", "--shard-size", "0", "a.jsonl"}, 1, "", "--shard-size: 0 must be > 0"},
		{"huge shard size", []string{"run", "--shard-size", "1e30"}, 2, "", "too large"},
		{"NaN shard size", []string{"run", "--shard-size", "NaN", "a.jsonl"}, 2, "", `invalid value "NaN" for flag -shard-size: size "NaN": want a number`},
		{"negative shard size", []string{"run", "--shard-size", "-1", "a.jsonl"}, 2, "", `size "-1": negative`},
		{"negative workers", []string{"run", "--workers", "-2", "a.jsonl"}, 1, "", "--workers: -2 must be >= 0"},
		{"fractional workers", []string{"run", "--workers", "2.5", "a.jsonl"}, 2, "", `invalid value "2.5" for flag -workers`},
		{"bad task", []string{"run", "--task-index", "3", "--task-count", "2", "a.jsonl"}, 1, "", "--task-index: 3 must be < --task-count (2)"},
		{"zero task count", []string{"run", "--task-count", "0", "a.jsonl"}, 1, "", "--task-count: 0 must be >= 1"},
		{"empty input", []string{"run", "--input", "", "--output", "x"}, 1, "", "--input: empty"},
		{"negative shard rows", []string{"run", "--shard-rows", "-1", "a.jsonl"}, 1, "", "--shard-rows: -1 must be >= 0"},
		{"help lists new flags", []string{"run", "-h"}, 0, "", "-max-bad-files"},
		{"NaN problem ratio", []string{"run", "--max-problem-ratio", "NaN", "a.jsonl"}, 1, "", "--max-problem-ratio: NaN is not a number in [0, 1]"},
		{"Inf problem ratio", []string{"run", "--max-problem-ratio", "Inf", "a.jsonl"}, 1, "", "--max-problem-ratio: +Inf is not a number in [0, 1]"},
		{"negative problem ratio", []string{"run", "--max-problem-ratio", "-0.1", "a.jsonl"}, 1, "", "--max-problem-ratio: -0.1 is not a number in [0, 1]"},
		{"problem ratio above 1", []string{"run", "--max-problem-ratio", "1.01", "a.jsonl"}, 1, "", "--max-problem-ratio: 1.01 is not"},
		{"negative bad files", []string{"run", "--max-bad-files", "-1", "a.jsonl"}, 1, "", "--max-bad-files: -1 must be >= 0"},
		{"every flag error", []string{"run", "--workers", "-1", "--max-bad-files", "-1", "--output", "", "a.jsonl"}, 1, "",
			"--max-bad-files: -1 must be >= 0\n--output: empty\n--workers: -1 must be >= 0"},
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

// TestBadConfigNamesLine checks that a bad config file is refused before
// anything runs, naming file, line and key, or the flag that overrode the key.
func TestBadConfigNamesLine(t *testing.T) {
	const in = "inputs:\n  - path: a.jsonl\n"
	cases := []struct {
		name, yaml string
		flags      []string
		want       string // FILE stands for the config's path
	}{
		{"unknown key", "inputs:\n  - path: a.jsonl\n    formatt: jsonl\n", nil, "FILE:3: inputs[0].formatt: unknown key"},
		{"NaN bound", in + "filters:\n  presets: {default: {set: {too_short: \">= .nan\"}}}\n", nil, `FILE:4: filters.presets.default.set.too_short: bound ">= .nan": ".nan" is not a finite number`},
		{"unknown mode", in + "filters:\n  mode: dry\n", nil, `FILE:4: filters.mode: "dry": want "drop" or "annotate"`},
		{"NaN problem ratio", in + "max_problem_ratio: .nan\n", nil, "FILE:3: max_problem_ratio: NaN is not a number in [0, 1]"},
		{"second document", in + "---\nworkers: 2\n", nil, "FILE:3: a second YAML document starts here"},
		{"fractional workers", in + "workers: 2.5\n", nil, "FILE:3: workers: 2.5 is not an integer"},
		{"word workers", in + "workers: \"four\"\n", nil, `FILE:3: workers: "four" is not an integer`},
		{"negative workers", in + "workers: -1\n", nil, "FILE:3: workers: -1 must be >= 0"},
		{"flag over the file", in + "workers: 1\n", []string{"--workers", "-3"}, "jacorpus: --workers: -3 must be >= 0"},
		{"inputs flag over the file", "inputs:\n  - {path: a.jsonl, preset: strict}\n", []string{"--input", ""}, "jacorpus: --input: empty"},
		{"file line and flag", in + "max_bad_files: -1\n", []string{"--max-problem-ratio", "2"},
			"jacorpus: FILE:3: max_bad_files: -1 must be >= 0\n--max-problem-ratio: 2 is not a number in [0, 1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "job.yaml")
			if err := os.WriteFile(p, []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := run(append([]string{"run", "-c", p, "--output", filepath.Join(dir, "out")}, c.flags...)...)
			if want := strings.ReplaceAll(c.want, "FILE", p); code != 1 || !strings.Contains(errOut, want) {
				t.Errorf("exit %d: %s\nwant %q", code, errOut, want)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
				t.Errorf("output dir: %v", err)
			}
		})
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
	for _, want := range []string{"ingest", "normalize", "dedup", "filters", "tokenize", "shard", "5 shards, 85 rows", "exact_duplicate=1", "1 workers", "MB/s/core", "MB/s per core ("} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	// every stage that saw text has its speed per core
	if m := regexp.MustCompile(`(?m)^tokenize +85 +85 +0 +[0-9.]+ +[0-9]+\.[0-9] `).FindString(stdout); m == "" {
		t.Errorf("no speed per core for tokenize:\n%s", stdout)
	}
	m, err := shard.ReadManifest(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	// 85 rows at most 20 a shard: 5 shards, balanced by tokens
	var rows int64
	for _, s := range m.Shards {
		rows += s.Rows
		if s.Rows > 20 {
			t.Errorf("shard %s: %d rows, over --shard-rows 20", s.File, s.Rows)
		}
	}
	if len(m.Shards) != 5 || rows != 85 {
		t.Errorf("shards %+v", m.Shards)
	}
	if dr, err := rejects.ReadDropped(filepath.Join(rej, "dropped.parquet")); err != nil || len(dr) != 1 || dr[0].Reason != "exact_duplicate" {
		t.Errorf("dropped.parquet: %v, %+v", err, dr)
	}
	// again: refused without --overwrite, accepted with it
	if code, _, stderr := run(args...); code != 1 || !strings.Contains(stderr, "--overwrite") {
		t.Errorf("rerun: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(append(args, "--overwrite")...); code != 0 {
		t.Errorf("overwrite: exit %d: %s", code, stderr)
	}
}

// TestVerifyCommand: jacorpus verify passes a fresh run's output and fails,
// naming the file, on a flipped byte.
func TestVerifyCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := run("run", "-q", "--output", out, "--shard-rows", "20", "--input", "../../testdata/sample/fixture_docs.jsonl"); code != 0 {
		t.Fatalf("run: %s", stderr)
	}
	if code, stdout, stderr := run("verify", out); code != 0 || !strings.Contains(stdout, "ok: 5 shards, 85 rows") {
		t.Fatalf("verify: exit %d %q %q", code, stdout, stderr)
	}
	p := filepath.Join(out, "part-00002.parquet")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[100] ^= 0xff
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := run("verify", "--quick", out); code != 0 || !strings.Contains(stdout, "(sizes checked)") {
		t.Errorf("verify --quick: exit %d %q", code, stdout)
	}
	if code, stdout, _ := run("verify", out); code != 1 || !strings.Contains(stdout, out+"/part-00002.parquet: altered") {
		t.Errorf("verify of an altered shard: exit %d %q", code, stdout)
	}
	if code, _, stderr := run("verify", t.TempDir()); code != 1 || !strings.Contains(stderr, "manifest.json") {
		t.Errorf("verify without a manifest: exit %d %q", code, stderr)
	}
	if code, _, _ := run("verify"); code != 2 {
		t.Errorf("verify without a directory: exit %d", code)
	}
}

// TestLsInspect: ls lists a run's shards and totals from its manifest,
// inspect prints the first documents of a shard.
func TestLsInspect(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := run("run", "-q", "--output", out, "--shard-rows", "20", "--input", "../../testdata/sample/fixture_docs.jsonl"); code != 0 {
		t.Fatalf("run: %s", stderr)
	}
	m, err := shard.ReadManifest(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run("ls", out)
	if code != 0 || !strings.Contains(stdout, "part-00004.parquet") || !strings.Contains(stdout, "total 5 shards") ||
		!strings.Contains(stdout, fmt.Sprintf("%d", m.Totals.Tokens)) || !strings.Contains(stdout, "tokens per shard: min") {
		t.Errorf("ls: exit %d %q %q", code, stdout, stderr)
	}
	// one source (the fixture file's): all the rows and tokens
	if len(m.Sources) != 1 || m.Sources[0].Rows != m.Totals.Rows || m.Sources[0].Tokens != m.Totals.Tokens ||
		!strings.Contains(stdout, fmt.Sprintf("%s    85  100.0", m.Sources[0].Source)) {
		t.Errorf("sources %+v; ls %q", m.Sources, stdout)
	}
	rows := readBackIDs(t, filepath.Join(out, "part-00000.parquet"))
	code, stdout, stderr = run("inspect", "-n", "2", filepath.Join(out, "part-00000.parquet"))
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("%d rows", m.Shards[0].Rows)) || !strings.Contains(stdout, "[1] id "+rows[1]) || strings.Contains(stdout, "[2]") {
		t.Errorf("inspect: exit %d %q %q", code, stdout, stderr)
	}
	if code, _, _ := run("inspect", filepath.Join(out, "missing.parquet")); code != 1 {
		t.Errorf("inspect of a missing file: exit %d", code)
	}
	// not Parquet, and a shard cut short: an error naming the file, no panic
	notParquet := filepath.Join(t.TempDir(), "x.parquet")
	if err := os.WriteFile(notParquet, []byte("id,text\n1,本文\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "part-00001.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.parquet")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{notParquet, cut} {
		if code, _, stderr := run("inspect", p); code != 1 || !strings.Contains(stderr, p+": not a") {
			t.Errorf("inspect %s: exit %d %q", p, code, stderr)
		}
	}
}

func readBackIDs(t *testing.T, path string) []string {
	t.Helper()
	rows, err := parquet.ReadFile[shard.Row](path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}
