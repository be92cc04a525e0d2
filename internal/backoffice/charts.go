package backoffice

import (
	"fmt"
	"html/template"
	"strings"
)

// bar is one bar of a chart: its label, its value (the bar's length) and
// the text shown after it.
type bar struct {
	Label string
	Value float64
	Text  string
}

// Chart geometry, in SVG user units (the SVG scales to its box).
const (
	chartWidth  = 640
	chartLabelW = 230 // the labels' column
	chartTextW  = 80  // the value text after the longest bar
	chartRowH   = 26
	chartBarH   = 16
)

// barChart draws a horizontal bar chart as inline SVG: no script, no
// style attribute (the back office's content security policy allows
// neither), labels escaped. Bars scale to max (0: the largest value). An
// empty chart is nothing: the page says there is no data instead.
func barChart(title string, bars []bar, max float64) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	if max <= 0 {
		for _, b := range bars {
			max = fmax(max, b.Value)
		}
	}
	span := float64(chartWidth - chartLabelW - chartTextW)
	h := len(bars)*chartRowH + 8
	var sb strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&sb, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s"><title>%s</title>`,
		chartWidth, h, esc(title), esc(title))
	for i, b := range bars {
		y := 4 + i*chartRowH
		w := 0.0
		if max > 0 && b.Value > 0 {
			w = b.Value / max * span
		}
		label := b.Label
		if r := []rune(label); len(r) > 24 {
			label = string(r[:23]) + "…"
		}
		fmt.Fprintf(&sb, `<g><title>%s: %s</title>`, esc(b.Label), esc(b.Text))
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" font-size="12" fill="#334">%s</text>`, chartLabelW-8, y+chartBarH-3, esc(label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" rx="2" fill="#2f6fde"></rect>`, chartLabelW, y, w, chartBarH)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="12" fill="#334">%s</text></g>`, float64(chartLabelW)+w+6, y+chartBarH-3, esc(b.Text))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every text above is escaped
}

func fmax(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}
