package ingest

import (
	"context"
	"fmt"
	"os"

	"github.com/parquet-go/parquet-go"
)

// SliceParquet returns files with every Parquet file larger than max bytes
// replaced by slices of it: runs of consecutive whole row groups of at most
// max compressed bytes each (a row group larger than max is a slice of its
// own), in file order. A slice keeps the file's Name, Source, Input and
// Ordinal, and its rows keep the keys the whole file gives them (see
// File.RowGroups), so the documents, their order and their keys are the same
// whether a file is read whole or in slices; only the file list, and so the
// work tasks can share, is finer. A slice's Size is its row groups'
// compressed bytes, the last slice's also the rest of the file (footer,
// indexes), so the sizes add up to the file's.
//
// A file is Parquet if its input's format or extension says so, or, with
// neither, if it starts with "PAR1". The footers of the files larger than
// max are read (a few KB each); a file whose footer cannot be read is left
// whole, for the Source to report. max <= 0 returns files unchanged.
// Standard input is never sliced.
func SliceParquet(ctx context.Context, inputs []Input, files []File, max int64) ([]File, error) {
	if max <= 0 {
		return files, nil
	}
	var out []File
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var slices []File
		if f.Size > max && !f.stdin && f.Input >= 0 && f.Input < len(inputs) && isParquet(inputs[f.Input], f.Path) {
			slices = sliceParquet(f, max)
		}
		if slices == nil {
			if out != nil {
				out = append(out, f)
			}
			continue
		}
		if out == nil {
			out = append(make([]File, 0, len(files)+len(slices)), files[:i]...)
		}
		out = append(out, slices...)
	}
	if out == nil {
		return files, nil
	}
	return out, nil
}

// isParquet reports whether in reads path as Parquet.
func isParquet(in Input, path string) bool {
	switch format, err := in.formatOf(path); {
	case err != nil:
		return false
	case format != "":
		return format == FormatParquet
	}
	fh, err := os.Open(path)
	if err != nil {
		return false
	}
	defer fh.Close()
	var magic [4]byte
	_, err = fh.ReadAt(magic[:], 0)
	return err == nil && string(magic[:]) == "PAR1"
}

// sliceParquet splits f by row groups; nil when it is not worth it (one
// slice) or the footer cannot be read.
func sliceParquet(f File, max int64) []File {
	sizes, err := rowGroupSizes(f.Path)
	if err != nil || len(sizes) < 2 {
		return nil
	}
	var out []File
	lo := 0
	var sum, total int64
	flush := func(hi int) {
		s := f
		s.RowGroups = [2]int{lo, hi}
		s.Size = sum
		out = append(out, s)
		total += sum
		lo, sum = hi, 0
	}
	for g, n := range sizes {
		if g > lo && sum+n > max {
			flush(g)
		}
		sum += n
	}
	flush(len(sizes))
	if len(out) < 2 {
		return nil
	}
	if rest := f.Size - total; rest > 0 {
		out[len(out)-1].Size += rest
	}
	return out
}

// rowGroupSizes returns the compressed size of each row group of the Parquet
// file at path, from its footer.
func rowGroupSizes(path string) (sizes []int64, err error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("corrupt Parquet footer: %v", v)
		}
	}()
	if err := checkParquetEnds(fh, info.Size()); err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(fh, info.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true), parquet.ReadBufferSize(64<<10))
	if err != nil {
		return nil, err
	}
	for _, g := range pf.Metadata().RowGroups {
		var n int64
		for _, c := range g.Columns {
			n += c.MetaData.TotalCompressedSize
		}
		if n <= 0 {
			n = g.TotalCompressedSize
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
