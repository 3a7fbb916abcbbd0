package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// File is one input file found by Expand.
type File struct {
	// Path is the file's path as expanded from the input's Path.
	Path string
	// Size is the file size in bytes as stored (compressed).
	Size int64
	// Input is the index of the input the file came from.
	Input int
}

// Expand resolves every input into files, in input order; within one input
// the files are sorted by path. Directories are walked recursively, skipping
// hidden files and directories (names starting with "."); a glob skips
// hidden names unless the pattern element itself starts with ".". A path
// that matches nothing, a directory without files, a file whose format
// cannot be told from its extension (when Input.Format is empty) and a file
// reached twice (by any inputs) are errors naming the input. Symbolic links
// to files are read; links to directories are followed only when given as
// the input's path (or matched by its glob).
func Expand(inputs []Input) ([]File, error) {
	var files []File
	seen := map[string]int{} // resolved absolute path -> input index
	for i, in := range inputs {
		if err := in.Validate(); err != nil {
			return nil, fmt.Errorf("input %d (%s): %w", i, in.Path, err)
		}
		found, err := expandOne(in.Path)
		if err != nil {
			return nil, fmt.Errorf("input %d (%s): %w", i, in.Path, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("input %d (%s): no files found", i, in.Path)
		}
		sort.Slice(found, func(a, b int) bool { return found[a].Path < found[b].Path })
		for _, f := range found {
			if _, err := in.formatOf(f.Path); err != nil {
				return nil, fmt.Errorf("input %d (%s): %w", i, in.Path, err)
			}
			key := fileKey(f.Path)
			if j, dup := seen[key]; dup {
				return nil, fmt.Errorf("input %d (%s): %s is already read by input %d (%s)", i, in.Path, f.Path, j, inputs[j].Path)
			}
			seen[key] = i
			f.Input = i
			files = append(files, f)
		}
	}
	return files, nil
}

// expandOne returns the files of one path, glob or not, unsorted.
func expandOne(path string) ([]File, error) {
	if !hasMeta(path) {
		info, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no such file or directory")
		}
		if err != nil {
			return nil, err
		}
		if info.IsDir() {
			return walk(path)
		}
		return []File{{Path: path, Size: info.Size()}}, nil
	}
	pattern := filepath.Clean(path)
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, fmt.Errorf("glob: %w", err)
	}
	var files []File
	for _, m := range matches {
		if globHidden(pattern, m) {
			continue
		}
		info, err := os.Stat(m)
		if err != nil {
			return nil, err
		}
		if info.IsDir() {
			sub, err := walk(m)
			if err != nil {
				return nil, err
			}
			files = append(files, sub...)
			continue
		}
		if info.Mode().IsRegular() {
			files = append(files, File{Path: m, Size: info.Size()})
		}
	}
	return files, nil
}

// walk lists the regular files under dir, skipping hidden names. dir may be
// a symbolic link; links to directories further down are not followed.
func walk(dir string) ([]File, error) {
	root := dir
	if info, err := os.Lstat(dir); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		root = dir + string(filepath.Separator) // make WalkDir enter the linked directory
	}
	var files []File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		info, err := os.Stat(p) // follows symlinks to files
		if err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			files = append(files, File{Path: p, Size: info.Size()})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk: %w", err)
	}
	return files, nil
}

// hasMeta reports whether path contains glob metacharacters.
func hasMeta(path string) bool {
	return strings.ContainsAny(path, `*?[`)
}

// globHidden reports whether match has a hidden element where the cleaned
// pattern has a non-hidden (wildcard) element. Glob keeps the number of
// elements, so pattern and match are compared element by element from the end.
func globHidden(pattern, match string) bool {
	pe := strings.Split(pattern, string(filepath.Separator))
	me := strings.Split(match, string(filepath.Separator))
	for k := 1; k <= len(pe) && k <= len(me); k++ {
		p, m := pe[len(pe)-k], me[len(me)-k]
		if strings.HasPrefix(m, ".") && !strings.HasPrefix(p, ".") {
			return true
		}
	}
	return false
}

// fileKey identifies a file for duplicate detection: its absolute path with
// symbolic links resolved when possible.
func fileKey(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}
