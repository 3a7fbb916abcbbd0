package ingest

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

// Input formats.
const (
	// FormatJSONL is JSON Lines: one JSON object per line.
	FormatJSONL = "jsonl"
	// FormatText is plain text, split into documents according to Input.Split.
	FormatText = "text"
	// FormatEgovLaw is e-Gov law XML (法令標準XML) or an e-Gov API response
	// holding it: one document per law (see EgovLaw).
	FormatEgovLaw = "egov-law"
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
	// encAuto detects the encoding of every file (see sniffEncoding).
	encAuto = "auto"
)

// Default JSON field names.
const (
	defaultTextField = "text"
	defaultIDField   = "id"
	defaultURLField  = "url"
)

// Input is one configured input: a file, a directory (walked recursively,
// sorted, hidden files and directories skipped), a glob, standard input
// ("-") or a list of files (PathsFrom).
type Input struct {
	// Path is a file, a directory, a glob pattern (doublestar syntax) or
	// "-" for standard input. Exactly one of Path and PathsFrom is set.
	Path string `yaml:"path" json:"path,omitempty"`
	// PathsFrom is a file listing the input files, one path per line, as
	// Common Crawl publishes warc.paths.gz: gzip, zstd, bzip2 or plain;
	// blank lines and lines starting with '#' are skipped. Relative paths
	// are relative to Base. The files are read in the order of the list.
	PathsFrom string `yaml:"paths_from,omitempty" json:"paths_from,omitempty"`
	// Base is the directory the relative paths of PathsFrom are relative to
	// ("" means the directory of the list file).
	Base string `yaml:"base,omitempty" json:"base,omitempty"`
	// Include, when set, keeps only the files that match one of its
	// patterns; Exclude drops the files that match one of its. Patterns are
	// doublestar globs matched against a file's path below the directory
	// (or a glob's root, or as a PathsFrom line spells it), '/'-separated:
	// "**/*.warc.gz", "**/robotstxt/**". Not for a single file or "-".
	Include []string `yaml:"include,omitempty" json:"include,omitempty"`
	Exclude []string `yaml:"exclude,omitempty" json:"exclude,omitempty"`
	// Format is FormatJSONL, FormatText, FormatWARC, FormatWET,
	// FormatEgovLaw, FormatKokkai, FormatParquet, or "" to choose by file
	// extension (.jsonl and .ndjson are JSON Lines, .txt is text, .warc and
	// .wet WARC and WET, .xml e-Gov law XML, .parquet Parquet; a
	// compression extension is stripped first) and else by content (see Sniff). A file
	// found in a directory or by a glob whose format the content does not
	// tell, or tells only as plain text, is skipped (FileSkipped, with the
	// reason); a file named by a file input of unknown content is an error
	// from Expand, one named by a PathsFrom line or read from "-" a
	// Problem.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
	// Source is written to Document.Source and starts the names of the
	// input's files (see File.Name); "" means the base name of the input's
	// root (see File.Source).
	Source string `yaml:"source,omitempty" json:"source,omitempty"`
	// Encoding is the character encoding of the (decompressed) files: "" or
	// "utf-8", "shift_jis" (decoded as the CP932-compatible Shift_JIS of
	// golang.org/x/text), "euc-jp" or "iso-2022-jp", or "auto" to detect it
	// per file from its first 64 KB (internal/jpcharset). Names are matched
	// case-insensitively. A declared legacy encoding that does not fit a
	// file's bytes is reported (ProblemCharsetMismatch) and the file
	// decoded as detected. Documents of a non-UTF-8 or auto input carry the
	// encoding used in Meta "charset".
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
	// SpeakerMarker is SpeakerMarkerKeep (the default) or
	// SpeakerMarkerStrip: whether a kokkai speech keeps the "○氏名君　"
	// marker the minutes start it with; kokkai inputs only.
	SpeakerMarker string `yaml:"speaker_marker,omitempty" json:"speaker_marker,omitempty"`
	// Split is SplitFile (the default) or SplitParagraph; text inputs only.
	Split string `yaml:"split,omitempty" json:"split,omitempty"`
	// Preset names the filter preset for this input's documents. Ingest does
	// not use it: job maps it to the documents' source name.
	Preset string `yaml:"preset,omitempty" json:"preset,omitempty"`
}

// Validate checks the input's settings without touching the file system.
func (in Input) Validate() error {
	switch {
	case in.Path == "" && in.PathsFrom == "":
		return errors.New("path is empty (give path or paths_from)")
	case in.Path != "" && in.PathsFrom != "":
		return errors.New("paths_from and path: give one of them")
	case in.Base != "" && in.PathsFrom == "":
		return errors.New("base applies to paths_from inputs only")
	case in.Path == StdinPath && (len(in.Include) > 0 || len(in.Exclude) > 0):
		return errors.New("include and exclude do not apply to standard input (-)")
	}
	for _, list := range []struct {
		key      string
		patterns []string
	}{{"include", in.Include}, {"exclude", in.Exclude}} {
		for _, p := range list.patterns {
			if p == "" || !doublestar.ValidatePattern(p) {
				return fmt.Errorf("%s %q: malformed pattern", list.key, p)
			}
		}
	}
	switch in.Format {
	case "", FormatJSONL, FormatText, FormatWARC, FormatWET, FormatHTML, FormatEgovLaw, FormatKokkai, FormatParquet:
	default:
		return fmt.Errorf("format %q: want %q, %q, %q, %q, %q, %q, %q, %q or empty (by extension)", in.Format, FormatJSONL, FormatText, FormatWARC, FormatWET, FormatHTML, FormatEgovLaw, FormatKokkai, FormatParquet)
	}
	switch in.SpeakerMarker {
	case "", SpeakerMarkerKeep, SpeakerMarkerStrip:
	default:
		return fmt.Errorf("speaker_marker %q: want %q or %q", in.SpeakerMarker, SpeakerMarkerKeep, SpeakerMarkerStrip)
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
	if in.SpeakerMarker != "" && format != FormatKokkai {
		return fmt.Errorf("speaker_marker applies to %s inputs only, not %s", FormatKokkai, format)
	}
	switch format {
	case FormatKokkai:
		if in.Split != "" || in.TextField != "" || in.IDField != "" || in.URLField != "" || len(in.MetaFields) > 0 {
			return fmt.Errorf("split, text_field, id_field, url_field and meta_fields do not apply to %s inputs", format)
		}
	case FormatJSONL:
		if in.Split != "" {
			return fmt.Errorf("split %q applies to text inputs only, not %s", in.Split, format)
		}
	case FormatWARC, FormatWET, FormatHTML:
		if in.Split != "" || in.TextField != "" || in.IDField != "" || in.URLField != "" || len(in.MetaFields) > 0 {
			return fmt.Errorf("split, text_field, id_field, url_field and meta_fields do not apply to %s inputs", format)
		}
	case FormatText:
		if in.TextField != "" || in.IDField != "" || in.URLField != "" || len(in.MetaFields) > 0 {
			return fmt.Errorf("text_field, id_field, url_field and meta_fields apply to %s inputs only, not %s", FormatJSONL, format)
		}
	case FormatEgovLaw:
		if in.TextField != "" || in.IDField != "" || in.URLField != "" || len(in.MetaFields) > 0 || in.Split != "" {
			return fmt.Errorf("text_field, id_field, url_field, meta_fields and split do not apply to %s inputs", format)
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
// its extension implies; "" when neither tells (the content will).
func (in Input) formatOf(file string) (string, error) {
	format := in.Format
	if format == "" {
		format = formatByExt(file)
	}
	if format == "" {
		return "", nil
	}
	if err := in.checkFormat(format); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	return format, nil
}

// formatByExt maps a file name to a format, "" when the extension is unknown.
func formatByExt(name string) string {
	name = strings.ToLower(filepath.Base(name))
	for _, c := range compressionExts {
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
	case ".xml":
		return FormatEgovLaw
	case ".html", ".htm":
		return FormatHTML
	case ".warc":
		return FormatWARC
	case ".wet":
		return FormatWET
	case ".parquet":
		return FormatParquet
	}
	return ""
}

// compressionExts are the extensions of compressed files, supported or not
// (an unsupported one is reported by Open, naming the compression).
var compressionExts = []string{".gz", ".zst", ".zstd", ".bz2", ".xz", ".lz", ".lz4", ".sz", ".z"}

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
	case encAuto:
		return n, nil, nil
	}
	return "", nil, fmt.Errorf("encoding %q: want utf-8, shift_jis, euc-jp, iso-2022-jp or auto", name)
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
