package sched

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the generated scripts")

// plan is the 5-phase plan of the golden files.
func plan() []Phase {
	return []Phase{{"prepare", 1}, {"signatures", 4}, {"buckets", 2}, {"filter", 4}, {"finalize", 1}}
}

// clusterOptions are realistic options for each scheduler: a generic Slurm
// cluster, ABCI 3.0 (PBS) and Fugaku (PJM).
func clusterOptions(k Kind) Options {
	o := Options{
		Kind:    k,
		JobName: "jacorpus",
		Command: []string{"/home/user/bin/jacorpus", "run", "-c", "/home/user/corpus/job.yaml", "--work-dir", "/data/jacorpus/work"},
		Dir:     "/home/user/corpus",
		LogDir:  "/home/user/corpus/logs",
	}
	switch k {
	case Slurm:
		o.Resources = Resources{
			Partition: "cpu", Account: "proj-ja", Time: "04:00:00", Nodes: 1, CPUs: 16, Memory: "28GiB",
			Directives: []string{"--mail-type=FAIL"},
			Setup:      []string{"export TMPDIR=/local/$SLURM_JOB_ID"},
		}
	case PBS:
		o.Resources = Resources{
			ResourceType: "rt_HC", Account: "gaa50000", Time: "04:00:00",
			Setup: []string{"ulimit -n 65536"},
		}
	case PJM:
		o.Command[0] = "/home/user/bin/jacorpus-linux-arm64"
		o.Resources = Resources{
			RscGrp: "small", Elapse: "04:00:00", Nodes: 1, Account: "hp240000",
			Directives: []string{"-x PJM_LLIO_GFSCACHE=/vol0004"},
		}
	}
	return o
}

func TestGolden(t *testing.T) {
	for _, k := range []Kind{Slurm, PBS, PJM} {
		t.Run(k.String(), func(t *testing.T) {
			opts := clusterOptions(k)
			scripts, err := Scripts(opts, plan())
			if err != nil {
				t.Fatal(err)
			}
			files := map[string]string{DriverFile: Driver(opts, scripts)}
			for _, s := range scripts {
				files[s.File] = s.Text
			}
			dir := filepath.Join("testdata", "golden", k.String())
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				for name, text := range files {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatalf("%v (run go test ./sched -update to create the golden files)", err)
			}
			if len(entries) != len(files) {
				t.Errorf("%s holds %d files, the scripts are %d: run go test ./sched -update", dir, len(entries), len(files))
			}
			for name, text := range files {
				want, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Errorf("%v (run go test ./sched -update)", err)
					continue
				}
				if string(want) != text {
					t.Errorf("%s differs from %s (run go test ./sched -update after checking the change):\n%s", name, dir, text)
				}
			}
		})
	}
}

// TestScriptsDeterministic checks that equal inputs give equal text.
func TestScriptsDeterministic(t *testing.T) {
	for _, k := range []Kind{Slurm, PBS, PJM} {
		a, err := Scripts(clusterOptions(k), plan())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Scripts(clusterOptions(k), plan())
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%s: %s differs between two calls", k, a[i].File)
			}
		}
	}
}

func TestScriptShape(t *testing.T) {
	tests := []struct {
		kind        Kind
		phase       int
		has, hasNot []string
	}{
		{Slurm, 0, []string{"#SBATCH --output=/home/user/corpus/logs/01-prepare.%j.out", "exec /home/user/bin/jacorpus run -c /home/user/corpus/job.yaml --work-dir /data/jacorpus/work --phase prepare\n"}, []string{"--array", countVar}},
		{Slurm, 1, []string{"#SBATCH --array=0-3\n", "%A_%a", "export JACORPUS_TASK_COUNT=4\n", "#SBATCH --mem=28G\n", "#SBATCH --mail-type=FAIL\n"}, nil},
		{PBS, 0, []string{"#PBS -l select=1\n", "#PBS -q rt_HC\n", "#PBS -P gaa50000\n", "cd /home/user/corpus\n"}, []string{"-J", countVar}},
		{PBS, 2, []string{"#PBS -J 0-1\n", "export JACORPUS_TASK_COUNT=2\n", "#PBS -l walltime=04:00:00\n"}, nil},
		{PJM, 0, []string{"#PJM -L \"node=1\"\n", "exec /home/user/bin/jacorpus-linux-arm64 run"}, []string{"mpiexec", "max-proc-per-node"}},
		{PJM, 3, []string{"#PJM -L \"node=4\"\n", "#PJM --mpi \"max-proc-per-node=1\"\n", "exec mpiexec -n 4 /home/user/bin/jacorpus-linux-arm64 run", "#PJM -x PJM_LLIO_GFSCACHE=/vol0004\n", "#PJM -L \"elapse=04:00:00\"\n"}, []string{"--bulk"}},
	}
	for _, tc := range tests {
		scripts, err := Scripts(clusterOptions(tc.kind), plan())
		if err != nil {
			t.Fatal(err)
		}
		text := scripts[tc.phase].Text
		for _, s := range tc.has {
			if !strings.Contains(text, s) {
				t.Errorf("%s %s lacks %q:\n%s", tc.kind, scripts[tc.phase].File, s, text)
			}
		}
		for _, s := range tc.hasNot {
			if strings.Contains(text, s) {
				t.Errorf("%s %s has %q:\n%s", tc.kind, scripts[tc.phase].File, s, text)
			}
		}
		// Directives come before the first command: schedulers stop reading
		// them there.
		seenCommand := false
		for _, line := range strings.Split(text, "\n")[1:] {
			if strings.HasPrefix(line, tc.kind.prefix()+" ") && seenCommand {
				t.Errorf("%s %s: directive %q after a command", tc.kind, scripts[tc.phase].File, line)
			}
			if line != "" && !strings.HasPrefix(line, "#") {
				seenCommand = true
			}
		}
	}
}

func TestPJMTasksPerNode(t *testing.T) {
	opts := clusterOptions(PJM)
	opts.Resources.TasksPerNode = 3
	opts.Resources.Memory = "8GiB"
	scripts, err := Scripts(opts, []Phase{{"signatures", 7}, {"finalize", 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`-L "node=3"`, `--mpi "max-proc-per-node=3"`, `-L "node-mem=24Gi"`, "mpiexec -n 7 "} {
		if !strings.Contains(scripts[0].Text, s) {
			t.Errorf("lacks %q:\n%s", s, scripts[0].Text)
		}
	}
	if !strings.Contains(scripts[1].Text, `-L "node-mem=8Gi"`) {
		t.Errorf("a 1-task phase asks for one task's memory:\n%s", scripts[1].Text)
	}
}

func TestParseKind(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
		err  bool
	}{
		{"slurm", Slurm, false}, {"PBS", PBS, false}, {" pjm ", PJM, false},
		{"sge", 0, true}, {"", 0, true},
	}
	for _, tc := range tests {
		got, err := ParseKind(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseKind(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
		if err == nil && got.String() != strings.ToLower(strings.TrimSpace(tc.in)) {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
	if s := Kind(9).String(); s != "Kind(9)" {
		t.Errorf("Kind(9).String() = %q", s)
	}
	if _, err := Kind(7).MarshalText(); err == nil {
		t.Error("Kind(7).MarshalText gave no error")
	}
	if b, err := Kind(0).MarshalText(); err != nil || len(b) != 0 {
		t.Errorf("Kind(0).MarshalText = %q, %v; want empty", b, err)
	}
	var k Kind
	if err := k.UnmarshalText([]byte("Slurm")); err != nil || k != Slurm {
		t.Errorf("UnmarshalText(Slurm) = %v, %v", k, err)
	}
	if err := k.UnmarshalText(nil); err != nil || k != 0 {
		t.Errorf("UnmarshalText(empty) = %v, %v; want the zero Kind", k, err)
	}
}

// TestYAML checks that the resources section and the kind read from YAML.
func TestYAML(t *testing.T) {
	var cfg struct {
		Scheduler Kind      `yaml:"scheduler"`
		Resources Resources `yaml:"resources"`
	}
	doc := `
scheduler: pjm
resources:
  rscgrp: small
  elapse: "04:00:00"
  nodes: 1
  account: hp240000
  memory: 28GiB
  tasks_per_node: 2
  resource_type: ""
  directives: ["-x PJM_LLIO_GFSCACHE=/vol0004"]
  setup: ["export TMPDIR=/local"]
`
	if err := yaml.Unmarshal([]byte(doc), &cfg); err != nil {
		t.Fatal(err)
	}
	want := Resources{RscGrp: "small", Elapse: "04:00:00", Nodes: 1, Account: "hp240000", Memory: "28GiB", TasksPerNode: 2,
		Directives: []string{"-x PJM_LLIO_GFSCACHE=/vol0004"}, Setup: []string{"export TMPDIR=/local"}}
	if cfg.Scheduler != PJM || !equalResources(cfg.Resources, want) {
		t.Errorf("got %v %+v, want pjm %+v", cfg.Scheduler, cfg.Resources, want)
	}
	if err := yaml.Unmarshal([]byte("scheduler: lsf\n"), &cfg); err == nil || !strings.Contains(err.Error(), `unknown scheduler "lsf"`) {
		t.Errorf("scheduler: lsf gave %v", err)
	}
	out, err := yaml.Marshal(map[string]Kind{"scheduler": PBS})
	if err != nil || string(out) != "scheduler: pbs\n" {
		t.Errorf("Marshal = %q, %v", out, err)
	}
}

func equalResources(a, b Resources) bool {
	return strings.Join(a.Directives, "\n") == strings.Join(b.Directives, "\n") &&
		strings.Join(a.Setup, "\n") == strings.Join(b.Setup, "\n") &&
		a.Partition == b.Partition && a.Queue == b.Queue && a.RscGrp == b.RscGrp && a.ResourceType == b.ResourceType &&
		a.Account == b.Account && a.Time == b.Time && a.Elapse == b.Elapse && a.Nodes == b.Nodes &&
		a.CPUs == b.CPUs && a.Memory == b.Memory && a.TasksPerNode == b.TasksPerNode
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		r    Resources
		err  string // "" for valid
	}{
		{"empty", Slurm, Resources{}, ""},
		{"time", PBS, Resources{Time: "120:00:00"}, ""},
		{"time format", Slurm, Resources{Time: "90:00"}, `resources.time: "90:00": want HH:MM:SS`},
		{"time minutes", Slurm, Resources{Time: "1:60:00"}, "resources.time: \"1:60:00\": minutes and seconds"},
		{"time zero", Slurm, Resources{Time: "0:00:00"}, "zero"},
		{"time sign", Slurm, Resources{Time: "+1:00:00"}, "want HH:MM:SS"},
		{"elapse", PJM, Resources{Elapse: "1:2:3"}, "resources.elapse"},
		{"elapse ignored", Slurm, Resources{Elapse: "01:00:00"}, ""},
		{"memory", Slurm, Resources{Memory: "28 GiB"}, ""},
		{"memory unit", Slurm, Resources{Memory: "28GiX"}, `resources.memory: "28GiX": unknown unit`},
		{"memory number", PBS, Resources{Memory: "lots"}, "resources.memory"},
		{"memory small", PBS, Resources{Memory: "100KiB"}, "less than 1MiB"},
		{"queue names agree", PBS, Resources{Queue: "rt_HC", ResourceType: "rt_HC"}, ""},
		{"queue names disagree", PBS, Resources{Queue: "rt_HF", ResourceType: "rt_HC"}, `resources.queue "rt_HF" and resources.resource_type "rt_HC" disagree`},
		{"queue space", Slurm, Resources{Partition: "a b"}, "resources.partition"},
		{"account quote", PJM, Resources{Account: `a"b`}, "resources.account"},
		{"negative nodes", Slurm, Resources{Nodes: -1}, "resources.nodes -1: negative"},
		{"negative cpus", PBS, Resources{CPUs: -2}, "resources.cpus -2"},
		{"pjm nodes", PJM, Resources{Nodes: 2}, "resources.nodes 2: a PJM task is one process"},
		{"pjm cpus", PJM, Resources{CPUs: 48}, "resources.cpus 48: PJM gives each task whole nodes"},
		{"tasks_per_node slurm", Slurm, Resources{TasksPerNode: 2}, "resources.tasks_per_node applies to PJM only"},
		{"directive newline", Slurm, Resources{Directives: []string{"--a\n--b"}}, "resources.directives[0]"},
		{"directive empty", PBS, Resources{Directives: []string{" "}}, "resources.directives[0]: empty"},
		{"several", Slurm, Resources{Time: "x", Memory: "y"}, "resources.memory"},
		{"unknown kind", Kind(0), Resources{}, "unknown scheduler kind"},
	}
	for _, tc := range tests {
		err := tc.r.Validate(tc.kind)
		if tc.err == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
		}
	}
	// Every problem is reported, not only the first.
	err := Resources{Time: "x", Memory: "y"}.Validate(Slurm)
	if err == nil || !strings.Contains(err.Error(), "resources.time") || !strings.Contains(err.Error(), "resources.memory") {
		t.Errorf("two problems gave %v", err)
	}
}

func TestMemory(t *testing.T) {
	tests := []struct {
		in                 string
		slurm, pbs, pjmMem string
	}{
		{"28GiB", "28G", "28gb", "28Gi"},
		{"28G", "28G", "28gb", "28Gi"},
		{"1500MiB", "1500M", "1500mb", "1500Mi"},
		{"1.5GiB", "1536M", "1536mb", "1536Mi"},
		{"2GB", "1908M", "1908mb", "1908Mi"}, // 2e9 bytes, rounded up to MiB
		{"1TiB", "1024G", "1024gb", "1024Gi"},
		{"1048576", "1M", "1mb", "1Mi"},
	}
	for _, tc := range tests {
		n, err := parseSize(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		for _, c := range []struct {
			k    Kind
			want string
		}{{Slurm, tc.slurm}, {PBS, tc.pbs}, {PJM, tc.pjmMem}} {
			if got := memory(c.k, n); got != c.want {
				t.Errorf("%s for %s: %s, want %s", tc.in, c.k, got, c.want)
			}
		}
	}
}

func TestScriptsErrors(t *testing.T) {
	good := clusterOptions(Slurm)
	tests := []struct {
		name   string
		change func(*Options)
		phases []Phase
		err    string
	}{
		{"kind", func(o *Options) { o.Kind = 0 }, plan(), "unknown scheduler kind 0"},
		{"no command", func(o *Options) { o.Command = nil }, plan(), "no command"},
		{"phase in command", func(o *Options) { o.Command = append(o.Command, "--phase=x") }, plan(), "already has --phase=x"},
		{"relative dir", func(o *Options) { o.Dir = "corpus" }, plan(), `directory "corpus"`},
		{"log dir space", func(o *Options) { o.LogDir = "/a b" }, plan(), `log directory "/a b"`},
		{"log dir percent", func(o *Options) { o.LogDir = "/a%b" }, plan(), "log directory"},
		{"job name", func(o *Options) { o.JobName = "-x" }, plan(), `job name "-x"`},
		{"resources", func(o *Options) { o.Resources.Time = "soon" }, plan(), "resources.time"},
		{"no phases", func(o *Options) {}, nil, "no phases"},
		{"phase name", func(o *Options) {}, []Phase{{"a b", 1}}, `phase 1 name "a b"`},
		{"phase name long", func(o *Options) {}, []Phase{{strings.Repeat("a", 60), 1}}, "at most 63 bytes"},
		{"phase twice", func(o *Options) {}, []Phase{{"a", 1}, {"a", 2}}, `phase "a" appears twice`},
		{"no tasks", func(o *Options) {}, []Phase{{"a", 0}}, "phase a: 0 tasks"},
	}
	for _, tc := range tests {
		o := good
		o.Command = append([]string{}, good.Command...)
		tc.change(&o)
		_, err := Scripts(o, tc.phases)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
		}
	}
	// Defaults: job name jacorpus, logs under Dir.
	o := good
	o.JobName, o.LogDir = "", ""
	scripts, err := Scripts(o, []Phase{{"prepare", 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"--job-name=jacorpus-prepare\n", "--output=/home/user/corpus/logs/01-prepare.%j.out\n"} {
		if !strings.Contains(scripts[0].Text, s) {
			t.Errorf("defaults: lacks %q:\n%s", s, scripts[0].Text)
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	opts := clusterOptions(PBS)
	opts.Dir = dir
	opts.LogDir = filepath.Join(dir, "logs")
	scripts, err := Scripts(opts, plan())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "scripts")
	if err := Write(out, opts, scripts); err != nil {
		t.Fatal(err)
	}
	for _, s := range append(scripts, Script{File: DriverFile, Text: Driver(opts, scripts)}) {
		b, err := os.ReadFile(filepath.Join(out, s.File))
		if err != nil || string(b) != s.Text {
			t.Errorf("%s: %v, content equal %v", s.File, err, string(b) == s.Text)
		}
		if fi, err := os.Stat(filepath.Join(out, s.File)); err != nil || fi.Mode().Perm()&0o100 == 0 {
			t.Errorf("%s is not executable: %v", s.File, err)
		}
	}
	if fi, err := os.Stat(opts.LogDir); err != nil || !fi.IsDir() {
		t.Errorf("log directory not created: %v", err)
	}
}
