package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// style is the page's CSS: system fonts, tables with numbers aligned
// right, samples in a readable box.
const style = `body{font-family:system-ui,-apple-system,"Hiragino Sans","Noto Sans CJK JP",sans-serif;margin:2em auto;max-width:980px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em;margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:.85em}th,td{border:1px solid #ddd;padding:.2em .5em;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}figcaption{font-weight:600;font-size:.9em;margin-bottom:.3em}
.note{color:#555;font-size:.9em}.sample{border:1px solid #ddd;border-radius:4px;padding:.4em .6em;margin:.4em 0;background:#fafafa}
.sample .meta{font-size:.8em;color:#555}.sample pre{white-space:pre-wrap;word-break:break-all;margin:.3em 0 0;font-size:.85em}
nav a{margin-right:.8em;font-size:.9em}`

// HTML writes the report as one self-contained HTML page: inline CSS and
// SVG, no script, no external resource.
func (r *Report) HTML(w io.Writer) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<h1>%s</h1>\n", esc(r.Title), style, esc(r.Title))
	b.WriteString("<table id=\"summary\">\n")
	for _, kv := range r.Summary {
		fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>\n", esc(kv[0]), esc(kv[1]))
	}
	b.WriteString("</table>\n<nav>")
	for _, s := range r.Sections {
		fmt.Fprintf(&b, "<a href=\"#%s\">%s</a>", esc(s.ID), esc(s.Title))
	}
	b.WriteString("</nav>\n")
	for _, s := range r.Sections {
		s.html(&b, 2)
	}
	b.WriteString("</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func (s *Section) html(b *strings.Builder, level int) {
	fmt.Fprintf(b, "<section id=\"%s\">\n<h%d>%s</h%d>\n", esc(s.ID), level, esc(s.Title), level)
	if s.Note != "" {
		fmt.Fprintf(b, "<p class=\"note\">%s</p>\n", esc(s.Note))
	}
	if s.TablesFirst {
		for _, t := range s.Tables {
			t.html(b)
		}
	}
	for i := range s.Charts {
		c := &s.Charts[i]
		fmt.Fprintf(b, "<figure>\n<figcaption>%s</figcaption>\n", esc(c.Title))
		c.svg(b)
		c.values().html(b)
		b.WriteString("</figure>\n")
	}
	if !s.TablesFirst {
		for _, t := range s.Tables {
			t.html(b)
		}
	}
	for _, g := range s.Samples {
		fmt.Fprintf(b, "<h3>%s</h3>\n", esc(g.Title))
		for _, d := range g.Docs {
			b.WriteString("<div class=\"sample\"><div class=\"meta\">")
			fmt.Fprintf(b, "id %s · source %s · key %s · %s characters", esc(d.ID), esc(d.Source), esc(d.Key), count(d.Chars))
			if d.Score != nil {
				fmt.Fprintf(b, " · score %s", esc(strconv.FormatFloat(*d.Score, 'g', 6, 64)))
			}
			fmt.Fprintf(b, "</div><pre>%s</pre></div>\n", esc(d.Text))
		}
	}
	for i := range s.Sub {
		s.Sub[i].html(b, level+1)
	}
	b.WriteString("</section>\n")
}

func (t *Table) html(b *strings.Builder) {
	fmt.Fprintf(b, "<table id=\"%s\">\n<tr>", esc(t.ID))
	for _, h := range t.Head {
		fmt.Fprintf(b, "<th>%s</th>", esc(h))
	}
	b.WriteString("</tr>\n")
	for _, row := range t.Rows {
		b.WriteString("<tr>")
		for i, c := range row {
			if i < len(t.Right) && t.Right[i] {
				fmt.Fprintf(b, "<td class=\"n\">%s</td>", esc(c))
			} else {
				fmt.Fprintf(b, "<td>%s</td>", esc(c))
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

// Markdown writes the report as Markdown: the same sections and tables;
// each chart becomes a table of its values with a bar of block characters.
func (r *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdText(r.Title))
	b.WriteString("| | |\n|---|---|\n")
	for _, kv := range r.Summary {
		fmt.Fprintf(&b, "| %s | %s |\n", mdCell(kv[0]), mdCell(kv[1]))
	}
	for _, s := range r.Sections {
		s.markdown(&b, 2)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (s *Section) markdown(b *strings.Builder, level int) {
	fmt.Fprintf(b, "\n%s %s\n\n", strings.Repeat("#", level), mdText(s.Title))
	if s.Note != "" {
		fmt.Fprintf(b, "%s\n\n", mdText(s.Note))
	}
	if s.TablesFirst {
		for _, t := range s.Tables {
			t.markdown(b)
		}
	}
	for i := range s.Charts {
		c := &s.Charts[i]
		fmt.Fprintf(b, "**%s**\n\n", mdText(c.Title))
		if c.Table != nil {
			c.Table.markdown(b)
			continue
		}
		b.WriteString("| | ")
		for _, sr := range c.Series {
			fmt.Fprintf(b, "%s | ", mdCell(sr.Name))
		}
		b.WriteString("|\n|---|")
		for range c.Series {
			b.WriteString("---:|")
		}
		b.WriteString("---|\n")
		m := c.max()
		for j, l := range c.Labels {
			fmt.Fprintf(b, "| %s | ", mdCell(clip(l, 40)))
			for _, sr := range c.Series {
				fmt.Fprintf(b, "%s | ", num(sr.Values[j]))
			}
			fmt.Fprintf(b, "%s |\n", strings.Repeat("█", int(20*c.total(j)/m+0.5)))
		}
		b.WriteString("\n")
	}
	if !s.TablesFirst {
		for _, t := range s.Tables {
			t.markdown(b)
		}
	}
	for _, g := range s.Samples {
		fmt.Fprintf(b, "%s %s\n\n", strings.Repeat("#", level+1), mdText(g.Title))
		for _, d := range g.Docs {
			fmt.Fprintf(b, "- id `%s`, source %s, %s characters", strings.ReplaceAll(d.ID, "`", "'"), mdText(d.Source), count(d.Chars))
			if d.Score != nil {
				fmt.Fprintf(b, ", score %s", strconv.FormatFloat(*d.Score, 'g', 6, 64))
			}
			b.WriteString("\n\n")
			for _, line := range strings.Split(d.Text, "\n") {
				fmt.Fprintf(b, "  > %s\n", mdText(line))
			}
			b.WriteString("\n")
		}
	}
	for i := range s.Sub {
		s.Sub[i].markdown(b, level+1)
	}
}

func (t *Table) markdown(b *strings.Builder) {
	b.WriteString("|")
	for _, h := range t.Head {
		fmt.Fprintf(b, " %s |", mdCell(h))
	}
	b.WriteString("\n|")
	for i := range t.Head {
		if i < len(t.Right) && t.Right[i] {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, row := range t.Rows {
		b.WriteString("|")
		for _, c := range row {
			fmt.Fprintf(b, " %s |", mdCell(c))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// mdText escapes the characters Markdown and HTML would interpret in text
// from the input.
func mdText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "&", "&amp;", "#", `\#`, "|", `\|`)
	return r.Replace(s)
}

// mdCell is mdText for a table cell: on one line.
func mdCell(s string) string {
	return strings.ReplaceAll(mdText(s), "\n", " ")
}
