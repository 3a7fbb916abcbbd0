package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand: jacorpus run --report commits report.html with the
// dataset; verify accepts it; jacorpus report rewrites it byte for byte
// from the manifest; --format md prints Markdown; --overwrite replaces a
// dataset with its report and a leftover temporary report file.
func TestReportCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	argv := []string{"run", "-c", "configs/default.yaml", "--output", out, "-q", "--report"}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root) // the config's paths are relative to the repository
	var stdout, stderr bytes.Buffer
	if code := realMain(argv, &stdout, &stderr); code != 0 {
		t.Fatalf("run --report: exit %d\n%s", code, stderr.String())
	}
	page := filepath.Join(out, "report.html")
	first, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("run --report wrote no report.html: %v", err)
	}
	stdout.Reset()
	if code := realMain([]string{"verify", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("verify with report.html: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if err := os.Remove(page); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := realMain([]string{"report", out}, &stdout, &stderr); code != 0 || strings.TrimSpace(stdout.String()) != page {
		t.Fatalf("report: exit %d, stdout %q\n%s", code, stdout.String(), stderr.String())
	}
	again, err := os.ReadFile(page)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("jacorpus report wrote another page than run --report (%v)", err)
	}
	stdout.Reset()
	if code := realMain([]string{"report", "--format", "md", out}, &stdout, &stderr); code != 0 ||
		!strings.HasPrefix(stdout.String(), "# jacorpus dataset report") || !strings.Contains(stdout.String(), "## Sources") {
		t.Fatalf("report --format md: exit %d\n%.500s\n%s", code, stdout.String(), stderr.String())
	}
	if code := realMain([]string{"report", "--format", "pdf", out}, &stdout, &stderr); code != 2 {
		t.Errorf("report --format pdf: exit %d, want 2", code)
	}
	// a killed `jacorpus report` leaves its temporary file: still the dataset's
	if err := os.WriteFile(filepath.Join(out, ".report.html.tmp"), []byte("<html"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr.Reset()
	if code := realMain(append(argv, "--overwrite"), &stdout, &stderr); code != 0 {
		t.Fatalf("run --report --overwrite over a dataset with its report: exit %d\n%s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, ".report.html.tmp")); !os.IsNotExist(err) {
		t.Errorf("the leftover temporary report survived the overwrite: %v", err)
	}
	if _, err := os.Stat(page); err != nil {
		t.Errorf("no report.html after the overwrite: %v", err)
	}
}
