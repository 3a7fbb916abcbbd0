package dedup

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/jacorpus/jacorpus/dedup/minhash"
	"github.com/jacorpus/jacorpus/pipeline"
	"github.com/jacorpus/jacorpus/tokenize"
)

// Stage names and the drop reason of near-duplicate removal.
const (
	// SignStageName is the parallel stage that computes signatures.
	SignStageName = "minhash"
	// NearStageName is the sequential stage that decides.
	NearStageName = "near_dup"
	// ReasonNear is the drop reason of a near duplicate.
	ReasonNear = "near_duplicate"
)

// The near-duplicate rule, the same in every mode (one process, phases,
// against saved indexes):
//
//	a document is a near duplicate when, for some band, the earliest
//	document with the same band key came before it and (with verification)
//	their signatures agree on enough positions.
//
// "Earliest" is in input order (pipeline.Key order), counting every
// document that reached the stage, dropped ones too, and counting the
// documents of saved indexes as earlier than all new ones. A decision
// depends only on which documents came before, never on other decisions,
// so it can be made streaming in one process or per band-key range in
// separate tasks and come out the same.

// nearKey is the Scratch key of a document's signature.
type nearKey struct{}

// signed is what Signer leaves in a document's Scratch for Near.
type signed struct {
	sig   minhash.Signature
	bands []uint64
}

// Signer is the parallel stage that computes every document's MinHash
// signature and LSH band keys and leaves them in Document.Scratch for Near.
// It drops nothing.
type Signer struct {
	opts        NearOptions
	bands, rows int
}

// NewSigner returns the signature stage for o.
func NewSigner(o NearOptions) (*Signer, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	b, r := o.Params()
	return &Signer{opts: o, bands: b, rows: r}, nil
}

// Name returns "minhash".
func (*Signer) Name() string { return SignStageName }

// NewProcessor returns a worker's signer (its own hasher and, for
// morpheme shingles, its own tokenizer).
func (s *Signer) NewProcessor() (pipeline.Processor, error) {
	h, err := minhash.New(minhash.Options{NGram: s.opts.NGram, Permutations: s.opts.Permutations, Seed: s.opts.Seed})
	if err != nil {
		return nil, err
	}
	p := &signer{s: s, h: h}
	if s.opts.Shingle == ShingleMorphemes {
		if p.tok, err = tokenize.New(tokenize.DictIPA); err != nil {
			return nil, err
		}
	}
	return p, nil
}

type signer struct {
	s   *Signer
	h   *minhash.Hasher
	tok *tokenize.Tokenizer
}

func (p *signer) Process(d *pipeline.Document) (string, error) {
	v := &signed{}
	if p.tok != nil {
		// fold first: a half-width kana and its voicing mark may be cut
		// into two morphemes
		v.sig = p.h.SignTokens(p.tok.Wakati(minhash.Fold(d.Text)), nil)
	} else {
		v.sig = p.h.Sign(d.Text, nil)
	}
	v.bands = minhash.Bands(v.sig, p.s.bands, p.s.rows, p.s.opts.Seed, make([]uint64, 0, p.s.bands))
	d.Scratch.Set(nearKey{}, v)
	return "", nil
}

// NearStats is what near-duplicate removal saw and did.
type NearStats struct {
	Threshold    float64 `json:"threshold"`
	Permutations int     `json:"permutations"`
	Bands        int     `json:"bands"`
	Rows         int     `json:"rows"`
	Verify       Verify  `json:"verify"`
	// Docs counts the documents that reached the stage.
	Docs int64 `json:"docs"`
	// Candidates counts documents that shared a band key with an earlier one.
	Candidates int64 `json:"candidates"`
	// Dropped counts near duplicates; Verified counts candidates kept
	// because verification found them too different.
	Dropped  int64 `json:"dropped"`
	Verified int64 `json:"kept_by_verification"`
	// IndexEntries is the number of band keys held; IndexBytes and
	// SignatureBytes the memory of the index and of the stored signatures.
	IndexEntries   int64 `json:"index_entries"`
	IndexBytes     int64 `json:"index_bytes"`
	SignatureBytes int64 `json:"signature_bytes"`
	// TextBytes is what verify: exact kept on disk.
	TextBytes int64 `json:"text_bytes,omitempty"`
}

// Near is the sequential stage that applies the near-duplicate rule in input
// order with an in-memory index. It needs Signer before it.
type Near struct {
	opts        NearOptions
	bands, rows int
	minMatch    int
	idx         bandIndex
	sigs        sigStore
	next        uint32 // next ref when signatures are not stored
	stats       NearStats
	missing     []int
	checked     []uint32
	refDocs     []uint64    // doc key of every ref, for WriteIndex and reps
	reps        [][2]uint64 // (dropped doc, rep): Reps
	against     []*SavedIndex
	compact     []uint16
	texts       *textStore // verify: exact
	shingles    []uint64   // the current document's, for verify: exact
	other       []uint64
}

// NewNear returns an empty near-duplicate remover for o. The documents of
// the saved indexes against count as earlier than every document it sees,
// in the order given.
func NewNear(o NearOptions, against ...*SavedIndex) (*Near, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	b, r := o.Params()
	n := &Near{opts: o, bands: b, rows: r, minMatch: minMatches(o.Threshold, o.Permutations), sigs: sigStore{k: o.Permutations}}
	n.stats = NearStats{Threshold: o.Threshold, Permutations: o.Permutations, Bands: b, Rows: r, Verify: o.Verify}
	n.against = against
	if o.Verify == VerifyExact {
		var err error
		if n.texts, err = newTextStore(); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// Name returns "near_dup".
func (*Near) Name() string { return NearStageName }

// Sequential marks Near as an in-order stage.
func (*Near) Sequential() {}

// errUnsigned is returned for a document that did not pass through Signer.
var errUnsigned = errors.New("no signature: the minhash stage must run before near_dup")

// Process drops d if it is a near duplicate of an earlier document.
func (n *Near) Process(d *pipeline.Document) (string, error) {
	v, _ := d.Scratch.Get(nearKey{}).(*signed)
	if v == nil {
		return "", errUnsigned
	}
	d.Scratch.Delete(nearKey{})
	if len(v.bands) != n.bands || len(v.sig) != n.opts.Permutations {
		return "", fmt.Errorf("signature of %d values and %d bands, want %d and %d", len(v.sig), len(v.bands), n.opts.Permutations, n.bands)
	}
	dup := n.Seen(d.Key, d.Text, v.sig, v.bands)
	if n.texts != nil && n.texts.err != nil {
		return "", fmt.Errorf("verify exact: %w", n.texts.err)
	}
	if dup {
		return ReasonNear, nil
	}
	return "", nil
}

// Seen applies the rule to the next document in input order, given its key,
// signature and band keys, records it and reports whether it is a near
// duplicate.
func (n *Near) Seen(key pipeline.Key, text string, sig minhash.Signature, bands []uint64) bool {
	n.stats.Docs++
	if n.texts != nil && n.texts.err != nil {
		return false
	}
	haveShingles := false
	n.missing, n.checked = n.missing[:0], n.checked[:0]
	// rep is the earliest document d repeats (SavedRep: a saved one), as
	// the buckets phase of a job picks it: every band's earliest document
	// that passes verification counts, not only the first found
	dup, candidate, rep := false, false, uint64(0)
	if len(n.against) > 0 {
		n.compact = Compact(sig, n.compact)
	}
bands:
	for i, k := range bands {
		for _, a := range n.against { // saved documents are the earliest
			if found, similar := a.Similar(k, n.compact, n.opts); found {
				candidate = true
				if similar || n.opts.Verify == VerifyNone {
					dup, rep = true, SavedRep
				}
				continue bands
			}
		}
		ref, ok := n.idx.get(k)
		if !ok {
			n.missing = append(n.missing, i)
			continue
		}
		candidate = true
		refKey := n.refDocs[ref]
		if dup && (rep == SavedRep || refKey >= rep) {
			continue // cannot make rep earlier
		}
		if n.opts.Verify == VerifyNone {
			dup, rep = true, refKey
			continue
		}
		if containsRef(n.checked, ref) { // several bands lead to one earlier document
			continue
		}
		n.checked = append(n.checked, ref)
		similar := false
		if n.texts != nil {
			if !haveShingles {
				n.shingles, haveShingles = shingleHashes(text, n.opts.NGram, n.shingles), true
			}
			var earlier string
			if earlier, n.texts.err = n.texts.get(ref); n.texts.err != nil {
				return false
			}
			n.other = shingleHashes(earlier, n.opts.NGram, n.other)
			similar = jaccardSorted(n.shingles, n.other) >= n.opts.Threshold
		} else {
			similar = n.sigs.matches(ref, sig) >= n.minMatch
		}
		if similar {
			dup, rep = true, refKey
		}
	}
	if len(n.missing) > 0 {
		var ref uint32
		switch n.opts.Verify {
		case VerifyNone:
			ref = n.next
			n.next++
		case VerifyExact:
			if ref, n.texts.err = n.texts.add(text); n.texts.err != nil {
				return false
			}
		default:
			ref = n.sigs.add(sig)
		}
		n.refDocs = append(n.refDocs, uint64(key))
		for _, i := range n.missing {
			n.idx.put(bands[i], ref)
		}
	}
	if candidate {
		n.stats.Candidates++
		if !dup {
			n.stats.Verified++
		}
	}
	if dup {
		n.stats.Dropped++
		n.reps = append(n.reps, [2]uint64{uint64(key), rep})
	}
	return dup
}

// SavedRep stands, in a (document, rep) pair, for a document of a saved
// index as the one a document repeats: earlier than any of the job's.
const SavedRep = ^uint64(0)

// Reps returns the (document key, key of the earliest document it repeats)
// pairs of the near duplicates dropped so far, in input order; the rep is
// SavedRep for a copy of a saved index's document. The buckets phase of a
// job decides the same pairs.
func (n *Near) Reps() [][2]uint64 { return n.reps }

func containsRef(refs []uint32, r uint32) bool {
	for _, x := range refs {
		if x == r {
			return true
		}
	}
	return false
}

// WriteIndex saves the index (the band keys this stage recorded, not those
// of the indexes it was given) into the existing empty directory dir, as a
// one-part saved index.
func (n *Near) WriteIndex(dir string) error {
	for i := range n.idx.segs {
		n.idx.segs[i].merge()
	}
	for i := 1; i < len(n.refDocs); i++ {
		if n.refDocs[i] <= n.refDocs[i-1] {
			return fmt.Errorf("documents %s and %s came out of key order: the index would be wrong", pipeline.Key(n.refDocs[i-1]), pipeline.Key(n.refDocs[i]))
		}
	}
	p := n.opts.IndexParams()
	var sigs int64
	if p.Signatures {
		sigs = int64(len(n.refDocs))
	}
	w, err := CreatePart(filepath.Join(dir, "part-00000.wf"), p, n.idx.len(), sigs)
	if err != nil {
		return err
	}
	for i := range n.idx.segs {
		s := &n.idx.segs[i]
		for j, k := range s.keys {
			w.Entry(k, n.refDocs[s.refs[j]])
		}
	}
	if p.Signatures { // refs were given in input order: doc keys ascend
		for ref, doc := range n.refDocs {
			w.Signature(doc, n.sigs.compact(uint32(ref)))
		}
	}
	if err := w.Commit(); err != nil {
		return err
	}
	return WriteInfo(dir, IndexInfo{Params: p, Parts: 1, Entries: n.idx.len(), Docs: n.stats.Docs})
}

// Close releases the temporary file of verify: exact.
func (n *Near) Close() error {
	if n.texts != nil {
		return n.texts.close()
	}
	return nil
}

// Stats returns what the stage did so far.
func (n *Near) Stats() NearStats {
	s := n.stats
	s.IndexEntries, s.IndexBytes, s.SignatureBytes = n.idx.len(), n.idx.bytes(), n.sigs.bytes()
	if n.texts != nil {
		s.TextBytes = n.texts.size
	}
	return s
}

// SignatureOf returns the signature and band keys Signer left in d's
// Scratch, for a caller that takes over from Signer (the phases of a job).
func SignatureOf(d *pipeline.Document) (sig minhash.Signature, bands []uint64, ok bool) {
	v, _ := d.Scratch.Get(nearKey{}).(*signed)
	if v == nil {
		return nil, nil, false
	}
	return v.sig, v.bands, true
}

// Compact returns the 16-bit signature values Near stores and compares
// (see MatchesCompact).
func Compact(sig minhash.Signature, dst []uint16) []uint16 {
	dst = dst[:0]
	for _, v := range sig {
		dst = append(dst, uint16(v))
	}
	return dst
}

// SimilarCompact reports whether two compact signatures agree on enough
// positions for the threshold: the test Near applies to a candidate.
func (o NearOptions) SimilarCompact(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	m := 0
	for i, v := range a {
		if v == b[i] {
			m++
		}
	}
	return m >= minMatches(o.Threshold, len(a))
}

// Decided is a stage that drops the documents an earlier computation
// decided to drop (the buckets phase of a job), under the name and reason
// of the stage that would have decided in memory, so the stats read alike.
type Decided struct {
	StageName string
	Reason    string
	// Drop reports whether the document with this key is to be dropped.
	Drop func(pipeline.Key) bool
}

// Name returns StageName.
func (s *Decided) Name() string { return s.StageName }

// NewProcessor returns the lookup; Drop must be safe for concurrent use.
func (s *Decided) NewProcessor() (pipeline.Processor, error) {
	return pipeline.ProcessorFunc(func(d *pipeline.Document) (string, error) {
		if s.Drop(d.Key) {
			return s.Reason, nil
		}
		return "", nil
	}), nil
}
