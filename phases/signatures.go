package phases

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
)

// Work file kinds and names of the signatures phase.
const (
	kindBandKeys   = "band-keys"  // (band key, doc key)
	kindExactKeys  = "exact-keys" // (exact key high, exact key low, doc key)
	kindSignatures = "signatures" // (doc key, K × uint16) in doc-key order
	fileSigs       = "signatures.wf"
	kindSigSummary = "signatures-summary" // empty; the stamp holds the document count
	kindTexts      = "texts"              // the texts of verify: exact, concatenated in doc-key order
	kindTextIndex  = "text-index"         // (doc key, offset, length) into texts, in doc-key order
	fileTexts      = "texts.wf"
	fileTextIndex  = "text-index.wf"
)

func bandsFile(j int) string { return fmt.Sprintf("bands-%05d.wf", j) }
func exactFile(j int) string { return fmt.Sprintf("exact-%05d.wf", j) }

// sigSink takes what the signatures phase records of each document.
type sigSink interface {
	band(key, doc uint64)
	exact(hi, lo, doc uint64)
	sig(doc uint64, compact []uint16)
	text(doc uint64, text string)
}

// sigFiles writes a sigSink's records into work files: routed by key range
// into the task's files (m ranges), or unrouted into a checkpoint's (m 1).
type sigFiles struct {
	m                   int
	bands, exacts       []*recWriter
	sigs, texts, textIx *recWriter
	textOff             uint64
	all                 []*recWriter
}

func (f *sigFiles) band(k, doc uint64) {
	w := f.bands[part(k, f.m)]
	w.u64(k)
	w.u64(doc)
}

func (f *sigFiles) exact(hi, lo, doc uint64) {
	w := f.exacts[part(hi, f.m)]
	w.u64(hi)
	w.u64(lo)
	w.u64(doc)
}

func (f *sigFiles) sig(doc uint64, compact []uint16) {
	f.sigs.u64(doc)
	for _, v := range compact {
		f.sigs.u16(v)
	}
}

func (f *sigFiles) text(doc uint64, text string) {
	f.texts.str(text)
	f.textIx.u64(doc)
	f.textIx.u64(f.textOff)
	f.textIx.u64(uint64(len(text)))
	f.textOff += uint64(len(text))
}

// newSigFiles creates the files in dir: per range j of m, bandsFile(j)
// and exactFile(j) as the job needs them, and the signatures and texts.
func (t *task) newSigFiles(dir string, m int) (*sigFiles, error) {
	f := &sigFiles{m: m, bands: make([]*recWriter, m), exacts: make([]*recWriter, m)}
	mk := func(name, kind string) (*recWriter, error) {
		w, err := t.create(dir, name, kind)
		if err == nil {
			f.all = append(f.all, w)
		}
		return w, err
	}
	var err error
	exact, near := t.cfg.Dedup.Exact, t.cfg.Dedup.Near.Enabled
	for j := 0; j < m; j++ {
		if near {
			if f.bands[j], err = mk(bandsFile(j), kindBandKeys); err != nil {
				return f, err
			}
		}
		if exact {
			if f.exacts[j], err = mk(exactFile(j), kindExactKeys); err != nil {
				return f, err
			}
		}
	}
	if near && t.cfg.Dedup.Near.Verify == dedup.VerifySignature {
		if f.sigs, err = mk(fileSigs, kindSignatures); err != nil {
			return f, err
		}
	}
	if near && t.cfg.Dedup.Near.Verify == dedup.VerifyExact {
		if f.texts, err = mk(fileTexts, kindTexts); err != nil {
			return f, err
		}
		if f.textIx, err = mk(fileTextIndex, kindTextIndex); err != nil {
			return f, err
		}
	}
	return f, nil
}

// abort discards the files not committed.
func (f *sigFiles) abort() {
	for _, w := range f.all {
		if w != nil {
			w.abort()
		}
	}
}

// commit commits every file.
func (f *sigFiles) commit() error {
	for i, w := range f.all {
		f.all[i] = nil
		if err := w.commit(); err != nil {
			return err
		}
	}
	return nil
}

// signatures: task i reads its input slice up to the dedup point and
// writes every document's keys by range, and its compact signature. With
// checkpoints, each writes its records unrouted (one range) and the task
// routes them at the end.
func (t *task) signatures(ctx context.Context) error {
	cfg := t.cfg
	cfg.Task = job.TaskConfig{Index: t.index, Count: t.count}
	set, err := t.boilerplate()
	if err != nil {
		return err
	}
	cps, err := t.checkpoints()
	if err != nil {
		return err
	}
	exact, near := t.cfg.Dedup.Exact, t.cfg.Dedup.Near.Enabled
	verify := near && t.cfg.Dedup.Near.Verify == dedup.VerifySignature
	keepTexts := near && t.cfg.Dedup.Near.Verify == dedup.VerifyExact
	// scan records the documents of the files r (the task's slice when
	// zero) into out and returns their count.
	scan := func(r job.FileRange, out sigSink) (int64, error) {
		var compact []uint16
		var docs int64
		_, err := job.Scan(ctx, cfg, job.ScanOptions{Logger: t.opts.Logger, Progress: t.opts.Progress, Files: t.files, Range: r, Until: job.ScanDedup, Boilerplate: set}, func(d *pipeline.Document) error {
			doc := uint64(d.Key)
			docs++
			if exact {
				k := dedup.KeyOf(d.Text)
				out.exact(binary.BigEndian.Uint64(k[:8]), binary.BigEndian.Uint64(k[8:]), doc)
			}
			if near {
				sig, keys, ok := dedup.SignatureOf(d)
				if !ok {
					return fmt.Errorf("%s: no signature", d.Pos)
				}
				for _, k := range keys {
					out.band(k, doc)
				}
				if keepTexts {
					out.text(doc, d.Text)
				}
				if verify {
					compact = dedup.Compact(sig, compact)
					out.sig(doc, compact)
				}
			}
			return nil
		})
		return docs, err
	}
	return t.output(func(dir string) error {
		var cpDirs []string
		if len(cps) > 1 {
			if cpDirs, err = t.runCheckpoints(ctx, cps, func(cdir string, r job.FileRange) error {
				f, err := t.newSigFiles(cdir, 1)
				defer f.abort()
				if err != nil {
					return err
				}
				docs, err := scan(r, f)
				if err != nil {
					return err
				}
				if err := f.commit(); err != nil {
					return err
				}
				sum, err := t.createStamped(cdir, fileSummary, kindSigSummary, docs)
				if err != nil {
					return err
				}
				return sum.commit()
			}); err != nil {
				return err
			}
		}
		out, err := t.newSigFiles(dir, t.cfg.Phases.Buckets)
		defer out.abort()
		if err != nil {
			return err
		}
		var docs int64
		if cpDirs == nil {
			if docs, err = scan(job.FileRange{}, out); err != nil {
				return err
			}
		}
		defer t.routing(len(cpDirs))()
		for _, cdir := range cpDirs {
			t.routed.Add(1)
			n, err := t.replaySigs(cdir, out)
			if err != nil {
				return err
			}
			docs += n
		}
		if err := out.commit(); err != nil {
			return err
		}
		sum, err := t.createStamped(dir, fileSummary, kindSigSummary, docs)
		if err != nil {
			return err
		}
		return sum.commit()
	})
}

// replaySigs feeds the records of the checkpoint in dir to out, in order,
// and returns its document count.
func (t *task) replaySigs(dir string, out sigSink) (int64, error) {
	near := t.cfg.Dedup.Near
	if t.cfg.Dedup.Exact {
		if err := t.eachIn(dir, exactFile(0), kindExactKeys, 3, func(v []uint64) { out.exact(v[0], v[1], v[2]) }); err != nil {
			return 0, err
		}
	}
	if near.Enabled {
		if err := t.eachIn(dir, bandsFile(0), kindBandKeys, 2, func(v []uint64) { out.band(v[0], v[1]) }); err != nil {
			return 0, err
		}
	}
	if near.Enabled && near.Verify == dedup.VerifySignature {
		r, _, err := t.openIn(dir, fileSigs, kindSignatures)
		if err != nil {
			return 0, err
		}
		compact := make([]uint16, near.Permutations)
		for {
			doc, ok := r.sigRec(compact)
			if !ok {
				break
			}
			out.sig(doc, compact)
		}
		if err := r.done(); err != nil {
			return 0, err
		}
	}
	if near.Enabled && near.Verify == dedup.VerifyExact {
		texts, _, err := t.openIn(dir, fileTexts, kindTexts)
		if err != nil {
			return 0, err
		}
		defer texts.r.Close()
		var off uint64
		if err := t.eachIn(dir, fileTextIndex, kindTextIndex, 3, func(v []uint64) {
			if v[1] != off || !texts.read(int(v[2])) {
				texts.err = fmt.Errorf("%s: the text index and the texts disagree at offset %d", filepath.Join(dir, fileTexts), off)
				return
			}
			off += v[2]
			out.text(v[0], string(texts.buf))
		}); err != nil {
			return 0, err
		}
		if err := texts.done(); err != nil {
			return 0, err
		}
	}
	return t.stampCountIn(dir, fileSummary, kindSigSummary)
}
