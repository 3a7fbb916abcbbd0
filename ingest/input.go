package ingest

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

// Input formats.
const (
	// FormatJSONL is JSON Lines: one JSON object per line.
	FormatJSONL = "jsonl"
	// FormatText is plain text, split into documents according to Input.Split.
	FormatText = "text"
	// FormatParquet is Apache Parquet, one document per row (see Parquet).
	FormatParquet = "parquet"
)

// Text split modes.
const (
	// SplitFile makes one document of every text file.
	SplitFile = "file"
	// SplitParagraph makes one document of every block of non-blank lines.
	SplitParagraph = "paragraph"
)

// Character encodings an Input may name. The empty string means UTF-8.
const (
	encUTF8      = "utf-8"
	encShiftJIS  = "shift_jis"
	encEUCJP     = "euc-jp"
	encISO2022JP = "iso-2022-jp"
)

// Default JSON field names.
const (
	defaultTextField = "text"
	defaultIDField   = "id"
	defaultURLField  = "url"
)

// Input is one configured input: a file, a directory (walked recursively,
// sorted, hidden files and directories skipped) or a glob.
type Input struct {
	// Path is a file, a directory or a glob pattern (filepath.Match syntax).
	Path string `yaml:"path" json:"path,omitempty"`
	// Format is FormatJSONL, FormatText, FormatParquet, or "" to choose by
	// file extension (.jsonl and .ndjson are JSON Lines, .txt is text,
	// .parquet Parquet; .gz, .zst and .zstd are stripped first). An unknown
	// extension with an empty Format is an error from Expand.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
	// Source is written to Document.Source and starts the names of the
	// input's files (see File.Name); "" means the base name of the input's
	// root (see File.Source).
	Source string `yaml:"source,omitempty" json:"source,omitempty"`
	// Encoding is the character encoding of the (decompressed) files: "" or
	// "utf-8", "shift_jis" (decoded as the CP932-compatible Shift_JIS of
	// golang.org/x/text), "euc-jp" or "iso-2022-jp". Names are matched
	// case-insensitively.
	Encoding string `yaml:"encoding,omitempty" json:"encoding,omitempty"`
	// TextField names the JSON field (or Parquet column) holding the text
	// (default "text"); so do IDField, URLField and MetaFields.
	TextField string `yaml:"text_field,omitempty" json:"text_field,omitempty"`
	// IDField names the JSON field holding the document id (default "id").
	IDField string `yaml:"id_field,omitempty" json:"id_field,omitempty"`
	// URLField names the JSON field holding the URL (default "url").
	URLField string `yaml:"url_field,omitempty" json:"url_field,omitempty"`
	// MetaFields lists JSON fields copied into Document.Meta: strings as they
	// are, other values as their compact JSON text; null or missing fields
	// are skipped.
	MetaFields []string `yaml:"meta_fields,omitempty" json:"meta_fields,omitempty"`
	// Split is SplitFile (the default) or SplitParagraph; text inputs only.
	Split string `yaml:"split,omitempty" json:"split,omitempty"`
	// Preset names the filter preset for this input's documents. Ingest does
	// not use it: job maps it to the documents' source name.
	Preset string `yaml:"preset,omitempty" json:"preset,omitempty"`
}

// Validate checks the input's settings without touching the file system.
func (in Input) Validate() error {
	if in.Path == "" {
		return errors.New("path is empty")
	}
	switch in.Format {
	case "", FormatJSONL, FormatText, FormatParquet:
	default:
		return fmt.Errorf("format %q: want %q, %q, %q or empty (by extension)", in.Format, FormatJSONL, FormatText, FormatParquet)
	}
	if _, _, err := lookupEncoding(in.Encoding); err != nil {
		return err
	}
	switch in.Split {
	case "", SplitFile, SplitParagraph:
	default:
		return fmt.Errorf("split %q: want %q or %q", in.Split, SplitFile, SplitParagraph)
	}
	for _, f := range in.MetaFields {
		if f == "" {
			return errors.New("meta_fields: empty field name")
		}
	}
	if in.Format != "" {
		return in.checkFormat(in.Format)
	}
	return nil
}

// checkFormat reports settings that do not apply to format.
func (in Input) checkFormat(format string) error {
	switch format {
	case FormatJSONL:
		if in.Split != "" {
			return fmt.Errorf("split %q applies to text inputs only, not %s", in.Split, format)
		}
	case FormatText:
		if in.TextField != "" || in.IDField != "" || in.URLField != "" || len(in.MetaFields) > 0 {
			return fmt.Errorf("text_field, id_field, url_field and meta_fields apply to %s inputs only, not %s", FormatJSONL, format)
		}
	case FormatParquet:
		if in.Split != "" {
			return fmt.Errorf("split %q applies to text inputs only, not %s", in.Split, format)
		}
		if name, _, _ := lookupEncoding(in.Encoding); name != encUTF8 {
			return fmt.Errorf("encoding %q: %s strings are UTF-8", in.Encoding, format)
		}
	}
	return nil
}

// formatOf returns the format of file for this input: in.Format, or the one
// its extension implies.
func (in Input) formatOf(file string) (string, error) {
	format := in.Format
	if format == "" {
		format = formatByExt(file)
		if format == "" {
			return "", fmt.Errorf("%s: unknown extension; set format to %q or %q", file, FormatJSONL, FormatText)
		}
	}
	if err := in.checkFormat(format); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return format, nil
}

// formatByExt maps a file name to a format, "" when the extension is unknown.
func formatByExt(name string) string {
	name = strings.ToLower(filepath.Base(name))
	for _, c := range []string{".gz", ".zst", ".zstd"} {
		if strings.HasSuffix(name, c) {
			name = strings.TrimSuffix(name, c)
			break
		}
	}
	switch filepath.Ext(name) {
	case ".jsonl", ".ndjson":
		return FormatJSONL
	case ".txt":
		return FormatText
	case ".parquet":
		return FormatParquet
	}
	return ""
}

// lookupEncoding returns the canonical name of an encoding and its decoder;
// enc is nil for UTF-8.
func lookupEncoding(name string) (string, encoding.Encoding, error) {
	switch n := strings.ToLower(name); n {
	case "", encUTF8:
		return encUTF8, nil, nil
	case encShiftJIS:
		return n, japanese.ShiftJIS, nil
	case encEUCJP:
		return n, japanese.EUCJP, nil
	case encISO2022JP:
		return n, japanese.ISO2022JP, nil
	}
	return "", nil, fmt.Errorf("encoding %q: want utf-8, shift_jis, euc-jp or iso-2022-jp", name)
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
