package job

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/jacorpus/jacorpus/filters"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jacorpus/jacorpus/ingest"
)

// writeConfig writes text to job.yaml in a new directory and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "job.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// errLines returns the lines of err's message with the config path as FILE.
func errLines(err error, path string) []string {
	if err == nil {
		return nil
	}
	return strings.Split(strings.ReplaceAll(err.Error(), path, "FILE"), "\n")
}

// checkLines compares got with want line by line; a want line ending in "…"
// is a prefix.
func checkLines(t *testing.T, got, want []string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		if w, prefix := strings.CutSuffix(want[i], "…"); prefix {
			ok = strings.HasPrefix(got[i], w)
		} else {
			ok = got[i] == w
		}
	}
	if !ok {
		t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestLoadRefuses checks that Load refuses what the file cannot mean, with
// the file, the line and the key: unknown keys, values of the wrong type
// (yaml alone truncates workers: 2.5 to 2), a second document (yaml alone
// ignores it), keys set twice.
func TestLoadRefuses(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key", "inputs: []\nfilterz: {}\n", []string{"FILE:2: filterz: unknown key (known here: dedup, extract, filters, …"}},
		{"unknown input key", "inputs:\n  - path: a.jsonl\n    formatt: jsonl\n", []string{"FILE:3: inputs[0].formatt: unknown key (known here: base, encoding, exclude, format, …"}},
		{"fractional workers", "workers: 2.5\n", []string{"FILE:1: workers: 2.5 is not an integer"}},
		{"quoted workers", "workers: \"four\"\n", []string{`FILE:1: workers: "four" is not an integer`}},
		{"word workers", "workers: four\n", []string{`FILE:1: workers: "four" is not an integer`}},
		{"progress interval in words", "progress_every: soon\n", []string{`FILE:1: progress_every: "soon" is not a duration ("30s", "5m")`}},
		{"NaN workers", "workers: .nan\n", []string{"FILE:1: workers: .nan is not an integer"}},
		{"-Inf rows", "output:\n  shard_rows: -.inf\n", []string{"FILE:2: output.shard_rows: -.inf is not an integer"}},
		{"huge workers", "workers: 99999999999999999999\n", []string{"FILE:1: workers: 99999999999999999999 is not an integer"}},
		{"mapping for a string", "output: {dir: {a: 1}}\n", []string{"FILE:1: output.dir: want a string, got a mapping"}},
		{"list for a section", "filters: [1]\n", []string{"FILE:1: filters: want a mapping, got a list"}},
		{"mapping for inputs", "inputs: {path: a.jsonl}\n", []string{"FILE:1: inputs: want a list, got a mapping"}},
		{"scalar for a list", "inputs:\n  - path: a.jsonl\n    meta_fields: title\n", []string{`FILE:3: inputs[0].meta_fields: "title" is not a list`}},
		{"not a bool", "normalize:\n  nfkc: maybe\n", []string{`FILE:2: normalize.nfkc: "maybe" is not true or false`}},
		{"not a bound", "filters: {presets: {default: {set: {low_japanese_ratio: half}}}}\n", []string{`FILE:1: filters.presets.default.set.low_japanese_ratio: bound "half": want an operator…`}},
		{"NaN bound", "filters:\n  presets:\n    default:\n      set:\n        low_japanese_ratio: \">= .nan\"\n",
			[]string{`FILE:5: filters.presets.default.set.low_japanese_ratio: bound ">= .nan": ".nan" is not a finite number`}},
		{"bad size", "output: {shard_size: 12 parsecs}\n", []string{`FILE:1: output.shard_size: size "12 parsecs": unknown unit "parsecs"`}},
		{"NaN size", "max_record_bytes: .nan\n", []string{`FILE:1: max_record_bytes: size ".nan": want a number…`}},
		{"negative size", "rejects_max_bytes: -1\n", []string{`FILE:1: rejects_max_bytes: size "-1": negative`}},
		{"list for a size", "output:\n  shard_size: [1]\n", []string{"FILE:2: output.shard_size: want a size such as 256MiB, got a list"}},
		{"set twice", "workers: 1\nworkers: 2\n", []string{"FILE:2: workers: set again (first at line 1)"}},
		{"second document", "workers: 1\n---\nworkers: 2\n", []string{"FILE:2: a second YAML document starts here; a config file holds one"}},
		{"second document after an end marker", "workers: 1\n...\n---\ninputs: []\n", []string{"FILE:3: a second YAML document…"}},
		{"unknown key in a merged mapping", "base: &b {min_chars: 10, min_char: 5}\n", []string{"FILE:1: base: unknown key…"}},
		{"merged unknown key", "x-base: &b {min_char: 5}\nfilters:\n  <<: *b\n", []string{"FILE:1: x-base: unknown key…", "FILE:1: filters.min_char: unknown key…"}},
		{"every error, in file order", "workers: x\ntask: {index: 0.5}\nfilters:\n  mode: [1]\n  modes: 1\n", []string{
			`FILE:1: workers: "x" is not an integer`,
			"FILE:2: task.index: 0.5 is not an integer",
			"FILE:4: filters.mode: want a string, got a list",
			"FILE:5: filters.modes: unknown key (known here: lists, mode, pii, presets)",
		}},
		{"syntax error", "inputs: [\n", []string{"FILE: yaml: line …"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeConfig(t, c.yaml)
			_, err := Load(p)
			checkLines(t, errLines(err, p), c.want)
			var ce *ConfigError
			if strings.HasPrefix(c.want[0], "FILE:") && !strings.HasPrefix(c.want[0], "FILE: yaml") &&
				(!errors.As(err, &ce) || ce.File != p || ce.Line == 0) {
				t.Errorf("not a *ConfigError with file and line: %#v", err)
			}
		})
	}
}

// TestLoadAccepts checks files that mean something: empty ones, document
// markers around one document, null values (the default stays), aliases
// and merge keys, integers written as whole floats.
func TestLoadAccepts(t *testing.T) {
	cases := []struct {
		name, yaml string
		check      func(c Config) bool
	}{
		{"empty", "", func(c Config) bool { return c.Workers == 0 && c.Filters.Mode == filters.Drop }},
		{"comment only", "# nothing yet\n", func(c Config) bool { return c.Task.Count == 1 }},
		{"only a marker", "---\n", func(c Config) bool { return c.Task.Count == 1 }},
		{"start marker", "---\nworkers: 3\n", func(c Config) bool { return c.Workers == 3 }},
		{"end marker", "workers: 3\n...\n", func(c Config) bool { return c.Workers == 3 }},
		{"empty second document", "workers: 3\n---\n# done\n", func(c Config) bool { return c.Workers == 3 }},
		{"null keeps the default", "filters:\n  mode:\nworkers: ~\n", func(c Config) bool { return c.Filters.Mode == filters.Drop }},
		{"whole float as integer", "output: {shard_rows: 1e6}\nworkers: 4.0\n", func(c Config) bool {
			return c.Output.ShardRows == 1e6 && c.Workers == 4
		}},
		{"progress interval", "progress_every: 2m\n", func(c Config) bool { return c.ProgressEvery == 2*time.Minute }},
		{"no progress", "progress_every: 0s\n", func(c Config) bool { return c.ProgressEvery == 0 }},
		{"alias", "filters: &f {mode: annotate}\n", func(c Config) bool { return c.Filters.Mode == filters.Annotate }},
		{"merge key", "normalize: &n {max_blank_lines: 2}\nfilters:\n  <<: {mode: annotate}\n  lists: {ng: [a.txt]}\n", func(c Config) bool {
			return c.Normalize.MaxBlankLines == 2 && c.Filters.Mode == filters.Annotate && len(c.Filters.Lists["ng"]) == 1
		}},
		{"preset changes", "filters:\n  presets:\n    default: {set: {too_short: \">= 7\"}, disable: [too_long]}\n    mine:\n      base: default\n      add: [{rule: runs, measure: max_char_run, keep: \"< 50\"}]\n",
			func(c Config) bool {
				p, err := c.Filters.Preset("mine")
				d := c.Filters.Presets["default"]
				def, _ := filters.ShippedPreset("default")
				return err == nil && len(p.Steps) == len(def.Steps)+1 && d.Set["too_short"] == (filters.Bound{Cmp: filters.GreaterEq, Value: 7}) && d.Disable[0] == "too_long"
			}},
		{"new settings", "max_problem_ratio: 0.01\nmax_bad_files: 3\nrejects_max_bytes: 10MiB\n", func(c Config) bool {
			return c.MaxProblemRatio == 0.01 && c.MaxBadFiles == 3 && c.RejectsMaxBytes == 10<<20
		}},
		{"inline tokenize options", "tokenize: {enabled: false, dictionary: ipa}\n", func(c Config) bool { return !c.Tokenize.Enabled }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load(writeConfig(t, c.yaml))
			if err != nil || !c.check(cfg) {
				t.Errorf("%+v, %v", cfg, err)
			}
		})
	}
}

// TestValidateNamesLine checks that every value Validate refuses in a file
// is named by file, line and key, in the order of the file.
func TestValidateNamesLine(t *testing.T) {
	const in = "inputs:\n  - path: a.jsonl\n"
	cases := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown rule", in + "filters:\n  presets:\n    default:\n      set:\n        too_shrt: \">= 3\"\n",
			[]string{"FILE:7: filters.presets.default.set.too_shrt: no such rule in default (rules: too_short, too_long, low_japanese_ratio, mojibake_replacement, mojibake_latin, mojibake_kanji, mojibake_utf8)"}},
		{"unknown mode", in + "filters: {mode: dry}\n", []string{`FILE:3: filters.mode: "dry": want "drop" or "annotate"`}},
		{"list without files", in + "filters:\n  lists:\n    ng: []\n", []string{"FILE:5: filters.lists.ng: no files"}},
		{"disable unknown", in + "filters:\n  presets:\n    swallow:\n      disable: [x]\n",
			[]string{`FILE:6: filters.presets.swallow.disable[0]: no such rule "x" in swallow (rules: …`}},
		{"added rule", in + "filters:\n  presets:\n    new:\n      add:\n        - {rule: x, measure: hiragana, keep: \"< 1\"}\n",
			[]string{`FILE:7: filters.presets.new.add[0]: rule "x": unknown measure "hiragana" (did you mean …`}},
		{"problem ratio NaN", in + "max_problem_ratio: .nan\n", []string{"FILE:3: max_problem_ratio: NaN is not a number in [0, 1]"}},
		{"problem ratio -Inf", in + "max_problem_ratio: -.inf\n", []string{"FILE:3: max_problem_ratio: -Inf is not a number in [0, 1]"}},
		{"problem ratio above 1", in + "max_problem_ratio: 2\n", []string{"FILE:3: max_problem_ratio: 2 is not a number in [0, 1]"}},
		{"negative bad files", in + "max_bad_files: -1\n", []string{"FILE:3: max_bad_files: -1 must be >= 0"}},
		{"negative progress interval", in + "progress_every: -5s\n", []string{"FILE:3: progress_every: -5s must be >= 0 (0: no progress)"}},
		{"zero rejects cap", in + "rejects_max_bytes: 0\n", []string{"FILE:3: rejects_max_bytes: 0 must be > 0"}},
		{"record cap", in + "max_record_bytes: 2GiB\n", []string{"FILE:3: max_record_bytes: 2GiB must be in (0, 1GiB]"}},
		{"normalize mode", in + "normalize:\n  nfkc: true\n  ideographic_space: drop\n",
			[]string{`FILE:5: normalize.ideographic_space: "drop": want "keep" or "ascii"`}},
		{"normalize count", in + "normalize: {max_blank_lines: -1}\n", []string{"FILE:3: normalize.max_blank_lines: -1 must be >= 0"}},
		{"tokenize", in + "tokenize:\n  dictionary: unidic\n", []string{`FILE:3: tokenize…`}},
		{"user dictionary", in + "tokenize:\n  user_dict: no/such/user.csv\n", []string{`FILE:4: tokenize.user_dict: stat no/such/user.csv: no such file or directory`}},
		{"wakati without tokenize", in + "tokenize: {enabled: false, wakati: true}\n", []string{`FILE:3: tokenize.wakati: needs tokenize.enabled: true`}},
		{"output", in + "output: {dir: \"\", shard_size: 0, shard_rows: -1}\n", []string{
			"FILE:3: output.dir: empty", "FILE:3: output.shard_size: 0 must be > 0", "FILE:3: output.shard_rows: -1 must be >= 0 (0: no limit)"}},
		{"output layout", in + "output:\n  shard_tokens: -5\n  zstd_level: 30\n  format: orc\n", []string{
			"FILE:4: output.shard_tokens: -5 must be >= 0 (0: no limit)", "FILE:5: output.zstd_level: 30 must be in 1..22",
			`FILE:6: output.format: "orc": want "parquet" or "arrow"`}},
		{"negative workers", in + "workers: -2\n", []string{"FILE:3: workers: -2 must be >= 0 (0: all cores)"}},
		{"task index", in + "task:\n  count: 2\n  index: 3\n", []string{"FILE:5: task.index: 3 must be < task.count (2)"}},
		{"task count", in + "task: {count: 0}\n", []string{"FILE:3: task.count: 0 must be >= 1"}},
		{"no inputs", "workers: 1\n", []string{"FILE: inputs: none given (config inputs: or --input)"}},
		{"empty inputs", "inputs: []\n", []string{"FILE:1: inputs: none given (config inputs: or --input)"}},
		{"inputs", "inputs:\n  - path: a.jsonl\n    preset: strict\n  - {path: b.txt, format: xml}\n  - path: \"\"\n  - {path: c, encoding: latin-1}\n  - {path: d, format: text, text_field: body}\n", []string{
			`FILE:3: inputs[0].preset: unknown preset "strict" (known: default, …`,
			`FILE:4: inputs[1].format: "xml": want "jsonl", "text", "warc", "wet", "html", "egov-law", "kokkai", "parquet" or empty (by extension)`,
			"FILE:5: inputs[2].path: empty",
			`FILE:6: inputs[3].encoding: "latin-1": want utf-8, shift_jis, euc-jp, iso-2022-jp or auto`,
			"FILE:7: inputs[4]: text_field, id_field, url_field and meta_fields apply to jsonl inputs only, not text"}},
		{"file order", "workers: -1\n" + in + "filters: {mode: dry}\nmax_bad_files: -3\ntask: {index: -1}\n", []string{
			"FILE:1: workers: -1 must be >= 0 (0: all cores)",
			`FILE:4: filters.mode: "dry": want "drop" or "annotate"`,
			"FILE:5: max_bad_files: -3 must be >= 0",
			"FILE:6: task.index: -1 must be >= 0"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeConfig(t, c.yaml)
			cfg, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.Validate()
			checkLines(t, errLines(err, p), c.want)
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.File != p || ce.Key == "" {
				t.Errorf("not a *ConfigError with file and key: %#v", err)
			}
		})
	}
}

// TestValidateOrigin checks how errors name a value's origin: the flag that
// set it (over the file's line), the key alone for a Config built in Go.
func TestValidateOrigin(t *testing.T) {
	p := writeConfig(t, "inputs:\n  - {path: a.jsonl, preset: strict}\nworkers: -1\ntask: {count: 2}\n")
	cases := []struct {
		name  string
		setup func(c *Config)
		want  []string
	}{
		{"file", func(c *Config) {}, []string{
			`FILE:2: inputs[0].preset: unknown preset "strict" (known: default, fineweb2-ja, gov, hojichar, literature, llm-jp, llm-jp-strict, llm-jp-v1-0-1, none, swallow)`,
			"FILE:3: workers: -1 must be >= 0 (0: all cores)"}},
		{"flags", func(c *Config) {
			c.Workers = -2
			c.SetByFlag("workers", "--workers")
			c.Inputs = []ingest.Input{{Path: ""}}
			c.SetByFlag("inputs", "--input")
			c.Task.Index = 5
			c.SetByFlag("task.index", "--task-index")
		}, []string{
			"--input: empty",
			"--workers: -2 must be >= 0 (0: all cores)",
			"--task-index: 5 must be < task.count (2)"}},
		{"both task flags", func(c *Config) {
			c.Task = TaskConfig{Index: 3, Count: 3}
			c.SetByFlag("task.index", "--task-index")
			c.SetByFlag("task.count", "--task-count")
		}, []string{
			`FILE:2: inputs[0].preset…`,
			"FILE:3: workers…",
			"--task-index: 3 must be < --task-count (3)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			c.setup(&cfg)
			checkLines(t, errLines(cfg.Validate(), p), c.want)
		})
	}

	t.Run("go", func(t *testing.T) {
		cfg := Default()
		cfg.Inputs = []ingest.Input{{Path: "x.jsonl", Preset: "nope"}}
		cfg.Filters.Presets = map[string]filters.PresetConfig{"default": {Set: map[string]filters.Bound{"low_japanese_ratio": {Cmp: filters.GreaterEq, Value: math.NaN()}}}}
		cfg.MaxBadFiles = -1
		cfg.Task = TaskConfig{Index: 3, Count: 2}
		checkLines(t, errLines(cfg.Validate(), "\x00"), []string{
			`inputs[0].preset: unknown preset "nope" (known: default, …`,
			"max_bad_files: -1 must be >= 0",
			"filters.presets.default.set.low_japanese_ratio: >= NaN: not a finite number",
			"task.index: 3 must be < task.count (2)"})
		cfg.SetByFlag("max_bad_files", "--max-bad-files")
		if err := cfg.Validate(); !strings.Contains(err.Error(), "\n--max-bad-files: -1 must be >= 0") {
			t.Errorf("flag on a Go config: %v", err)
		}
	})

	t.Run("as", func(t *testing.T) {
		cfg, _ := Load(p)
		var ce *ConfigError
		if err := cfg.Validate(); !errors.As(err, &ce) ||
			*ce != (ConfigError{File: p, Line: 2, Key: "inputs[0].preset", Err: ce.Err}) {
			t.Errorf("%#v", ce)
		}
	})
}

// TestRunRefusesNaN checks that a bad filters setting stops Run before it
// writes anything (a NaN ratio used to run the whole job and fail on the
// manifest).
func TestRunRefusesNaN(t *testing.T) {
	p := writeConfig(t, "inputs: [{path: ../testdata/sample/fixture_docs.jsonl}]\nfilters: {mode: dry}\n")
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	var ce *ConfigError
	if _, err := Run(context.Background(), cfg, Options{}); !errors.As(err, &ce) || ce.Key != "filters.mode" || ce.Line != 2 {
		t.Fatalf("run: %v", err)
	}
	if _, err := os.Stat(cfg.Output.Dir); !os.IsNotExist(err) {
		t.Errorf("output dir: %v", err)
	}
}

// TestConfigJSON checks that where the settings came from stays out of the
// manifest's config, and the new settings' defaults.
func TestConfigJSON(t *testing.T) {
	cfg, err := Load(writeConfig(t, "inputs: [{path: a.jsonl}]\nworkers: 2\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.SetByFlag("workers", "--workers")
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, bad := range []string{"job.yaml", "origin", "--workers", "rejects_max_bytes"} {
		if strings.Contains(s, bad) {
			t.Errorf("JSON has %q: %s", bad, s)
		}
	}
	for _, want := range []string{`"max_problem_ratio":0.5`, `"max_bad_files":0`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %q: %s", want, s)
		}
	}
	if d := Default(); d.MaxProblemRatio != 0.5 || d.MaxBadFiles != 0 || d.RejectsMaxBytes != 1<<30 {
		t.Errorf("default: %+v", d)
	}
}

// TestREADMEConfig loads the config block of README.md: every key it shows
// exists and its values are valid.
func TestREADMEConfig(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)### The config file\n\n```yaml\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("no config block in README.md")
	}
	cfg, err := Load(writeConfig(t, string(m[1])))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Inputs) != 4 || cfg.MaxProblemRatio != 0.5 || cfg.RejectsMaxBytes != 1<<30 {
		t.Errorf("%+v", cfg)
	}
}

func TestParseByteSize(t *testing.T) {
	cases := []struct {
		in   string
		want ByteSize
		err  string
	}{
		{"256MiB", 256 << 20, ""},
		{"1.5GB", 1.5e9, ""},
		{"64k", 64 << 10, ""},
		{"1000", 1000, ""},
		{" 2 TiB ", 2 << 40, ""},
		{"0", 0, ""},
		{"1e3", 1000, ""},
		{"1e-400", 0, ""},
		{"NaN", 0, "want a number"},
		{"nan", 0, "want a number"},
		{".nan", 0, "want a number"},
		{"Inf", 0, "want a number"},
		{"+Inf", 0, "want a number"},
		{"-1", 0, "negative"},
		{"-1e400", 0, "negative"},
		{"1e400", 0, "too large"},
		{"9223372036854775807", 0, "too large"},
		{"8EiB", 0, "unknown unit"},
		{"12 parsecs", 0, "unknown unit"},
		{"", 0, "want a number"},
	}
	for _, c := range cases {
		got, err := ParseByteSize(c.in)
		if c.err == "" && (err != nil || got != c.want) || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d, %q", c.in, got, err, c.want, c.err)
		}
	}
}
