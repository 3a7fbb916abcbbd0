package filters

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Step is one step of a preset: a rule (Rule, Measure, Keep and, for the
// measures that read a list, List) or a text transform (Transform).
type Step struct {
	// Rule names the rule; it is the drop reason and the annotation key.
	Rule string `yaml:"rule,omitempty" json:"rule,omitempty"`
	// Measure is the score the rule reads (Measures lists them).
	Measure string `yaml:"measure,omitempty" json:"measure,omitempty"`
	// Keep is the bound a score must pass for the document to stay.
	Keep *Bound `yaml:"keep,omitempty" json:"keep,omitempty"`
	// List names the word or domain list (Config.Lists) the measure reads.
	List string `yaml:"list,omitempty" json:"list,omitempty"`
	// Transform names a text transform (Transforms lists them).
	Transform string `yaml:"transform,omitempty" json:"transform,omitempty"`
	// Cite says where the rule and its threshold come from.
	Cite string `yaml:"cite,omitempty" json:"cite,omitempty"`
}

// Preset is a named, ordered list of steps: the rules a source's documents
// must pass, with the transforms between them. Presets are data: the
// shipped ones are YAML files embedded from presets/, and a config can
// change their thresholds, switch rules off, add rules, or define new
// presets on top of them (PresetConfig).
type Preset struct {
	Name string `yaml:"name" json:"name"`
	// Title is one line on what the preset is for.
	Title string `yaml:"title" json:"title"`
	// Reference names the code (repository, commit, files) or document whose
	// decisions the preset reproduces, or says how the thresholds were chosen.
	Reference string `yaml:"reference" json:"reference,omitempty"`
	// Text is the text the rules judge: the normalized text (the default),
	// or the text as read, for presets that reproduce a tool that did not
	// see jacorpus's normalization (the text kept by normalize, see
	// pipeline.RawText). With raw, a transform rewrites the raw text and
	// the result replaces the document's text; without transforms the
	// document keeps its normalized text.
	Text  TextVersion `yaml:"text" json:"text,omitempty"`
	Steps []Step      `yaml:"steps" json:"steps"`
	// Off lists the preset's own rules left out because the list they read
	// is not defined in the config, each with the reason.
	Off []string `yaml:"-" json:"off,omitempty"`
}

//go:embed presets/*.yaml
var presetFiles embed.FS

// Preset names with a meaning of their own.
const (
	// PresetDefault is the preset of sources that name none.
	PresetDefault = "default"
	// PresetNone keeps everything.
	PresetNone = "none"
)

// shipped is the embedded presets by name, parsed once.
var shipped = func() map[string]*Preset {
	m := map[string]*Preset{PresetNone: {Name: PresetNone, Title: "no filters: every document is kept"}}
	names, err := fs.Glob(presetFiles, "presets/*.yaml")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		data, err := presetFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		p, err := ParsePreset(name, data)
		if err != nil {
			panic(err) // a test checks every shipped preset
		}
		if want := strings.TrimSuffix(path.Base(name), ".yaml"); p.Name != want {
			panic(fmt.Sprintf("%s: name %q, want %q", name, p.Name, want))
		}
		m[p.Name] = p
	}
	return m
}()

// Presets returns the names of the shipped presets, sorted.
func Presets() []string {
	names := make([]string, 0, len(shipped))
	for n := range shipped {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ShippedPreset returns a copy of the named shipped preset.
func ShippedPreset(name string) (*Preset, bool) {
	p, ok := shipped[name]
	if !ok {
		return nil, false
	}
	return p.clone(), true
}

func (p *Preset) clone() *Preset {
	c := *p
	c.Steps = slices.Clone(p.Steps)
	for i, s := range c.Steps {
		if s.Keep != nil {
			k := *s.Keep
			c.Steps[i].Keep = &k
		}
	}
	return &c
}

// ParsePreset reads a preset from YAML (name names the file in errors) and
// checks it: known measures and transforms, unique rule names, a bound on
// every rule.
func ParsePreset(name string, data []byte) (*Preset, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Preset
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &p, nil
}

// check validates the steps.
func (p *Preset) check() error {
	var errs []error
	switch p.Text {
	case "", Normalized, Raw:
	default:
		errs = append(errs, fmt.Errorf("text %q: want %q or %q", p.Text, Normalized, Raw))
	}
	seen := map[string]bool{}
	for i, s := range p.Steps {
		if err := s.check(); err != nil {
			errs = append(errs, fmt.Errorf("steps[%d]: %w", i, err))
			continue
		}
		if s.Rule != "" {
			if seen[s.Rule] {
				errs = append(errs, fmt.Errorf("steps[%d]: rule %q appears twice", i, s.Rule))
			}
			seen[s.Rule] = true
		}
	}
	return errors.Join(errs...)
}

func (s Step) check() error {
	switch {
	case s.Transform != "" && (s.Rule != "" || s.Measure != "" || s.Keep != nil || s.List != ""):
		return fmt.Errorf("transform %q: a step is a rule or a transform, not both", s.Transform)
	case s.Transform != "":
		if _, ok := transformTable[s.Transform]; !ok {
			return fmt.Errorf("unknown transform %q (known: %s)", s.Transform, strings.Join(Transforms(), ", "))
		}
		return nil
	case s.Rule == "":
		return errors.New("a step needs rule: NAME (with measure and keep) or transform: NAME")
	case !validName(s.Rule):
		return fmt.Errorf("rule %q: a name is lower-case letters, digits, '_' and '-'", s.Rule)
	case s.Keep == nil:
		return fmt.Errorf("rule %q: no keep bound (such as keep: \">= 0.2\")", s.Rule)
	}
	if err := s.Keep.check(); err != nil {
		return fmt.Errorf("rule %q: %w", s.Rule, err)
	}
	m, err := LookupMeasure(s.Measure)
	if err != nil {
		return fmt.Errorf("rule %q: %w", s.Rule, err)
	}
	switch {
	case m.List != NoList && s.List == "":
		return fmt.Errorf("rule %q: measure %s reads a %s list: name one (list: NAME, defined under filters.lists)", s.Rule, m.Name, m.List)
	case m.List == NoList && s.List != "":
		return fmt.Errorf("rule %q: measure %s reads no list", s.Rule, m.Name)
	}
	return nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// TextVersion is the version of a document's text a preset judges.
type TextVersion string

const (
	// Normalized is the text after the normalize stage.
	Normalized TextVersion = "normalized"
	// Raw is the text as read, before normalization.
	Raw TextVersion = "raw"
)

// Mode is what the filters stage does with a document that fails a rule.
type Mode string

const (
	// Drop drops it, with the first failing rule as the reason.
	Drop Mode = "drop"
	// Annotate keeps every document and writes every rule's score into its
	// meta (see MetaScorePrefix), so thresholds can be chosen afterwards.
	Annotate Mode = "annotate"
)

// Config is the filters section of a job config.
type Config struct {
	// Mode is drop (the default) or annotate.
	Mode Mode `yaml:"mode" json:"mode"`
	// Lists names the list files rules read: name → files (word lists:
	// one word per line; domain lists: one domain per line).
	Lists map[string][]string `yaml:"lists" json:"lists,omitempty"`
	// Presets changes shipped presets or defines new ones, by name.
	Presets map[string]PresetConfig `yaml:"presets" json:"presets,omitempty"`
	// PII holds the placeholders of the mask_pii transform.
	PII PIIOptions `yaml:"pii" json:"pii"`
}

// PresetConfig changes a preset. For a name that is not shipped, Base names
// the preset it starts from (default: none, so only Add's rules).
type PresetConfig struct {
	// Base is the preset a new preset starts from.
	Base string `yaml:"base" json:"base,omitempty"`
	// Set gives rules new bounds, by rule name.
	Set map[string]Bound `yaml:"set" json:"set,omitempty"`
	// Disable switches rules off, by name.
	Disable []string `yaml:"disable" json:"disable,omitempty"`
	// Add appends steps (rules or transforms) after the preset's own.
	Add []Step `yaml:"add" json:"add,omitempty"`
}

// DefaultConfig returns the drop mode with the shipped presets as they are.
func DefaultConfig() Config { return Config{Mode: Drop, PII: DefaultPIIOptions()} }

// Validate checks the config: the mode, every preset change (rules that
// exist, known measures, lists that are named) — without reading the list
// files, which Resolve does. Each error starts with the YAML key path under
// "filters".
func (c Config) Validate() error {
	var errs []error
	switch c.Mode {
	case Drop, Annotate, "":
	default:
		errs = append(errs, keyErr("mode", "%q: want %q or %q", c.Mode, Drop, Annotate))
	}
	for _, name := range sortedKeys(c.Presets) {
		if !validName(name) {
			errs = append(errs, keyErr("presets."+name, "a preset name is lower-case letters, digits, '_' and '-'"))
			continue
		}
		if _, err := c.Preset(name); err != nil {
			errs = append(errs, err)
		}
	}
	for _, name := range sortedKeys(c.Lists) {
		if len(c.Lists[name]) == 0 {
			errs = append(errs, keyErr("lists."+name, "no files"))
		}
	}
	return errors.Join(errs...)
}

// CheckPreset reports whether name ("" means default) names a preset of c
// (Validate checks the presets themselves).
func (c Config) CheckPreset(name string) error {
	if _, ok := shipped[name]; ok || name == "" {
		return nil
	}
	if _, ok := c.Presets[name]; ok {
		return nil
	}
	return fmt.Errorf("unknown preset %q (known: %s)", name, strings.Join(c.Names(), ", "))
}

// Names returns the presets c knows: the shipped ones and its own.
func (c Config) Names() []string {
	names := Presets()
	for n := range c.Presets {
		if _, ok := shipped[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Preset returns the named preset ("" means default) with c's changes, its
// rules checked (lists named in c.Lists; files are read by Resolve).
func (c Config) Preset(name string) (*Preset, error) {
	if name == "" {
		name = PresetDefault
	}
	base, shippedOK := shipped[name]
	pc, changed := c.Presets[name]
	key := "presets." + name
	switch {
	case !shippedOK && !changed:
		return nil, fmt.Errorf("unknown preset %q (known: %s)", name, strings.Join(c.Names(), ", "))
	case shippedOK && pc.Base != "":
		return nil, keyErr(key+".base", "%q is a shipped preset; base is for new presets (change this one with set, disable and add)", name)
	case !shippedOK:
		b := pc.Base
		if b == "" {
			b = PresetNone
		}
		var ok bool
		if base, ok = shipped[b]; !ok {
			return nil, keyErr(key+".base", "unknown shipped preset %q (known: %s)", b, strings.Join(Presets(), ", "))
		}
	}
	p := base.clone()
	p.Name = name
	if !changed {
		c.listsOff(p)
		return p, nil
	}
	var errs []error
	index := map[string]int{}
	for i, s := range p.Steps {
		if s.Rule != "" {
			index[s.Rule] = i
		}
	}
	for _, rule := range sortedKeys(pc.Set) {
		i, ok := index[rule]
		if !ok {
			errs = append(errs, keyErr(key+".set."+rule, "no such rule in %s (rules: %s)", base.Name, strings.Join(p.rules(), ", ")))
			continue
		}
		b := pc.Set[rule]
		if err := b.check(); err != nil {
			errs = append(errs, keyErr(key+".set."+rule, "%w", err))
			continue
		}
		p.Steps[i].Keep = &b
	}
	off := map[string]bool{}
	for i, rule := range pc.Disable {
		if _, ok := index[rule]; !ok {
			errs = append(errs, keyErr(fmt.Sprintf("%s.disable[%d]", key, i), "no such rule %q in %s (rules: %s)", rule, base.Name, strings.Join(p.rules(), ", ")))
		}
		off[rule] = true
	}
	p.Steps = slices.DeleteFunc(p.Steps, func(s Step) bool { return off[s.Rule] })
	c.listsOff(p)
	for i, s := range pc.Add {
		if err := s.check(); err != nil {
			errs = append(errs, keyErr(fmt.Sprintf("%s.add[%d]", key, i), "%w", err))
			continue
		}
		if _, dup := index[s.Rule]; dup && s.Rule != "" && !off[s.Rule] {
			errs = append(errs, keyErr(fmt.Sprintf("%s.add[%d]", key, i), "rule %q is already in %s (change its bound with set)", s.Rule, base.Name))
			continue
		}
		if s.List != "" && len(c.Lists[s.List]) == 0 {
			errs = append(errs, keyErr(fmt.Sprintf("%s.add[%d]", key, i), "rule %s reads list %q: define it (filters.lists.%s: [FILE, …])", s.Rule, s.List, s.List))
			continue
		}
		if s.Rule != "" {
			index[s.Rule] = len(p.Steps)
		}
		p.Steps = append(p.Steps, s)
	}
	return p, errors.Join(errs...)
}

// listsOff leaves out the preset's rules whose list c does not define (the
// shipped presets name lists that only users can supply: the NG words and
// hosts the reference corpora used are not public), noting each in p.Off.
func (c Config) listsOff(p *Preset) {
	p.Steps = slices.DeleteFunc(p.Steps, func(s Step) bool {
		if s.List != "" && len(c.Lists[s.List]) == 0 {
			p.Off = append(p.Off, fmt.Sprintf("%s: list %q is not defined (filters.lists.%s)", s.Rule, s.List, s.List))
			return true
		}
		return false
	})
}

// rules returns the rule names of p in order.
func (p *Preset) rules() []string {
	var names []string
	for _, s := range p.Steps {
		if s.Rule != "" {
			names = append(names, s.Rule)
		}
	}
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// KeyError is a config error about the value at Key, a path under the
// filters section ("presets.swallow.set.hiragana_fraction").
type KeyError struct {
	Key string
	Err error
}

// Error returns "filters: KEY: ERR".
func (e *KeyError) Error() string { return "filters: " + e.Key + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e *KeyError) Unwrap() error { return e.Err }

func keyErr(key, format string, args ...any) error {
	return &KeyError{Key: key, Err: fmt.Errorf(format, args...)}
}

// SetBound changes the bound of a rule of a preset (a Go caller's
// presets.NAME.set.RULE); Validate reports a rule that does not exist.
func (c *Config) SetBound(preset, rule string, b Bound) {
	if c.Presets == nil {
		c.Presets = map[string]PresetConfig{}
	}
	pc := c.Presets[preset]
	pc.Set = maps.Clone(pc.Set)
	if pc.Set == nil {
		pc.Set = map[string]Bound{}
	}
	pc.Set[rule] = b
	c.Presets[preset] = pc
}
