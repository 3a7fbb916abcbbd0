package ingest

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jacorpus/jacorpus/extract"
	"github.com/jacorpus/jacorpus/pipeline"
)

// TestHTML: a saved page becomes one document whose raw bytes go to the
// extract stage; a configured encoding is passed on as the declared
// charset; an empty or oversized page is a problem.
func TestHTML(t *testing.T) {
	path := filepath.Join(rawDir, "egov2013_4a939c5e1c84df96.html") // Shift_JIS, declared in <meta>
	raw := mustRead(t, path)
	cases := []struct {
		name, enc string
		body      []byte
		max       int
		wantCT    string
		problem   string
	}{
		{"page", "", raw, 0, "", ""},
		{"declared", "shift_jis", raw, 0, "text/html; charset=shift_jis", ""},
		{"auto", "auto", raw, 0, "", ""},
		{"empty", "", []byte(" \n"), 0, "", pipeline.ProblemEmptyFile},
		{"too long", "", raw, len(raw) - 1, "", pipeline.ProblemDocTooLong},
		{"at the cap", "", raw, len(raw), "", ""},
	}
	for _, c := range cases {
		h := NewHTML(bytes.NewReader(c.body), "web/page.html", Input{Encoding: c.enc, Source: "web"})
		h.MaxDocBytes = c.max
		d, err := h.Next()
		if c.problem != "" {
			if p, ok := err.(*pipeline.Problem); !ok || p.Kind != c.problem {
				t.Errorf("%s: %v, want a %s problem", c.name, err, c.problem)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		page, _ := d.Scratch.Get(pipeline.HTMLPayload{}).(*pipeline.Page)
		if page == nil || !bytes.Equal(page.Body, c.body) || page.ContentType != c.wantCT || d.Text != "" || d.ID != "web/page.html" || d.Source != "web" {
			t.Fatalf("%s: %+v page %v", c.name, d, page != nil)
		}
		if _, err := h.Next(); err == nil {
			t.Errorf("%s: a second document", c.name)
		}
		// the extract stage makes Japanese text of it: the law's title
		res, reason := extract.Default().Page(page, "")
		if reason != "" || !strings.HasPrefix(res.Text, "首都圏整備法及び近畿圏整備法の一部を改正する等の法律附則第六条第二項の日を定める政令\n（平成十四年七月十二日政令第二百五十三号）\n内閣は、") || res.Meta["charset"] != "shift_jis" {
			t.Errorf("%s: extract %q, charset %q, text %.80q", c.name, reason, res.Meta["charset"], res.Text)
		}
	}
}

// TestWARCCharsets: the sample WARC's two EUC-JP pages (real e-Gov pages
// re-encoded), one declaring EUC-JP and one still declaring Shift_JIS,
// extract to the same text as their Shift_JIS originals; the wrong
// declaration is noticed and recorded.
func TestWARCCharsets(t *testing.T) {
	g, _ := readSource(t, []Input{{Path: "../testdata/web/sample.warc.gz"}})
	text := map[string]string{}
	meta := map[string]map[string]string{}
	for _, d := range g.docs {
		page, _ := d.Scratch.Get(pipeline.HTMLPayload{}).(*pipeline.Page)
		if page == nil {
			t.Fatalf("%s: no page", d.ID)
		}
		res, reason := extract.Default().Page(page, d.URL)
		if reason != "" {
			t.Fatalf("%s: %s", d.URL, reason)
		}
		text[d.URL], meta[d.URL] = res.Text, res.Meta
	}
	for _, c := range []struct{ page, orig, source string }{
		{"02d491b19ed242cf-eucjp.html", "02d491b19ed242cf.html", "header"},
		{"085b175fc638e1ba-wrongcharset.html", "085b175fc638e1ba.html", "detected"},
	} {
		u := "http://egov-laws-2013.invalid/" + c.page
		orig := text["http://egov-laws-2013.invalid/"+c.orig]
		if text[u] == "" || text[u] != orig {
			t.Errorf("%s: %.60q, the Shift_JIS page gives %.60q", c.page, text[u], orig)
		}
		m := meta[u]
		if m["charset"] != "euc-jp" || m["charset_source"] != c.source || (m["charset_mismatch"] != "") != (c.source == "detected") {
			t.Errorf("%s: meta %v", c.page, m)
		}
	}
}
