package sched

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Kind is a batch scheduler.
type Kind int

// The schedulers sched writes scripts for.
const (
	Slurm Kind = iota + 1 // Slurm: sbatch job arrays
	PBS                   // PBS Professional (ABCI 3.0): qsub array jobs
	PJM                   // Fujitsu PJM (Fugaku): one step job, mpiexec per phase
)

// ParseKind reads "slurm", "pbs" or "pjm" (any case).
func ParseKind(s string) (Kind, error) {
	for _, k := range []Kind{Slurm, PBS, PJM} {
		if strings.EqualFold(strings.TrimSpace(s), k.String()) {
			return k, nil
		}
	}
	return 0, fmt.Errorf("sched: unknown scheduler %q: want slurm, pbs or pjm", s)
}

// String returns the name ParseKind reads.
func (k Kind) String() string {
	switch k {
	case Slurm:
		return "slurm"
	case PBS:
		return "pbs"
	case PJM:
		return "pjm"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// UnmarshalText implements encoding.TextUnmarshaler (YAML, JSON, flags).
// Empty text is the zero Kind: no scheduler chosen.
func (k *Kind) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*k = 0
		return nil
	}
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// MarshalText implements encoding.TextMarshaler; the zero Kind is empty.
func (k Kind) MarshalText() ([]byte, error) {
	if k == 0 {
		return []byte{}, nil
	}
	if !k.valid() {
		return nil, fmt.Errorf("sched: unknown scheduler kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// title is k's name in prose.
func (k Kind) title() string {
	return map[Kind]string{Slurm: "Slurm", PBS: "PBS", PJM: "PJM"}[k]
}

func (k Kind) valid() bool { return k == Slurm || k == PBS || k == PJM }

// prefix is the directive prefix of k's scripts.
func (k Kind) prefix() string {
	return map[Kind]string{Slurm: "#SBATCH", PBS: "#PBS", PJM: "#PJM"}[k]
}

// Phase is one phase of a job: Tasks processes run `... --phase Name`.
type Phase struct {
	Name  string
	Tasks int
}

// Options is what every script of a job shares.
type Options struct {
	Kind      Kind
	Resources Resources
	// JobName prefixes each phase's job name ("jacorpus" gives
	// "jacorpus-signatures"); empty means "jacorpus". Letters, digits,
	// '.', '_' and '-', starting with a letter or digit.
	JobName string
	// Command is the argv every task runs, up to and excluding --phase:
	// e.g. /abs/jacorpus run -c /abs/job.yaml --work-dir /abs/work. Use
	// absolute paths: a compute node's PATH may differ.
	Command []string
	// Dir is the absolute directory every task changes to first (PBS
	// starts jobs in $HOME); relative paths in Command resolve against it.
	Dir string
	// LogDir is the absolute directory the schedulers write the tasks'
	// output to; empty means Dir/logs. Scheduler directives cannot quote,
	// so it may not contain whitespace, quotes, backslashes, '$', '%' or
	// ':'.
	LogDir string
}

// Script is the batch script of one phase.
type Script struct {
	Phase Phase
	// File is the script's file name, e.g. "02-signatures.slurm.sh".
	File string
	// Text is the whole script.
	Text string
}

// DriverFile is the file name Write gives the Driver script.
const DriverFile = "submit.sh"

// Scripts returns one script per phase, in order. The text depends only on
// its arguments (no dates, hosts or users), so it can be compared with a
// reviewed copy. Errors name what is wrong: the option, the phase or the
// resources field.
func Scripts(opts Options, phases []Phase) ([]Script, error) {
	opts, res, err := opts.check()
	if err != nil {
		return nil, err
	}
	if len(phases) == 0 {
		return nil, errors.New("sched: no phases")
	}
	seen := map[string]bool{}
	for i, p := range phases {
		if !nameOK(p.Name, false) || len(opts.JobName)+1+len(p.Name) > 63 {
			return nil, fmt.Errorf("sched: phase %d name %q: want letters, digits, '_' and '-', starting with a letter or digit, and with the job name at most 63 bytes (PJM's limit)", i+1, p.Name)
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("sched: phase %q appears twice", p.Name)
		}
		seen[p.Name] = true
		if p.Tasks < 1 {
			return nil, fmt.Errorf("sched: phase %s: %d tasks; want at least 1", p.Name, p.Tasks)
		}
	}
	out := make([]Script, len(phases))
	for i, p := range phases {
		stem := fmt.Sprintf("%02d-%s", i+1, p.Name)
		out[i] = Script{
			Phase: p,
			File:  stem + "." + opts.Kind.String() + ".sh",
			Text:  render(opts, res, p, i, len(phases), stem),
		}
	}
	return out, nil
}

// Write writes the scripts and the Driver (DriverFile) into dir, executable,
// and creates the log directory, which the schedulers do not create.
func Write(dir string, opts Options, scripts []Script) error {
	if err := writeScripts(dir, scripts); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, DriverFile), []byte(Driver(opts, scripts)), 0o755); err != nil {
		return fmt.Errorf("sched: writing the driver: %w", err)
	}
	if err := os.MkdirAll(opts.logDir(), 0o755); err != nil {
		return fmt.Errorf("sched: creating the log directory: %w", err)
	}
	return nil
}

func writeScripts(dir string, scripts []Script) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sched: creating the script directory: %w", err)
	}
	for _, s := range scripts {
		if s.File == "" || filepath.Base(s.File) != s.File {
			return fmt.Errorf("sched: phase %s: script file name %q is not a plain file name", s.Phase.Name, s.File)
		}
		if err := os.WriteFile(filepath.Join(dir, s.File), []byte(s.Text), 0o755); err != nil {
			return fmt.Errorf("sched: writing the script of phase %s: %w", s.Phase.Name, err)
		}
	}
	return nil
}

// check validates opts and returns it with defaults filled in, and its
// resources resolved for its scheduler.
func (o Options) check() (Options, resolved, error) {
	if !o.Kind.valid() {
		return o, resolved{}, fmt.Errorf("sched: unknown scheduler kind %d: want Slurm, PBS or PJM", int(o.Kind))
	}
	if o.JobName == "" {
		o.JobName = "jacorpus"
	}
	if !nameOK(o.JobName, true) || len(o.JobName) > 40 {
		return o, resolved{}, fmt.Errorf("sched: job name %q: want up to 40 letters, digits, '.', '_' and '-', starting with a letter or digit", o.JobName)
	}
	if len(o.Command) == 0 || o.Command[0] == "" {
		return o, resolved{}, errors.New("sched: no command")
	}
	for _, a := range o.Command {
		if strings.ContainsRune(a, 0) {
			return o, resolved{}, fmt.Errorf("sched: command argument %q contains a NUL byte", a)
		}
		if a == "--phase" || strings.HasPrefix(a, "--phase=") {
			return o, resolved{}, fmt.Errorf("sched: the command already has %s; the scripts add --phase", a)
		}
	}
	if !filepath.IsAbs(o.Dir) || strings.ContainsRune(o.Dir, 0) {
		return o, resolved{}, fmt.Errorf("sched: directory %q: want an absolute path", o.Dir)
	}
	o.LogDir = o.logDir()
	if !filepath.IsAbs(o.LogDir) || strings.ContainsAny(o.LogDir, "%:") || !directiveSafe(o.LogDir) {
		return o, resolved{}, fmt.Errorf("sched: log directory %q: want an absolute path without whitespace, quotes, backslashes, '$', '%%' or ':' (scheduler directives cannot quote it)", o.LogDir)
	}
	res, err := o.Resources.resolve(o.Kind)
	return o, res, err
}

func (o Options) logDir() string {
	if o.LogDir != "" {
		return filepath.Clean(o.LogDir)
	}
	if o.Dir == "" {
		return ""
	}
	return filepath.Join(o.Dir, "logs")
}

// nameOK tells whether s is a job or phase name: ASCII letters, digits,
// '_', '-' (and '.' for job names), starting with a letter or digit.
func nameOK(s string, dot bool) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case i > 0 && (r == '_' || r == '-' || dot && r == '.'):
		default:
			return false
		}
	}
	return true
}
