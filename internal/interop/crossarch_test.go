package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestCrossArch builds jacorpus for linux/amd64 and linux/arm64 as `make
// release` does (static, CGO_ENABLED=0), runs both on the sample job — the
// foreign one under qemu-user: on an amd64 host the arm64 binary, as
// Fugaku's A64FX nodes would run it — and checks that they write the same
// dataset: the same files, every shard byte for byte, and manifest.json byte
// for byte outside its run section (timings, host, output directory).
func TestCrossArch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries and runs the sample job under qemu-user")
	}
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skipf("needs a linux/amd64 or linux/arm64 host, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	foreign := map[string]string{"amd64": "arm64", "arm64": "amd64"}[runtime.GOARCH]
	qemu := findQemu(t, foreign)
	goBin, err := exec.LookPath("go") // go test puts its own GOROOT/bin first on PATH
	if err != nil {
		t.Fatalf("go toolchain not on PATH: %v", err)
	}
	root, err := filepath.Abs("../..") // configs/default.yaml's paths are relative to it
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()

	outs := map[string]string{}
	for _, arch := range []string{"amd64", "arm64"} {
		bin := filepath.Join(tmp, "jacorpus-linux-"+arch)
		start := time.Now()
		build := exec.Command(goBin, "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./cmd/jacorpus")
		build.Dir = root
		build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build for linux/%s: %v\n%s", arch, err, out)
		}
		built := time.Since(start)

		out := filepath.Join(tmp, "out-"+arch)
		argv := []string{bin, "run", "-c", "configs/default.yaml", "--output", out, "--workers", "2", "-q"}
		how := "native"
		if arch == foreign {
			argv = append([]string{qemu}, argv...)
			how = filepath.Base(qemu)
		}
		start = time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a hang check
		run := exec.CommandContext(ctx, argv[0], argv[1:]...)
		run.Dir = root
		var stderr bytes.Buffer
		run.Stderr = &stderr
		err := run.Run()
		cancel()
		if err != nil {
			t.Fatalf("linux/%s binary (%s) on configs/default.yaml: %v\n%s", arch, how, err, stderr.Bytes())
		}
		t.Logf("linux/%s: build %.1fs, run (%s) %.1fs", arch, built.Seconds(), how, time.Since(start).Seconds())
		outs[arch] = out
	}
	compareDatasets(t, outs["amd64"], outs["arm64"])
}

// findQemu returns the qemu-user emulator for linux/arch binaries; without
// one the test fails under CI=true (scripts/test-deps.sh installs it) and is
// skipped otherwise.
func findQemu(t *testing.T, arch string) string {
	t.Helper()
	name := "qemu-" + map[string]string{"arm64": "aarch64", "amd64": "x86_64"}[arch]
	for _, n := range []string{name + "-static", name} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	why := fmt.Sprintf("%s-static is not on PATH (Debian qemu-user-static; scripts/test-deps.sh installs it)", name)
	if os.Getenv("CI") == "true" {
		t.Fatalf("cross-architecture check: %s", why)
	}
	t.Skipf("cross-architecture check skipped: %s", why)
	return ""
}

// compareDatasets checks that directories a (amd64) and b (arm64) hold the
// same files with the same bytes, manifest.json apart from its run section.
func compareDatasets(t *testing.T, a, b string) {
	t.Helper()
	names := func(dir string) []string {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, e := range ents {
			n = append(n, e.Name())
		}
		return n
	}
	na, nb := names(a), names(b)
	if strings.Join(na, " ") != strings.Join(nb, " ") {
		t.Fatalf("different files:\namd64: %v\narm64: %v", na, nb)
	}
	shards := 0
	for _, n := range na {
		da, err := os.ReadFile(filepath.Join(a, n))
		if err != nil {
			t.Fatal(err)
		}
		db, err := os.ReadFile(filepath.Join(b, n))
		if err != nil {
			t.Fatal(err)
		}
		if n == "manifest.json" {
			compareManifests(t, da, db)
			continue
		}
		shards++
		if !bytes.Equal(da, db) {
			t.Errorf("%s differs: amd64 %d bytes, arm64 %d bytes, first difference at byte %d", n, len(da), len(db), firstDiff(da, db))
		}
	}
	if shards < 2 {
		t.Errorf("the sample job wrote %d shard files besides manifest.json; want several", shards)
	}
}

// compareManifests compares the top-level members of two manifests in order,
// each value as its raw bytes, skipping "run".
func compareManifests(t *testing.T, a, b []byte) {
	t.Helper()
	ma, mb := members(t, a), members(t, b)
	var ka, kb []string
	for _, m := range ma {
		ka = append(ka, m.key)
	}
	for _, m := range mb {
		kb = append(kb, m.key)
	}
	if strings.Join(ka, " ") != strings.Join(kb, " ") {
		t.Fatalf("manifest.json members differ:\namd64: %v\narm64: %v", ka, kb)
	}
	compared := 0
	for i, m := range ma {
		if m.key == "run" {
			continue
		}
		compared++
		if va, vb := m.raw, mb[i].raw; !bytes.Equal(va, vb) {
			at := firstDiff(va, vb)
			t.Errorf("manifest.json %q differs at byte %d of the value:\namd64: …%s…\narm64: …%s…",
				m.key, at, around(va, at), around(vb, at))
		}
	}
	if compared == len(ma) || compared == 0 {
		t.Errorf("manifest.json members %v: want a run section and others", ka)
	}
}

type member struct {
	key string
	raw json.RawMessage
}

// members returns the top-level members of a JSON object in file order, the
// values as written.
func members(t *testing.T, data []byte) []member {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("manifest.json: not a JSON object (%v, %v)", tok, err)
	}
	var ms []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("manifest.json: %v", err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatalf("manifest.json member %v: %v", tok, err)
		}
		ms = append(ms, member{tok.(string), raw})
	}
	return ms
}

func firstDiff(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// around returns up to 80 bytes of b on each side of i.
func around(b []byte, i int) []byte {
	return b[max(0, i-80):min(len(b), i+80)]
}
