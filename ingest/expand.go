package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// MaxFiles is the largest number of files one run can read: a document key
// holds the file ordinal in 24 bits (see pipeline.Key).
const MaxFiles = 1 << 24

// File is one input file found by Expand.
type File struct {
	// Path is the file's path as expanded from the input's Path; it is used
	// to open the file and is not part of any output.
	Path string
	// Name identifies the file in document ids, positions, manifests and
	// rejects, independently of how the input was spelled or where it lies:
	// the file's path relative to the directory holding the input's root,
	// with symbolic links in the root resolved and '/' as separator. The
	// root of a file input is the file (Name is its base name), of a
	// directory the directory ("kokkai/2024/01.jsonl"), of a glob the
	// directory before the first pattern element.
	Name string
	// Source is the source name of the file's documents: the input's Source,
	// or else the base name of the input's root (for a file input without
	// its compression and format extensions: "speeches.jsonl.gz" gives
	// "speeches").
	Source string
	// Size is the file size in bytes as stored (compressed).
	Size int64
	// Input is the index of the input the file came from.
	Input int
	// Ordinal is the file's index in the list Expand returned: the file part
	// of the pipeline.Key of its documents.
	Ordinal int
}

// Expand resolves every input into files, in input order; within one input
// the files are sorted by Name. Directories are walked recursively,
// skipping hidden files and directories (names starting with "."). A glob
// follows the doublestar syntax: "**" matches any number of directories,
// "{a,b}" alternatives; its wildcards skip hidden names unless the pattern
// element itself starts with ".". A path that matches nothing, a directory
// without files, a file whose format cannot be told from its extension
// (when Input.Format is empty) and a file reached twice (by any inputs) are
// errors naming the input. Symbolic links to files are read; links to
// directories are followed only when given as the input's path (or matched
// by its glob). Names, sources and ordinals do not depend on how the paths
// were spelled (relative, absolute, through a symbolic link) or where the
// inputs lie.
func Expand(inputs []Input) ([]File, error) {
	var files []File
	seen := map[string]int{} // resolved absolute path -> input index
	for i, in := range inputs {
		if err := in.Validate(); err != nil {
			return nil, fmt.Errorf("input %d (%s): %w", i, in.Path, err)
		}
		found, root, err := expandOne(in.Path)
		if err != nil {
			return nil, fmt.Errorf("input %d (%s): %w", i, in.Path, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("input %d (%s): no files found", i, in.Path)
		}
		if err := nameFiles(found, in, root); err != nil {
			return nil, fmt.Errorf("input %d (%s): %w", i, in.Path, err)
		}
		sort.Slice(found, func(a, b int) bool { return found[a].Name < found[b].Name })
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
			f.Ordinal = len(files)
			files = append(files, f)
		}
	}
	if len(files) > MaxFiles {
		return nil, fmt.Errorf("%d input files: at most %d can be read by one run", len(files), MaxFiles)
	}
	return files, nil
}

// root is where an input's file names start: the spelled root and whether
// it is a single file.
type root struct {
	path string
	file bool
}

// nameFiles sets Name and Source of the files found under r.
func nameFiles(files []File, in Input, r root) error {
	abs, err := filepath.Abs(r.path)
	if err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return err
	}
	base := filepath.Base(real)
	if base == string(filepath.Separator) || base == "." {
		base = ""
	}
	source := in.Source
	if source == "" {
		source = base
		if r.file {
			source = stripExts(base)
		}
		if source == "" {
			source = "root"
		}
	}
	for k := range files {
		f := &files[k]
		f.Source = source
		if r.file {
			f.Name = base
			continue
		}
		rel, err := filepath.Rel(r.path, f.Path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("%s is not under %s", f.Path, r.path)
		}
		f.Name = filepath.ToSlash(filepath.Join(base, rel))
	}
	return nil
}

// stripExts removes compression and then format extensions from a file name.
func stripExts(name string) string {
	lower := strings.ToLower(name)
	for _, exts := range [][]string{{".gz", ".zst", ".zstd"}, {".jsonl", ".ndjson", ".json", ".txt"}} {
		for _, e := range exts {
			if strings.HasSuffix(lower, e) && len(name) > len(e) {
				name, lower = name[:len(name)-len(e)], lower[:len(lower)-len(e)]
				break
			}
		}
	}
	return name
}

// expandOne returns the files of one path, glob or not, unsorted, and the
// input's root.
func expandOne(path string) ([]File, root, error) {
	if !hasMeta(path) {
		info, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, root{}, fmt.Errorf("no such file or directory")
		}
		if err != nil {
			return nil, root{}, err
		}
		if info.IsDir() {
			files, err := walk(path)
			return files, root{path: path}, err
		}
		return []File{{Path: path, Size: info.Size()}}, root{path: path, file: true}, nil
	}
	pattern := filepath.Clean(path)
	if !doublestar.ValidatePathPattern(filepath.ToSlash(pattern)) {
		return nil, root{}, fmt.Errorf("glob: malformed pattern")
	}
	base, _ := doublestar.SplitPattern(filepath.ToSlash(pattern))
	r := root{path: filepath.FromSlash(base)}
	if info, err := os.Stat(r.path); err != nil || !info.IsDir() {
		return nil, r, nil // nothing can match: "no files found"
	}
	// ** matches any number of directories; wildcards skip hidden names
	// unless the pattern element names them (".*"), as in a shell.
	matches, err := doublestar.FilepathGlob(pattern, doublestar.WithNoHidden(), doublestar.WithFailOnIOErrors())
	if err != nil {
		return nil, r, fmt.Errorf("glob: %w", err)
	}
	var files []File
	for _, m := range matches {
		info, err := os.Stat(m)
		if err != nil {
			return nil, r, err
		}
		if info.IsDir() {
			sub, err := walk(m)
			if err != nil {
				return nil, r, err
			}
			files = append(files, sub...)
			continue
		}
		if info.Mode().IsRegular() {
			files = append(files, File{Path: m, Size: info.Size()})
		}
	}
	return files, r, nil
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
	return strings.ContainsAny(path, `*?[{`)
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

// Reads reports whether expanding in would read the file path if it
// existed: path equals a file input, lies under a directory input, or it
// or one of its parent directories (which would be walked) matches a glob.
// Symbolic links are resolved on both sides, as far as the paths exist. It
// lets a caller refuse to write where an input would read its output back.
func (in Input) Reads(path string) (bool, error) {
	target, err := RealPath(path)
	if err != nil {
		return false, err
	}
	if !hasMeta(in.Path) {
		root, err := RealPath(in.Path)
		if err != nil {
			return false, err
		}
		if info, err := os.Stat(root); err == nil && !info.IsDir() {
			return target == root, nil
		}
		return within(root, target), nil
	}
	base, pattern := doublestar.SplitPattern(filepath.ToSlash(filepath.Clean(in.Path)))
	root, err := RealPath(filepath.FromSlash(base))
	if err != nil {
		return false, err
	}
	if !within(root, target) || root == target {
		return false, nil
	}
	rel, err := filepath.Rel(root, target)
	if err != nil {
		return false, nil
	}
	elems := strings.Split(filepath.ToSlash(rel), "/")
	for k := 1; k <= len(elems); k++ {
		if ok, _ := doublestar.Match(pattern, strings.Join(elems[:k], "/")); ok {
			return true, nil
		}
	}
	return false, nil
}

// RealPath returns path made absolute with symbolic links resolved as far
// as it exists; the part that does not exist yet is appended as written.
func RealPath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rest := ""
	for p := abs; ; {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		parent := filepath.Dir(p)
		if parent == p {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// within reports whether path is dir or lies under it (both clean and absolute).
func within(dir, path string) bool {
	if dir == path {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(path, dir)
}
