package job

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/normalize"
	"github.com/jacorpus/jacorpus/tokenize"
)

// Config is one job: inputs, stage settings and output. It is what the YAML
// file holds; command-line flags override fields after loading. Relative
// paths are relative to the working directory of the process.
type Config struct {
	Inputs []ingest.Input `yaml:"inputs" json:"inputs"`
	// MaxRecordBytes is the largest JSONL line or text document read; a
	// larger one is skipped without being held in memory and reported.
	MaxRecordBytes ByteSize          `yaml:"max_record_bytes" json:"max_record_bytes"`
	Normalize      normalize.Options `yaml:"normalize" json:"normalize"`
	Dedup          DedupConfig       `yaml:"dedup" json:"dedup"`
	Filters        filters.Options   `yaml:"filters" json:"filters"`
	Tokenize       TokenizeConfig    `yaml:"tokenize" json:"tokenize"`
	Output         OutputConfig      `yaml:"output" json:"output"`
	// Rejects, when set, is a directory that receives ingest.jsonl and
	// dropped.jsonl. Recorded in the manifest's run section.
	Rejects string `yaml:"rejects" json:"-"`
	// Workers is the number of goroutines for parallel stages (0: all cores).
	// It does not change the output, so the manifest records it under "run".
	Workers int `yaml:"workers" json:"-"`
	// Task selects the slice of the inputs this process handles.
	Task TaskConfig `yaml:"task" json:"task"`
}

// DedupConfig selects the dedup rules.
type DedupConfig struct {
	// Exact drops byte-identical texts (after normalization); the first copy survives.
	Exact bool `yaml:"exact" json:"exact"`
}

// TokenizeConfig selects the tokenizer.
type TokenizeConfig struct {
	Enabled          bool `yaml:"enabled" json:"enabled"`
	tokenize.Options `yaml:",inline" json:",inline"`
}

// OutputConfig describes the shards.
type OutputConfig struct {
	// Dir is where the shards go. Not part of the manifest's config (a
	// dataset does not change when it is moved); the run section has it.
	Dir string `yaml:"dir" json:"-"`
	// ShardSize closes a shard at about this many bytes on disk.
	ShardSize ByteSize `yaml:"shard_size" json:"shard_size"`
	// ShardRows closes a shard at this many rows (0: no limit).
	ShardRows int64 `yaml:"shard_rows" json:"shard_rows"`
	// Overwrite lets a run replace the outputs of a previous run in Dir.
	Overwrite bool `yaml:"overwrite" json:"-"`
}

// TaskConfig is task Index of Count (0-based); Count 1 is a plain run.
type TaskConfig struct {
	Index int `yaml:"index" json:"index"`
	Count int `yaml:"count" json:"count"`
}

// Default returns a config with every stage at its defaults and no inputs.
func Default() Config {
	return Config{
		MaxRecordBytes: ingest.DefaultMaxLineBytes,
		Normalize:      normalize.Default(),
		Dedup:          DedupConfig{Exact: true},
		Filters:        filters.Default(),
		Tokenize:       TokenizeConfig{Enabled: true, Options: tokenize.Default()},
		Output:         OutputConfig{Dir: "out", ShardSize: 256 << 20},
		Task:           TaskConfig{Index: 0, Count: 1},
	}
}

// Load reads a YAML config over Default. Unknown keys are errors, reported
// with the file name and line.
func Load(path string) (Config, error) {
	cfg := Default()
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) { // io.EOF: empty file
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Validate checks the whole config and names the offending field.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Inputs) == 0 {
		errs = append(errs, errors.New("inputs: none given (config inputs: or --input)"))
	}
	for i, in := range c.Inputs {
		if err := in.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("inputs[%d] (%s): %w", i, in.Path, err))
		}
		if err := filters.CheckPreset(in.Preset); err != nil {
			errs = append(errs, fmt.Errorf("inputs[%d] (%s): %w", i, in.Path, err))
		}
	}
	if err := c.Normalize.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Filters.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Tokenize.Enabled {
		if err := c.Tokenize.Options.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Output.Dir == "" {
		errs = append(errs, errors.New("output.dir: empty"))
	}
	if c.Output.ShardSize <= 0 {
		errs = append(errs, fmt.Errorf("output.shard_size: %d must be > 0", c.Output.ShardSize))
	}
	if c.MaxRecordBytes <= 0 || c.MaxRecordBytes > 1<<30 {
		errs = append(errs, fmt.Errorf("max_record_bytes: %d must be in (0, 1GiB]", c.MaxRecordBytes))
	}
	if c.Output.ShardRows < 0 {
		errs = append(errs, fmt.Errorf("output.shard_rows: %d must be >= 0", c.Output.ShardRows))
	}
	if c.Workers < 0 {
		errs = append(errs, fmt.Errorf("workers: %d must be >= 0", c.Workers))
	}
	if c.Task.Count < 1 || c.Task.Index < 0 || c.Task.Index >= c.Task.Count {
		errs = append(errs, fmt.Errorf("task: index %d of count %d: want 0 <= index < count", c.Task.Index, c.Task.Count))
	}
	return errors.Join(errs...)
}

// ByteSize is a size in bytes written as an integer or with a unit:
// "256MiB", "1.5GB", "64k" (k/M/G/T are powers of 1000 with B and of 1024
// with iB; a bare letter means the binary unit).
type ByteSize int64

// ParseByteSize parses a size such as "256MiB".
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i:])
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("size %q: want a number with an optional unit (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)", s)
	}
	mult, ok := map[string]float64{
		"": 1, "b": 1,
		"k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1e6,
		"g": 1 << 30, "gib": 1 << 30, "gb": 1e9,
		"t": 1 << 40, "tib": 1 << 40, "tb": 1e12,
	}[strings.ToLower(unit)]
	if !ok {
		return 0, fmt.Errorf("size %q: unknown unit %q", s, unit)
	}
	if v := f * mult; v >= math.MaxInt64 {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	return ByteSize(f * mult), nil
}

// UnmarshalYAML accepts an integer or a string with a unit.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*b = v
	return nil
}

// String formats the size with a binary unit when it is a whole multiple.
func (b ByteSize) String() string {
	for _, u := range []struct {
		n    int64
		name string
	}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if int64(b) >= u.n && int64(b)%u.n == 0 {
			return strconv.FormatInt(int64(b)/u.n, 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// Set implements flag.Value.
func (b *ByteSize) Set(s string) error {
	v, err := ParseByteSize(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}
