package phases

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/jacorpus/jacorpus/commit"
	"github.com/jacorpus/jacorpus/dedup"
)

// saveIndex assembles dedup.near.index_out from the index parts of the
// buckets tasks (part j is key range j), committed like an output
// directory: staged beside it and swapped in, refusing to replace anything
// but a saved index.
func (t *task) saveIndex(ctx context.Context) error {
	o := t.cfg.Dedup.Near
	d, err := commit.Prepare(o.IndexOut, commit.Options{Overwrite: t.cfg.Output.Overwrite,
		Owned: dedup.IndexOwned, What: "index", Index: dedup.IndexFile})
	if err != nil {
		return err
	}
	defer d.Abort()
	info := dedup.IndexInfo{Params: o.IndexParams(), Parts: t.cfg.Phases.Buckets}
	for j := 0; j < t.cfg.Phases.Buckets; j++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// the stamped decision file vouches for its task directory
		r, _, err := t.open(Buckets, j, fileNear, kindDropped)
		if err != nil {
			return err
		}
		r.r.Close()
		src := filepath.Join(taskDir(t.work, Buckets, j), fileIndexPart)
		n, err := dedup.PartEntries(src) // a full check, and the entry count
		if err != nil {
			return fmt.Errorf("%w: run phase buckets task %d again", err, j)
		}
		info.Entries += n
		if err := copyFile(src, filepath.Join(d.Staging, fmt.Sprintf("part-%05d.wf", j))); err != nil {
			return err
		}
	}
	// the signatures of every signatures task, one part each (no entries),
	// copied record by record: nothing is held in memory
	sigParts := 0
	for i := 0; i < t.cfg.Phases.Tasks; i++ {
		docs, err := t.stampCount(Signatures, i, fileSummary, kindSigSummary)
		if err != nil {
			return err
		}
		info.Docs += docs
		if !info.Params.Signatures {
			continue
		}
		part := filepath.Join(d.Staging, fmt.Sprintf("part-%05d.wf", info.Parts+i))
		if err := t.copySignatures(i, part, docs); err != nil {
			return err
		}
		sigParts++
	}
	info.Parts += sigParts
	if err := dedup.WriteInfo(d.Staging, info); err != nil {
		return err
	}
	return d.Commit()
}

// copySignatures writes the signatures of signatures task i (docs of them)
// as an index part without entries.
func (t *task) copySignatures(i int, path string, docs int64) error {
	o := t.cfg.Dedup.Near
	w, err := dedup.CreatePart(path, o.IndexParams(), 0, docs)
	if err != nil {
		return err
	}
	r, _, err := t.open(Signatures, i, fileSigs, kindSignatures)
	if err != nil {
		w.Abort()
		return err
	}
	sig := make([]uint16, o.Permutations)
	for {
		doc, ok := r.sigRec(sig)
		if !ok {
			break
		}
		w.Signature(doc, sig)
	}
	if err := r.done(); err != nil {
		w.Abort()
		return err
	}
	return w.Commit() // checks that the count was right
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
