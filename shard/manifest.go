package shard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jacorpus/jacorpus/internal/fsync"
)

// ManifestName is the file name of the manifest inside an output directory.
const ManifestName = "manifest.json"

// ReportName is the file name of the HTML report of a dataset (jacorpus
// report), written beside the manifest. It is derived from the manifest:
// Owned counts it (and its temporary file, ReportTemp) as the dataset's and
// Verify does not call it extra.
const (
	ReportName = "report.html"
	ReportTemp = ".report.html.tmp"
)

// ManifestVersion is the manifest format version written by this package.
const ManifestVersion = 1

// Totals sums the shards of a manifest.
type Totals struct {
	Shards int   `json:"shards"`
	Rows   int64 `json:"rows"`
	Tokens int64 `json:"tokens"`
	Bytes  int64 `json:"bytes"`
}

// Manifest is the shard-level part of a dataset's manifest.json: the
// shards, their totals and per-source shares. It is all that verify, ls
// and inspect need. A run's manifest carries more sections (its config,
// stats and reports: job.Manifest embeds Manifest and adds them); a
// reader of this type ignores them.
type Manifest struct {
	// Version is the manifest format version (ManifestVersion).
	Version int `json:"version"`
	// Tool names the program (and version) that wrote the output.
	Tool string `json:"tool"`
	// Schema lists the shard column names in order.
	Schema []string `json:"schema"`
	// Shards lists the shards in order.
	Shards []Info `json:"shards"`
	// Totals sums Shards.
	Totals Totals `json:"totals"`
	// Sources sums the rows by source (the shares of the dataset), by
	// source name; filled by the caller (Writer.Sources).
	Sources []SourceTotals `json:"sources,omitempty"`
}

// ShardManifest returns m itself; it makes *Manifest, and every struct that
// embeds a Manifest, a Described.
func (m *Manifest) ShardManifest() *Manifest { return m }

// Described is a manifest to write: a *Manifest or a struct embedding one,
// whose JSON form holds the Manifest's fields at the top level.
type Described interface {
	ShardManifest() *Manifest
}

// NewManifest returns a manifest for shards with Version, Schema and Totals
// filled in.
func NewManifest(tool string, shards []Info) *Manifest {
	m := &Manifest{
		Version: ManifestVersion,
		Tool:    tool,
		Schema:  Columns(),
		Shards:  append([]Info{}, shards...),
	}
	m.Totals.Shards = len(shards)
	for _, s := range shards {
		m.Totals.Rows += s.Rows
		m.Totals.Tokens += s.Tokens
		m.Totals.Bytes += s.Bytes
	}
	return m
}

// WriteManifest stores m as indented JSON in dir/manifest.json. It writes a
// temporary file, syncs it and renames it over the old manifest, so readers
// see either the old or the new manifest, never a partial one.
func WriteManifest(dir string, m Described) error {
	if m.ShardManifest().Version != ManifestVersion {
		return fmt.Errorf("shard: manifest version %d, want %d (use NewManifest)", m.ShardManifest().Version, ManifestVersion)
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("shard: manifest: %w", err)
	}
	data = append(data, '\n')
	f, err := os.CreateTemp(dir, "."+ManifestName+".*.tmp")
	if err != nil {
		return fmt.Errorf("shard: manifest: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("shard: manifest: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("shard: manifest: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("shard: manifest: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("shard: manifest: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, ManifestName)); err != nil {
		return fmt.Errorf("shard: manifest: %w", err)
	}
	ok = true
	if err := fsync.Dir(dir); err != nil {
		return fmt.Errorf("shard: manifest: %w", err)
	}
	return nil
}

// ReadManifest reads the shard-level part of a manifest written by
// WriteManifest; the run's sections are skipped (job.ReadManifest reads
// them too).
func ReadManifest(path string) (*Manifest, error) {
	m := new(Manifest)
	if err := DecodeManifest(path, m); err != nil {
		return nil, err
	}
	return m, nil
}

// DecodeManifest reads the manifest at path into m (a *Manifest or a struct
// embedding one) and checks its version. Errors name the file, and for
// malformed JSON the byte offset.
func DecodeManifest(path string, m Described) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("shard: %w", err)
	}
	if err := json.Unmarshal(data, m); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Errorf("shard: manifest %s: offset %d: %w", path, se.Offset, err)
		case errors.As(err, &te):
			return fmt.Errorf("shard: manifest %s: offset %d: %w", path, te.Offset, err)
		}
		return fmt.Errorf("shard: manifest %s: %w", path, err)
	}
	if v := m.ShardManifest().Version; v != ManifestVersion {
		return fmt.Errorf("shard: manifest %s: unsupported version %d (want %d)", path, v, ManifestVersion)
	}
	return nil
}

// Owned returns the entries of dir that a previous run wrote, as its
// manifest lists them: manifest.json and its shards. Temporary files of this
// package (".part-00001.parquet.tmp", ".manifest.json.*.tmp") and the
// report (ReportName, ReportTemp) count as owned too. Without a manifest nothing is owned; a manifest that cannot be
// read is an error, so that no file it might not list is ever removed. It is
// the Owned function of a commit.Options for output directories.
func Owned(dir string) ([]string, error) {
	path := filepath.Join(dir, ManifestName)
	m, err := ReadManifest(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(m.Tool, "jacorpus") {
		return nil, fmt.Errorf("shard: %s was written by %q, not jacorpus: its files are not jacorpus's to replace", path, m.Tool)
	}
	owned := []string{ManifestName}
	for _, s := range m.Shards {
		if isShardName(s.File) {
			owned = append(owned, s.File)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("shard: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() && (isTemp(e.Name()) || e.Name() == ReportName || e.Name() == ReportTemp) {
			owned = append(owned, e.Name())
		}
	}
	return owned, nil
}

// isShardName reports whether a manifest entry is a plain shard file name
// inside the directory (no path components), so a damaged manifest cannot
// make PrepareDir remove anything elsewhere.
func isShardName(name string) bool {
	return name != "" && filepath.Base(name) == name && !strings.ContainsAny(name, `/\`) &&
		!strings.HasPrefix(name, ".") && (strings.HasSuffix(name, FormatParquet.Ext()) || strings.HasSuffix(name, FormatArrow.Ext()))
}

// isTemp reports whether name is a temporary file written by this package.
func isTemp(name string) bool {
	if strings.HasPrefix(name, ".") && (strings.HasSuffix(name, FormatParquet.Ext()+".tmp") || strings.HasSuffix(name, FormatArrow.Ext()+".tmp")) {
		return true
	}
	return strings.HasPrefix(name, "."+ManifestName+".") && strings.HasSuffix(name, ".tmp")
}
