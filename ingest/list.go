package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// describe names the input in messages: its path, or its list.
func (in Input) describe() string {
	if in.PathsFrom != "" {
		return "paths_from " + in.PathsFrom
	}
	return in.Path
}

// spelled names the file in messages: its path as expanded, "-" for
// standard input.
func (f File) spelled() string {
	if f.stdin {
		return StdinPath
	}
	return f.Path
}

// stdinFile is the File of an input "-".
func stdinFile(in Input) File {
	f := File{Path: stdinDev, Name: "stdin", Source: "stdin", real: stdinDev, stdin: true}
	if in.Source != "" {
		f.Name, f.Source = in.Source+"/stdin", in.Source
	}
	if info, err := os.Stdin.Stat(); err == nil && info.Mode().IsRegular() {
		f.Size = info.Size() // a pipe's size is unknown: 0
	}
	return f
}

// keeps reports whether the file at rel ('/'-separated, below the input's
// root or as its list spells it) passes Include and Exclude.
func (in Input) keeps(rel string) bool {
	match := func(p string) bool {
		ok, _ := doublestar.Match(p, rel) // patterns are checked by Validate
		return ok
	}
	if len(in.Include) > 0 && !slices.ContainsFunc(in.Include, match) {
		return false
	}
	return !slices.ContainsFunc(in.Exclude, match)
}

// selectFiles returns the files under r that pass Include and Exclude, and
// how many did not.
func (in Input) selectFiles(files []File, r root) ([]File, int, error) {
	if r.file || len(in.Include)+len(in.Exclude) == 0 {
		return files, 0, nil
	}
	kept := files[:0]
	for _, f := range files {
		rel, err := filepath.Rel(r.path, f.Path)
		if err != nil {
			return nil, 0, fmt.Errorf("%s is not under %s", f.Path, r.path)
		}
		if in.keeps(filepath.ToSlash(rel)) {
			kept = append(kept, f)
		}
	}
	return kept, len(files) - len(kept), nil
}

// checkContent tells the format of a file input from its content when
// neither Format nor the extension does, and returns an error naming the
// file and the formats when the content does not either. A file that is not
// regular (a pipe) is not read: its format is told when the Source reads it.
func (in Input) checkContent(path string) error {
	if in.Format != "" || formatByExt(path) != "" {
		return nil
	}
	if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
		return nil
	}
	var d decompressors
	st, err := d.open(path, nil, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	st.own = true
	defer st.Close()
	head := st.sniff(make([]byte, 0, sniffSize))
	format, why := Sniff(head)
	if len(head) == 0 {
		return nil // empty: the reader reports it
	}
	if format == "" {
		return fmt.Errorf("%s: unknown file type: %s; set format to one of %s", path, why, strings.Join(readable, ", "))
	}
	if !slices.Contains(readable, format) {
		return fmt.Errorf("%s: the content is %s, which cannot be read yet; formats read: %s", path, format, strings.Join(readable, ", "))
	}
	return in.checkFormat(format)
}

// listSource is the default source of a PathsFrom list: its base name
// without compression and list extensions.
func listSource(list string) string {
	name := filepath.Base(list)
	lower := strings.ToLower(name)
	for _, exts := range [][]string{compressionExts, {".paths", ".txt", ".list", ".lst"}} {
		for _, e := range exts {
			if strings.HasSuffix(lower, e) && len(name) > len(e) {
				name, lower = name[:len(name)-len(e)], lower[:len(lower)-len(e)]
				break
			}
		}
	}
	if name == "" || name == "." || name == string(filepath.Separator) {
		return "list"
	}
	return name
}

// maxListLine is the longest line of a PathsFrom list.
const maxListLine = 64 << 10

// expandList returns the files a PathsFrom list names, in list order, and
// how many lines Include and Exclude left out. Every error names the list
// file and, for a line, its number.
func expandList(ctx context.Context, in Input) ([]File, int, error) {
	r, err := Open(in.PathsFrom)
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	base := in.Base
	if base == "" {
		base = filepath.Dir(in.PathsFrom)
	} else if info, err := os.Stat(base); err != nil || !info.IsDir() {
		if err == nil {
			err = errors.New("not a directory")
		}
		return nil, 0, fmt.Errorf("base %s: %w", base, err)
	}
	source := in.Source
	if source == "" {
		source = listSource(in.PathsFrom)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxListLine)
	var files []File
	excluded := 0
	lineOf := map[string]int{} // name -> line
	n := 0
	for sc.Scan() {
		n++
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		at := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", in.PathsFrom, n, fmt.Sprintf(format, args...))
		}
		if strings.Contains(line, "://") {
			return nil, 0, at("%s is a URL: download the files and list their paths (relative to base)", line)
		}
		clean := filepath.Clean(filepath.FromSlash(line))
		path := clean
		if !filepath.IsAbs(clean) {
			path = filepath.Join(base, clean)
		}
		rel := strings.TrimPrefix(filepath.ToSlash(clean), "/")
		if !in.keeps(rel) {
			excluded++
			continue
		}
		name := source + "/" + rel
		if k, dup := lineOf[name]; dup {
			return nil, 0, at("%s is listed on line %d already", line, k)
		}
		lineOf[name] = n
		info, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, 0, at("%s: no such file", path)
		case err != nil:
			return nil, 0, at("%s: %s", path, errDetail(err))
		case info.IsDir():
			return nil, 0, at("%s is a directory: list its files", path)
		}
		files = append(files, File{Path: path, Name: name, Source: source, Size: info.Size()})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, 0, fmt.Errorf("%s:%d: line longer than %d bytes", in.PathsFrom, n+1, maxListLine)
		}
		return nil, 0, fmt.Errorf("%s: %w", in.PathsFrom, err)
	}
	return files, excluded, nil
}
