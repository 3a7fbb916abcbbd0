package job

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/extract"
	"github.com/jacorpus/jacorpus/filters"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/normalize"
	"github.com/jacorpus/jacorpus/sched"
	"github.com/jacorpus/jacorpus/shard"
	"github.com/jacorpus/jacorpus/tokenize"
)

// Config is one job: inputs, stage settings and output. It is what the YAML
// file holds; command-line flags override fields after loading. Relative
// paths are relative to the working directory of the process.
type Config struct {
	Inputs []ingest.Input `yaml:"inputs" json:"inputs"`
	// MaxRecordBytes is the largest JSONL line or text document read; a
	// larger one is skipped and reported, costing a few MiB of memory
	// whatever its length (a record over 4 MiB passes through a temporary
	// file under TMPDIR).
	MaxRecordBytes ByteSize `yaml:"max_record_bytes" json:"max_record_bytes"`
	// MaxProblemRatio fails the run (nothing committed) when input problem
	// records exceed this share of all records read; in [0, 1].
	MaxProblemRatio float64 `yaml:"max_problem_ratio" json:"max_problem_ratio"`
	// MaxBadFiles is how many input files may be unreadable, truncated or
	// give no document before the run fails.
	MaxBadFiles int `yaml:"max_bad_files" json:"max_bad_files"`
	// RejectsMaxBytes caps the bytes written to the rejects directory per task.
	RejectsMaxBytes ByteSize `yaml:"rejects_max_bytes" json:"-"`
	// ProgressEvery is the interval of the progress lines in a job log
	// (stderr not a terminal; "30s", "5m"); 0 turns progress off.
	ProgressEvery time.Duration     `yaml:"progress_every" json:"-"`
	Extract       extract.Config    `yaml:"extract" json:"extract"`
	Normalize     normalize.Options `yaml:"normalize" json:"normalize"`
	Dedup         DedupConfig       `yaml:"dedup" json:"dedup"`
	Filters       filters.Config    `yaml:"filters" json:"filters"`
	Tokenize      TokenizeConfig    `yaml:"tokenize" json:"tokenize"`
	Output        OutputConfig      `yaml:"output" json:"output"`
	// Rejects, when set, is a directory that receives ingest.jsonl and
	// dropped.parquet. Recorded in the manifest's run section.
	Rejects string `yaml:"rejects" json:"-"`
	// Workers is the number of goroutines for parallel stages (0: all cores).
	// It does not change the output, so the manifest records it under "run".
	Workers int `yaml:"workers" json:"-"`
	// Task selects the slice of the inputs this process handles.
	Task TaskConfig `yaml:"task" json:"task"`
	// Phases sizes the phases of a phased job (package phases).
	// It decides no byte of the dataset: the manifest records it in its
	// run section.
	Phases PhasesConfig `yaml:"phases" json:"-"`
	// WorkDir is where the phases of a job exchange files; with it, a run
	// without --phase runs every phase in turn in one process.
	WorkDir string `yaml:"work_dir" json:"-"`
	// Resources are the batch scheduler's resource requests of every task
	// (jacorpus submit, jacorpus plan's memory budget).
	Resources sched.Resources `yaml:"resources" json:"-"`

	origin origin // where settings were written; see Load and SetByFlag
}

// origin records where the settings of a Config came from, by key path
// ("workers", "filters.min_chars", "inputs[2].preset"). Copies of a Config
// share it.
type origin struct {
	file  string
	lines map[string]int    // key → line in file
	flags map[string]string // key → flag that set it (and everything under it)
}

// DedupConfig selects the dedup rules.
type DedupConfig struct {
	// Exact drops byte-identical texts (after normalization); the first copy survives.
	Exact bool `yaml:"exact" json:"exact"`
	// Order places exact and near dedup after the quality filters (the
	// default) or before them.
	Order dedup.Order `yaml:"order" json:"order"`
	// Near removes near duplicates with MinHash LSH.
	Near dedup.NearOptions `yaml:"near" json:"near"`
	// Lines removes boilerplate lines found across many documents.
	Lines LinesConfig `yaml:"lines" json:"lines"`
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
	// ShardTokens closes a shard at this many tokens (0: no limit); a
	// shard ends before a document that would take it past the limit.
	ShardTokens int64 `yaml:"shard_tokens" json:"shard_tokens"`
	// RowGroupSize ends a row group at this many uncompressed bytes (0:
	// shard_size/4 within 64KiB..128MiB).
	RowGroupSize ByteSize `yaml:"row_group_size" json:"row_group_size"`
	// WorldSize balances the shards for that many training ranks (0: off):
	// their count is a multiple of it and their token totals differ by at
	// most the largest document's tokens; shard_size, shard_tokens and
	// shard_rows then choose how many shards per rank.
	WorldSize int `yaml:"world_size" json:"world_size"`
	// Shuffle writes the documents in a random order fixed by Seed and
	// their keys (implies balancing, world_size 1 when unset).
	Shuffle bool `yaml:"shuffle" json:"shuffle"`
	// Seed seeds the shuffle.
	Seed uint64 `yaml:"seed" json:"seed"`
	// ShuffleBuckets bounds the shuffle's memory: one bucket (1/ShuffleBuckets
	// of the output) is held at a time (0: 64).
	ShuffleBuckets int `yaml:"shuffle_buckets" json:"shuffle_buckets"`
	// Format is the shard file format: parquet (default) or arrow (Arrow
	// IPC stream files, uncompressed, as Hugging Face datasets stores).
	Format shard.Format `yaml:"format" json:"format"`
	// ZstdLevel is the zstd level of the shards (1..22, default 3; the
	// encoder has four speeds: 1-2, 3-5, 6-9 and 10-22 each compress alike).
	ZstdLevel int `yaml:"zstd_level" json:"zstd_level"`
	// Overwrite lets a run replace the outputs of a previous run in Dir.
	Overwrite bool `yaml:"overwrite" json:"-"`
}

// PhasesConfig gives the task counts of the phases of a phased job. The
// filter phase, which writes the dataset, has task.count tasks.
type PhasesConfig struct {
	// Tasks is the number of tasks of the phases that read input slices
	// (lines, signatures).
	Tasks int `yaml:"tasks" json:"tasks"`
	// Buckets is the number of tasks of the phases that work on key ranges
	// (linesets, buckets).
	Buckets int `yaml:"buckets" json:"buckets"`
	// Checkpoints splits each task of the phases that read input slices
	// into up to this many checkpoints of whole input files: a task that
	// is killed resumes after its last completed checkpoint, without
	// reading those files again. 1 makes the task the unit of restart.
	Checkpoints int `yaml:"checkpoints" json:"checkpoints"`
}

// DefaultProgressEvery is the default Config.ProgressEvery: frequent
// enough to see a job move, 120 lines an hour.
const DefaultProgressEvery = 30 * time.Second

// DefaultCheckpoints is the default PhasesConfig.Checkpoints.
const DefaultCheckpoints = 8

// TaskConfig is task Index of Count (0-based); Count 1 is a plain run.
type TaskConfig struct {
	Index int `yaml:"index" json:"index"`
	Count int `yaml:"count" json:"count"`
	// SliceBytes splits Parquet input files larger than this into slices
	// of whole row groups of about this size, which tasks take separately
	// (ingest.SliceParquet); 0 never splits. The split depends on the
	// files only, never on the task count, so the documents and their keys
	// are the same for any count.
	SliceBytes ByteSize `yaml:"slice_bytes" json:"slice_bytes"`
}

// DefaultSliceBytes is the default TaskConfig.SliceBytes: 1 GiB.
const DefaultSliceBytes = 1 << 30

// Default returns a config with every stage at its defaults and no inputs.
func Default() Config {
	return Config{
		MaxRecordBytes:  ingest.DefaultMaxLineBytes,
		MaxProblemRatio: 0.5,
		MaxBadFiles:     0,
		RejectsMaxBytes: 1 << 30,
		Extract:         extract.Default(),
		Normalize:       normalize.Default(),
		Dedup:           DedupConfig{Exact: true, Order: dedup.AfterFilters, Near: dedup.DefaultNear(), Lines: DefaultLines()},
		Filters:         filters.DefaultConfig(),
		Tokenize:        TokenizeConfig{Enabled: true, Options: tokenize.Default()},
		Output:          OutputConfig{Dir: "out", Format: shard.FormatParquet, ShardSize: shard.DefaultMaxBytes, ZstdLevel: shard.DefaultZstdLevel},
		Task:            TaskConfig{Index: 0, Count: 1, SliceBytes: DefaultSliceBytes},
		Phases:          PhasesConfig{Tasks: 1, Buckets: 1, Checkpoints: DefaultCheckpoints},
		ProgressEvery:   DefaultProgressEvery,
	}
}

// ConfigError is a setting that cannot be used. Key is its path in the
// config ("workers", "filters.min_chars", "inputs[2].preset"); File and Line
// say where it was written, Flag which command-line flag set it. Error
// starts with "FILE:LINE: KEY: ", "FLAG: " or "KEY: ", whichever is known.
type ConfigError struct {
	File string
	Line int
	Key  string
	Flag string
	Err  error
}

// Error formats the error with its origin.
func (e *ConfigError) Error() string {
	if e.Flag != "" {
		return e.Flag + ": " + e.Err.Error()
	}
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns Err.
func (e *ConfigError) Unwrap() error { return e.Err }

// Load reads a YAML config over Default. The file holds one YAML document.
// Unknown keys and values of the wrong type (workers: 2.5) are errors; each
// is a *ConfigError naming the file, the line and the key. Load records
// where every key was written, so that Validate can say so too.
func Load(path string) (Config, error) {
	cfg := Default()
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) { // empty file
			return cfg, nil
		}
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	l := loader{file: path, lines: map[string]int{}}
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", path, err)
		}
		if !isNull(&next) {
			l.errorf(next.Line, "", "a second YAML document starts here; a config file holds one")
			break
		}
	}
	if len(doc.Content) == 1 {
		l.walk(doc.Content[0], reflect.TypeFor[Config](), "")
	}
	if len(l.errs) > 0 {
		return cfg, joinSorted(l.errs)
	}
	// The walk found every unknown key and bad value it knows of; yaml
	// decides the rest.
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("%s: %w", path, err)
	}
	cfg.origin = origin{file: path, lines: l.lines}
	return cfg, nil
}

// SetByFlag records that a command-line flag ("--workers") set the value at
// key ("workers"; "inputs" covers every input), so errors about the value
// name the flag rather than a line of the file.
func (c *Config) SetByFlag(key, flag string) {
	if c.origin.flags == nil {
		c.origin.flags = map[string]string{}
	}
	c.origin.flags[key] = flag
	for k := range c.origin.lines {
		if k == key || isUnder(k, key) {
			delete(c.origin.lines, k)
		}
	}
}

// Validate checks the whole config. It returns every problem, joined in the
// order of the file, each a *ConfigError.
func (c *Config) Validate() error {
	var errs []*ConfigError
	add := func(key string, err error) { errs = append(errs, c.errorAt(key, err)) }
	addf := func(key, format string, args ...any) { add(key, fmt.Errorf(format, args...)) }
	// each field error of a stage package's Validate, under section
	addFields := func(section string, t reflect.Type, err error) {
		for _, e := range splitErrors(err) {
			key, e := fieldError(section, t, e)
			add(key, e)
		}
	}

	if len(c.Inputs) == 0 {
		addf("inputs", "none given (config inputs: or --input)")
	}
	for i, in := range c.Inputs {
		key := fmt.Sprintf("inputs[%d]", i)
		if in.Path == "" && in.PathsFrom == "" {
			addf(key+".path", "empty")
		} else if err := in.Validate(); err != nil {
			addFields(key, reflect.TypeFor[ingest.Input](), err)
		}
		if in.Path == ingest.StdinPath && c.Task.Count > 1 {
			addf(key+".path", "- (standard input) can be read by a single task only, not %s %d: save it to a file", c.name("task.count"), c.Task.Count)
		}
		if c.Filters.CheckPreset(in.Preset) != nil {
			addf(key+".preset", "unknown preset %q (known: %s)", in.Preset, strings.Join(c.Filters.Names(), ", "))
		}
	}
	if c.MaxRecordBytes <= 0 || c.MaxRecordBytes > 1<<30 {
		addf("max_record_bytes", "%v must be in (0, 1GiB]", c.MaxRecordBytes)
	}
	if !inUnit(c.MaxProblemRatio) {
		addf("max_problem_ratio", "%g is not a number in [0, 1]", c.MaxProblemRatio)
	}
	if c.MaxBadFiles < 0 {
		addf("max_bad_files", "%d must be >= 0", c.MaxBadFiles)
	}
	if c.RejectsMaxBytes <= 0 {
		addf("rejects_max_bytes", "%v must be > 0", c.RejectsMaxBytes)
	}
	addFields("normalize", reflect.TypeFor[normalize.Options](), c.Normalize.Validate())
	switch c.Dedup.Order {
	case dedup.AfterFilters, dedup.BeforeFilters:
	default:
		addf("dedup.order", "%q: want %q or %q", c.Dedup.Order, dedup.AfterFilters, dedup.BeforeFilters)
	}
	if c.Dedup.Near.Enabled {
		addFields("dedup.near", reflect.TypeFor[dedup.NearOptions](), c.Dedup.Near.Validate())
	}
	if n := c.Dedup.Near; n.Enabled && n.IndexOut != "" && c.Task.Count > 1 && c.WorkDir == "" {
		addf("dedup.near.index_out", "a run of %d tasks without phases would save one index per task: run the phases (work_dir, --work-dir), which save one", c.Task.Count)
	}
	if n := c.Dedup.Near; n.Enabled && n.IndexOut != "" {
		same := func(a, b string) bool {
			if b == "" {
				return false
			}
			if filepath.Clean(a) == filepath.Clean(b) {
				return true
			}
			ia, ea := os.Stat(a)
			ib, eb := os.Stat(b)
			return ea == nil && eb == nil && os.SameFile(ia, ib)
		}
		if same(n.IndexOut, c.Output.Dir) || same(n.IndexOut, c.Rejects) {
			addf("dedup.near.index_out", "%s is also the output or rejects directory", n.IndexOut)
		}
		for i, a := range n.Against {
			if same(n.IndexOut, a) {
				addf("dedup.near.index_out", "%s is also dedup.near.against[%d]: the run saves only the keys it adds, so the saved index would lose the old ones; save to a new directory and list both in against", n.IndexOut, i)
			}
		}
	}
	if c.Dedup.Lines.Enabled {
		for _, e := range splitErrors(c.Dedup.Lines.Options().Validate()) {
			// package lines names itself; the key is under dedup.lines
			e = fmt.Errorf("dedup: %s", strings.TrimPrefix(e.Error(), "lines: "))
			key, e := fieldError("dedup.lines", reflect.TypeFor[LinesConfig](), e)
			add(key, e)
		}
		if c.Dedup.Lines.Top < 0 {
			addf("dedup.lines.top", "%d must be >= 0", c.Dedup.Lines.Top)
		}
	}
	if err := c.Extract.Validate(); err != nil {
		add("extract", errors.New(strings.TrimPrefix(err.Error(), "extract: ")))
	}
	for _, e := range splitErrors(c.Filters.Validate()) {
		var ke *filters.KeyError
		if errors.As(e, &ke) {
			add("filters."+ke.Key, ke.Err)
		} else {
			add("filters", e)
		}
	}
	if c.Tokenize.Enabled {
		addFields("tokenize", reflect.TypeFor[TokenizeConfig](), c.Tokenize.Options.Validate())
	} else if c.Tokenize.Wakati {
		addf("tokenize.wakati", "needs tokenize.enabled: true")
	}
	if c.Output.Dir == "" {
		addf("output.dir", "empty")
	}
	if c.Output.ShardSize <= 0 {
		addf("output.shard_size", "%v must be > 0", c.Output.ShardSize)
	}
	if c.Output.ShardRows < 0 {
		addf("output.shard_rows", "%d must be >= 0 (0: no limit)", c.Output.ShardRows)
	}
	if c.Output.ShardTokens < 0 {
		addf("output.shard_tokens", "%d must be >= 0 (0: no limit)", c.Output.ShardTokens)
	}
	if c.Output.RowGroupSize < 0 {
		addf("output.row_group_size", "%v must be >= 0 (0: from shard_size)", c.Output.RowGroupSize)
	}
	if c.Output.WorldSize < 0 {
		addf("output.world_size", "%d must be >= 0 (0: no balancing)", c.Output.WorldSize)
	}
	if c.Output.ShuffleBuckets < 0 || c.Output.ShuffleBuckets > 1<<16 {
		addf("output.shuffle_buckets", "%d must be in 0..65536 (0: 64)", c.Output.ShuffleBuckets)
	}
	if !c.Output.Format.Valid() {
		addf("output.format", "%q: want %q or %q", c.Output.Format, shard.FormatParquet, shard.FormatArrow)
	}
	if c.Output.ZstdLevel < 1 || c.Output.ZstdLevel > 22 {
		addf("output.zstd_level", "%d must be in 1..22", c.Output.ZstdLevel)
	}
	if c.Workers < 0 {
		addf("workers", "%d must be >= 0 (0: all cores)", c.Workers)
	}
	if c.Phases.Tasks < 1 {
		addf("phases.tasks", "%d must be >= 1", c.Phases.Tasks)
	}
	if c.ProgressEvery < 0 {
		addf("progress_every", "%v must be >= 0 (0: no progress)", c.ProgressEvery)
	}
	if c.Phases.Checkpoints < 1 || c.Phases.Checkpoints > 1000 {
		addf("phases.checkpoints", "%d must be in [1, 1000]", c.Phases.Checkpoints)
	}
	if c.Phases.Buckets < 1 || c.Phases.Buckets > 4096 {
		addf("phases.buckets", "%d must be in [1, 4096] (a slice task keeps two files open per bucket)", c.Phases.Buckets)
	}
	switch {
	case c.Task.SliceBytes < 0:
		addf("task.slice_bytes", "%d must be >= 0 (0: never split a file)", c.Task.SliceBytes)
	case c.Task.Count < 1:
		addf("task.count", "%d must be >= 1", c.Task.Count)
	case c.Task.Index < 0:
		addf("task.index", "%d must be >= 0", c.Task.Index)
	case c.Task.Index >= c.Task.Count:
		addf("task.index", "%d must be < %s (%d)", c.Task.Index, c.name("task.count"), c.Task.Count)
	}
	return joinSorted(errs)
}

func inUnit(f float64) bool { return f >= 0 && f <= 1 } // false for NaN

// errorAt returns err as a *ConfigError about key, located by the flag that
// set key or an enclosing key, else by the line of key or the nearest
// enclosing key written in the file.
func (c *Config) errorAt(key string, err error) *ConfigError {
	e := &ConfigError{File: c.origin.file, Key: key, Err: err}
	for k := key; k != ""; k = parentKey(k) {
		if f, ok := c.origin.flags[k]; ok {
			return &ConfigError{Key: key, Flag: f, Err: err}
		}
		if e.Line == 0 {
			e.Line = c.origin.lines[k]
		}
	}
	return e
}

// name returns how the user wrote key: its flag, or the key.
func (c *Config) name(key string) string {
	if e := c.errorAt(key, nil); e.Flag != "" {
		return e.Flag
	}
	return key
}

// parentKey returns the key enclosing key ("" at the top level).
func parentKey(key string) string {
	i := strings.LastIndexAny(key, ".[")
	if i < 0 {
		return ""
	}
	return key[:i]
}

// isUnder reports whether key k lies inside key parent.
func isUnder(k, parent string) bool {
	return strings.HasPrefix(k, parent+".") || strings.HasPrefix(k, parent+"[")
}

// joinSorted joins errs ordered by line, those without one last.
func joinSorted(errs []*ConfigError) error {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Line, errs[j].Line
		return a > 0 && (b == 0 || a < b)
	})
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return errors.Join(out...)
}

// splitErrors returns the errors joined in err.
func splitErrors(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// fieldError finds the field an error of a stage package's Validate is
// about. Those errors name the package, then the field's YAML key
// ("normalize: max_blank_lines -1 must be >= 0"); fieldError returns the key
// path (normalize.max_blank_lines) and the error with both names removed. An
// error that names no field of t stays with section.
func fieldError(section string, t reflect.Type, err error) (string, error) {
	pkg := section
	if i := strings.IndexAny(pkg, ".["); i >= 0 {
		pkg = pkg[:i]
	}
	msg := strings.TrimPrefix(err.Error(), pkg+": ")
	key, best := section, ""
	for name := range yamlFields(t) {
		if len(name) > len(best) && strings.HasPrefix(msg, name) && len(msg) > len(name) &&
			(msg[len(name)] == ' ' || msg[len(name)] == ':') {
			key, best = section+"."+name, name
		}
	}
	msg = strings.TrimLeft(msg[len(best):], ": ")
	return key, &renamed{msg, err}
}

// renamed is err with another message.
type renamed struct {
	msg string
	err error
}

func (r *renamed) Error() string { return r.msg }
func (r *renamed) Unwrap() error { return r.err }

// loader walks the YAML of a config along the Go types it decodes into,
// recording the line of every key and checking every value on its own.
type loader struct {
	file  string
	lines map[string]int
	errs  []*ConfigError
}

func (l *loader) errorf(line int, key, format string, args ...any) {
	l.errs = append(l.errs, &ConfigError{File: l.file, Line: line, Key: key, Err: fmt.Errorf(format, args...)})
}

func (l *loader) walk(n *yaml.Node, t reflect.Type, key string) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isNull(n) {
		return // yaml leaves the default
	}
	switch {
	case reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()):
		l.value(n, t, key)
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			l.errorf(n.Line, key, "want a mapping, got %s", describe(n))
			return
		}
		l.mapping(n, t, key, map[string]int{})
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		if n.Kind != yaml.MappingNode {
			l.errorf(n.Line, key, "want a mapping, got %s", describe(n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := key + "." + n.Content[i].Value
			l.lines[k] = n.Content[i].Line
			l.walk(n.Content[i+1], t.Elem(), k)
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		if n.Kind != yaml.SequenceNode {
			l.errorf(n.Line, key, "want a list, got %s", describe(n))
			return
		}
		for i, item := range n.Content {
			k := fmt.Sprintf("%s[%d]", key, i)
			l.lines[k] = item.Line
			l.walk(item, t.Elem(), k)
		}
	default:
		l.value(n, t, key)
	}
}

// mapping walks the keys of n, a struct of type t; seen holds the keys met
// so far in n, by line. Merge keys (<<: *anchor) bring in the keys of other
// mappings.
func (l *loader) mapping(n *yaml.Node, t reflect.Type, key string, seen map[string]int) {
	fields := yamlFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		if kn.ShortTag() == "!!merge" {
			for vn.Kind == yaml.AliasNode {
				vn = vn.Alias
			}
			merged := []*yaml.Node{vn}
			if vn.Kind == yaml.SequenceNode {
				merged = vn.Content
			}
			for _, m := range merged {
				for m.Kind == yaml.AliasNode {
					m = m.Alias
				}
				if m.Kind == yaml.MappingNode {
					l.mapping(m, t, key, map[string]int{})
				}
			}
			continue
		}
		k := kn.Value
		if key != "" {
			k = key + "." + kn.Value
		}
		if line, dup := seen[kn.Value]; dup {
			l.errorf(kn.Line, k, "set again (first at line %d)", line)
			continue
		}
		seen[kn.Value] = kn.Line
		l.lines[k] = kn.Line
		ft, ok := fields[kn.Value]
		if !ok {
			names := make([]string, 0, len(fields))
			for name := range fields {
				names = append(names, name)
			}
			sort.Strings(names)
			l.errorf(kn.Line, k, "unknown key (known here: %s)", strings.Join(names, ", "))
			continue
		}
		l.walk(vn, ft, k)
	}
}

// value checks that n decodes into a t on its own; yaml would truncate a
// fractional number into an integer, so that is checked here too.
func (l *loader) value(n *yaml.Node, t reflect.Type, key string) {
	err := n.Decode(reflect.New(t).Interface())
	var ce *ConfigError
	var te *yaml.TypeError
	switch {
	case errors.As(err, &ce): // from ByteSize
		l.errorf(n.Line, key, "%w", ce.Err)
	case errors.As(err, &te) && n.Kind == yaml.ScalarNode:
		l.errorf(n.Line, key, "%s is not %s", describe(n), want(t))
	case err != nil && reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()):
		l.errorf(n.Line, key, "%v", err) // the type's own message (filters.Bound)
	case err != nil:
		l.errorf(n.Line, key, "want %s, got %s", want(t), describe(n))
	case isInt(t) && n.ShortTag() == "!!float":
		var f float64
		if n.Decode(&f) != nil || math.IsInf(f, 0) || f != math.Trunc(f) {
			l.errorf(n.Line, key, "%s is not %s", describe(n), want(t))
		}
	}
}

// yamlFields returns the fields of struct t by YAML key, inline fields
// included.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-":
		case strings.Contains(","+opts+",", ",inline,") && f.Type.Kind() == reflect.Struct:
			for k, v := range yamlFields(f.Type) {
				fields[k] = v
			}
		case name == "":
			fields[strings.ToLower(f.Name)] = f.Type
		default:
			fields[name] = f.Type
		}
	}
	return fields
}

func isNull(n *yaml.Node) bool {
	if n.Kind == yaml.DocumentNode {
		return len(n.Content) == 0 || isNull(n.Content[0])
	}
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func isInt(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// describe names the YAML value n for a message.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	if n.ShortTag() == "!!str" {
		return strconv.Quote(n.Value)
	}
	return n.Value
}

// want names the kind of value a t holds.
func want(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[time.Duration]():
		return `a duration ("30s", "5m")`
	case isInt(t):
		return "an integer"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return t.String()
}

// ByteSize is a size in bytes written as an integer or with a unit:
// "256MiB", "1.5GB", "64k" (k/M/G/T are powers of 1000 with B and of 1024
// with iB; a bare letter means the binary unit).
type ByteSize int64

// ParseByteSize parses a size such as "256MiB". Negative sizes, NaN and
// sizes of 2^63 bytes or more are errors.
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i:])
	f, err := strconv.ParseFloat(num, 64)
	if errors.Is(err, strconv.ErrRange) {
		err = nil // ±Inf for too large, 0 for too small: judged below
	}
	if err != nil || math.IsNaN(f) {
		return 0, fmt.Errorf("size %q: want a number with an optional unit (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)", s)
	}
	if f < 0 {
		return 0, fmt.Errorf("size %q: negative", s)
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
	if v := f * mult; v >= math.MaxInt64 { // +Inf too
		return 0, fmt.Errorf("size %q: too large", s)
	}
	return ByteSize(f * mult), nil
}

// UnmarshalYAML accepts an integer or a string with a unit. Its errors are
// *ConfigError with the line.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &ConfigError{Line: n.Line, Err: fmt.Errorf("want a size such as 256MiB, got %s", describe(n))}
	}
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return &ConfigError{Line: n.Line, Err: err}
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
