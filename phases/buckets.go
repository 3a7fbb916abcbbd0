package phases

import (
	"context"
	"fmt"
	"slices"

	"github.com/jacorpus/jacorpus/dedup"
)

// Work file kinds and names of the buckets phase.
const (
	kindDropped = "dropped" // sorted doc keys
	fileExact   = "exact.wf"
	fileNear    = "near.wf"
)

// buckets: task j reads range j of every signatures task and decides, by
// the dedup rule, which documents are duplicates.
func (t *task) buckets(ctx context.Context) error {
	var exact, near []uint64
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
		if near, err = t.nearDropped(ctx); err != nil {
			return err
		}
	}
	return t.output(func(dir string) error {
		for _, f := range []struct {
			name string
			keys []uint64
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
				w.u64(k)
			}
			if err := w.commit(); err != nil {
				return err
			}
		}
		return nil
	})
}

// exactDropped returns the sorted doc keys whose exact key an earlier
// document in range j has.
func (t *task) exactDropped() ([]uint64, error) {
	var recs [][3]uint64
	for i := 0; i < t.cfg.Phases.Tasks; i++ {
		r, _, err := t.open(Signatures, i, exactFile(t.index), kindExactKeys)
		if err != nil {
			return nil, err
		}
		for {
			hi, ok1 := r.u64()
			lo, ok2 := r.u64()
			doc, ok3 := r.u64()
			if !ok1 || !ok2 || !ok3 {
				break
			}
			recs = append(recs, [3]uint64{hi, lo, doc})
		}
		if err := r.done(); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(recs, func(a, b [3]uint64) int {
		for i := range a {
			if c := cmpU64(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	var dropped []uint64
	for i := 1; i < len(recs); i++ {
		if recs[i][0] == recs[i-1][0] && recs[i][1] == recs[i-1][1] {
			dropped = append(dropped, recs[i][2])
		}
	}
	slices.Sort(dropped)
	return slices.Compact(dropped), nil
}

// nearDropped applies the near-duplicate rule to band-key range j: in
// every group of documents sharing a band key, each one after the earliest
// is a candidate against the earliest, dropped at once without
// verification, or when their signatures agree enough.
func (t *task) nearDropped(ctx context.Context) ([]uint64, error) {
	var recs [][2]uint64 // band key, doc key
	for i := 0; i < t.cfg.Phases.Tasks; i++ {
		r, _, err := t.open(Signatures, i, bandsFile(t.index), kindBandKeys)
		if err != nil {
			return nil, err
		}
		for {
			k, ok1 := r.u64()
			doc, ok2 := r.u64()
			if !ok1 || !ok2 {
				break
			}
			recs = append(recs, [2]uint64{k, doc})
		}
		if err := r.done(); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(recs, func(a, b [2]uint64) int {
		if c := cmpU64(a[0], b[0]); c != 0 {
			return c
		}
		return cmpU64(a[1], b[1])
	})
	type pair struct{ doc, rep uint64 }
	var pairs []pair
	rep := 0
	for i := 1; i < len(recs); i++ {
		if recs[i][0] != recs[rep][0] {
			rep = i
			continue
		}
		if recs[i][1] != recs[rep][1] { // the same document twice cannot happen; be safe
			pairs = append(pairs, pair{recs[i][1], recs[rep][1]})
		}
	}
	recs = nil
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var dropped []uint64
	if t.cfg.Dedup.Near.Verify == dedup.VerifyNone {
		for _, p := range pairs {
			dropped = append(dropped, p.doc)
		}
	} else {
		need := make([]uint64, 0, 2*len(pairs))
		for _, p := range pairs {
			need = append(need, p.doc, p.rep)
		}
		slices.Sort(need)
		need = slices.Compact(need)
		sigs, err := t.loadSignatures(need)
		if err != nil {
			return nil, err
		}
		o := t.cfg.Dedup.Near
		for _, p := range pairs {
			a, b := sigs[p.doc], sigs[p.rep]
			if a == nil || b == nil {
				return nil, fmt.Errorf("phase buckets task %d: no signature for document %d or %d in the signatures phase's files", t.index, p.doc, p.rep)
			}
			if o.SimilarCompact(a, b) {
				dropped = append(dropped, p.doc)
			}
		}
	}
	slices.Sort(dropped)
	return slices.Compact(dropped), nil
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
			doc, ok := r.u64()
			if !ok || !r.u16s(buf) {
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

// dropped reads the named decision file of every buckets task: the sorted
// union of their doc keys.
func (t *task) dropped(name string) ([]uint64, error) {
	var keys []uint64
	for j := 0; j < t.cfg.Phases.Buckets; j++ {
		r, _, err := t.open(Buckets, j, name, kindDropped)
		if err != nil {
			return nil, err
		}
		for {
			k, ok := r.u64()
			if !ok {
				break
			}
			keys = append(keys, k)
		}
		if err := r.done(); err != nil {
			return nil, err
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}
