package phases

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jacorpus/jacorpus/dedup/lines"
	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
)

// InputSample is what reading the start of some files of one input found:
// the figures Estimate scales to the input's stored size.
type InputSample struct {
	// Files is the number of files read; Whole tells whether each was
	// read to its end.
	Files int  `json:"files"`
	Whole bool `json:"whole"`
	// Stored is the bytes read as stored (compressed), Text the text bytes
	// of the documents read and HTML the payload bytes of the web pages
	// among them (whose text extract finds later).
	Stored int64 `json:"stored_bytes"`
	Text   int64 `json:"text_bytes"`
	HTML   int64 `json:"html_bytes"`
	Docs   int64 `json:"docs"`
	// LineKeys counts the lines dedup.lines would count in those texts
	// (before normalization).
	LineKeys int64 `json:"line_keys"`
}

// Sample is the input sample of a job, by input (the config's inputs).
type Sample struct {
	Inputs []InputSample `json:"inputs"`
}

// SampleOptions bound what SampleInputs reads.
type SampleOptions struct {
	// FilesPerInput is how many files of each input are read (spread
	// over the input's files; 0: 3).
	FilesPerInput int
	// TextPerFile stops reading a file after this many bytes of text or
	// HTML (0: 8 MiB).
	TextPerFile int64
}

// SampleInputs reads the first documents of a few files of every input of
// cfg (files as job.JobFiles lists them) through the job's readers, as
// the tasks will: the ratio of text to stored bytes (compression, markup,
// other fields) and the document size come from what was read, not from
// file extensions. It costs about FilesPerInput × TextPerFile of reading
// per input.
func SampleInputs(ctx context.Context, cfg job.Config, files []ingest.File, o SampleOptions) (Sample, error) {
	if o.FilesPerInput <= 0 {
		o.FilesPerInput = 3
	}
	if o.TextPerFile <= 0 {
		o.TextPerFile = 8 << 20
	}
	byInput := make([][]ingest.File, len(cfg.Inputs))
	for _, f := range files {
		if f.Input >= 0 && f.Input < len(byInput) {
			byInput[f.Input] = append(byInput[f.Input], f)
		}
	}
	keys := lines.NewDocKeys(cfg.Dedup.Lines.Options())
	s := Sample{Inputs: make([]InputSample, len(cfg.Inputs))}
	for i, fs := range byInput {
		in := &s.Inputs[i]
		in.Whole = true
		for _, f := range spread(fs, o.FilesPerInput) {
			if err := sampleFile(ctx, cfg, f, o.TextPerFile, keys, in); err != nil {
				return s, fmt.Errorf("sampling %s: %w", f.Name, err)
			}
		}
	}
	return s, nil
}

// spread picks k of fs evenly spaced, the first and the last included.
func spread(fs []ingest.File, k int) []ingest.File {
	if len(fs) <= k {
		return fs
	}
	out := make([]ingest.File, 0, k)
	for j := range k {
		out = append(out, fs[j*(len(fs)-1)/max(k-1, 1)])
	}
	return out
}

// sampleFile reads file f up to limit bytes of text into in.
func sampleFile(ctx context.Context, cfg job.Config, f ingest.File, limit int64, keys *lines.DocKeys, in *InputSample) error {
	src := ingest.NewSource([]ingest.File{f}, cfg.Inputs)
	src.MaxLineBytes, src.MaxDocBytes = int(cfg.MaxRecordBytes), int(cfg.MaxRecordBytes)
	defer src.Close()
	var text int64
	whole := false
	for text < limit {
		d, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			whole = true
			break
		}
		var p *pipeline.Problem
		if errors.As(err, &p) {
			continue
		}
		if err != nil {
			return err
		}
		in.Docs++
		n := int64(len(d.Text))
		if pg, ok := d.Scratch.Get(pipeline.HTMLPayload{}).(*pipeline.Page); ok && n == 0 {
			in.HTML += int64(len(pg.Body))
			n = int64(len(pg.Body))
		} else {
			in.Text += n
			keys.Each(d.Text, func(uint64) { in.LineKeys++ })
		}
		text += n
	}
	in.Files++
	if whole {
		in.Stored += f.Size
	} else {
		in.Whole = false
		in.Stored += min(src.BytesRead(), f.Size)
	}
	return nil
}
