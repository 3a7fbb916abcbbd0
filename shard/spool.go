package shard

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jacorpus/jacorpus/internal/fsync"
)

// SpoolFile is the description of a saved spool part inside its directory,
// written last (its presence means the part is complete).
const SpoolFile = "spool.json"

// spoolDocsFile holds the part's documents as the balancer keeps them.
const spoolDocsFile = "docs.bin"

// spoolMeta is spool.json.
type spoolMeta struct {
	Version int    `json:"version"`
	Format  Format `json:"format"`
	Wakati  bool   `json:"wakati"`
	Shuffle bool   `json:"shuffle"`
	Seed    uint64 `json:"seed"`
	Buckets int    `json:"buckets"`
	// Target is the row group target the spool's row groups were cut by.
	Target int64 `json:"target"`
	Docs   int   `json:"docs"`
	// DocsSHA256 is the digest of docs.bin.
	DocsSHA256 string `json:"docs_sha256"`
	// Files are the spool files by bucket ("" for none), relative to the
	// part's directory, with their sizes; Groups the rows of each row group.
	Files   []string       `json:"files"`
	Sizes   []int64        `json:"sizes"`
	Groups  [][]int64      `json:"groups"`
	Sources []SourceTotals `json:"sources"`
}

// saveSpool writes the closed part p of w's balancer as a saved part in
// w's directory.
func (w *Writer) saveSpool() error {
	b := w.bal
	p := b.parts[0]
	docs := p.docs
	if err := p.close(b.buckets); err != nil {
		return err
	}
	m := spoolMeta{Version: 1, Format: w.format, Wakati: w.wakati, Shuffle: b.shuffle, Seed: b.seed, Buckets: b.buckets,
		Target: b.target, Docs: len(docs), Files: make([]string, b.buckets), Sizes: make([]int64, b.buckets), Groups: p.groups,
		Sources: w.Sources()}
	for i, f := range p.files {
		if f == "" {
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			return err
		}
		m.Files[i], m.Sizes[i] = filepath.Base(f), st.Size()
	}
	raw := make([]byte, 24*len(docs))
	for i, d := range docs {
		e := raw[24*i:]
		binary.LittleEndian.PutUint64(e, d.h)
		binary.LittleEndian.PutUint32(e[8:], d.tokens)
		binary.LittleEndian.PutUint32(e[12:], d.raw)
		binary.LittleEndian.PutUint32(e[16:], d.bucket)
	}
	sum := sha256.Sum256(raw)
	m.DocsSHA256 = hex.EncodeToString(sum[:])
	if err := fsync.WriteFile(filepath.Join(b.dir, spoolDocsFile), raw); err != nil {
		return err
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := fsync.WriteFile(filepath.Join(b.dir, SpoolFile), append(js, '\n')); err != nil {
		return err
	}
	return fsync.Dir(b.dir)
}

// loadSpool reads the saved part in dir for b, refusing one written with
// other options.
func (b *balancer) loadSpool(dir string, format Format, wakati bool) (*spoolPart, []SourceTotals, error) {
	js, err := os.ReadFile(filepath.Join(dir, SpoolFile))
	if err != nil {
		return nil, nil, fmt.Errorf("spool part %s: %w (not a complete saved part)", dir, err)
	}
	var m spoolMeta
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, nil, fmt.Errorf("spool part %s: %s: %w", dir, SpoolFile, err)
	}
	switch {
	case m.Version != 1:
		return nil, nil, fmt.Errorf("spool part %s: version %d", dir, m.Version)
	case m.Format != format || m.Wakati != wakati || m.Shuffle != b.shuffle || m.Seed != b.seed || m.Buckets != b.buckets || m.Target != b.target:
		return nil, nil, fmt.Errorf("spool part %s: written with format %s, wakati %v, shuffle %v, seed %d, %d buckets, row groups %d; "+
			"this assembly has %s, %v, %v, %d, %d, %d", dir, m.Format, m.Wakati, m.Shuffle, m.Seed, m.Buckets, m.Target,
			format, wakati, b.shuffle, b.seed, b.buckets, b.target)
	case len(m.Files) != m.Buckets || len(m.Sizes) != m.Buckets || len(m.Groups) != m.Buckets:
		return nil, nil, fmt.Errorf("spool part %s: %s lists %d files for %d buckets", dir, SpoolFile, len(m.Files), m.Buckets)
	}
	raw, err := os.ReadFile(filepath.Join(dir, spoolDocsFile))
	if err != nil {
		return nil, nil, fmt.Errorf("spool part %s: %w", dir, err)
	}
	if sum := sha256.Sum256(raw); len(raw) != 24*m.Docs || hex.EncodeToString(sum[:]) != m.DocsSHA256 {
		return nil, nil, fmt.Errorf("spool part %s: %s is damaged (%d bytes for %d documents, or another digest)", dir, spoolDocsFile, len(raw), m.Docs)
	}
	p := &spoolPart{closed: true, files: make([]string, m.Buckets), groups: m.Groups, docs: make([]spoolDoc, m.Docs)}
	counts := make([]int64, m.Buckets)
	for i := range p.docs {
		e := raw[24*i:]
		d := spoolDoc{h: binary.LittleEndian.Uint64(e), tokens: binary.LittleEndian.Uint32(e[8:]),
			raw: binary.LittleEndian.Uint32(e[12:]), bucket: binary.LittleEndian.Uint32(e[16:])}
		if int(d.bucket) >= m.Buckets {
			return nil, nil, fmt.Errorf("spool part %s: document %d in bucket %d of %d", dir, i, d.bucket, m.Buckets)
		}
		counts[d.bucket]++
		p.docs[i] = d
	}
	for i, f := range m.Files {
		var rows int64
		for _, g := range m.Groups[i] {
			if g <= 0 {
				return nil, nil, fmt.Errorf("spool part %s: bucket %d lists a row group of %d rows", dir, i, g)
			}
			rows += g
		}
		if f == "" {
			if counts[i] != 0 {
				return nil, nil, fmt.Errorf("spool part %s: bucket %d has %d documents and no file", dir, i, counts[i])
			}
			continue
		}
		if f != filepath.Base(f) {
			return nil, nil, fmt.Errorf("spool part %s: file name %q", dir, f)
		}
		path := filepath.Join(dir, f)
		st, err := os.Stat(path)
		if err != nil {
			return nil, nil, fmt.Errorf("spool part %s: %w", dir, err)
		}
		if st.Size() != m.Sizes[i] {
			return nil, nil, fmt.Errorf("spool part %s: %s has %d bytes, %d written", dir, f, st.Size(), m.Sizes[i])
		}
		if rows != counts[i] {
			return nil, nil, fmt.Errorf("spool part %s: %s has %d rows in its row groups, %d documents", dir, f, rows, counts[i])
		}
		p.files[i] = path
	}
	return p, m.Sources, nil
}

// Assemble writes the shards of the saved spool parts (directories written
// by Writers with Options.SpoolOnly, in the order of the documents, e.g.
// task 0, 1, …) into opts.Dir, as one balanced Writer given all their
// documents would: opts must be the parts' options (format, wakati,
// shuffle, seed, buckets, row group size) with the output's limits and
// world size. The shards are byte-identical to a single run's; only the
// row groups at the cuts and at the parts' boundaries are re-encoded, the
// rest are copied. The parts are left as they are. It returns the shards
// and the per-source totals.
func Assemble(parts []string, opts Options) ([]Info, []SourceTotals, error) {
	if opts.WorldSize == 0 && !opts.Shuffle {
		opts.WorldSize = 1
	}
	opts.SpoolOnly = false
	w, err := NewWriter(opts)
	if err != nil {
		return nil, nil, err
	}
	w.bal.parts = nil
	w.sources = map[string]*SourceTotals{}
	for _, dir := range parts {
		p, sources, err := w.bal.loadSpool(dir, w.format, w.wakati)
		if err != nil {
			return nil, nil, errors.Join(fmt.Errorf("shard: %w", err), w.Abort())
		}
		w.bal.parts = append(w.bal.parts, p)
		for _, s := range sources {
			t := w.sources[s.Source]
			if t == nil {
				t = &SourceTotals{Source: s.Source}
				w.sources[s.Source] = t
			}
			t.Rows, t.Tokens, t.TextBytes = t.Rows+s.Rows, t.Tokens+s.Tokens, t.TextBytes+s.TextBytes
		}
	}
	infos, err := w.Close()
	if err != nil {
		return nil, nil, errors.Join(err, w.Abort())
	}
	return infos, w.Sources(), nil
}
