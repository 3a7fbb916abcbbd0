package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
)

// Verify problem kinds.
const (
	// VerifyMissing: a shard the manifest lists is not there.
	VerifyMissing = "missing"
	// VerifyTruncated: a shard is shorter than the manifest says.
	VerifyTruncated = "truncated"
	// VerifySize: a shard is longer than the manifest says.
	VerifySize = "size differs"
	// VerifyAltered: a shard has the right size but not the manifest's
	// SHA-256.
	VerifyAltered = "altered"
	// VerifyExtra: a file or directory the manifest does not list.
	VerifyExtra = "extra file"
	// VerifyUnreadable: a shard could not be read.
	VerifyUnreadable = "unreadable"
)

// VerifyProblem is one finding of Verify.
type VerifyProblem struct {
	// File is the entry's name in the dataset directory.
	File string
	// Kind is one of the Verify* kinds.
	Kind string
	// Detail gives sizes or digests.
	Detail string
}

func (p VerifyProblem) String() string {
	if p.Detail == "" {
		return p.File + ": " + p.Kind
	}
	return p.File + ": " + p.Kind + " (" + p.Detail + ")"
}

// VerifyResult is what Verify checked and found.
type VerifyResult struct {
	// Manifest is the dataset's manifest.
	Manifest *Manifest
	// Shards and Bytes count the shards checked and their bytes (as the
	// manifest lists them).
	Shards int
	Bytes  int64
	// Hashed tells whether contents were checked (not Quick).
	Hashed bool
	// Problems lists every finding, by file name.
	Problems []VerifyProblem
}

// Verify checks the dataset in dir against its manifest, as a staging
// script does after copying it to another file system: every shard the
// manifest lists must be there with its size and (unless quick) its
// SHA-256, and nothing else may be in the directory. Shards are hashed in
// parallel. The error is for a manifest that cannot be read; what is wrong
// with the shards is in the result's Problems.
func Verify(dir string, quick bool) (*VerifyResult, error) {
	m, err := ReadManifest(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	res := &VerifyResult{Manifest: m, Shards: len(m.Shards), Hashed: !quick}
	listed := map[string]bool{ManifestName: true, ReportName: true}
	for _, s := range m.Shards {
		listed[s.File] = true
		res.Bytes += s.Bytes
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("shard: %w", err)
	}
	var mu sync.Mutex
	add := func(p VerifyProblem) {
		mu.Lock()
		res.Problems = append(res.Problems, p)
		mu.Unlock()
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			what := "not in the manifest"
			if e.IsDir() {
				what = "a directory, not in the manifest"
			}
			add(VerifyProblem{File: e.Name(), Kind: VerifyExtra, Detail: what})
		}
	}
	work := make(chan Info)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(m.Shards))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				if p, bad := verifyShard(dir, s, quick); bad {
					add(p)
				}
			}
		}()
	}
	for _, s := range m.Shards {
		work <- s
	}
	close(work)
	wg.Wait()
	sort.Slice(res.Problems, func(i, j int) bool {
		a, b := res.Problems[i], res.Problems[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Kind < b.Kind
	})
	return res, nil
}

// verifyShard checks one shard; bad is false when it is as listed.
func verifyShard(dir string, s Info, quick bool) (p VerifyProblem, bad bool) {
	p.File = s.File
	if filepath.Base(s.File) != s.File || s.File == "." || s.File == ".." {
		p.Kind, p.Detail = VerifyUnreadable, "the manifest names a path, not a file of the dataset"
		return p, true
	}
	f, err := os.Open(filepath.Join(dir, s.File))
	if os.IsNotExist(err) {
		p.Kind = VerifyMissing
		return p, true
	}
	if err != nil {
		p.Kind, p.Detail = VerifyUnreadable, err.Error()
		return p, true
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		p.Kind, p.Detail = VerifyUnreadable, err.Error()
		return p, true
	}
	switch n := info.Size(); {
	case !info.Mode().IsRegular():
		p.Kind, p.Detail = VerifyUnreadable, "not a regular file"
		return p, true
	case n < s.Bytes:
		p.Kind, p.Detail = VerifyTruncated, fmt.Sprintf("%d of %d bytes", n, s.Bytes)
		return p, true
	case n > s.Bytes:
		p.Kind, p.Detail = VerifySize, fmt.Sprintf("%d bytes, the manifest says %d", n, s.Bytes)
		return p, true
	}
	if quick {
		return p, false
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		p.Kind, p.Detail = VerifyUnreadable, err.Error()
		return p, true
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != s.SHA256 {
		p.Kind, p.Detail = VerifyAltered, fmt.Sprintf("sha256 %s, the manifest says %s", sum, s.SHA256)
		return p, true
	}
	return p, false
}
