package sched

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeScheduler answers submissions the way each scheduler prints job IDs;
// fakeCommands (below) is the same in bash, for the driver.
type fakeScheduler struct {
	kind  Kind
	calls [][]string
	fail  int    // 1-based call that fails; 0 for none
	print string // printed instead of an ID when set
}

func (f *fakeScheduler) run(_ context.Context, name string, args ...string) (string, error) {
	f.calls = append(f.calls, append([]string{name}, args...))
	n := len(f.calls)
	if n == f.fail {
		return "", fmt.Errorf("%s: exit status 1: %s: error: Batch job submission failed: Invalid account or account/partition combination specified", name, name)
	}
	if f.print != "" {
		return f.print, nil
	}
	switch name {
	case "sbatch":
		return fmt.Sprintf("sbatch: warning: can't run 1 processes on 2 nodes\n100%d;cluster1\n", n), nil
	case "qsub":
		script, err := os.ReadFile(args[len(args)-1])
		if err != nil {
			return "", err
		}
		if strings.Contains(string(script), "\n#PBS -J ") {
			return fmt.Sprintf("10%d[].pbs1\n", n), nil
		}
		return fmt.Sprintf("10%d.pbs1\n", n), nil
	case "pjsub":
		return fmt.Sprintf("5000_%d\n", n-1), nil
	}
	return "", fmt.Errorf("unexpected command %s", name)
}

func TestSubmit(t *testing.T) {
	tests := []struct {
		kind  Kind
		ids   []string
		calls []string // with DIR for the script directory
	}{
		{Slurm, []string{"1001", "1002", "1003", "1004", "1005"}, []string{
			"sbatch --parsable --kill-on-invalid-dep=yes DIR/01-prepare.slurm.sh",
			"sbatch --parsable --dependency=afterok:1001 --kill-on-invalid-dep=yes DIR/02-signatures.slurm.sh",
			"sbatch --parsable --dependency=afterok:1002 --kill-on-invalid-dep=yes DIR/03-buckets.slurm.sh",
			"sbatch --parsable --dependency=afterok:1003 --kill-on-invalid-dep=yes DIR/04-filter.slurm.sh",
			"sbatch --parsable --dependency=afterok:1004 --kill-on-invalid-dep=yes DIR/05-finalize.slurm.sh",
		}},
		{PBS, []string{"101.pbs1", "102[].pbs1", "103[].pbs1", "104[].pbs1", "105.pbs1"}, []string{
			"qsub DIR/01-prepare.pbs.sh",
			"qsub -W depend=afterok:101.pbs1 DIR/02-signatures.pbs.sh",
			"qsub -W depend=afterok:102[].pbs1 DIR/03-buckets.pbs.sh",
			"qsub -W depend=afterok:103[].pbs1 DIR/04-filter.pbs.sh",
			"qsub -W depend=afterok:104[].pbs1 DIR/05-finalize.pbs.sh",
		}},
		{PJM, []string{"5000_0", "5000_1", "5000_2", "5000_3", "5000_4"}, []string{
			"pjsub -z jid --step --sparam sn=0 DIR/01-prepare.pjm.sh",
			"pjsub -z jid --step --sparam jid=5000,sn=1,sd=ec!=0:all:0 DIR/02-signatures.pjm.sh",
			"pjsub -z jid --step --sparam jid=5000,sn=2,sd=ec!=0:all:1 DIR/03-buckets.pjm.sh",
			"pjsub -z jid --step --sparam jid=5000,sn=3,sd=ec!=0:all:2 DIR/04-filter.pjm.sh",
			"pjsub -z jid --step --sparam jid=5000,sn=4,sd=ec!=0:all:3 DIR/05-finalize.pjm.sh",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.kind.String(), func(t *testing.T) {
			opts, dir := tempOptions(t, tc.kind)
			scripts, err := Scripts(opts, plan())
			if err != nil {
				t.Fatal(err)
			}
			f := &fakeScheduler{kind: tc.kind}
			ids, err := Submit(context.Background(), opts, dir, scripts, f.run)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(ids, " ") != strings.Join(tc.ids, " ") {
				t.Errorf("ids %q, want %q", ids, tc.ids)
			}
			if len(f.calls) != len(tc.calls) {
				t.Fatalf("%d calls, want %d: %q", len(f.calls), len(tc.calls), f.calls)
			}
			for i, c := range f.calls {
				if got, want := strings.Join(c, " "), strings.ReplaceAll(tc.calls[i], "DIR", dir); got != want {
					t.Errorf("call %d:\n got %s\nwant %s", i+1, got, want)
				}
			}
			// What was submitted is what Scripts returned.
			for _, s := range scripts {
				b, err := os.ReadFile(filepath.Join(dir, s.File))
				if err != nil || string(b) != s.Text {
					t.Errorf("%s on disk: %v, equal %v", s.File, err, string(b) == s.Text)
				}
			}
			if _, err := os.Stat(opts.LogDir); err != nil {
				t.Errorf("log directory: %v", err)
			}
		})
	}
}

func TestSubmitFails(t *testing.T) {
	for _, k := range []Kind{Slurm, PBS, PJM} {
		opts, dir := tempOptions(t, k)
		scripts, err := Scripts(opts, plan())
		if err != nil {
			t.Fatal(err)
		}
		f := &fakeScheduler{kind: k, fail: 3}
		ids, err := Submit(context.Background(), opts, dir, scripts, f.run)
		if err == nil {
			t.Fatalf("%s: no error", k)
		}
		for _, s := range []string{"phase buckets", "03-buckets." + k.String() + ".sh", "Invalid account or account/partition combination"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q lacks %q", k, err, s)
			}
		}
		if len(ids) != 2 || len(f.calls) != 3 {
			t.Errorf("%s: ids %q after %d calls, want the 2 submitted and no call after the failure", k, ids, len(f.calls))
		}
	}
}

func TestSubmitBadOutput(t *testing.T) {
	tests := []struct {
		kind  Kind
		print string
		err   string
	}{
		{Slurm, "Submitted batch job 123\n", `sbatch printed "Submitted batch job 123\n", not a job ID`},
		{Slurm, "\n", "not a job ID"},
		{PBS, "qsub: would exceed queue limit\n", "not a job ID"},
		{PBS, "abc.pbs1", "not a job ID"},
		{PJM, "[INFO] PJM 0000 pjsub Job 5000_0 submitted.\n", ""}, // the message form is read too
		{PJM, "5000_7\n", "printed sub job 5000_7, want step number 0"},
		{PJM, "[ERR.] PJM 0007 pjsub Job rejected\n", "not a sub job ID"},
	}
	for _, tc := range tests {
		opts, dir := tempOptions(t, tc.kind)
		scripts, err := Scripts(opts, []Phase{{"prepare", 1}})
		if err != nil {
			t.Fatal(err)
		}
		f := &fakeScheduler{kind: tc.kind, print: tc.print}
		ids, err := Submit(context.Background(), opts, dir, scripts, f.run)
		if tc.err == "" {
			if err != nil || len(ids) != 1 || ids[0] != "5000_0" {
				t.Errorf("%s %q: %q, %v", tc.kind, tc.print, ids, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "phase prepare") {
			t.Errorf("%s %q: error %v, want one naming the phase and containing %q", tc.kind, tc.print, err, tc.err)
		}
	}
}

func TestSubmitCanceled(t *testing.T) {
	opts, dir := tempOptions(t, Slurm)
	scripts, err := Scripts(opts, plan())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := &fakeScheduler{kind: Slurm}
	_, err = Submit(ctx, opts, dir, scripts, f.run)
	if !errors.Is(err, context.Canceled) || len(f.calls) != 0 {
		t.Errorf("canceled: %v after %d calls", err, len(f.calls))
	}
}

func TestExec(t *testing.T) {
	out, err := Exec(context.Background(), "bash", "-c", "echo out; echo err >&2")
	if err != nil || out != "out\n" {
		t.Errorf("Exec = %q, %v", out, err)
	}
	_, err = Exec(context.Background(), "bash", "-c", "echo 'sbatch: error: invalid partition' >&2; exit 1")
	if err == nil || !strings.Contains(err.Error(), "exit status 1: sbatch: error: invalid partition") {
		t.Errorf("failing command: %v", err)
	}
}

// fakeCommands are sbatch, qsub and pjsub in bash, printing what
// fakeScheduler prints and logging their arguments one call a line,
// separated by \x1f. FAKE_FAIL makes that call fail.
const fakeCommands = `#!/bin/bash
n=$(( $(cat "$FAKE_DIR/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$FAKE_DIR/count"
name=$(basename "$0")
{ printf '%s' "$name"; printf '\x1f%s' "$@"; printf '\n'; } >> "$FAKE_DIR/log"
if [ "$n" = "${FAKE_FAIL:-0}" ]; then echo "$name: error: Batch job submission failed" >&2; exit 1; fi
case $name in
sbatch) echo "sbatch: warning: can't run 1 processes on 2 nodes"; echo "100$n;cluster1" ;;
qsub) if grep -q '^#PBS -J ' "${@: -1}"; then echo "10$n[].pbs1"; else echo "10$n.pbs1"; fi ;;
pjsub) echo "5000_$((n - 1))" ;;
esac
`

// TestDriver runs the Driver against fake sbatch, qsub and pjsub and checks
// it submits with the same commands as Submit.
func TestDriver(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is missing")
	}
	for _, k := range []Kind{Slurm, PBS, PJM} {
		t.Run(k.String(), func(t *testing.T) {
			opts, dir := tempOptions(t, k)
			scripts, err := Scripts(opts, plan())
			if err != nil {
				t.Fatal(err)
			}
			f := &fakeScheduler{kind: k}
			ids, err := Submit(context.Background(), opts, dir, scripts, f.run)
			if err != nil {
				t.Fatal(err)
			}
			if err := Write(dir, opts, scripts); err != nil {
				t.Fatal(err)
			}
			out, logged := runDriver(t, dir, 0)
			var calls []string
			for _, c := range f.calls {
				calls = append(calls, strings.Join(c, "\x1f"))
			}
			if strings.Join(logged, "\n") != strings.Join(calls, "\n") {
				t.Errorf("the driver ran\n%s\nSubmit ran\n%s", strings.Join(logged, "\n"), strings.Join(calls, "\n"))
			}
			var want strings.Builder
			for i, s := range scripts {
				fmt.Fprintf(&want, "%s: %s\n", s.Phase.Name, ids[i])
			}
			if out != want.String() {
				t.Errorf("driver printed\n%s\nwant\n%s", out, want.String())
			}
		})
	}
}

// TestDriverFails checks the driver stops at a failed submission.
func TestDriverFails(t *testing.T) {
	for _, k := range []Kind{Slurm, PBS, PJM} {
		opts, dir := tempOptions(t, k)
		scripts, err := Scripts(opts, plan())
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(dir, opts, scripts); err != nil {
			t.Fatal(err)
		}
		_, logged := runDriver(t, dir, 3)
		if len(logged) != 3 {
			t.Errorf("%s: the driver made %d submissions after the third failed, want 3", k, len(logged))
		}
	}
}

// runDriver runs dir's driver with the fake commands on PATH, the failth
// call failing (0: none), and returns its output and the logged calls. It
// fails the test when the driver's exit status does not match.
func runDriver(t *testing.T, dir string, fail int) (string, []string) {
	t.Helper()
	fake := t.TempDir()
	for _, name := range []string{"sbatch", "qsub", "pjsub"} {
		if err := os.WriteFile(filepath.Join(fake, name), []byte(fakeCommands), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("bash", filepath.Join(dir, DriverFile))
	cmd.Env = append(os.Environ(), "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"), "FAKE_DIR="+fake, fmt.Sprintf("FAKE_FAIL=%d", fail))
	out, err := cmd.Output()
	if (err != nil) != (fail > 0) {
		t.Fatalf("driver: %v (fail=%d)\n%s", err, fail, out)
	}
	log, err := os.ReadFile(filepath.Join(fake, "log"))
	if err != nil {
		t.Fatal(err)
	}
	return string(out), strings.Split(strings.TrimSuffix(string(log), "\n"), "\n")
}

// tempOptions returns clusterOptions(k) with a temporary working and log
// directory, and a directory for the scripts.
func tempOptions(t *testing.T, k Kind) (Options, string) {
	t.Helper()
	base := t.TempDir()
	opts := clusterOptions(k)
	opts.Dir = base
	opts.LogDir = filepath.Join(base, "logs")
	return opts, filepath.Join(base, "scripts")
}
