package phases

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/dedup/lines"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
)

// Work file kinds and names of the lines phases.
const (
	kindLineKeys = "line-keys"
	kindLinesSum = "lines-summary"
	kindLineSet  = "line-set"
	fileSummary  = "summary.wf"
	fileSet      = "set.wf"
)

func linePart(j int) string { return fmt.Sprintf("part-%05d.wf", j) }

// keysFile holds a checkpoint's (line key, text key) pairs, unrouted.
const keysFile = "keys.wf"

// textKey is the 64-bit key of a text: a line counts each text once.
func textKey(text string) uint64 {
	k := dedup.KeyOf(text)
	return binary.LittleEndian.Uint64(k[:8])
}

// lines: task i writes, per line-key range j, the (line key, text key)
// pairs of its documents, and a summary with its document count. With
// checkpoints, each writes its pairs unrouted (kindLineKeys, keysFile) with
// its document count, and the task routes them at the end.
func (t *task) lines(ctx context.Context) error {
	cfg := t.cfg
	cfg.Task = job.TaskConfig{Index: t.index, Count: t.count}
	m := t.cfg.Phases.Buckets
	cps, err := t.checkpoints()
	if err != nil {
		return err
	}
	// scan writes the pairs of the files r (the task's slice when zero)
	// through put and returns the document count.
	scan := func(r job.FileRange, put func(k, tk uint64)) (int64, error) {
		keys := lines.NewDocKeys(t.cfg.Dedup.Lines.Options())
		var docs int64
		_, err := job.Scan(ctx, cfg, job.ScanOptions{Logger: t.opts.Logger, Progress: t.opts.Progress, Files: t.files, Range: r, Until: job.ScanNormalized}, func(d *pipeline.Document) error {
			docs++
			tk := textKey(d.Text)
			keys.Each(d.Text, func(k uint64) { put(k, tk) })
			return nil
		})
		return docs, err
	}
	return t.output(func(dir string) error {
		var cpDirs []string
		if len(cps) > 1 {
			if cpDirs, err = t.runCheckpoints(ctx, cps, func(cdir string, r job.FileRange) error {
				w, err := t.create(cdir, keysFile, kindLineKeys)
				if err != nil {
					return err
				}
				docs, err := scan(r, func(k, tk uint64) { w.u64(k); w.u64(tk) })
				if err != nil {
					w.abort()
					return err
				}
				if err := w.commit(); err != nil {
					return err
				}
				return t.summary(cdir, docs)
			}); err != nil {
				return err
			}
		}
		parts := make([]*recWriter, m)
		defer func() {
			for _, p := range parts {
				if p != nil {
					p.abort()
				}
			}
		}()
		for j := range parts {
			if parts[j], err = t.create(dir, linePart(j), kindLineKeys); err != nil {
				return err
			}
		}
		put := func(k, tk uint64) {
			p := parts[part(k, m)]
			p.u64(k)
			p.u64(tk)
		}
		var docs int64
		if cpDirs == nil {
			if docs, err = scan(job.FileRange{}, put); err != nil {
				return err
			}
		}
		defer t.routing(len(cpDirs))()
		for _, cdir := range cpDirs {
			t.routed.Add(1)
			if err := t.eachIn(cdir, keysFile, kindLineKeys, 2, func(v []uint64) { put(v[0], v[1]) }); err != nil {
				return err
			}
			n, err := t.stampCountIn(cdir, fileSummary, kindLinesSum)
			if err != nil {
				return err
			}
			docs += n
		}
		for j, p := range parts {
			parts[j] = nil
			if err := p.commit(); err != nil {
				return err
			}
		}
		return t.summary(dir, docs)
	})
}

// summary writes the lines summary, whose stamp holds the document count.
func (t *task) summary(dir string, docs int64) error {
	w, err := t.createStamped(dir, fileSummary, kindLinesSum, docs)
	if err != nil {
		return err
	}
	return w.commit()
}

// linesets: task j counts, over every lines task's range j, the distinct
// texts per line key and selects the boilerplate keys against the job's
// document count.
func (t *task) linesets(ctx context.Context) error {
	n := t.cfg.Phases.Tasks
	var docs int64
	var pairs [][2]uint64
	for i := 0; i < n; i++ {
		c, err := t.stampCount(Lines, i, fileSummary, kindLinesSum)
		if err != nil {
			return err
		}
		docs += c
	}
	_, err := t.eachRecord(Lines, n, linePart(t.index), kindLineKeys, 2, func(_ int, v []uint64) {
		pairs = append(pairs, [2]uint64{v[0], v[1]})
	})
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	slices.SortFunc(pairs, func(a, b [2]uint64) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	var keys []uint64
	var counts []int64
	for i, p := range pairs {
		switch {
		case i > 0 && p == pairs[i-1]: // the same text again
		case i > 0 && p[0] == pairs[i-1][0]:
			counts[len(counts)-1]++
		default:
			keys, counts = append(keys, p[0]), append(counts, 1)
		}
	}
	set := t.cfg.Dedup.Lines.Options().SelectCounts(docs, keys, counts)
	t.log.Info("lines", "docs", docs, "distinct_lines", len(keys), "boilerplate", len(set))
	return t.output(func(dir string) error {
		w, err := t.create(dir, fileSet, kindLineSet)
		if err != nil {
			return err
		}
		for _, k := range set {
			w.u64(k)
		}
		return w.commit()
	})
}

// boilerplate reads the line sets of every linesets task; nil when the job
// has no boilerplate line removal.
func (t *task) boilerplate() (*lines.Set, error) {
	if !t.cfg.Dedup.Lines.Enabled {
		return nil, nil
	}
	var keys []uint64
	_, err := t.eachRecord(LineSets, t.cfg.Phases.Buckets, fileSet, kindLineSet, 1, func(_ int, v []uint64) {
		keys = append(keys, v[0])
	})
	if err != nil {
		return nil, err
	}
	return lines.NewSet(t.cfg.Dedup.Lines.Options(), keys), nil
}

func lineOptions(c job.LinesConfig) lines.Options { return c.Options() }
