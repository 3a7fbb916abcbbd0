// Package ingest reads raw input files into pipeline documents.
//
// An input is configured as an Input: a file, a directory (walked
// recursively) or a glob, with its format (JSON Lines or plain text), its
// character encoding and, for JSON Lines, the names of the fields that hold
// the text, id, URL and metadata; Parquet files (FormatParquet, see Parquet)
// are read by column, row group by row group, with the same field settings
// naming columns. Expand resolves a list of inputs into an
// ordered list of files; NewSource streams the documents of those files in
// that order and implements pipeline.Source.
//
// WARC and WET files (FormatWARC, FormatWET; see warc.go) are read as
// stored, gzip member by member: a document's position is its record's
// offset in the compressed file, records that are not documents are counted
// by reason in FileStats.Skipped, and HTML responses carry their payload in
// Scratch under pipeline.HTMLPayload with empty text for the extract stage.
//
// An input can also be standard input ("-") or a list of files
// (Input.PathsFrom, as Common Crawl publishes warc.paths.gz); Include and
// Exclude patterns select the files of a directory, glob or list. A file
// whose extension does not tell its format is read by its content (Sniff);
// in a directory or glob, one of unknown content is skipped and recorded
// (FileSkipped) instead of stopping the run.
//
// Files are decompressed transparently: gzip (also multi-member), zstd and
// bzip2 are recognised by their magic bytes, not by their name; xz, lzip,
// lz4, snappy, compress, 7z, zip and rar are recognised and reported as not
// supported (one ProblemUnsupported per file). Text in Shift_JIS,
// EUC-JP or ISO-2022-JP is decoded to UTF-8; with encoding "auto" the
// encoding of each file is detected from its first 64 KB, and a declared
// legacy encoding that does not fit a file's bytes is reported
// (ProblemCharsetMismatch) and the file decoded as detected.
//
// Records that cannot become documents (invalid UTF-8, malformed JSON, a
// missing or empty text, an over-long line, a truncated compressed stream, an
// unreadable file) are reported as *pipeline.Problem errors located by file,
// line and byte offset of the decoded stream; reading continues after them.
// Lines and offsets count the stream after decompression and character
// decoding, i.e. the UTF-8 text the readers see (a leading byte order mark
// included). Bytes that are invalid in a legacy encoding are decoded to
// U+FFFD by golang.org/x/text and are not reported.
//
// Records up to 4 MiB are read in memory; a longer one is collected in an
// unlinked temporary file under TMPDIR (batch systems point it at node-local
// scratch) and read back once into a buffer of exactly its size, which the
// document's text then uses. A record over the limit (MaxLineBytes,
// MaxDocBytes) is only counted, so skipping it costs a few MiB whatever its
// length. If the temporary file cannot be written, the read fails with an
// error naming the file, the line and TMPDIR.
//
// JSON Lines records are validated and their fields picked out with
// valyala/fastjson, which accepts what encoding/json accepts for an object
// and is several times faster than decoding each line with encoding/json;
// the last of duplicate keys wins, and lone UTF-16 surrogate escapes decode
// to U+FFFD as with encoding/json.
package ingest
