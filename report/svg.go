package report

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// Chart is one chart of the report: categories (bars) with one value per
// series each, drawn stacked. Bars draws them horizontally (a funnel, the
// shares of sources, the shards), Histogram vertically with the bins in
// order.
type Chart struct {
	// ID names the chart in the page (data-chart) and in tests.
	ID    string
	Title string
	Kind  ChartKind
	// Labels name the categories; Series hold one value per category.
	Labels []string
	Series []Series
	// Unit follows the values in tooltips ("docs", "MB/s").
	Unit string
	// Table holds the chart's numbers, shown under it; nil: a table of
	// the labels and series values (values).
	Table *Table
}

// values returns the chart's table: Table, or the labels with every
// series' value (ID: the chart's ID + "-values").
func (c *Chart) values() *Table {
	if c.Table != nil {
		return c.Table
	}
	t := &Table{ID: c.ID + "-values", Head: []string{""}, Right: []bool{false}}
	for _, s := range c.Series {
		t.Head = append(t.Head, s.Name)
		t.Right = append(t.Right, true)
	}
	for i, l := range c.Labels {
		row := []string{l}
		for _, s := range c.Series {
			row = append(row, num(s.Values[i]))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// Series is one stacked part of every bar.
type Series struct {
	Name   string
	Values []float64
}

// ChartKind says how a chart is drawn.
type ChartKind int

// Chart kinds.
const (
	Bars ChartKind = iota
	Histogram
)

// palette colours the series in order (kept, dropped, …).
var palette = []string{"#3b7dd8", "#e07b39", "#6aa84f", "#a64d79", "#999999"}

const (
	chartWidth  = 720
	labelWidth  = 200
	barHeight   = 18
	barGap      = 4
	histHeight  = 180
	axisHeight  = 48
	legendSpace = 22
)

// svg draws the chart as inline SVG. Every category is a <g class="bar">
// with data-label and data-total; every non-zero segment a <rect> with
// data-series and data-value, and a <title> for the tooltip. Text is
// escaped.
func (c *Chart) svg(b *strings.Builder) {
	switch c.Kind {
	case Histogram:
		c.histogram(b)
	default:
		c.bars(b)
	}
}

// total returns the sum of the series at category i.
func (c *Chart) total(i int) float64 {
	var t float64
	for _, s := range c.Series {
		t += s.Values[i]
	}
	return t
}

// max returns the largest category total (at least 1, so empty charts
// scale).
func (c *Chart) max() float64 {
	m := 0.0
	for i := range c.Labels {
		m = max(m, c.total(i))
	}
	if m <= 0 {
		return 1
	}
	return m
}

func (c *Chart) open(b *strings.Builder, w, h int) {
	fmt.Fprintf(b, `<svg class="chart" data-chart="%s" data-bars="%d" role="img" aria-label="%s" width="%d" height="%d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`,
		esc(c.ID), len(c.Labels), esc(c.Title), w, h, w, h)
	b.WriteString("\n")
	c.legend(b)
}

// legend names the series (when there are several) at the top.
func (c *Chart) legend(b *strings.Builder) {
	if len(c.Series) < 2 {
		return
	}
	x := labelWidth
	if c.Kind == Histogram {
		x = 40
	}
	for i, s := range c.Series {
		fmt.Fprintf(b, `<rect class="legend" x="%d" y="4" width="12" height="12" fill="%s"/><text x="%d" y="14" font-size="12">%s</text>`,
			x, palette[i%len(palette)], x+16, esc(s.Name))
		x += 24 + 8*len([]rune(s.Name))
	}
	b.WriteString("\n")
}

// bars draws horizontal stacked bars, labels on the left, totals at the
// right end.
func (c *Chart) bars(b *strings.Builder) {
	top := 0
	if len(c.Series) > 1 {
		top = legendSpace
	}
	h := top + len(c.Labels)*(barHeight+barGap) + barGap
	c.open(b, chartWidth, h)
	scale := float64(chartWidth-labelWidth-90) / c.max()
	for i, label := range c.Labels {
		y := top + barGap + i*(barHeight+barGap)
		fmt.Fprintf(b, `<g class="bar" data-label="%s" data-total="%s">`, esc(label), num(c.total(i)))
		fmt.Fprintf(b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`, labelWidth-6, y+13, esc(clip(label, 30)))
		x := float64(labelWidth)
		for j, s := range c.Series {
			v := s.Values[i]
			if v <= 0 {
				continue
			}
			w := max(v*scale, 1)
			fmt.Fprintf(b, `<rect class="seg" data-series="%s" data-value="%s" x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s — %s: %s %s</title></rect>`,
				esc(s.Name), num(v), x, y, w, barHeight, palette[j%len(palette)], esc(label), esc(s.Name), num(v), esc(c.Unit))
			x += w
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="11" fill="#444">%s</text>`, x+4, y+13, num(c.total(i)))
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
}

// histogram draws vertical stacked bars, one per bin, with the bins'
// lower edges under every few bars.
func (c *Chart) histogram(b *strings.Builder) {
	top := legendSpace
	n := max(len(c.Labels), 1)
	left, right := 40, 10
	slot := min(float64(chartWidth-left-right)/float64(n), 40)
	h := top + histHeight + axisHeight
	c.open(b, chartWidth, h)
	scale := float64(histHeight) / c.max()
	base := top + histHeight
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, left, base, chartWidth-right, base)
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="10" text-anchor="end">%s</text>`, left-4, top+10, num(c.max()))
	every := max(1, n/12)
	for i, label := range c.Labels {
		x := float64(left) + float64(i)*slot
		fmt.Fprintf(b, `<g class="bar" data-label="%s" data-total="%s">`, esc(label), num(c.total(i)))
		y := float64(base)
		for j, s := range c.Series {
			v := s.Values[i]
			if v <= 0 {
				continue
			}
			hh := max(v*scale, 1)
			y -= hh
			fmt.Fprintf(b, `<rect class="seg" data-series="%s" data-value="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s — %s: %s %s</title></rect>`,
				esc(s.Name), num(v), x+1, y, max(slot-2, 1), hh, palette[j%len(palette)], esc(label), esc(s.Name), num(v), esc(c.Unit))
		}
		if i%every == 0 {
			fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="10" transform="rotate(40 %.1f %d)">%s</text>`, x+2, base+12, x+2, base+12, esc(clip(label, 14)))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
}

// esc escapes text for HTML and SVG (text and attribute values).
func esc(s string) string { return html.EscapeString(s) }

// clip cuts s to n characters, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// num formats a chart value: integers without decimals, others with up to
// three significant decimals.
func num(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
