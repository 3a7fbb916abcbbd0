package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/job"
)

// sampleRun runs configs/default.yaml (the bundled sample: several sources,
// shards and drops) into a temporary directory and returns it.
func sampleRun(t *testing.T) string {
	t.Helper()
	cfg, err := job.Load("../../configs/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Inputs {
		cfg.Inputs[i].Path = filepath.Join("../..", cfg.Inputs[i].Path)
	}
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	if _, err := job.Run(context.Background(), cfg, job.Options{}); err != nil {
		t.Fatal(err)
	}
	return cfg.Output.Dir
}

// TestStats: jacorpus stats on the sample run agrees with its manifest, in
// text and JSON, reads no shard, and names the manifest when it is missing
// or corrupt.
func TestStats(t *testing.T) {
	out := sampleRun(t)
	mpath := filepath.Join(out, "manifest.json")
	m, err := job.ReadManifest(mpath)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Shards) < 3 || len(m.Sources) < 5 {
		t.Fatalf("sample run: %d shards, %d sources; want several", len(m.Shards), len(m.Sources))
	}

	// the expected figures, straight from the manifest
	var textBytes int64
	for _, s := range m.Sources {
		textBytes += s.TextBytes
	}
	var sizes []int64
	most, least := m.Shards[0], m.Shards[0]
	minRows, maxRows := m.Shards[0].Rows, m.Shards[0].Rows
	for _, s := range m.Shards {
		sizes = append(sizes, s.Bytes)
		if s.Tokens > most.Tokens {
			most = s
		}
		if s.Tokens < least.Tokens {
			least = s
		}
		minRows, maxRows = min(minRows, s.Rows), max(maxRows, s.Rows)
	}
	sort.Slice(sizes, func(i, j int) bool { return sizes[i] < sizes[j] })
	median := sizes[len(sizes)/2]
	if len(sizes)%2 == 0 {
		median = (sizes[len(sizes)/2-1] + median) / 2
	}
	n := float64(len(m.Shards))
	meanTokens := float64(m.Totals.Tokens) / n
	stages := m.Stats.Stages

	code, text, stderr := run("stats", out)
	if code != 0 {
		t.Fatalf("stats: exit %d %q", code, stderr)
	}
	code, js, stderr := run("stats", "--json", out)
	if code != 0 {
		t.Fatalf("stats --json: exit %d %q", code, stderr)
	}
	var got datasetStats
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, js)
	}

	t.Run("text", func(t *testing.T) {
		for _, want := range []string{
			"config_sha256 " + m.ConfigSHA256,
			"written by " + m.Tool,
			fmt.Sprintf("total: %d shards, %d rows, %d tokens, %d bytes", m.Totals.Shards, m.Totals.Rows, m.Totals.Tokens, m.Totals.Bytes),
			fmt.Sprintf("%d text bytes", textBytes),
			fmt.Sprintf(`^\s+tokens\s+%d\s+%d\s+%.1f\s+%d\s+%.1f$`, least.Tokens, most.Tokens, meanTokens, most.Tokens-least.Tokens, 100*float64(most.Tokens-least.Tokens)/meanTokens),
			fmt.Sprintf(`^\s+rows\s+%d\s+%d\s+%.1f\s+%d\s`, minRows, maxRows, float64(m.Totals.Rows)/n, maxRows-minRows),
			fmt.Sprintf("largest %s (%d tokens, %d rows), smallest %s (%d tokens", most.File, most.Tokens, most.Rows, least.File, least.Tokens),
			fmt.Sprintf("shard bytes: min %d, median %d, max %d", sizes[0], median, sizes[len(sizes)-1]),
			fmt.Sprintf("funnel: %d documents in, %d out", stages[0].DocsIn, m.Totals.Rows),
			// the README's account of the sample: 9 exact duplicates, 1
			// near duplicate, 1 web page dropped by the swallow preset
			`^dedup\s+\d+\s+\d+\s+9\s+exact_duplicate=9$`,
			`^near_dup\s+\d+\s+\d+\s+1\s+near_duplicate=1$`,
			`^filters\s+\d+\s+\d+\s+1\s+duplicate_5gram_character_fraction=1$`,
			fmt.Sprintf("input files: ok=%d; problems 0; records skipped (not documents) 9 (not_html=2 ", len(m.Inputs)),
			"; duplicate ids 0",
		} {
			re := regexp.QuoteMeta(want)
			if strings.HasPrefix(want, "^") {
				re = want
			}
			if !regexp.MustCompile("(?m)" + re).MatchString(text) {
				t.Errorf("stats output lacks %q:\n%s", want, text)
			}
		}
		for _, s := range m.Sources {
			row := fmt.Sprintf(`(?m)^\s*%s\s+%d\s+%.1f\s+%d\s+%.1f\s+%d\s+%.1f$`, regexp.QuoteMeta(s.Source), s.Rows, pct(s.Rows, m.Totals.Rows),
				s.Tokens, pct(s.Tokens, m.Totals.Tokens), s.TextBytes, pct(s.TextBytes, textBytes))
			if !regexp.MustCompile(row).MatchString(text) {
				t.Errorf("no line for source %s (%s):\n%s", s.Source, row, text)
			}
		}
	})

	t.Run("json", func(t *testing.T) {
		cases := []struct {
			name      string
			got, want any
		}{
			{"manifest", got.Manifest, mpath},
			{"tool", got.Tool, m.Tool},
			{"config_sha256", got.ConfigSHA256, m.ConfigSHA256},
			{"run_id", got.RunID, m.Run.RunID},
			{"columns", strings.Join(got.Columns, ","), strings.Join(m.Schema, ",")},
			{"totals", fmt.Sprint(got.Totals.Shards, got.Totals.Rows, got.Totals.Tokens, got.Totals.Bytes),
				fmt.Sprint(m.Totals.Shards, m.Totals.Rows, m.Totals.Tokens, m.Totals.Bytes)},
			{"text bytes", *got.Totals.TextBytes, textBytes},
			{"sources", len(got.Sources), len(m.Sources)},
			{"tokens per shard", fmt.Sprint(got.Shards.Tokens.Min, got.Shards.Tokens.Max, got.Shards.Tokens.Spread),
				fmt.Sprint(least.Tokens, most.Tokens, most.Tokens-least.Tokens)},
			{"mean tokens", got.Shards.Tokens.Mean, meanTokens},
			{"spread % of mean", got.Shards.Tokens.SpreadPct, 100 * float64(most.Tokens-least.Tokens) / meanTokens},
			{"rows per shard", fmt.Sprint(got.Shards.Rows.Min, got.Shards.Rows.Max, got.Shards.Rows.Mean),
				fmt.Sprint(minRows, maxRows, float64(m.Totals.Rows)/n)},
			{"largest", got.Shards.Most, shardSize{most.File, most.Rows, most.Tokens, most.Bytes}},
			{"smallest", got.Shards.Least, shardSize{least.File, least.Rows, least.Tokens, least.Bytes}},
			{"bytes", got.Shards.Bytes, sizeDist{sizes[0], median, sizes[len(sizes)-1]}},
			{"documents in", got.Funnel.DocumentsIn, stages[0].DocsIn},
			{"documents out", got.Funnel.DocumentsOut, m.Totals.Rows},
			{"stages", len(got.Funnel.Stages), len(stages)},
			{"exact duplicates", funnelDrops(got.Funnel, "dedup", "exact_duplicate"), int64(9)},
			{"near duplicates", funnelDrops(got.Funnel, "near_dup", "near_duplicate"), int64(1)},
			{"skipped", got.Funnel.SkippedRecords["not_html"], int64(2)},
			{"input files", got.Funnel.InputFiles["ok"], len(m.Inputs)},
		}
		for _, c := range cases {
			if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
				t.Errorf("%s: %v, manifest says %v", c.name, c.got, c.want)
			}
		}
		var rows, tokens, text int64
		var share float64
		for i, s := range got.Sources {
			ms := m.Sources[i]
			if s.Source != ms.Source || s.Rows != ms.Rows || s.Tokens != ms.Tokens || s.TextBytes != ms.TextBytes ||
				s.TokensPct != pct(ms.Tokens, m.Totals.Tokens) {
				t.Errorf("source %d: %+v, manifest %+v", i, s, ms)
			}
			rows, tokens, text, share = rows+s.Rows, tokens+s.Tokens, text+s.TextBytes, share+s.RowsPct
		}
		if rows != m.Totals.Rows || tokens != m.Totals.Tokens || text != textBytes || share < 99.999 || share > 100.001 {
			t.Errorf("sources sum to %d rows %d tokens %d text bytes, %.3f%% of rows", rows, tokens, text, share)
		}
		for i, s := range got.Funnel.Stages {
			ms := stages[i]
			if s.Name != ms.Name || s.In != ms.DocsIn || s.Out != ms.DocsOut || s.Dropped != ms.DroppedTotal() || len(s.Reasons) != len(ms.Dropped) {
				t.Errorf("stage %d: %+v, manifest %+v", i, s, ms)
			}
		}
		// stable key order: the object starts with these keys, in this order
		if !regexp.MustCompile(`^\{\s*"manifest":[^\n]*\n\s*"tool":[^\n]*\n\s*"manifest_version": 1,\n\s*"config_sha256"`).MatchString(js) {
			t.Errorf("JSON keys out of order:\n%.300s", js)
		}
	})

	// the shards are never opened: without them the output is the same
	t.Run("manifest only", func(t *testing.T) {
		for _, s := range m.Shards {
			if err := os.Rename(filepath.Join(out, s.File), filepath.Join(t.TempDir(), s.File)); err != nil {
				t.Fatal(err)
			}
		}
		if code, again, _ := run("stats", out); code != 0 || again != text {
			t.Errorf("without the shards: exit %d, output differs:\n%s", code, again)
		}
	})

	t.Run("errors", func(t *testing.T) {
		corrupt := func(content string) string {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			return dir
		}
		b, err := os.ReadFile(mpath)
		if err != nil {
			t.Fatal(err)
		}
		empty := t.TempDir()
		tasks := t.TempDir()
		if err := os.Mkdir(filepath.Join(tasks, "task-00000"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tasks, "task-00000", "manifest.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		cut := corrupt(string(b[:len(b)/2]))
		badType := corrupt(`{"version": 1, "totals": {"rows": "many"}}`)
		cases := []struct {
			name   string
			args   []string
			code   int
			stderr string
		}{
			{"no manifest", []string{"stats", empty}, 1, filepath.Join(empty, "manifest.json") + ": no such file"},
			{"task directories", []string{"stats", tasks}, 1, "give one task's directory, such as " + filepath.Join(tasks, "task-00000")},
			{"cut manifest", []string{"stats", cut}, 1, "manifest " + filepath.Join(cut, "manifest.json") + ": offset "},
			{"wrong type", []string{"stats", "--json", badType}, 1, "manifest " + filepath.Join(badType, "manifest.json") + ": offset 40: "},
			{"newer version", []string{"stats", corrupt(`{"version": 99}`)}, 1, "unsupported version 99"},
			{"no directory", []string{"stats"}, 2, "usage:"},
			{"two directories", []string{"stats", out, out}, 2, "usage:"},
			{"bad flag", []string{"stats", "--csv", out}, 2, "flag provided but not defined: -csv"},
			{"help", []string{"stats", "-h"}, 0, "--json prints it as one JSON object"},
		}
		for _, c := range cases {
			code, stdout, stderr := run(c.args...)
			if code != c.code || !strings.Contains(stderr, c.stderr) || (code != 0 && stdout != "") {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d and %q", c.name, code, stdout, stderr, c.code, c.stderr)
			}
		}
	})
}

// funnelDrops is the count of reason in stage of f (-1 without that stage).
func funnelDrops(f *statsFunnel, stage, reason string) int64 {
	for _, s := range f.Stages {
		if s.Name == stage {
			return s.Reasons[reason]
		}
	}
	return -1
}
