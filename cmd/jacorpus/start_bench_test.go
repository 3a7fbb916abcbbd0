package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// BenchmarkProcessStart is what every task of an array job pays before its
// first document: starting a jacorpus process, loading the IPA dictionary
// and counting the morphemes of one line (jacorpus tokenize --count), in a
// child process each time. "version" is the start alone.
//
//	go test -run '^$' -bench ProcessStart ./cmd/jacorpus
func BenchmarkProcessStart(b *testing.B) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"version", []string{"version"}},
		{"tokenize-one-line", []string{"tokenize", "--count"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(os.Args[0], c.args...)
				cmd.Env = append(os.Environ(), "JACORPUS_AS_MAIN=1")
				cmd.Stdin = strings.NewReader("すもももももももものうち\n")
				out, err := cmd.Output()
				if err != nil {
					b.Fatal(err)
				}
				if c.name != "version" && string(out) != "7\n" {
					b.Fatalf("output %q", out)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/process")
		})
	}
}
