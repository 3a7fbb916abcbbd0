package ingest

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jacorpus/jacorpus/internal/testcorpus"
	"github.com/jacorpus/jacorpus/pipeline"
)

// TestStopDuringEndlessLine: /dev/zero read as JSON Lines is one endless
// line; a stop request ends the Next call reading it, with the context's
// error rather than a problem of the file.
func TestStopDuringEndlessLine(t *testing.T) {
	_, err := os.Stat("/dev/zero")
	testcorpus.Need(t, err == nil, "/dev/zero")
	for _, format := range []string{FormatJSONL, FormatText} {
		t.Run(format, func(t *testing.T) {
			inputs := []Input{{Path: "/dev/zero", Format: format}}
			files := []File{{Path: "/dev/zero", Name: "zero", Source: "zero"}}
			src := NewSource(files, inputs)
			src.MaxLineBytes, src.MaxDocBytes = 1<<20, 1<<20
			defer src.Close()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				for {
					_, err := src.Next(ctx)
					var p *pipeline.Problem
					switch {
					case err == nil:
						done <- errors.New("a document from /dev/zero")
						return
					case errors.As(err, &p):
						// a line_too_long problem: keep reading, as a run does
					default:
						done <- err
						return
					}
				}
			}()
			time.Sleep(50 * time.Millisecond)
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Next = %v, want context.Canceled", err)
				}
			case <-time.After(10 * time.Second): // hang check
				t.Fatal("Next kept reading /dev/zero after the stop request")
			}
		})
	}
}
