package rejects

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"
)

// Append adds the rejects another Writer wrote into dir (one part of a job
// written by several tasks, in input order) to w: its input problems and
// its dropped documents, under w's MaxBytes, and its counts. Appending the
// parts of a job in order gives the rejects one Writer would have written
// for the whole job, except that once MaxBytes is reached, which of a
// part's problems and dropped documents came first is not known (a part
// keeps them in two files), so the records kept at the cap can differ.
// What a part omitted stays omitted. Like every Writer method, a failure
// to write is recorded in the summary; the error returned is for a part
// that cannot be read.
func (w *Writer) Append(dir string) error {
	js, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	var s Summary
	if err := json.Unmarshal(js, &s); err != nil {
		return fmt.Errorf("rejects: %s: %w", filepath.Join(dir, IndexFile), err)
	}
	w.sum.Problems += s.Problems
	w.sum.Dropped += s.Dropped
	w.sum.Omitted += s.Omitted
	if !s.Complete {
		w.sum.Complete = false
	}
	if s.Error != "" && w.err == nil {
		w.setErr(fmt.Errorf("%s: %s", dir, s.Error))
	}
	if err := w.appendProblems(filepath.Join(dir, ProblemsFile)); err != nil {
		return err
	}
	return w.appendDropped(filepath.Join(dir, DroppedFile))
}

// appendProblems copies the lines of a part's ingest.jsonl.
func (w *Writer) appendProblems(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			if line[len(line)-1] != '\n' {
				return fmt.Errorf("rejects: %s: the last line is cut short", path)
			}
			if w.writing() {
				w.writeLine(line)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("rejects: %s: %w", path, err)
		}
	}
}

// appendDropped copies the rows of a part's dropped.parquet.
func (w *Writer) appendDropped(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("rejects: %w", err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return fmt.Errorf("rejects: %s: %w", path, err)
	}
	r := parquet.NewGenericReader[DroppedRecord](pf)
	defer r.Close()
	rows := make([]DroppedRecord, 256)
	for {
		n, err := r.Read(rows)
		for i := range rows[:n] {
			if w.writing() {
				w.writeDropped(&rows[i])
			}
			rows[i] = DroppedRecord{}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("rejects: %s: %w", path, err)
		}
	}
}
