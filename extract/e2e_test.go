package extract

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jacorpus/jacorpus/internal/cputime"
	"github.com/jacorpus/jacorpus/pipeline"
)

// sharedWARC is the shared corpus's WARC of real Japanese pages.
var sharedWARC = filepath.Join("..", "..", "shared", "corpus", "web", "ja_real_payloads.warc.gz")

// warcPage is one response record of a WARC.
type warcPage struct {
	uri  string
	page pipeline.Page
}

// readWARC reads the response records of a (gzipped) WARC file. It is a
// minimal reader for these tests, not the ingest one: WARC headers up to a
// blank line, Content-Length bytes of block, the block parsed as an HTTP
// response.
func readWARC(t testing.TB, path string) []warcPage {
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("shared corpus absent: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReaderSize(zr, 1<<20)
	var out []warcPage
	for {
		line, err := br.ReadString('\n')
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !strings.HasPrefix(line, "WARC/") {
			t.Fatalf("not a WARC record: %q", line)
		}
		h := map[string]string{}
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			l = strings.TrimRight(l, "\r\n")
			if l == "" {
				break
			}
			if k, v, ok := strings.Cut(l, ":"); ok {
				h[strings.ToLower(k)] = strings.TrimSpace(v)
			}
		}
		n, err := strconv.Atoi(h["content-length"])
		if err != nil {
			t.Fatal(err)
		}
		block := make([]byte, n)
		if _, err := io.ReadFull(br, block); err != nil {
			t.Fatal(err)
		}
		if h["warc-type"] != "response" {
			continue
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(block)), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, warcPage{uri: h["warc-target-uri"], page: pipeline.Page{Body: body, ContentType: resp.Header.Get("Content-Type")}})
	}
}

// debianHTML returns HTML documents of Debian packages on this machine
// (/usr/share/doc), English and other non-Japanese pages.
func debianHTML(t testing.TB) []warcPage {
	var out []warcPage
	filepath.WalkDir("/usr/share/doc", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, ".htm") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err == nil && len(b) > 0 {
			out = append(out, warcPage{uri: "file://" + p, page: pipeline.Page{Body: b, ContentType: "text/html"}})
		}
		return nil
	})
	return out
}

func e2e(t testing.TB) {
	if os.Getenv("JACORPUS_E2E") == "" {
		t.Skip("set JACORPUS_E2E=1")
	}
}

// TestExtractE2E runs the stage over every page of the shared WARC (all
// Japanese) and over the Debian HTML docs of this machine (none Japanese):
// the pre-screen loses no Japanese page and drops the others; e-Gov pages
// keep their law text without mojibake.
func TestExtractE2E(t *testing.T) {
	e2e(t)
	pages := readWARC(t, sharedWARC)
	if len(pages) != 3873 {
		t.Errorf("%d response records, want 3873", len(pages))
	}
	reasons := map[string]int{}
	charsets := map[string]int{}
	var dropped []string
	for _, wp := range pages {
		res, reason := Default().Page(&wp.page, wp.uri)
		reasons[reason]++
		charsets[res.Meta[MetaCharset]+"/"+res.Meta[MetaCharsetSource]]++
		if reason == ReasonNotJapanese || reason == ReasonBinary {
			dropped = append(dropped, wp.uri)
			continue
		}
		if reason != "" {
			continue
		}
		name := wp.uri
		checkClean(t, name, res.Text)
		if strings.Contains(wp.uri, "egov-laws-2013") {
			// law pages: several lines of law text (go-trafilatura leaves out
			// the title block of some, which Meta "title" keeps)
			if strings.Count(res.Text, "\n") < 1 || countKana([]byte(res.Text), 5) < 5 || res.Meta[MetaTitle] == "" || res.Meta[MetaCharset] != "shift_jis" {
				t.Errorf("%s: e-Gov page: charset %s, text %.200q", name, res.Meta[MetaCharset], res.Text)
			}
		}
	}
	t.Logf("shared WARC: %d pages, reasons %v, charsets %v", len(pages), reasons, charsets)
	// noscript.html is LibreOffice's English "Enable JavaScript" page
	if len(dropped) != 1 || dropped[0] != "https://help.libreoffice.org/7.4/ja/noscript.html" {
		t.Errorf("pre-screen dropped %d pages: %v", len(dropped), dropped[:min(10, len(dropped))])
	}
	if kept := reasons[""]; kept*100 < len(pages)*90 {
		t.Errorf("only %d of %d pages kept", kept, len(pages))
	}
	other := debianHTML(t)
	if len(other) == 0 {
		t.Log("no Debian HTML docs on this machine")
		return
	}
	nj := 0
	for _, wp := range other {
		_, reason := Default().Page(&wp.page, wp.uri)
		if reason == ReasonNotJapanese {
			nj++
		} else {
			t.Logf("not dropped: %s (%q)", wp.uri, reason)
		}
	}
	t.Logf("Debian HTML: %d pages, %d dropped as not Japanese", len(other), nj)
	if nj != len(other) {
		t.Errorf("pre-screen dropped only %d of %d non-Japanese pages", nj, len(other))
	}
}

// TestLibreOfficeHelp: a help page with heavy navigation keeps its body
// text and loses its menus.
func TestLibreOfficeHelp(t *testing.T) {
	e2e(t)
	const uri = "https://help.libreoffice.org/7.4/ja/text/sbasic/guide/access2base.html"
	for _, wp := range readWARC(t, sharedWARC) {
		if wp.uri != uri {
			continue
		}
		res, reason := Default().Page(&wp.page, wp.uri)
		if reason != "" {
			t.Fatalf("%s: %s", wp.uri, reason)
		}
		if !strings.Contains(res.Text, "Access2BaseのAPIは通常のUNO API（API=アプリケーション プログラミング インタフェース）と比較して、より簡潔かつ直感的で学びやすくなっています。") {
			t.Errorf("sentence missing:\n%s", res.Text)
		}
		for _, menu := range []string{"LibreOffice 7.4 ヘルプ", "モジュール", "目次"} {
			if strings.Contains(res.Text, menu) {
				t.Errorf("menu text %q in\n%s", menu, res.Text)
			}
		}
		return
	}
	t.Fatalf("%s not in the WARC", uri)
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration { return time.Duration(cputime.Seconds() * float64(time.Second)) }

// benchPages is a fixed mix: every 10th page of the shared WARC and all
// Debian HTML docs.
func benchPages(b *testing.B) (ja, other []warcPage) {
	all := readWARC(b, sharedWARC)
	for i := 0; i < len(all); i += 10 {
		ja = append(ja, all[i])
	}
	return ja, debianHTML(b)
}

// BenchmarkExtract measures the stage on Japanese pages, on non-Japanese
// ones and on both, with and without the pre-screen. Bytes are HTML bytes.
func BenchmarkExtract(b *testing.B) {
	ja, other := benchPages(b)
	sets := []struct {
		name  string
		pages []warcPage
	}{{"ja", ja}, {"other", other}, {"mix", append(append([]warcPage{}, ja...), other...)}}
	for _, set := range sets {
		if len(set.pages) == 0 {
			continue
		}
		var size int64
		for _, p := range set.pages {
			size += int64(len(p.page.Body))
		}
		for _, screen := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/prescreen=%v", set.name, screen), func(b *testing.B) {
				c := Default()
				c.PreScreen = screen
				b.SetBytes(size)
				b.ResetTimer()
				start, cpu0 := time.Now(), cpuTime()
				for i := 0; i < b.N; i++ {
					for _, p := range set.pages {
						c.Page(&p.page, p.uri)
					}
				}
				wall, cpu := time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds()
				b.ReportMetric(float64(len(set.pages)*b.N)/wall, "pages/s")
				// the machine is shared: per-core throughput is work / CPU time
				b.ReportMetric(float64(len(set.pages)*b.N)/cpu, "pages/cpu-s")
				b.ReportMetric(float64(size)*float64(b.N)/cpu/1e6, "MB/cpu-s")
			})
		}
	}
}
