// Command jacorpus turns raw Japanese text into clean, deduplicated,
// tokenized, sharded Parquet datasets.
//
//	jacorpus run -c config.yaml [flags] [INPUT ...]
//	jacorpus filters [-c config.yaml] [show PRESET | measures | sql]
//	jacorpus tokenize [--wakati | --count] [FILE ...]
//	jacorpus submit -c config.yaml --scheduler slurm|pbs|pjm [--tasks N] [--submit]
//	jacorpus plan -c config.yaml [--tasks N] [--buckets M] [--json]
//	jacorpus status (-c config.yaml | --work-dir DIR) [--json]
//	jacorpus verify [--quick] DIR
//	jacorpus ls DIR
//	jacorpus stats [--json] DIR
//	jacorpus report [--format html|md] DIR
//	jacorpus inspect [-n N] FILE
//	jacorpus version
//
// It is a thin layer over package job; see README.md for the config file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  jacorpus run -c config.yaml [flags] [INPUT ...]   run a job (flags override the config)
  jacorpus filters [-c config.yaml] [show PRESET | measures | sql | apply]
                                                    the quality-filter presets and measures
  jacorpus tokenize [--wakati | --count] [FILE…]    morphemes of each line, like mecab -Owakati
  jacorpus submit -c config.yaml --scheduler slurm|pbs|pjm [--tasks N] [--submit]
                                                    batch scripts for every phase of the job (and submit them)
  jacorpus plan -c config.yaml [--tasks N] [--buckets M] [--json]
                                                    per phase: tasks, memory and time per task, bytes and files written
  jacorpus status (-c config.yaml | --work-dir DIR) which tasks of a phased job are done, running, failed or missing
  jacorpus verify [--quick] DIR                     check a dataset against its manifest (after a copy)
  jacorpus ls DIR                                   a dataset's shards, totals and balance (from the manifest)
  jacorpus stats [--json] DIR                       a dataset's totals, sources, shard balance and run funnel (from the manifest)
  jacorpus report [--format html|md] DIR            charts and tables of a dataset (DIR/report.html, or Markdown to stdout)
  jacorpus inspect [-n N] FILE                      the first documents of a shard
  jacorpus version                                  print the version
Run 'jacorpus run -h' for the run flags.
`

func realMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		ctx, stop := stopOnSignal(stderr)
		defer stop()
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "filters":
		ctx, stop := stopOnSignal(stderr)
		defer stop()
		return cmdFilters(ctx, args[1:], stdout, stderr)
	case "tokenize":
		ctx, stop := stopOnSignal(stderr)
		defer stop()
		return cmdTokenize(ctx, args[1:], os.Stdin, stdout, stderr)
	case "verify":
		return cmdVerify(args[1:], stdout, stderr)
	case "ls":
		return cmdLs(args[1:], stdout, stderr)
	case "status":
		return cmdStatus(args[1:], stdout, stderr)
	case "plan":
		ctx, stop := stopOnSignal(stderr)
		defer stop()
		return cmdPlan(ctx, args[1:], stdout, stderr)
	case "submit":
		ctx, stop := stopOnSignal(stderr)
		defer stop()
		return cmdSubmit(ctx, args[1:], stdout, stderr)
	case "stats":
		return cmdStats(args[1:], stdout, stderr)
	case "report":
		return cmdReport(args[1:], stdout, stderr)
	case "inspect":
		return cmdInspect(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionString())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "jacorpus: unknown command %q\n%s", args[0], usage)
	return 2
}

func versionString() string {
	v := "jacorpus " + jobVersion()
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		v += " " + bi.GoVersion
	}
	return v
}

// exitErr prints err and returns the exit code for it.
// usageErr is the exit status of a flag parse error: 0 for -h, else 2 (the
// flag package has printed the error and the usage).
func usageErr(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

func exitErr(stderr io.Writer, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "jacorpus: %v\n", err)
	return 1
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// Exit statuses of jacorpus run besides 0 (success), 1 (the run failed,
// nothing committed) and 2 (usage).
const (
	// exitRejectsIncomplete: the dataset was committed, but the rejects
	// directory is incomplete (its size cap was reached or writing it failed).
	exitRejectsIncomplete = 3
	exitSIGINT            = 128 + int(syscall.SIGINT)  // 130
	exitSIGTERM           = 128 + int(syscall.SIGTERM) // 143
)

// signalCause is the cancellation cause of a run stopped by a signal.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string {
	if c.sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// exitCode is 128 plus the signal number, as shells report it.
func (c signalCause) exitCode() int {
	if c.sig == syscall.SIGTERM {
		return exitSIGTERM
	}
	return exitSIGINT
}

// stopOnSignal returns a context cancelled (with a signalCause) by the first
// SIGINT or SIGTERM; a second one exits the process at once. A staging
// directory left by that is removed by the next run.
func stopOnSignal(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			fmt.Fprintf(stderr, "jacorpus: %v: stopping (again to exit at once)\n", signalCause{s})
			cancel(signalCause{s})
		case <-done:
			return
		}
		select {
		case s := <-sigs:
			fmt.Fprintf(stderr, "jacorpus: %v again: exiting now\n", signalCause{s})
			os.Exit(signalCause{s}.exitCode())
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}
