package phases

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/jacorpus/jacorpus/dedup"
	"github.com/jacorpus/jacorpus/internal/workfile"
	"github.com/jacorpus/jacorpus/job"
	"github.com/jacorpus/jacorpus/pipeline"
)

// Work file kinds and names of the buckets phase.
const (
	kindDropped   = "dropped" // (doc key, key of the document it repeats), by doc key
	fileExact     = "exact.wf"
	fileNear      = "near.wf"
	fileIndexPart = "index-part.wf" // a part of the saved index (dedup.CreatePart)
	// the documents with a candidate pair in the range; the stamp's count
	// is the number of band keys the range adds to the index
	kindCandidates = "candidates"
	fileCandidates = "candidates.wf"
)

// writeKeys writes sorted doc keys with a count in the stamp.
func (t *task) writeKeys(dir, name, kind string, keys []uint64, count int64) error {
	w, err := t.createStamped(dir, name, kind, count)
	if err != nil {
		return err
	}
	for _, k := range keys {
		w.u64(k)
	}
	return w.commit()
}

// buckets: task j reads range j of every signatures task and decides, by
// the dedup rule, which documents are duplicates.
func (t *task) buckets(ctx context.Context) error {
	return t.output(func(dir string) error {
		var exact, near [][2]uint64
		var err error
		if t.cfg.Dedup.Exact {
			if exact, err = t.exactDropped(); err != nil {
				return err
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if t.cfg.Dedup.Near.Enabled {
			if near, err = t.nearDropped(ctx, dir, exact); err != nil {
				return err
			}
		}
		t.log.Info("decided", "exact_duplicates", len(exact), "near_duplicates", len(near))
		for _, f := range []struct {
			name string
			keys [][2]uint64
			on   bool
		}{{fileExact, exact, t.cfg.Dedup.Exact}, {fileNear, near, t.cfg.Dedup.Near.Enabled}} {
			if !f.on {
				continue
			}
			w, err := t.create(dir, f.name, kindDropped)
			if err != nil {
				return err
			}
			for _, k := range f.keys {
				w.u64(k[0])
				w.u64(k[1])
			}
			if err := w.commit(); err != nil {
				return err
			}
		}
		return nil
	})
}

// savedRep stands for a document of a saved index as the one a document
// duplicates: earlier than any of the job's.
const savedRep = ^uint64(0)

// exactDropped returns the documents (and the earliest copy they repeat)
// whose exact key an earlier document in range j has, by doc key.
func (t *task) exactDropped() ([][2]uint64, error) {
	var recs [][3]uint64
	_, err := t.eachRecord(Signatures, t.cfg.Phases.Tasks, exactFile(t.index), kindExactKeys, 3, func(_ int, v []uint64) {
		recs = append(recs, [3]uint64{v[0], v[1], v[2]})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(recs, func(a, b [3]uint64) int {
		for i := range a {
			if c := cmp.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	var dropped [][2]uint64
	first := 0
	for i := 1; i < len(recs); i++ {
		if recs[i][0] == recs[first][0] && recs[i][1] == recs[first][1] {
			dropped = append(dropped, [2]uint64{recs[i][2], recs[first][2]})
		} else {
			first = i
		}
	}
	return reduceDropped(dropped), nil
}

// reduceDropped sorts (doc, rep) pairs by doc and keeps one per document:
// the earliest rep (a saved document before all).
func reduceDropped(d [][2]uint64) [][2]uint64 {
	slices.SortFunc(d, func(a, b [2]uint64) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		switch { // savedRep first, then ascending
		case a[1] == b[1]:
			return 0
		case a[1] == savedRep:
			return -1
		case b[1] == savedRep:
			return 1
		}
		return cmp.Compare(a[1], b[1])
	})
	return slices.CompactFunc(d, func(a, b [2]uint64) bool { return a[0] == b[0] })
}

// nearDropped applies the near-duplicate rule to band-key range j: in
// every group of documents sharing a band key, each one after the earliest
// is a candidate against the earliest (or every one against the document
// of a saved index that has the key), dropped at once without
// verification, or when their signatures agree enough. With index_out it
// also writes this range's part of the saved index into dir.
func (t *task) nearDropped(ctx context.Context, dir string, exact [][2]uint64) ([][2]uint64, error) {
	m := t.cfg.Phases.Buckets
	against, err := job.LoadAgainst(&t.cfg, func(k uint64) bool { return part(k, m) == t.index })
	if err != nil {
		return nil, err
	}
	var recs [][2]uint64 // band key, doc key
	_, err = t.eachRecord(Signatures, t.cfg.Phases.Tasks, bandsFile(t.index), kindBandKeys, 2, func(_ int, v []uint64) {
		recs = append(recs, [2]uint64{v[0], v[1]})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(recs, func(a, b [2]uint64) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	o := t.cfg.Dedup.Near
	verify := o.Verify == dedup.VerifySignature
	type pair struct {
		doc, rep uint64
		saved    int // index of the saved index holding rep; -1: rep is a doc of this job
		key      uint64
	}
	var pairs []pair
	var entries [][2]uint64 // band key, first doc of this job (for index_out)
	for lo := 0; lo < len(recs); {
		k := recs[lo][0]
		hi := lo + 1
		for hi < len(recs) && recs[hi][0] == k {
			hi++
		}
		saved := -1
		for a, s := range against {
			if s.Has(k) {
				saved = a
				break
			}
		}
		first := lo
		if saved < 0 {
			entries = append(entries, [2]uint64{k, recs[lo][1]})
			first = lo + 1
		}
		for i := first; i < hi; i++ {
			pairs = append(pairs, pair{recs[i][1], recs[lo][1], saved, k})
		}
		lo = hi
	}
	// One check per (document, earlier document), and none for what exact
	// dedup drops anyway; a document's pairs come together, saved documents
	// first, then in key order, and the first that holds decides.
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := cmp.Compare(a.doc, b.doc); c != 0 {
			return c
		}
		if (a.saved < 0) != (b.saved < 0) {
			if a.saved >= 0 {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.saved, b.saved); c != 0 {
			return c
		}
		if c := cmp.Compare(a.rep, b.rep); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	pairs = slices.CompactFunc(pairs, func(a, b pair) bool { return a.doc == b.doc && a.saved < 0 && b.saved < 0 && a.rep == b.rep })
	if len(exact) > 0 {
		pairs = slices.DeleteFunc(pairs, func(p pair) bool {
			_, found := slices.BinarySearchFunc(exact, p.doc, func(e [2]uint64, d uint64) int { return cmp.Compare(e[0], d) })
			return found
		})
	}
	t.log.Info("band keys", "entries", len(recs), "candidate_pairs", len(pairs))
	// for the stats: the documents that had a candidate here, and the keys
	// this job adds to the index
	var cands []uint64
	for _, p := range pairs {
		if n := len(cands); n == 0 || cands[n-1] != p.doc {
			cands = append(cands, p.doc)
		}
	}
	if err := t.writeKeys(dir, fileCandidates, kindCandidates, cands, int64(len(entries))); err != nil {
		return nil, err
	}
	recs = nil
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var sigs map[uint64][]uint16
	if verify {
		need := make([]uint64, 0, 2*len(pairs))
		for _, p := range pairs {
			need = append(need, p.doc, p.rep)
		}
		slices.Sort(need)
		need = slices.Compact(need)
		if sigs, err = t.loadSignatures(need); err != nil {
			return nil, err
		}
	}
	var texts *textReader
	if o.Verify == dedup.VerifyExact {
		need := make([]uint64, 0, 2*len(pairs))
		for _, p := range pairs {
			need = append(need, p.doc, p.rep)
		}
		slices.Sort(need)
		if texts, err = t.openTexts(slices.Compact(need)); err != nil {
			return nil, err
		}
		defer texts.close()
	}
	var dropped [][2]uint64
	for _, p := range pairs {
		if n := len(dropped); n > 0 && dropped[n-1][0] == p.doc {
			continue // decided
		}
		rep := p.rep
		if p.saved >= 0 {
			rep = savedRep
		}
		if texts != nil {
			similar, err := texts.similar(p.doc, p.rep, o)
			if err != nil {
				return nil, err
			}
			if similar {
				dropped = append(dropped, [2]uint64{p.doc, rep})
			}
			continue
		}
		if !verify {
			dropped = append(dropped, [2]uint64{p.doc, rep})
			continue
		}
		a := sigs[p.doc]
		if a == nil {
			return nil, fmt.Errorf("phase buckets task %d: no signature for document %s in the signatures phase's files: run phase signatures (every task) again", t.index, pipeline.Key(p.doc))
		}
		var similar bool
		if p.saved >= 0 {
			_, similar = against[p.saved].Similar(p.key, a, o)
		} else {
			b := sigs[p.rep]
			if b == nil {
				return nil, fmt.Errorf("phase buckets task %d: no signature for document %s in the signatures phase's files: run phase signatures (every task) again", t.index, pipeline.Key(p.rep))
			}
			similar = o.SimilarCompact(a, b)
		}
		if similar {
			dropped = append(dropped, [2]uint64{p.doc, rep})
		}
	}
	dropped = reduceDropped(dropped)
	if o.IndexOut != "" {
		if err := writeIndexPart(filepath.Join(dir, fileIndexPart), o, entries); err != nil {
			return nil, err
		}
	}
	return dropped, nil
}

// writeIndexPart writes one key range of the saved index: its entries,
// sorted by key (the index phase adds the signatures, from the signatures
// tasks' files, as parts of their own).
func writeIndexPart(path string, o dedup.NearOptions, entries [][2]uint64) error {
	w, err := dedup.CreatePart(path, o.IndexParams(), int64(len(entries)), 0)
	if err != nil {
		return err
	}
	for _, e := range entries {
		w.Entry(e[0], e[1])
	}
	return w.Commit()
}

// textReader reads the texts the signatures tasks kept for verify: exact.
type textReader struct {
	where map[uint64][3]uint64 // doc → task, offset, length
	files []*workfile.ReaderAt
	t     *task
}

// openTexts finds the texts of the sorted doc keys need.
func (t *task) openTexts(need []uint64) (*textReader, error) {
	tr := &textReader{where: make(map[uint64][3]uint64, len(need)), t: t}
	_, err := t.eachRecord(Signatures, t.cfg.Phases.Tasks, fileTextIndex, kindTextIndex, 3, func(i int, v []uint64) {
		if _, found := slices.BinarySearch(need, v[0]); found {
			tr.where[v[0]] = [3]uint64{uint64(i), v[1], v[2]}
		}
	})
	if err != nil {
		return nil, err
	}
	for i := 0; i < t.cfg.Phases.Tasks; i++ {
		// the stamp of the texts file; its blocks are checked as they are read
		sr, _, err := t.open(Signatures, i, fileTexts, kindTexts)
		if err != nil {
			tr.close()
			return nil, err
		}
		sr.r.Close()
		f, err := workfile.OpenAt(filepath.Join(taskDir(t.work, Signatures, i), fileTexts), kindTexts)
		if err != nil {
			tr.close()
			return nil, fmt.Errorf("%w; run phase signatures task %d again", err, i)
		}
		tr.files = append(tr.files, f)
	}
	return tr, nil
}

func (tr *textReader) text(doc uint64) (string, error) {
	w, ok := tr.where[doc]
	if !ok {
		return "", fmt.Errorf("phase buckets task %d: no text for document %s in the signatures phase's files: run phase signatures (every task) again", tr.t.index, pipeline.Key(doc))
	}
	b := make([]byte, w[2])
	if _, err := tr.files[w[0]].ReadAt(b, int64(w[1])); err != nil {
		return "", fmt.Errorf("%w; run phase signatures task %d again", err, w[0])
	}
	return string(b), nil
}

// similar reports whether the texts of doc and rep reach the threshold.
func (tr *textReader) similar(doc, rep uint64, o dedup.NearOptions) (bool, error) {
	a, err := tr.text(doc)
	if err != nil {
		return false, err
	}
	b, err := tr.text(rep)
	if err != nil {
		return false, err
	}
	return dedup.ExactJaccard(a, b, o.NGram) >= o.Threshold, nil
}

func (tr *textReader) close() {
	for _, f := range tr.files {
		f.Close()
	}
}

// loadSignatures reads the compact signatures of the sorted doc keys need
// from every signatures task.
func (t *task) loadSignatures(need []uint64) (map[uint64][]uint16, error) {
	k := t.cfg.Dedup.Near.Permutations
	out := make(map[uint64][]uint16, len(need))
	buf := make([]uint16, k)
	for i := 0; i < t.cfg.Phases.Tasks; i++ {
		r, _, err := t.open(Signatures, i, fileSigs, kindSignatures)
		if err != nil {
			return nil, err
		}
		for {
			doc, ok := r.sigRec(buf)
			if !ok {
				break
			}
			if _, found := slices.BinarySearch(need, doc); found {
				out[doc] = slices.Clone(buf)
			}
		}
		if err := r.done(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dropped reads the named decision file of every buckets task: the
// (doc, rep) pairs of the dropped documents, by doc key, one per document.
func (t *task) dropped(name string) ([][2]uint64, error) {
	var d [][2]uint64
	_, err := t.eachRecord(Buckets, t.cfg.Phases.Buckets, name, kindDropped, 2, func(_ int, v []uint64) {
		d = append(d, [2]uint64{v[0], v[1]})
	})
	if err != nil {
		return nil, err
	}
	return reduceDropped(d), nil
}
