package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/tokenize"
)

// TestTokenizeCommand: one output line per input line, the morphemes the
// tokenize package finds (what jacorpus run counts), the same with any
// worker count; --count prints the counts.
func TestTokenizeCommand(t *testing.T) {
	var in strings.Builder
	for _, d := range testcorpus.Fixture(t) {
		in.WriteString(d.Text)
		in.WriteString("\n")
	}
	in.WriteString("CRLF の行。\r\n\nlast line without a line feed")
	text := in.String()
	lines := strings.Split(text, "\n")
	tk, err := tokenize.New(tokenize.DictIPA)
	if err != nil {
		t.Fatal(err)
	}
	var wantW, wantC strings.Builder
	for _, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		wantW.WriteString(strings.Join(tk.Wakati(l), " ") + "\n")
		wantC.WriteString(strconv.Itoa(tk.Count(l)) + "\n")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, wantW.String()},
		{[]string{"--wakati", "--workers", "2"}, wantW.String()},
		{[]string{"--count", "--workers", "3"}, wantC.String()},
	} {
		var out, errOut bytes.Buffer
		code := cmdTokenize(context.Background(), c.args, strings.NewReader(text), &out, &errOut)
		if code != 0 || out.String() != c.want {
			t.Fatalf("%v: exit %d, stderr %q, %d output lines (want %d)", c.args, code, errOut.String(),
				strings.Count(out.String(), "\n"), strings.Count(c.want, "\n"))
		}
	}
	if !strings.Contains(wantW.String(), "CRLF の 行 。\n\nlast line without a line feed\n") {
		t.Errorf("wakati of the last lines: %q", wantW.String()[max(0, wantW.Len()-80):])
	}

	// files and "-"
	dir := t.TempDir()
	a := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(a, []byte("東京都に住む。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := cmdTokenize(context.Background(), []string{a, "-", a}, strings.NewReader("すもももももももものうち"), &out, &errOut); code != 0 ||
		out.String() != "東京 都 に 住む 。\nすもも も もも も もも の うち\n東京 都 に 住む 。\n" {
		t.Errorf("files: exit %d %q %q", code, out.String(), errOut.String())
	}
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--wakati", "--count"}, 2, "exclude each other"},
		{[]string{"--workers", "0"}, 2, "--workers 0"},
		{[]string{"-d", "nope"}, 1, `unknown dictionary "nope"`},
		{[]string{filepath.Join(dir, "missing.txt")}, 1, "missing.txt"},
	} {
		var out, errOut bytes.Buffer
		if code := cmdTokenize(context.Background(), c.args, strings.NewReader(""), &out, &errOut); code != c.code || !strings.Contains(errOut.String(), c.stderr) {
			t.Errorf("%v: exit %d %q", c.args, code, errOut.String())
		}
	}
}
