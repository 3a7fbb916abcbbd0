package lines

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// sharedWARC is the shared corpus of real web payloads, read in place.
const sharedWARC = "/work/shared/corpus/web/ja_real_payloads.warc.gz"

// helpPages returns the text of the help pages of the shared WARC: the
// LibreOffice 7.4, GIMP 2.10 and Debian manuals in Japanese (UTF-8), by URI.
func helpPages(tb testing.TB) (uris, texts []string) {
	tb.Helper()
	if _, err := os.Stat(sharedWARC); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("the shared corpus is missing: %v", err)
		}
		tb.Skipf("the shared corpus is missing (%v); skipping", err)
	}
	err := readWARC(sharedWARC, func(r warcResponse) error {
		if strings.HasPrefix(r.URI, "https://help.libreoffice.org/") ||
			strings.HasPrefix(r.URI, "https://docs.gimp.org/") ||
			strings.HasPrefix(r.URI, "https://debian-docs.invalid/") {
			uris = append(uris, r.URI)
			texts = append(texts, htmlText(string(r.Payload)))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return uris, texts
}

// TestHelpPagesE2E counts the 3,301 help pages of the shared WARC (2,561
// LibreOffice, 685 GIMP, 55 Debian), selects the lines in at least 5% of
// them, and checks that the navigation of the LibreOffice pages goes (the
// header "LibreOffice 7.4 ヘルプ", the module menu, the contents and index
// panes, the related-topics heading, the debug footer), the GIMP bug-report
// footer too, and that the body text stays.
func TestHelpPagesE2E(t *testing.T) {
	if os.Getenv("JACORPUS_E2E") != "1" {
		t.Skip("set JACORPUS_E2E=1 to read the shared WARC")
	}
	uris, docs := helpPages(t)
	if len(docs) < 3000 {
		t.Fatalf("%d help pages, want 3,301", len(docs))
	}
	c := NewCounts(Options{MinFraction: 0.05})
	for _, d := range docs {
		c.AddDocument(d)
	}
	set := c.Select()
	nav := []string{
		"LibreOffice 7.4 ヘルプ", // the header logo
		"モジュール",               // the module menu button
		"目次",                  // the contents pane
		"索引 🔎︎",               // the index pane
		"関連項目",                // the related-topics heading
		"このコマンドの見つけ方",         // the "how to get there" box
		"Help content debug info:",
		"Report a bug in GIMP Report a documentation error",
	}
	for _, l := range nav {
		if !set.Contains(Key(l)) {
			t.Errorf("navigation line %q not selected (in %d documents)", l, countsOf(c)[Key(l)])
		}
	}
	var tally Tally
	kept, inBytes, outBytes := 0, 0, 0
	body := map[string]string{ // a body line that must stay, by page
		"https://help.libreoffice.org/7.4/ja/text/sbasic/guide/control_properties.html": "デザインモード時にコントロールのプロパティを変更するには、該当するコントロールを右クリックして プロパティ を選択します。",
		"https://docs.gimp.org/2.10/ja/gimp-colors-info-histogram.html":                 "ヒストグラムについての説明は 「ヒストグラムダイアログ」 でご覧ください。",
	}
	for i, d := range docs {
		out, _ := set.Strip(d, &tally)
		if strings.TrimSpace(out) != "" {
			kept++
		}
		inBytes += len(d)
		outBytes += len(out)
		if strings.HasPrefix(uris[i], "https://help.libreoffice.org/7.4/ja/text/") {
			for _, l := range strings.Split(out, "\n") {
				if slices.Contains(nav, l) {
					t.Fatalf("%s: %q left", uris[i], l)
				}
			}
		}
		if want, ok := body[uris[i]]; ok {
			if !slices.Contains(strings.Split(out, "\n"), want) {
				t.Errorf("%s: body line %q removed", uris[i], want)
			}
			delete(body, uris[i])
		}
	}
	if len(body) > 0 {
		t.Errorf("pages not found: %v", body)
	}
	if kept*10 < len(docs)*9 {
		t.Errorf("only %d of %d documents keep some text", kept, len(docs))
	}
	t.Logf("%d pages, %d distinct lines, %d selected; %d pages keep text; %.1f%% of bytes removed",
		len(docs), c.Lines(), set.Len(), kept, 100*float64(inBytes-outBytes)/float64(inBytes))
	for _, l := range tally.Top(20) {
		t.Logf("%5d docs %5d lines  %q", l.Docs, l.Lines, l.Text)
	}
}
