package sched

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tricky are arguments bash would split, expand or execute if they were
// not quoted right.
var tricky = []string{
	"", "plain", "a b", "it's", `say "hi"`, "$HOME", "${x:-y}", "`id`", "$(touch pwned)",
	"a\nb", "tab\there", "*", "?", "[ab]", "{a,b}", "~", "~/x", "!x", `back\slash`, "a=b",
	"-n", "--x=~", "a;b", "a|b", "a&b", "a>b", "#hash", "日本語 パス/コーパス.yaml", "'", "''",
}

func TestShellQuote(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is missing")
	}
	words := make([]string, len(tricky))
	for i, s := range tricky {
		words[i] = shellQuote(s)
	}
	dir := t.TempDir()
	cmd := exec.Command("bash", "-c", "printf '%s\\0' "+strings.Join(words, " "))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(got) != len(tricky) {
		t.Fatalf("bash saw %d words, want %d: %q", len(got), len(tricky), got)
	}
	for i := range tricky {
		if got[i] != tricky[i] {
			t.Errorf("%q quoted as %s reads back as %q", tricky[i], words[i], got[i])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Error("a quoted argument was executed")
	}
	for _, s := range []string{"plain", "/a/b.yaml", "--work-dir", "a=b"} {
		if shellQuote(s) != s {
			t.Errorf("%q is quoted as %s; want it bare", s, shellQuote(s))
		}
	}
}

// argvDump stands in for jacorpus: it writes its arguments, working
// directory and the variables the scripts set, NUL-separated.
const argvDump = `#!/bin/bash
printf '%s\0' "$@" > "$ARGV_OUT"
printf '%s\0' "$PWD" "${JACORPUS_TASK_COUNT-unset}" "${SETUP_RAN-unset}" > "$ENV_OUT"
`

// fakeMPIExec stands in for mpiexec: it records -n N and runs the command
// once.
const fakeMPIExec = `#!/bin/bash
[ "$1" = -n ] || { echo "mpiexec: want -n N first" >&2; exit 9; }
echo "$2" > "$MPI_N_OUT"
shift 2
exec "$@"
`

// TestScriptsRun checks every generated script with bash -n, then runs it
// (the directives are comments to bash) with a stand-in for jacorpus and
// mpiexec, and checks the command received exactly the intended argv, in
// the intended directory, with the task count.
func TestScriptsRun(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is missing")
	}
	base := t.TempDir()
	odd := filepath.Join(base, `dir with "quotes" and 'space' $HOME`)
	bin := filepath.Join(base, "bin dir")
	for _, d := range []string{odd, bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dump := filepath.Join(bin, "jacorpus's dump")
	if err := os.WriteFile(dump, []byte(argvDump), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "mpiexec"), []byte(fakeMPIExec), 0o755); err != nil {
		t.Fatal(err)
	}
	command := append([]string{dump, "run", "-c", filepath.Join(odd, "job's config.yaml")}, tricky...)
	for _, k := range []Kind{Slurm, PBS, PJM} {
		opts := clusterOptions(k)
		opts.Command = command
		opts.Dir = odd
		opts.LogDir = filepath.Join(base, "logs")
		opts.Resources.Setup = []string{"export SETUP_RAN=yes"}
		scripts, err := Scripts(opts, plan())
		if err != nil {
			t.Fatal(err)
		}
		scripts = append(scripts, Script{Phase: Phase{Name: "driver"}, File: DriverFile, Text: Driver(opts, scripts)})
		dir := filepath.Join(base, k.String())
		if err := Write(dir, opts, scripts[:len(scripts)-1]); err != nil {
			t.Fatal(err)
		}
		for _, s := range scripts {
			path := filepath.Join(dir, s.File)
			if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
				t.Errorf("%s %s: bash -n: %v\n%s", k, s.File, err, out)
			}
			if s.File == DriverFile {
				continue
			}
			argvOut, envOut, nOut := filepath.Join(base, "argv"), filepath.Join(base, "env"), filepath.Join(base, "n")
			for _, f := range []string{argvOut, envOut, nOut} {
				os.Remove(f)
			}
			cmd := exec.Command("bash", path)
			cmd.Dir = base
			cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
				"ARGV_OUT="+argvOut, "ENV_OUT="+envOut, "MPI_N_OUT="+nOut, "SLURM_JOB_ID=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s %s: %v\n%s", k, s.File, err, out)
				continue
			}
			want := append(append([]string{}, command[1:]...), "--phase", s.Phase.Name)
			if got := readNUL(t, argvOut); strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("%s %s: the command got\n%q\nwant\n%q", k, s.File, got, want)
			}
			count := "unset"
			if s.Phase.Tasks > 1 {
				count = strconv.Itoa(s.Phase.Tasks)
			}
			if got, want := readNUL(t, envOut), []string{odd, count, "yes"}; strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("%s %s: directory, %s, setup = %q, want %q", k, s.File, countVar, got, want)
			}
			n, err := os.ReadFile(nOut)
			switch {
			case k == PJM && s.Phase.Tasks > 1:
				if err != nil || strings.TrimSpace(string(n)) != strconv.Itoa(s.Phase.Tasks) {
					t.Errorf("%s %s: mpiexec -n %q (%v), want %d", k, s.File, n, err, s.Phase.Tasks)
				}
			case err == nil:
				t.Errorf("%s %s: ran mpiexec", k, s.File)
			}
		}
	}
}

func readNUL(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}
