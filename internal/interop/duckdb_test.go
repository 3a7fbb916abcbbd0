package interop

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jacorpus/jacorpus/ingest"
	"github.com/jacorpus/jacorpus/job"
)

// duckScript reads shards with DuckDB and prints what it saw as JSON
// (scripts/test-deps.sh installs its package into scripts/duckdb/node_modules).
const duckScript = "../../scripts/duckdb/query.mjs"

// duckResult is the output of duckScript.
type duckResult struct {
	DuckDB  string `json:"duckdb"`
	NodeAPI string `json:"node_api"`
	Columns []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"columns"`
	Count     int64 `json:"count,string"`
	Tokens    int64 `json:"tokens,string"`
	TextBytes int64 `json:"text_bytes,string"`
	TextChars int64 `json:"text_chars,string"`
	// Docs holds, for every id asked for, the rows with that id.
	Docs map[string][]struct {
		Text  string `json:"text"`
		Bytes int64  `json:"bytes,string"`
		MD5   string `json:"md5"`
	} `json:"docs"`
}

// duckUnavailable fails the test under CI=true and skips it otherwise.
func duckUnavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("DuckDB check: %s (CI=true: scripts/test-deps.sh must install it)", why)
	}
	t.Skipf("DuckDB check skipped: %s", why)
}

// needDuckDB skips (or under CI fails) the test when node or the pinned
// @duckdb/node-api is missing, before any dataset is written.
func needDuckDB(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		duckUnavailable(t, "node is not on PATH (install Node.js 20 or newer, then run scripts/test-deps.sh)")
	}
	pkg := filepath.Join(filepath.Dir(duckScript), "node_modules", "@duckdb", "node-api", "package.json")
	if _, err := os.Stat(pkg); err != nil {
		duckUnavailable(t, "@duckdb/node-api is not installed (run scripts/test-deps.sh): "+err.Error())
	}
}

// queryDuckDB runs duckScript on dir, asking for the rows of ids.
func queryDuckDB(t *testing.T, dir string, ids ...string) duckResult {
	t.Helper()
	args := []string{duckScript}
	for _, id := range ids {
		args = append(args, "--id", id)
	}
	args = append(args, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 3 { // package missing or not the pinned version
			duckUnavailable(t, strings.TrimSpace(stderr.String()))
		}
		t.Fatalf("node %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var r duckResult
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("%s: output %q: %v", duckScript, stdout.String(), err)
	}
	return r
}

// checkDuckColumns checks that DuckDB sees the manifest's schema: tokens as
// BIGINT, every other column (text included) as VARCHAR.
func checkDuckColumns(t *testing.T, r duckResult, schema []string) {
	t.Helper()
	var got []string
	for _, c := range r.Columns {
		got = append(got, c.Name)
		want := "VARCHAR"
		if c.Name == "tokens" {
			want = "BIGINT"
		}
		if c.Type != want {
			t.Errorf("DuckDB reads column %s as %s, want %s", c.Name, c.Type, want)
		}
	}
	if strings.Join(got, ",") != strings.Join(schema, ",") {
		t.Errorf("DuckDB columns %v, manifest schema %v", got, schema)
	}
}

// TestDuckDBReadBack: DuckDB (through @duckdb/node-api) reads every shard of
// the sample job; count(*) and sum(tokens) equal the manifest's totals,
// sum(strlen(text)) its per-source text bytes, the text column is VARCHAR,
// and chosen Japanese documents come back byte for byte.
func TestDuckDBReadBack(t *testing.T) {
	needDuckDB(t)
	cfg := sampleConfig(t)
	if _, err := job.Run(context.Background(), cfg, job.Options{}); err != nil {
		t.Fatal(err)
	}
	dir := cfg.Output.Dir
	m, err := job.ReadManifest(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}

	// documents to fetch: 羅生門 (kanji, kana, ruby-free prose), the longest
	// text, and the first with an ideographic space and a line break; each
	// by an id no other row has
	var rows []shardRow
	for _, s := range m.Shards {
		rows = append(rows, readShard(t, filepath.Join(dir, s.File))...)
	}
	idCount := map[string]int{}
	var chars int64
	for _, r := range rows {
		idCount[r.ID]++
		chars += int64(utf8.RuneCountInString(r.Text))
	}
	want := map[string]string{}
	pick := func(what string, ok func(r shardRow) bool) {
		for _, r := range rows {
			if idCount[r.ID] == 1 && ok(r) {
				want[r.ID] = r.Text
				return
			}
		}
		t.Fatalf("no document of the sample (with a unique id) is %s", what)
	}
	longest := 0
	for _, r := range rows {
		if idCount[r.ID] == 1 {
			longest = max(longest, len(r.Text))
		}
	}
	pick("羅生門", func(r shardRow) bool {
		return strings.Contains(r.Text, "羅生門") && strings.Contains(r.Text, "下人")
	})
	pick("the longest", func(r shardRow) bool { return len(r.Text) == longest })
	pick("spaced", func(r shardRow) bool { return strings.Contains(r.Text, "\u3000") && strings.Contains(r.Text, "\n") })
	if len(want) < 2 {
		t.Fatalf("picked %d documents, want distinct ones", len(want))
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	t.Logf("documents fetched by id: %q", ids)

	start := time.Now()
	r := queryDuckDB(t, dir, ids...)
	t.Logf("DuckDB %s (@duckdb/node-api %s) read %d shards in %v", r.DuckDB, r.NodeAPI, len(m.Shards), time.Since(start).Round(time.Millisecond))
	checkDuckColumns(t, r, m.Schema)
	var textBytes int64
	for _, s := range m.Sources {
		textBytes += s.TextBytes
	}
	if r.Count != m.Totals.Rows || r.Tokens != m.Totals.Tokens || r.TextBytes != textBytes || r.TextChars != chars {
		t.Errorf("DuckDB: %d rows, %d tokens, %d text bytes, %d characters; manifest: %d rows, %d tokens, %d text bytes (sources); Arrow: %d characters",
			r.Count, r.Tokens, r.TextBytes, r.TextChars, m.Totals.Rows, m.Totals.Tokens, textBytes, chars)
	}
	if r.Count == 0 || r.Tokens < r.Count*10 {
		t.Errorf("DuckDB totals %d rows %d tokens: implausible", r.Count, r.Tokens)
	}
	for id, text := range want {
		got := r.Docs[id]
		if len(got) != 1 {
			t.Errorf("id %q: DuckDB finds %d rows, want 1", id, len(got))
			continue
		}
		sum := md5.Sum([]byte(text))
		if got[0].Text != text || got[0].Bytes != int64(len(text)) || got[0].MD5 != hex.EncodeToString(sum[:]) {
			t.Errorf("id %q: DuckDB text differs (%d bytes, md5 %s; want %d bytes, md5 %x): %q…",
				id, got[0].Bytes, got[0].MD5, len(text), sum, clipRunes(got[0].Text, 40))
		}
	}
}

// TestDuckDBWakati: a dataset with the wakati column (tokenize.wakati) reads
// in DuckDB, wakati as VARCHAR, with the manifest's totals.
func TestDuckDBWakati(t *testing.T) {
	needDuckDB(t)
	cfg := job.Default()
	cfg.Inputs = []ingest.Input{{Path: "../../testdata/sample/fixture_docs.jsonl"}}
	cfg.Output.Dir = filepath.Join(t.TempDir(), "out")
	cfg.Output.ShardRows = 30
	cfg.Tokenize.Wakati = true
	res, err := job.Run(context.Background(), cfg, job.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := job.ReadManifest(filepath.Join(res.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Schema, ","); got != "id,text,source,url,meta,tokens,wakati" || len(m.Shards) < 2 {
		t.Fatalf("schema %s, %d shards: want the wakati column and several shards", got, len(m.Shards))
	}
	r := queryDuckDB(t, res.Dir)
	checkDuckColumns(t, r, m.Schema)
	if r.Count != m.Totals.Rows || r.Tokens != m.Totals.Tokens || r.Count == 0 {
		t.Errorf("DuckDB: %d rows %d tokens; manifest %d / %d", r.Count, r.Tokens, m.Totals.Rows, m.Totals.Tokens)
	}
}

// clipRunes returns the first n characters of s.
func clipRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
