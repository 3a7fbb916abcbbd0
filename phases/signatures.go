package phases

import (
	"context"
	"encoding/binary"
	"fmt"

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

// signatures: task i reads its input slice up to the dedup point and
// writes every document's keys by range, and its compact signature.
func (t *task) signatures(ctx context.Context) error {
	cfg := t.cfg
	cfg.Task = job.TaskConfig{Index: t.index, Count: t.count}
	m := t.cfg.Phases.Buckets
	set, err := t.boilerplate()
	if err != nil {
		return err
	}
	exact, near := t.cfg.Dedup.Exact, t.cfg.Dedup.Near.Enabled
	verify := near && t.cfg.Dedup.Near.Verify == dedup.VerifySignature
	keepTexts := near && t.cfg.Dedup.Near.Verify == dedup.VerifyExact
	return t.output(func(dir string) error {
		var all []*recWriter
		defer func() {
			for _, w := range all {
				if w != nil {
					w.abort()
				}
			}
		}()
		mk := func(name, kind string) (*recWriter, error) {
			w, err := t.create(dir, name, kind)
			if err == nil {
				all = append(all, w)
			}
			return w, err
		}
		bands := make([]*recWriter, m)
		exacts := make([]*recWriter, m)
		for j := 0; j < m; j++ {
			if near {
				if bands[j], err = mk(bandsFile(j), kindBandKeys); err != nil {
					return err
				}
			}
			if exact {
				if exacts[j], err = mk(exactFile(j), kindExactKeys); err != nil {
					return err
				}
			}
		}
		var sigs, texts, textIdx *recWriter
		if verify {
			if sigs, err = mk(fileSigs, kindSignatures); err != nil {
				return err
			}
		}
		if keepTexts {
			if texts, err = mk(fileTexts, kindTexts); err != nil {
				return err
			}
			if textIdx, err = mk(fileTextIndex, kindTextIndex); err != nil {
				return err
			}
		}
		var textOff uint64
		var compact []uint16
		var docs int64
		_, err := job.Scan(ctx, cfg, job.ScanOptions{Logger: t.opts.Logger, Progress: t.opts.Progress, Files: t.files, Until: job.ScanDedup, Boilerplate: set}, func(d *pipeline.Document) error {
			doc := uint64(d.Key)
			docs++
			if exact {
				k := dedup.KeyOf(d.Text)
				hi, lo := binary.BigEndian.Uint64(k[:8]), binary.BigEndian.Uint64(k[8:])
				w := exacts[part(hi, m)]
				w.u64(hi)
				w.u64(lo)
				w.u64(doc)
			}
			if near {
				sig, keys, ok := dedup.SignatureOf(d)
				if !ok {
					return fmt.Errorf("%s: no signature", d.Pos)
				}
				for _, k := range keys {
					w := bands[part(k, m)]
					w.u64(k)
					w.u64(doc)
				}
				if keepTexts {
					texts.str(d.Text)
					textIdx.u64(doc)
					textIdx.u64(textOff)
					textIdx.u64(uint64(len(d.Text)))
					textOff += uint64(len(d.Text))
				}
				if verify {
					sigs.u64(doc)
					compact = dedup.Compact(sig, compact)
					for _, v := range compact {
						sigs.u16(v)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for i, w := range all {
			all[i] = nil
			if err := w.commit(); err != nil {
				return err
			}
		}
		sum, err := t.createStamped(dir, fileSummary, kindSigSummary, docs)
		if err != nil {
			return err
		}
		return sum.commit()
	})
}
