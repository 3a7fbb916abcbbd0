package ingest

import (
	"context"
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
	// rejects, independently of how the input was spelled or where it lies.
	// The root of an input is the file of a file input, the directory of a
	// directory input and, for a glob, the directory before the first
	// pattern element; symbolic links in the root are resolved. Elements are
	// separated by '/'.
	//
	//   - Directory and glob inputs: PREFIX/PATH, where PATH is the file's
	//     path below the root and PREFIX is the input's Source when set, else
	//     the root's base name (left out, with its '/', for the root
	//     directory "/"). "data/kokkai/" gives "kokkai/2024/01.jsonl", with
	//     source "diet" "diet/2024/01.jsonl".
	//   - File inputs: the file's base name, preceded by the input's Source
	//     and '/' when Source is set. "data/speeches.jsonl.gz" gives
	//     "speeches.jsonl.gz", with source "kokkai"
	//     "kokkai/speeches.jsonl.gz". A file whose path does not resolve (a
	//     pipe: /dev/stdin, or /dev/fd/63 from a shell's process
	//     substitution) has the base name of its path as written ("stdin",
	//     "63").
	//
	// Expand refuses two files with one name: distinct sources tell the
	// inputs' files apart.
	Name string
	// Source is the source name of the file's documents: the input's Source,
	// or else the base name of the input's root as in Name (for a file input
	// without its compression and format extensions: "speeches.jsonl.gz"
	// gives "speeches"), "root" for the root directory.
	Source string
	// Size is the file size in bytes as stored (compressed).
	Size int64
	// Input is the index of the input the file came from.
	Input int
	// Ordinal is the file's index in the list Expand returned: the file part
	// of the pipeline.Key of its documents.
	Ordinal int
	// RowGroups, for a Parquet file, reads only its row groups
	// [RowGroups[0], RowGroups[1]); the zero value reads all. Record
	// ordinals (pipeline.Key) are row indexes in the whole file, so a file
	// split into ranges keys its rows as the whole file would.
	RowGroups [2]int

	real  string // see RealPath; "" when not known yet
	stdin bool   // standard input ("-")
}

// StdinPath is the Input.Path of standard input.
const StdinPath = "-"

// stdinDev is the Path and real path of a File of standard input: the
// device names it, so that a check of the file (a pipe cannot be read
// twice) sees what standard input is; the Source reads os.Stdin itself.
const stdinDev = "/dev/stdin"

// Stdin reports whether the file is standard input (an input "-").
func (f File) Stdin() bool { return f.stdin }

// RealPath returns the file's absolute path with symbolic links resolved,
// or its absolute path as written when that cannot be resolved (a pipe such
// as /dev/stdin). Expand resolves every file once, to find files reached
// twice, and keeps the result: RealPath of a File from Expand does not touch
// the file system. For a File made otherwise it resolves Path now.
func (f File) RealPath() string {
	if f.real != "" {
		return f.real
	}
	real, _ := resolve(f.Path)
	return real
}

// Expand is ExpandContext without a stop request.
func Expand(inputs []Input) ([]File, error) {
	return ExpandContext(context.Background(), inputs)
}

// ExpandContext resolves every input into files, in input order; within one
// input the files are sorted by Name, but for a PathsFrom list, whose files
// keep the order of the list. Directories are walked recursively,
// skipping hidden files and directories (names starting with "."). A glob
// follows the doublestar syntax: "**" matches any number of directories,
// "{a,b}" alternatives; its wildcards skip hidden names unless the pattern
// element itself starts with ".". A path that matches nothing, a directory
// without files, a file whose format cannot be told from its extension
// (when Input.Format is empty), a file reached twice (by any inputs) and two
// files with the same Name are errors naming the input. Symbolic links to
// files are read; links to directories are followed only when given as the
// input's path (or matched by its glob). Names, sources and ordinals do not
// depend on how the paths were spelled (relative, absolute, through a
// symbolic link) or where the inputs lie.
//
// Input.Include and Input.Exclude select the files of a directory, a glob
// or a list. A file input of unknown extension (and no Format) is read now
// to tell its format from the content (see Sniff): content of no known
// format is an error naming the file and the formats. Files found in a
// directory or by a glob are only told apart when read (see Source).
//
// The path "-" is standard input, named "stdin" (SOURCE/stdin with a
// Source), of source "stdin" unless Source is set; its format is Format or
// is told from the content when read. A PathsFrom list names its files
// PREFIX/LINE: LINE the path as the list spells it, cleaned and
// '/'-separated (without the leading '/' of an absolute path), PREFIX the
// input's Source or else the list file's base name without its
// compression, ".paths", ".txt" and ".list" extensions ("warc.paths.gz"
// gives "warc"), which is also the files' source. Errors of a list name the
// list file and the line.
//
// ctx is checked for every entry of a walked directory, every glob match
// and every file found: once it is done, ExpandContext returns an error
// wrapping ctx.Err() (errors.Is(err, context.Canceled) holds after a stop
// request).
func ExpandContext(ctx context.Context, inputs []Input) ([]File, error) {
	var files []File
	seen := map[string]int{}  // real path -> index in files
	named := map[string]int{} // name -> index in files
	var pipes unresolvedList  // files whose path does not resolve
	for i, in := range inputs {
		fail := func(err error) ([]File, error) {
			return nil, fmt.Errorf("input %d (%s): %w", i, in.describe(), err)
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if err := in.Validate(); err != nil {
			return fail(err)
		}
		var found []File
		var excluded int
		resolvedAll := true // every file's real path is known (set or resolvable)
		switch {
		case in.PathsFrom != "":
			var err error
			if found, excluded, err = expandList(ctx, in); err != nil {
				return fail(err)
			}
		case in.Path == StdinPath:
			found = []File{stdinFile(in)}
		default:
			var r root
			var err error
			found, r, err = expandOne(ctx, in.Path)
			if err != nil {
				return fail(err)
			}
			if r.file && (len(in.Include) > 0 || len(in.Exclude) > 0) {
				return fail(fmt.Errorf("include and exclude apply to directories, globs and paths_from lists, not the file %s", in.Path))
			}
			if found, excluded, err = in.selectFiles(found, r); err != nil {
				return fail(err)
			}
			if len(found) == 0 {
				break
			}
			rootOK, err := nameFiles(found, in, r)
			if err != nil {
				return fail(err)
			}
			resolvedAll = rootOK || !r.file
			if r.file {
				if err := in.checkContent(found[0].Path); err != nil {
					return fail(err)
				}
			}
			sort.Slice(found, func(a, b int) bool { return found[a].Name < found[b].Name })
		}
		if len(found) == 0 {
			if excluded > 0 {
				return fail(fmt.Errorf("no files found (%d excluded by include/exclude)", excluded))
			}
			return fail(errors.New("no files found"))
		}
		for _, f := range found {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
			if _, err := in.formatOf(f.Path); err != nil {
				return fail(err)
			}
			resolved := resolvedAll && !f.stdin
			if f.real == "" {
				var err error
				f.real, err = resolve(f.Path)
				resolved = err == nil
			}
			k, dup := seen[f.real]
			if !dup && !resolved {
				k, dup = pipes.find(f.Path)
				pipes = append(pipes, unresolved{path: f.Path, file: len(files)})
			}
			if dup {
				return fail(fmt.Errorf("%s is already read by input %d (%s)", f.spelled(), files[k].Input, inputs[files[k].Input].describe()))
			}
			seen[f.real] = len(files)
			if k, dup := named[f.Name]; dup {
				g := files[k]
				return fail(fmt.Errorf("%s has the same name %q as %s of input %d (%s): set distinct source: names for input %d and input %d",
					f.spelled(), f.Name, g.spelled(), g.Input, inputs[g.Input].describe(), g.Input, i))
			}
			named[f.Name] = len(files)
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

// unresolvedList holds the files found by Expand whose paths do not
// resolve (pipes): they are told apart by os.SameFile.
type unresolvedList []unresolved

// unresolved is a file whose path does not resolve.
type unresolved struct {
	path string
	file int // index in Expand's list
}

// find returns the list index of a file in us that is the same as path.
func (us unresolvedList) find(path string) (int, bool) {
	if len(us) == 0 {
		return 0, false
	}
	info, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	for _, u := range us {
		if other, err := os.Stat(u.path); err == nil && os.SameFile(info, other) {
			return u.file, true
		}
	}
	return 0, false
}

// root is where an input's file names start: the spelled root and whether
// it is a single file.
type root struct {
	path string
	file bool
}

// nameFiles sets Name and Source of the files found under r (see File.Name).
// For a file input it also sets the file's real path, and reports whether
// that could be resolved.
func nameFiles(files []File, in Input, r root) (resolved bool, err error) {
	real, err := resolve(r.path)
	if err != nil && !r.file {
		return false, err
	}
	// A file that exists (Expand stat'ed it) but does not resolve is a pipe
	// or the like under /proc/self/fd: it is named as written.
	resolved = err == nil
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
	prefix := base
	if in.Source != "" {
		prefix = in.Source
	}
	for k := range files {
		f := &files[k]
		f.Source = source
		if r.file {
			f.Name = base
			if in.Source != "" {
				f.Name = in.Source + "/" + base
			}
			f.real = real
			continue
		}
		rel, err := filepath.Rel(r.path, f.Path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return resolved, fmt.Errorf("%s is not under %s", f.Path, r.path)
		}
		rel = filepath.ToSlash(rel)
		if prefix != "" {
			rel = prefix + "/" + rel
		}
		f.Name = rel
	}
	return resolved, nil
}

// stripExts removes compression and then format extensions from a file name.
func stripExts(name string) string {
	lower := strings.ToLower(name)
	for _, exts := range [][]string{compressionExts, {".jsonl", ".ndjson", ".json", ".txt", ".xml", ".parquet", ".html", ".htm"}} {
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
func expandOne(ctx context.Context, path string) ([]File, root, error) {
	if !hasMeta(path) {
		info, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, root{}, fmt.Errorf("no such file or directory")
		}
		if err != nil {
			return nil, root{}, err
		}
		if info.IsDir() {
			files, err := walk(ctx, path)
			return files, root{path: path}, err
		}
		return []File{{Path: path, Size: info.Size()}}, root{path: path, file: true}, nil
	}
	pattern := filepath.ToSlash(filepath.Clean(path))
	if !doublestar.ValidatePathPattern(pattern) {
		return nil, root{}, fmt.Errorf("glob: malformed pattern")
	}
	base, rest := doublestar.SplitPattern(pattern)
	r := root{path: filepath.FromSlash(base)}
	if info, err := os.Stat(r.path); err != nil || !info.IsDir() {
		return nil, r, nil // nothing can match: "no files found"
	}
	// ** matches any number of directories; wildcards skip hidden names
	// unless the pattern element names them (".*"), as in a shell.
	opts := []doublestar.GlobOption{doublestar.WithNoHidden(), doublestar.WithFailOnIOErrors()}
	var matches []string
	if rest == "" || rest == "." || rest == ".." { // no pattern left: FilepathGlob handles these
		m, err := doublestar.FilepathGlob(filepath.FromSlash(pattern), opts...)
		if err != nil {
			return nil, r, fmt.Errorf("glob: %w", err)
		}
		matches = m
	} else {
		err := doublestar.GlobWalk(os.DirFS(r.path), rest, func(p string, _ fs.DirEntry) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			matches = append(matches, filepath.Join(r.path, filepath.FromSlash(p)))
			return nil
		}, opts...)
		if err := ctx.Err(); err != nil {
			return nil, r, err
		}
		if err != nil {
			return nil, r, fmt.Errorf("glob: %w", err)
		}
	}
	var files []File
	added := map[string]bool{} // "data/**" matches a directory and the files in it
	add := func(f File) {
		if !added[f.Path] {
			added[f.Path] = true
			files = append(files, f)
		}
	}
	for _, m := range matches {
		if err := ctx.Err(); err != nil {
			return nil, r, err
		}
		info, err := os.Stat(m)
		if err != nil {
			return nil, r, err
		}
		if info.IsDir() {
			sub, err := walk(ctx, m)
			if err != nil {
				return nil, r, err
			}
			for _, f := range sub {
				add(f)
			}
			continue
		}
		if info.Mode().IsRegular() {
			add(File{Path: m, Size: info.Size()})
		}
	}
	return files, r, nil
}

// walk lists the regular files under dir, skipping hidden names. dir may be
// a symbolic link; links to directories further down are not followed, so
// the real path of a file that is not a link itself is the real path of dir
// joined with the file's path below dir: walk sets it.
func walk(ctx context.Context, dir string) ([]File, error) {
	root := dir
	if info, err := os.Lstat(dir); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		root = dir + string(filepath.Separator) // make WalkDir enter the linked directory
	}
	realDir, rerr := resolve(dir)
	var files []File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err := ctx.Err(); err != nil {
			return err
		}
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
		if !info.Mode().IsRegular() {
			return nil
		}
		f := File{Path: p, Size: info.Size()}
		if rel, err := filepath.Rel(root, p); rerr == nil && err == nil && d.Type()&fs.ModeSymlink == 0 {
			f.real = filepath.Join(realDir, rel)
		}
		files = append(files, f)
		return nil
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("walk: %w", err)
	}
	return files, nil
}

// hasMeta reports whether path contains glob metacharacters.
func hasMeta(path string) bool {
	return strings.ContainsAny(path, `*?[{`)
}

// resolve returns path made absolute with symbolic links resolved, the
// file's identity in duplicate detection and File.RealPath. When that fails
// it returns the error with path made absolute only (only cleaned when even
// that fails).
func resolve(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path), err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return abs, err
	}
	return real, nil
}

// walks reports whether the input is a directory or a glob, whose files of
// unknown format are skipped.
func (in Input) walks() bool {
	if in.PathsFrom != "" || in.Path == StdinPath {
		return false
	}
	if hasMeta(in.Path) {
		return true
	}
	info, err := os.Stat(in.Path)
	return err == nil && info.IsDir()
}

// Reads reports whether expanding in would read the file path if it
// existed: path equals a file input, lies under a directory input, or it
// or one of its parent directories (which would be walked) matches a glob.
// Symbolic links are resolved on both sides, as far as the paths exist. It
// lets a caller refuse to write where an input would read its output back.
// A PathsFrom input reads its list file and the files listed (which exist:
// Expand checks them; see File.RealPath); standard input reads no path.
func (in Input) Reads(path string) (bool, error) {
	target, err := RealPath(path)
	if err != nil {
		return false, err
	}
	switch {
	case in.PathsFrom != "":
		list, err := RealPath(in.PathsFrom)
		return err == nil && list == target, err
	case in.Path == StdinPath:
		return false, nil
	}
	if !hasMeta(in.Path) {
		root, err := RealPath(in.Path)
		if err != nil {
			return false, err
		}
		if info, err := os.Stat(root); err == nil && !info.IsDir() {
			return target == root, nil
		}
		return Within(root, target), nil
	}
	base, pattern := doublestar.SplitPattern(filepath.ToSlash(filepath.Clean(in.Path)))
	root, err := RealPath(filepath.FromSlash(base))
	if err != nil {
		return false, err
	}
	if !Within(root, target) || root == target {
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

// Within reports whether path is dir or lies under it; both must be clean
// and absolute, as RealPath returns them.
func Within(dir, path string) bool {
	if dir == path {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(path, dir)
}
