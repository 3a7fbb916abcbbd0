package commit

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// manifestOwned is an Owned func like the shard writer's: the files listed
// one per line in "index", plus the index itself.
func manifestOwned(dir string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "index"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return append(strings.Fields(string(b)), "index"), nil
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// tree returns name=content of every file under dir, and "name/" for directories.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out = append(out, rel+"/")
			return nil
		}
		b, err := os.ReadFile(p)
		out = append(out, rel+"="+string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// beside lists the jacorpus entries next to final other than the lock file.
func beside(t *testing.T, final string) []string {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Dir(final))
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".jacorpus") && !strings.HasSuffix(e.Name(), lockSuffix) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestCommit(t *testing.T) {
	prev := map[string]string{"index": "a.parquet b.parquet", "a.parquet": "old a", "b.parquet": "old b"}
	cases := []struct {
		name      string
		before    map[string]string // nil: final does not exist
		overwrite bool
		wantErr   string // from Prepare
	}{
		{name: "missing"},
		{name: "empty", before: map[string]string{}},
		{name: "previous output, no overwrite", before: prev, wantErr: "not empty; use --overwrite"},
		{name: "previous output, overwrite", before: prev, overwrite: true},
		{name: "foreign file", before: map[string]string{"index": "a.parquet", "a.parquet": "x", "part-00000-3f2a-c000.snappy.parquet": "spark"},
			overwrite: true, wantErr: `"part-00000-3f2a-c000.snappy.parquet", which no previous jacorpus run listed`},
		{name: "foreign directory", before: map[string]string{"task-00000/index": ""}, overwrite: true, wantErr: `"task-00000"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			final := filepath.Join(t.TempDir(), "out")
			if c.before != nil {
				os.Mkdir(final, 0o750)
				write(t, final, c.before)
			}
			old := []string(nil)
			if c.before != nil {
				old = tree(t, final)
			}
			d, err := Prepare(final, Options{Overwrite: c.overwrite, Owned: manifestOwned, Index: "index"})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), final) {
					t.Fatalf("Prepare: %v, want an error naming %s and containing %q", err, final, c.wantErr)
				}
				if got := tree(t, final); !slices.Equal(got, old) {
					t.Errorf("refused, yet final changed: %v -> %v", old, got)
				}
				if b := beside(t, final); len(b) != 0 {
					t.Errorf("left %v", b)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			write(t, d.Staging, map[string]string{"index": "a.parquet", "a.parquet": "new a"})
			if c.before != nil {
				if got := tree(t, final); !slices.Equal(got, old) {
					t.Errorf("final changed before commit: %v", got)
				}
			}
			if err := d.Commit(); err != nil {
				t.Fatal(err)
			}
			if got, want := tree(t, final), []string{"a.parquet=new a", "index=a.parquet"}; !slices.Equal(got, want) {
				t.Errorf("after commit %v, want %v", got, want)
			}
			if b := beside(t, final); len(b) != 0 {
				t.Errorf("left beside final: %v", b)
			}
			if c.before != nil {
				if info, _ := os.Stat(final); info.Mode().Perm() != 0o750 {
					t.Errorf("mode %v, want the previous directory's 0750", info.Mode().Perm())
				}
			}
			if err := d.Abort(); err != nil {
				t.Errorf("Abort after Commit: %v", err)
			}
		})
	}
}

func TestAbortKeepsPrevious(t *testing.T) {
	final := filepath.Join(t.TempDir(), "out")
	os.Mkdir(final, 0o755)
	write(t, final, map[string]string{"index": "a.parquet", "a.parquet": "old"})
	d, err := Prepare(final, Options{Overwrite: true, Owned: manifestOwned})
	if err != nil {
		t.Fatal(err)
	}
	write(t, d.Staging, map[string]string{"a.parquet": "half"})
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	if got, want := tree(t, final), []string{"a.parquet=old", "index=a.parquet"}; !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
	if b := beside(t, final); len(b) != 0 {
		t.Errorf("left %v", b)
	}
}

// TestKilledRunCleanedUp simulates kill -9: the staging directory stays and
// the lock is released by the process ending; the next Prepare removes it.
func TestKilledRunCleanedUp(t *testing.T) {
	final := filepath.Join(t.TempDir(), "out")
	d, err := Prepare(final, Options{})
	if err != nil {
		t.Fatal(err)
	}
	write(t, d.Staging, map[string]string{"a.parquet": "half", ".a.parquet.tmp": "x"})
	d.lock.Close() // what the kernel does when the process dies
	d.lock = nil
	d2, err := Prepare(final, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Abort()
	if b := beside(t, final); len(b) != 1 || filepath.Join(filepath.Dir(final), b[0]) != d2.Staging {
		t.Errorf("beside final: %v, want only the new staging dir", b)
	}
	if _, err := os.Stat(final); !os.IsNotExist(err) {
		t.Errorf("final exists: %v", err)
	}
}

func TestLocked(t *testing.T) {
	final := filepath.Join(t.TempDir(), "out")
	d, err := Prepare(final, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(final, Options{}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Prepare: %v, want ErrLocked", err)
	}
	if len(beside(t, final)) != 1 {
		t.Errorf("the refused run touched the first one's staging dir: %v", beside(t, final))
	}
	d.Abort()
	d2, err := Prepare(final, Options{})
	if err != nil {
		t.Fatalf("after the first run ended: %v", err)
	}
	d2.Abort()
}

// TestInterruptedTwoStep: a run died between renaming the previous output
// aside and renaming the new one in; the next Prepare puts the old one back.
func TestInterruptedTwoStep(t *testing.T) {
	parent := t.TempDir()
	final := filepath.Join(parent, "out")
	old := filepath.Join(parent, ".out"+oldInfix+"123")
	os.Mkdir(old, 0o755)
	write(t, old, map[string]string{"index": "a.parquet", "a.parquet": "old"})
	d, err := Prepare(final, Options{Overwrite: true, Owned: manifestOwned})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if got, want := tree(t, final), []string{"a.parquet=old", "index=a.parquet"}; !slices.Equal(got, want) {
		t.Errorf("restored %v, want %v", got, want)
	}
}

func TestTwoStepCommit(t *testing.T) {
	final := filepath.Join(t.TempDir(), "out")
	os.Mkdir(final, 0o755)
	write(t, final, map[string]string{"index": "a.parquet", "a.parquet": "old"})
	d, err := Prepare(final, Options{Overwrite: true, Owned: manifestOwned})
	if err != nil {
		t.Fatal(err)
	}
	write(t, d.Staging, map[string]string{"index": "b.parquet", "b.parquet": "new"})
	if err := d.twoStep(); err != nil {
		t.Fatal(err)
	}
	d.finish()
	if err := d.removePrevious(d.Staging); err != nil {
		t.Fatal(err)
	}
	if got, want := tree(t, final), []string{"b.parquet=new", "index=b.parquet"}; !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
	if b := beside(t, final); len(b) != 0 {
		t.Errorf("left %v", b)
	}
}

func TestSymlinkedFinal(t *testing.T) {
	parent := t.TempDir()
	real := filepath.Join(parent, "big", "out")
	os.MkdirAll(real, 0o755)
	write(t, real, map[string]string{"index": "a.parquet", "a.parquet": "old"})
	link := filepath.Join(parent, "out")
	os.Symlink(real, link)
	d, err := Prepare(link, Options{Overwrite: true, Owned: manifestOwned})
	if err != nil {
		t.Fatal(err)
	}
	write(t, d.Staging, map[string]string{"index": "", "n": "new"})
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", info, err)
	}
	if got, want := tree(t, real), []string{"index=", "n=new"}; !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
}

func TestNotCreatable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	for _, final := range []string{file, filepath.Join(file, "out")} {
		_, err := Prepare(final, Options{What: "output"})
		if err == nil || !strings.Contains(err.Error(), "output directory "+final) {
			t.Errorf("%s: %v", final, err)
		}
	}
}

// TestNewDirectoryMode: a new output directory gets the usual 0777 less the
// umask, not the 0700 of a temporary directory.
func TestNewDirectoryMode(t *testing.T) {
	final := filepath.Join(t.TempDir(), "out")
	d, err := Prepare(final, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	probe := filepath.Join(filepath.Dir(final), "probe")
	os.Mkdir(probe, 0o777)
	want, _ := os.Stat(probe)
	if got, _ := os.Stat(final); got.Mode().Perm() != want.Mode().Perm() {
		t.Errorf("mode %v, want %v (0777 less the umask)", got.Mode().Perm(), want.Mode().Perm())
	}
}

// TestRefusesCurrentDirectory: replacing the current directory (or one
// containing it) would leave the user's shell in a deleted directory.
func TestRefusesCurrentDirectory(t *testing.T) {
	final := filepath.Join(t.TempDir(), "out")
	sub := filepath.Join(final, "sub")
	os.MkdirAll(sub, 0o755)
	write(t, final, map[string]string{"index": "sub"}) // replaceable: everything is owned
	for _, c := range []struct{ name, cwd, arg string }{
		{"in it", final, final}, {"in it, dot", final, "."}, {"below it", sub, final}, {"below it, dotdot", sub, ".."},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(c.cwd)
			d, err := Prepare(c.arg, Options{Overwrite: true, Owned: manifestOwned})
			if err == nil {
				d.Abort()
				t.Fatal("Prepare accepted the current directory")
			}
			if !strings.Contains(err.Error(), "is the current directory (or contains it)") || !strings.Contains(err.Error(), final) {
				t.Errorf("Prepare: %v", err)
			}
			if entries, _ := os.ReadDir(filepath.Dir(final)); len(entries) != 1 {
				t.Errorf("refused, yet created %v", entries)
			}
		})
	}
}

// TestCleanupUnderLock: the previous output is removed under the lock, and
// by then it has the name that tells the next Prepare it is one.
func TestCleanupUnderLock(t *testing.T) {
	for _, twoStep := range []bool{false, true} {
		t.Run(map[bool]string{false: "exchange", true: "two-step"}[twoStep], func(t *testing.T) {
			if twoStep {
				exchangeDirs = func(a, b string) error { return errNoExchange }
				t.Cleanup(func() { exchangeDirs = exchange })
			}
			final := filepath.Join(t.TempDir(), "out")
			os.Mkdir(final, 0o755)
			write(t, final, map[string]string{"index": "a.parquet", "a.parquet": "old"})
			var cleaned string
			var lockErr error
			owned := func(dir string) ([]string, error) {
				if dir != final && cleaned == "" { // Commit removing the previous output
					cleaned = dir
					d2, err := Prepare(final, Options{Overwrite: true, Owned: manifestOwned})
					if err == nil {
						d2.Abort()
					}
					lockErr = err
				}
				return manifestOwned(dir)
			}
			d, err := Prepare(final, Options{Overwrite: true, Owned: owned})
			if err != nil {
				t.Fatal(err)
			}
			write(t, d.Staging, map[string]string{"index": "b.parquet", "b.parquet": "new"})
			if err := d.Commit(); err != nil {
				t.Fatal(err)
			}
			if cleaned == "" {
				t.Fatal("Owned was not asked about the previous output")
			}
			if !strings.Contains(filepath.Base(cleaned), oldInfix) {
				t.Errorf("the previous output was cleaned up as %s, want a %q name", cleaned, oldInfix)
			}
			if !errors.Is(lockErr, ErrLocked) {
				t.Errorf("a run started during the cleanup got %v, want ErrLocked", lockErr)
			}
			if got, want := tree(t, final), []string{"b.parquet=new", "index=b.parquet"}; !slices.Equal(got, want) {
				t.Errorf("%v, want %v", got, want)
			}
			if b := beside(t, final); len(b) != 0 {
				t.Errorf("left %v", b)
			}
			if w := d.Warnings(); len(w) != 0 {
				t.Errorf("warnings: %q", w)
			}
		})
	}
}

// TestCleanupProblemsAreWarnings: once the new output is in place Commit
// succeeds; a previous output that cannot be removed is a warning, in this
// run and in the next ones, until it can be.
func TestCleanupProblemsAreWarnings(t *testing.T) {
	for _, twoStep := range []bool{false, true} {
		t.Run(map[bool]string{false: "exchange", true: "two-step"}[twoStep], func(t *testing.T) {
			if twoStep {
				exchangeDirs = func(a, b string) error { return errNoExchange }
				t.Cleanup(func() { exchangeDirs = exchange })
			}
			final := filepath.Join(t.TempDir(), "out")
			os.Mkdir(final, 0o755)
			write(t, final, map[string]string{"index": "a.parquet", "a.parquet": "old"})
			unreadable := func(dir string) ([]string, error) {
				if dir != final {
					return nil, errors.New("index unreadable")
				}
				return manifestOwned(dir)
			}
			d, err := Prepare(final, Options{Overwrite: true, Owned: unreadable})
			if err != nil {
				t.Fatal(err)
			}
			write(t, d.Staging, map[string]string{"index": "b.parquet", "b.parquet": "new"})
			if err := d.Commit(); err != nil {
				t.Fatalf("Commit: %v, want nil once the new output is in place", err)
			}
			if got, want := tree(t, final), []string{"b.parquet=new", "index=b.parquet"}; !slices.Equal(got, want) {
				t.Errorf("%v, want %v", got, want)
			}
			b := beside(t, final)
			if len(b) != 1 || !strings.Contains(b[0], oldInfix) {
				t.Fatalf("beside final: %v, want the previous output under a %q name", b, oldInfix)
			}
			left := filepath.Join(filepath.Dir(final), b[0])
			if w := d.Warnings(); len(w) != 1 || !strings.Contains(w[0], left) || !strings.Contains(w[0], "index unreadable") {
				t.Errorf("warnings %q, want one naming %s", w, left)
			}
			if got, want := tree(t, left), []string{"a.parquet=old", "index=a.parquet"}; !slices.Equal(got, want) {
				t.Errorf("the previous output: %v, want it untouched %v", got, want)
			}

			// The next run cannot remove it either: a warning, not an error.
			d2, err := Prepare(final, Options{Overwrite: true, Owned: unreadable})
			if err != nil {
				t.Fatalf("the next run failed over the leftover: %v", err)
			}
			if w := d2.Warnings(); len(w) != 1 || !strings.Contains(w[0], left) {
				t.Errorf("next run's warnings %q, want one naming %s", w, left)
			}
			d2.Abort()

			// Once it can, it does.
			d3, err := Prepare(final, Options{Overwrite: true, Owned: manifestOwned})
			if err != nil {
				t.Fatal(err)
			}
			d3.Abort()
			if b := beside(t, final); len(b) != 0 {
				t.Errorf("left %v", b)
			}
			if got, want := tree(t, final), []string{"b.parquet=new", "index=b.parquet"}; !slices.Equal(got, want) {
				t.Errorf("%v, want %v", got, want)
			}
		})
	}
}
