package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFiltersCommand: list, show, measures and sql print what the presets
// hold, with a config's changes; mistakes exit non-zero with the reason.
func TestFiltersCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(cfg, []byte("filters:\n  presets:\n    gov: {set: {too_short: \">= 300\"}}\n    web2: {base: swallow, disable: [num_letters]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"filters"}, 0, []string{"swallow ", "gov ", "transforms: hojichar.mask, llmjp.extract_japanese, mask_pii, nfkc"}},
		{[]string{"filters", "-c", cfg}, 0, []string{"web2 "}},
		{[]string{"filters", "show", "swallow"}, 0, []string{"hiragana_fraction", "swallow.hiragana_fraction", ">= 0.2", "quality.py:136"}},
		{[]string{"filters", "-c", cfg, "show", "gov"}, 0, []string{"too_short", ">= 300"}},
		{[]string{"filters", "measures"}, 0, []string{"japanese_ratio ", "swallow.num_letters "}},
		{[]string{"filters", "-c", cfg, "sql", "gov"}, 0, []string{`WHEN 'gov' THEN (`, `CAST(json_extract_string(meta, '$."filter.too_short"') AS DOUBLE) >= 300`}},
		{[]string{"filters", "show", "nope"}, 1, []string{`unknown preset "nope"`}},
		{[]string{"filters", "frobnicate"}, 1, []string{"unknown subcommand frobnicate"}},
		{[]string{"filters", "apply", "x"}, 2, []string{"usage: jacorpus filters"}},
		{[]string{"filters", "apply", "-o", filepath.Join(dir, "o"), filepath.Join(dir, "missing")}, 1, []string{"missing/manifest.json"}},
	}
	for _, c := range cases {
		code, out, errOut := run(c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", c.args, code, c.code, out, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(out+errOut, w) {
				t.Errorf("%v: no %q in\n%s%s", c.args, w, out, errOut)
			}
		}
	}
}

// TestRunSwallowSample: `jacorpus run -c configs/swallow.yaml` (the swallow
// preset on every sample source) prints the documents each Swallow rule
// dropped, in the stage table and in the filters table.
func TestRunSwallowSample(t *testing.T) {
	t.Chdir("../..") // the config's paths are relative to the repository
	out, rej := t.TempDir(), t.TempDir()
	code, stdout, stderr := run("run", "-q", "-c", "configs/swallow.yaml", "--output", out, "--rejects", rej)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	var table string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, "swallow ") && strings.Contains(line, "1084") {
			table = line
		}
	}
	// laws: blank lines are repeated paragraphs; short speeches: too few
	// letters; long sentences of laws and literature
	for _, w := range []string{"num_letters=", "duplicate_paragraph_fraction=", "avg_sentence_length_max=", "max_sentence_length="} {
		if !strings.Contains(table, w) {
			t.Errorf("no %q in the swallow row %q\n%s", w, table, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(rej, "dropped.parquet")); err != nil {
		t.Errorf("rejects: %v", err)
	}
}
