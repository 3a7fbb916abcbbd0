package dedup

import (
	"bufio"
	"cmp"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/jacorpus/jacorpus/internal/workfile"
	"github.com/jacorpus/jacorpus/pipeline"
)

// A saved index is the LSH index of a finished run, so that a later batch
// can be deduplicated against it without reading the old data again
// (dedup.near.index_out, dedup.near.against). It is a directory:
//
//	index.json         IndexInfo
//	part-PPPPP.wf      one key range: u64 n, n × (band key u64, doc key u64)
//	                   sorted by band key; u64 m, m × (doc key u64, K × u16
//	                   signature) sorted by doc key (m = 0 without signatures)
//
// Each band key maps to the earliest document that had it; the parts are
// checksummed work files (internal/workfile).

// IndexFile is the name of a saved index's description.
const IndexFile = "index.json"

const kindIndexPart = "near-index-part"

// IndexParams are the settings that decide band keys and signatures: a
// saved index can only serve a run with the same.
type IndexParams struct {
	NGram        int     `json:"ngram"`
	Permutations int     `json:"permutations"`
	Bands        int     `json:"bands"`
	Rows         int     `json:"rows"`
	Seed         uint64  `json:"seed"`
	Shingle      Shingle `json:"shingle"`
	// Signatures is set when the index holds signatures (verify is not none).
	Signatures bool `json:"signatures"`
}

// IndexParams returns the parameters of indexes built under o.
func (o NearOptions) IndexParams() IndexParams {
	b, r := o.Params()
	return IndexParams{NGram: o.NGram, Permutations: o.Permutations, Bands: b, Rows: r, Seed: o.Seed, Shingle: o.Shingle,
		Signatures: o.Verify == VerifySignature}
}

// IndexInfo is a saved index's index.json.
type IndexInfo struct {
	Tool    string      `json:"tool"`
	Format  int         `json:"format"`
	Params  IndexParams `json:"params"`
	Parts   int         `json:"parts"`
	Entries int64       `json:"entries"`
	// SaveID is random and new with every save, so that a job's
	// fingerprint changes when an index it is deduplicated against is
	// saved again.
	SaveID string `json:"save_id"`
	// Docs is the number of documents the run indexed (those that reached
	// near dedup; a phased run counts exact copies too).
	Docs int64 `json:"docs"`
}

// IndexOwned returns what a saved index in dir consists of, read from its
// index.json (nothing when there is none), for commit.Options.Owned.
func IndexOwned(dir string) ([]string, error) {
	js, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var info IndexInfo
	if err := json.Unmarshal(js, &info); err != nil || info.Tool != "jacorpus" {
		return nil, fmt.Errorf("%s: not a jacorpus index description", filepath.Join(dir, IndexFile))
	}
	names := []string{IndexFile}
	for p := 0; p < info.Parts; p++ {
		names = append(names, fmt.Sprintf("part-%05d.wf", p))
	}
	return names, nil
}

// PartWriter writes one part of a saved index: first the entries in key
// order, then the signatures in doc-key order.
type PartWriter struct {
	w       *workfile.Writer
	bw      *bufio.Writer
	buf     [8]byte
	entries int64
	sigs    int64
	stage   int // 0 entries, 1 signatures
	counts  []int64
}

// CreatePart starts the part file path. entries and sigs are the numbers
// of entries and signatures that will be written.
func CreatePart(path string, p IndexParams, entries, sigs int64) (*PartWriter, error) {
	w, err := workfile.Create(path, kindIndexPart, p)
	if err != nil {
		return nil, err
	}
	pw := &PartWriter{w: w, bw: bufio.NewWriterSize(w, 1<<16), counts: []int64{entries, sigs}}
	pw.u64(uint64(entries))
	return pw, nil
}

func (w *PartWriter) u64(v uint64) {
	binary.LittleEndian.PutUint64(w.buf[:], v)
	w.bw.Write(w.buf[:])
}

// Entry writes one (band key, doc key) entry; keys must ascend.
func (w *PartWriter) Entry(key, doc uint64) {
	w.u64(key)
	w.u64(doc)
	w.entries++
}

// Signature writes one document's compact signature; doc keys must ascend
// and every entries must have been written first.
func (w *PartWriter) Signature(doc uint64, sig []uint16) {
	if w.stage == 0 {
		w.u64(uint64(w.counts[1]))
		w.stage = 1
	}
	w.u64(doc)
	for _, v := range sig {
		binary.LittleEndian.PutUint16(w.buf[:2], v)
		w.bw.Write(w.buf[:2])
	}
	w.sigs++
}

// Commit checks the counts and commits the file.
func (w *PartWriter) Commit() error {
	if w.stage == 0 {
		w.u64(uint64(w.counts[1]))
	}
	if w.entries != w.counts[0] || w.sigs != w.counts[1] {
		w.w.Abort()
		return fmt.Errorf("index part: wrote %d entries and %d signatures, announced %d and %d", w.entries, w.sigs, w.counts[0], w.counts[1])
	}
	if err := w.bw.Flush(); err != nil {
		w.w.Abort()
		return err
	}
	return w.w.Commit()
}

// Abort removes the unfinished file.
func (w *PartWriter) Abort() { w.w.Abort() }

// PartEntries checks the whole part file at path (checksums and layout)
// and returns its number of entries.
func PartEntries(path string) (int64, error) {
	r, err := workfile.Open(path, kindIndexPart)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var p IndexParams
	if err := r.Meta(&p); err != nil {
		return 0, err
	}
	br := bufio.NewReaderSize(r, 1<<16)
	var b [8]byte
	if _, err := io.ReadFull(br, b[:]); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	n := binary.LittleEndian.Uint64(b[:])
	if n > 1<<40 {
		return 0, fmt.Errorf("%s: %d entries: not a count", path, n)
	}
	if _, err := io.CopyN(io.Discard, br, int64(16*n)); err != nil {
		return 0, fmt.Errorf("%s: entries: %w", path, err)
	}
	if _, err := io.ReadFull(br, b[:]); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	m := binary.LittleEndian.Uint64(b[:])
	if m > 1<<40 || p.Permutations < 0 || p.Permutations > 4096 {
		return 0, fmt.Errorf("%s: %d signatures of %d values: not a count", path, m, p.Permutations)
	}
	if _, err := io.CopyN(io.Discard, br, int64(m)*int64(8+2*p.Permutations)); err != nil {
		return 0, fmt.Errorf("%s: signatures: %w", path, err)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		if err == nil {
			err = errors.New("bytes after the signatures")
		}
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return int64(n), nil
}

// WriteInfo writes dir/index.json.
func WriteInfo(dir string, info IndexInfo) error {
	info.Tool, info.Format = "jacorpus", 1
	var id [8]byte
	rand.Read(id[:])
	info.SaveID = hex.EncodeToString(id[:])
	js, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, IndexFile), append(js, '\n'), 0o644)
}

// ReadInfo reads the index.json of the saved index in dir.
func ReadInfo(dir string) (IndexInfo, error) {
	var info IndexInfo
	js, err := os.ReadFile(filepath.Join(dir, IndexFile))
	if err != nil {
		return info, fmt.Errorf("saved index %s: %w", dir, err)
	}
	if err := json.Unmarshal(js, &info); err != nil || info.Tool != "jacorpus" || info.Format != 1 {
		return info, fmt.Errorf("saved index %s: %s is not a jacorpus index description (%v)", dir, IndexFile, err)
	}
	return info, nil
}

// SavedIndex is a saved index loaded for lookups (read-only, safe for
// concurrent use).
type SavedIndex struct {
	// Dir is where it was loaded from.
	Dir    string
	Info   IndexInfo
	idx    bandIndex
	sigs   sigStore
	hasSig bool
}

// LoadIndex loads the saved index in dir for a run under o: its parameters
// must be o's. keep, when not nil, selects the band keys to load (a task
// that works on one key range loads only that range).
func LoadIndex(dir string, o NearOptions, keep func(key uint64) bool) (*SavedIndex, error) {
	info, err := ReadInfo(dir)
	if err != nil {
		return nil, err
	}
	s := &SavedIndex{Dir: dir, Info: info}
	want := o.IndexParams()
	got := s.Info.Params
	if !want.Signatures {
		got.Signatures = false // an index with signatures serves verify: none
	}
	if got != want {
		return nil, fmt.Errorf("saved index %s was built with %+v; this run needs %+v (ngram, permutations, bands, rows, seed and shingle must match; verify needs signatures)",
			dir, s.Info.Params, want)
	}
	s.hasSig = want.Signatures
	s.sigs.k = o.Permutations
	// Pass 1: the entries of every part (parts hold disjoint key ranges,
	// each sorted), kept in two arrays that become the index without a
	// copy. Pass 2: the signatures of their documents, straight into the
	// store. Peak: about 16 bytes per entry more than the index keeps.
	var keys, docs []uint64
	if keep == nil && info.Entries > 0 && info.Entries < 1<<34 {
		keys, docs = make([]uint64, 0, info.Entries), make([]uint64, 0, info.Entries)
	}
	err = s.eachPart(o, func(path string, br *bufio.Reader) error {
		n, err := readU64(br)
		if err != nil {
			return err
		}
		for i := uint64(0); i < n; i++ {
			k, err1 := readU64(br)
			d, err2 := readU64(br)
			if err := errors.Join(err1, err2); err != nil {
				return err
			}
			if keep == nil || keep(k) {
				keys, docs = append(keys, k), append(docs, d)
			}
		}
		return skipSignatures(br, o.Permutations)
	})
	if err != nil {
		return nil, err
	}
	if !slices.IsSorted(keys) { // parts out of key order: not as written, but usable
		type kv struct{ k, d uint64 }
		both := make([]kv, len(keys))
		for i := range keys {
			both[i] = kv{keys[i], docs[i]}
		}
		slices.SortStableFunc(both, func(a, b kv) int { return cmp.Compare(a.k, b.k) })
		for i, e := range both {
			keys[i], docs[i] = e.k, e.d
		}
	}
	n := 0
	for i := range keys { // two parts cannot share a key; be safe
		if n > 0 && keys[n-1] == keys[i] {
			continue
		}
		keys[n], docs[n] = keys[i], docs[i]
		n++
	}
	keys, docs = slices.Clip(keys[:n]), docs[:n]
	uniq := slices.Clone(docs) // one ref per document, in doc-key order
	slices.Sort(uniq)
	uniq = slices.Clip(slices.Compact(uniq))
	refs := make([]uint32, len(docs))
	for i, d := range docs {
		r, _ := slices.BinarySearch(uniq, d)
		refs[i] = uint32(r)
	}
	docs = nil
	s.idx.build(keys, refs)
	keys, refs = nil, nil
	if !s.hasSig {
		return s, nil
	}
	for range uniq {
		s.sigs.addCompact(make([]uint16, o.Permutations)) // filled below
	}
	filled := make([]bool, len(uniq))
	raw := make([]byte, 8+2*o.Permutations)
	err = s.eachPart(o, func(path string, br *bufio.Reader) error {
		n, err := readU64(br)
		if err != nil {
			return err
		}
		if _, err := io.CopyN(io.Discard, br, int64(16*n)); err != nil {
			return err
		}
		m, err := readU64(br)
		if err != nil {
			return err
		}
		for i := uint64(0); i < m; i++ {
			if _, err := io.ReadFull(br, raw); err != nil {
				return err
			}
			r, found := slices.BinarySearch(uniq, binary.LittleEndian.Uint64(raw))
			if !found || filled[r] {
				continue
			}
			sig := s.sigs.compact(uint32(r))
			for j := range sig {
				sig[j] = binary.LittleEndian.Uint16(raw[8+2*j:])
			}
			filled[r] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for r, ok := range filled {
		if !ok {
			return nil, fmt.Errorf("saved index %s: no signature for document %s", dir, pipeline.Key(uniq[r]))
		}
	}
	return s, nil
}

// eachPart opens every part of the saved index in turn and hands fn its
// payload; fn must read it to the end.
func (s *SavedIndex) eachPart(o NearOptions, fn func(path string, br *bufio.Reader) error) error {
	for p := 0; p < s.Info.Parts; p++ {
		path := filepath.Join(s.Dir, fmt.Sprintf("part-%05d.wf", p))
		r, err := workfile.Open(path, kindIndexPart)
		if err != nil {
			return fmt.Errorf("saved index: %w", err)
		}
		br := bufio.NewReaderSize(r, 1<<16)
		err = fn(path, br)
		if err == nil {
			if _, rerr := br.ReadByte(); rerr != io.EOF {
				err = rerr
				if rerr == nil {
					err = errors.New("bytes after the signatures")
				}
			}
		}
		r.Close()
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				err = errors.New("ends early")
			}
			return fmt.Errorf("saved index %s: %w", path, err)
		}
	}
	return nil
}

func readU64(br *bufio.Reader) (uint64, error) {
	var b [8]byte
	_, err := io.ReadFull(br, b[:])
	return binary.LittleEndian.Uint64(b[:]), err
}

// skipSignatures reads past the signature section.
func skipSignatures(br *bufio.Reader, k int) error {
	m, err := readU64(br)
	if err != nil {
		return err
	}
	if m > 1<<40 {
		return fmt.Errorf("%d signatures: not a count", m)
	}
	_, err = io.CopyN(io.Discard, br, int64(m)*int64(8+2*k))
	return err
}

// Has reports whether a saved document has the band key.
func (s *SavedIndex) Has(key uint64) bool {
	_, ok := s.idx.get(key)
	return ok
}

// Similar reports whether the saved document first with key (ok false:
// none) is similar enough to the compact signature sig under o.
func (s *SavedIndex) Similar(key uint64, sig []uint16, o NearOptions) (found, similar bool) {
	ref, ok := s.idx.get(key)
	if !ok {
		return false, false
	}
	if !s.hasSig {
		return true, true
	}
	return true, o.SimilarCompact(s.sigs.compact(ref), sig)
}
