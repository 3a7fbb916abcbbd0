package sched

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Runner runs a command and returns its standard output; its error says
// why the command failed, with what the command wrote to standard error.
// Exec is the one that runs programs; tests pass a fake.
type Runner func(ctx context.Context, name string, args ...string) (stdout string, err error)

// Exec runs name with args and returns its standard output. When the
// command fails, the error holds its exit status and its standard error.
func Exec(ctx context.Context, name string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return stdout.String(), fmt.Errorf("%s: %w: %s", name, err, msg)
		}
		return stdout.String(), fmt.Errorf("%s: %w", name, err)
	}
	return stdout.String(), nil
}

// Submit writes the scripts into dir, creates the log directory and
// submits the scripts in order, each to start only after every task of the
// one before succeeded. It returns the scheduler's ID of each phase's job
// (Slurm "123", PBS "123[].server", PJM sub job "123_1"). When a
// submission fails, the error names the phase and carries the scheduler's
// message, and the IDs of the phases already submitted are returned with
// it, for the caller to cancel or report.
func Submit(ctx context.Context, opts Options, dir string, scripts []Script, run Runner) ([]string, error) {
	if !opts.Kind.valid() {
		return nil, fmt.Errorf("sched: unknown scheduler kind %d", int(opts.Kind))
	}
	if len(scripts) == 0 {
		return nil, errors.New("sched: no scripts to submit")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("sched: script directory: %w", err)
	}
	if err := writeScripts(dir, scripts); err != nil {
		return nil, err
	}
	if logs := opts.logDir(); logs != "" {
		if err := os.MkdirAll(logs, 0o755); err != nil {
			return nil, fmt.Errorf("sched: creating the log directory: %w", err)
		}
	}
	ids := make([]string, 0, len(scripts))
	prev := ""
	for i, s := range scripts {
		if err := ctx.Err(); err != nil {
			return ids, fmt.Errorf("sched: before submitting phase %s: %w", s.Phase.Name, err)
		}
		argv := submitArgs(opts.Kind, i, prev, filepath.Join(dir, s.File))
		out, err := run(ctx, argv[0], argv[1:]...)
		if err != nil {
			return ids, fmt.Errorf("sched: submitting phase %s (%s): %w", s.Phase.Name, s.File, err)
		}
		id, dep, err := parseID(opts.Kind, i, out)
		if err != nil {
			return ids, fmt.Errorf("sched: submitting phase %s (%s): %s %w", s.Phase.Name, s.File, argv[0], err)
		}
		ids = append(ids, id)
		prev = dep
	}
	return ids, nil
}

// submitArgs is the command that submits script number i (0-based) at
// path; prev is what the previous submission returned for dependencies
// (the job ID; for PJM the step job ID).
func submitArgs(k Kind, i int, prev, path string) []string {
	switch k {
	case Slurm:
		argv := []string{"sbatch", "--parsable"}
		if i > 0 {
			argv = append(argv, "--dependency=afterok:"+prev)
		}
		return append(argv, "--kill-on-invalid-dep=yes", path)
	case PBS:
		argv := []string{"qsub"}
		if i > 0 {
			argv = append(argv, "-W", "depend=afterok:"+prev)
		}
		return append(argv, path)
	default:
		return []string{"pjsub", "-z", "jid", "--step", "--sparam", pjmSparam(i, prev), path}
	}
}

// pjmSparam is the --sparam of sub job i: its step number and, after the
// first, the step job to join and the rule that deletes it and every later
// sub job when the previous script exits non-zero.
func pjmSparam(i int, stepJob string) string {
	if i == 0 {
		return "sn=0"
	}
	return fmt.Sprintf("jid=%s,sn=%d,sd=ec!=0:all:%d", stepJob, i, i-1)
}

// parseID reads the job ID from a submission's output. It returns the ID to
// report and the one later submissions depend on.
func parseID(k Kind, i int, out string) (id, dep string, err error) {
	last := lastLine(out)
	switch k {
	case Slurm:
		// --parsable: "jobid" or "jobid;cluster" on the last line.
		id, _, _ = strings.Cut(last, ";")
		if !digits(id) {
			return "", "", fmt.Errorf("printed %q, not a job ID", out)
		}
		return id, id, nil
	case PBS:
		// "123.server", or "123[].server" for an array job.
		num, _, _ := strings.Cut(last, ".")
		num = strings.TrimSuffix(num, "[]")
		if !digits(num) || strings.ContainsAny(last, " \t") {
			return "", "", fmt.Errorf("printed %q, not a job ID", out)
		}
		return last, last, nil
	default:
		// -z jid: "123_0", the step job ID and the step number. Accept
		// "[INFO] PJM 0000 pjsub Job 123_0 submitted." too.
		for _, f := range strings.Fields(out) {
			job, sn, ok := strings.Cut(f, "_")
			if ok && digits(job) && digits(sn) {
				if n, _ := strconv.Atoi(sn); n != i {
					return "", "", fmt.Errorf("printed sub job %s, want step number %d", f, i)
				}
				return f, job, nil
			}
		}
		return "", "", fmt.Errorf("printed %q, not a sub job ID", out)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Driver returns a bash script (Write names it DriverFile) that submits
// the scripts in order with the same commands and dependencies as Submit,
// for a user to review and run by hand. It finds the scripts in its own
// directory and prints each phase's job ID.
func Driver(opts Options, scripts []Script) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# Submits the %d phases of %s to %s in order: each starts only after\n", len(scripts), jobName(opts), opts.Kind.title())
	switch opts.Kind {
	case Slurm:
		b.WriteString("# every task of the one before succeeded (--dependency=afterok); when a phase\n# fails, Slurm cancels the rest (--kill-on-invalid-dep=yes).\n")
	case PBS:
		b.WriteString("# every task of the one before succeeded (-W depend=afterok); when a phase\n# fails, PBS deletes the rest.\n")
	case PJM:
		b.WriteString("# the one before succeeded: the phases are the sub jobs of one step job, and\n# sd=ec!=0:all deletes the rest when a phase's script exits non-zero.\n")
	default:
		b.WriteString("echo 'unknown scheduler' >&2\nexit 1\n")
		return b.String()
	}
	b.WriteString("set -euo pipefail\n")
	b.WriteString("dir=$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\n")
	if logs := opts.logDir(); logs != "" {
		b.WriteString("mkdir -p " + shellQuote(logs) + "\n")
	}
	if opts.Kind == Slurm {
		b.WriteString("# The job ID is the last line of sbatch --parsable's output, up to any \";cluster\".\n")
		b.WriteString("submit() { local out; out=$(sbatch \"$@\") || return; out=${out##*$'\\n'}; printf '%s\\n' \"${out%%;*}\"; }\n")
	}
	for i, s := range scripts {
		path := "\"$dir\"/" + shellQuote(s.File)
		var cmd string
		switch opts.Kind {
		case Slurm:
			dep := ""
			if i > 0 {
				dep = "--dependency=afterok:\"$id\" "
			}
			cmd = "id=$(submit --parsable " + dep + "--kill-on-invalid-dep=yes " + path + ")"
		case PBS:
			dep := ""
			if i > 0 {
				dep = "-W depend=afterok:\"$id\" "
			}
			cmd = "id=$(qsub " + dep + path + ")"
		case PJM:
			if i == 0 {
				cmd = "id=$(pjsub -z jid --step --sparam " + pjmSparam(0, "") + " " + path + ")\nstep=${id%%_*}"
			} else {
				cmd = "id=$(pjsub -z jid --step --sparam \"" + pjmSparam(i, "$step") + "\" " + path + ")"
			}
		}
		b.WriteString(cmd + "\n")
		b.WriteString("echo " + shellQuote(s.Phase.Name+":") + " \"$id\"\n")
	}
	return b.String()
}

func jobName(o Options) string {
	if o.JobName == "" {
		return "jacorpus"
	}
	return o.JobName
}
