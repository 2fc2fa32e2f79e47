package analytics

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Charts are drawn here as inline SVG, by hand: no chart library, no
// script. Every label is escaped; the result is safe to embed in a page.

// Bar is one labelled value of a bar chart.
type Bar struct {
	Label string
	Value float64
	Text  string // the value as shown
}

const svgFont = `font-family="system-ui,sans-serif" font-size="12"`

func esc(s string) string { return html.EscapeString(s) }

func clipLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// BarChart draws horizontal bars, one row per bar, scaled to the largest.
func BarChart(title string, bars []Bar) template.HTML {
	const w, rowH, labelW, pad = 960, 22, 250, 8
	h := pad*2 + 20 + rowH*max(1, len(bars))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="%d" height="%d" %s><title>%s</title>`, w, h, w, h, svgFont, esc(title))
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="600">%s</text>`, pad, pad+12, esc(title))
	maxV := 0.0
	for _, x := range bars {
		maxV = math.Max(maxV, math.Abs(x.Value))
	}
	if len(bars) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#5b6770">No group has at least k shoppers yet.</text>`, pad, pad+20+16)
	}
	span := float64(w - labelW - 260) // room on the right for the value text
	for i, x := range bars {
		y := pad + 20 + i*rowH
		bw := 0.0
		if maxV > 0 {
			bw = math.Abs(x.Value) / maxV * span
		}
		fill := "#2f6f4f"
		if x.Value < 0 {
			fill = "#a33a2b"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+15, esc(clipLabel(x.Label, 30)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s" rx="2"><title>%s: %s</title></rect>`, labelW, y+3, bw, rowH-6, fill, esc(x.Label), esc(x.Text))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`, float64(labelW)+bw+5, y+15, esc(x.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Point is one value of a series.
type Point struct {
	Label string
	Value float64
}

// LineChart draws a series as a line over an area, with the first and
// last labels and the maximum on the axes.
func LineChart(title string, pts []Point) template.HTML {
	const w, h, left, right, top, bottom = 720, 220, 56, 16, 30, 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="%d" height="%d" %s><title>%s</title>`, w, h, w, h, svgFont, esc(title))
	fmt.Fprintf(&b, `<text x="8" y="18" font-weight="600">%s</text>`, esc(title))
	if len(pts) == 0 {
		fmt.Fprintf(&b, `<text x="8" y="50" fill="#5b6770">No day has at least k shoppers yet.</text></svg>`)
		return template.HTML(b.String())
	}
	maxV := 0.0
	for _, p := range pts {
		maxV = math.Max(maxV, p.Value)
	}
	if maxV == 0 {
		maxV = 1
	}
	pw, ph := float64(w-left-right), float64(h-top-bottom)
	x := func(i int) float64 {
		if len(pts) == 1 {
			return float64(left) + pw/2
		}
		return float64(left) + float64(i)*pw/float64(len(pts)-1)
	}
	y := func(v float64) float64 { return float64(top) + ph - v/maxV*ph }
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#c4ccd0"/>`, left, y(0), w-right, y(0))
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text><text x="%d" y="%.1f" text-anchor="end">0</text>`, left-6, y(maxV)+4, esc(fmtNum(maxV)), left-6, y(0)+4)
	var line, area strings.Builder
	for i, p := range pts {
		fmt.Fprintf(&line, "%.1f,%.1f ", x(i), y(p.Value))
	}
	fmt.Fprintf(&area, "%.1f,%.1f %s%.1f,%.1f", x(0), y(0), line.String(), x(len(pts)-1), y(0))
	fmt.Fprintf(&b, `<polygon points="%s" fill="#2f6f4f" fill-opacity="0.15"/>`, area.String())
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#2f6f4f" stroke-width="2"/>`, strings.TrimSpace(line.String()))
	for i, p := range pts {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#2f6f4f"><title>%s: %s</title></circle>`, x(i), y(p.Value), esc(p.Label), esc(fmtNum(p.Value)))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`, x(0), h-8, esc(pts[0].Label))
	if len(pts) > 1 {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end">%s</text>`, x(len(pts)-1), h-8, esc(pts[len(pts)-1].Label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.3g", v)
}

// Estimate is a value with its interval, for an interval chart.
type Estimate struct {
	Label            string
	Value, Low, High float64
}

// IntervalChart draws estimates as points with their confidence intervals
// on a shared axis (a forest plot); lo and hi bound the axis.
func IntervalChart(title string, es []Estimate, lo, hi float64, percent bool) template.HTML {
	const w, rowH, labelW, right = 720, 26, 230, 30
	h := 50 + rowH*max(1, len(es))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="%d" height="%d" %s><title>%s</title>`, w, h, w, h, svgFont, esc(title))
	fmt.Fprintf(&b, `<text x="8" y="18" font-weight="600">%s</text>`, esc(title))
	if hi <= lo {
		hi = lo + 1
	}
	x := func(v float64) float64 { return labelW + (v-lo)/(hi-lo)*float64(w-labelW-right) }
	f := func(v float64) string {
		if percent {
			return pct(v)
		}
		return fmtNum(v)
	}
	base := 30
	if lo < 0 && hi > 0 {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#8a949a" stroke-dasharray="3,3"/>`, x(0), base, x(0), h-18)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text><text x="%.1f" y="%d" text-anchor="end">%s</text>`, x(lo), h-4, esc(f(lo)), x(hi), h-4, esc(f(hi)))
	for i, e := range es {
		y := base + i*rowH + rowH/2
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+4, esc(clipLabel(e.Label, 34)))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#203a2f" stroke-width="2"/>`, x(e.Low), y, x(e.High), y)
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%d" r="4" fill="#203a2f"><title>%s: %s (95%% CI %s to %s)</title></circle>`, x(e.Value), y, esc(e.Label), esc(f(e.Value)), esc(f(e.Low)), esc(f(e.High)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Heatmap draws a grid of rates in [0, 1]; NaN cells are suppressed (grey).
func Heatmap(title string, rows []string, cols int, cells [][]float64) template.HTML {
	const cw, chh, labelW = 44, 22, 110
	w := labelW + cw*max(1, cols) + 10
	h := 50 + chh*max(1, len(rows))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="%d" height="%d" %s><title>%s</title>`, w, h, w, h, svgFont, esc(title))
	fmt.Fprintf(&b, `<text x="8" y="18" font-weight="600">%s</text>`, esc(title))
	for c := 0; c < cols; c++ {
		fmt.Fprintf(&b, `<text x="%d" y="40" text-anchor="middle">w%d</text>`, labelW+c*cw+cw/2, c)
	}
	for r, label := range rows {
		y := 46 + r*chh
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+15, esc(label))
		for c, v := range cells[r] {
			x := labelW + c*cw
			if math.IsNaN(v) {
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#e3e6e8"><title>suppressed (fewer than k shoppers)</title></rect>`, x, y, cw-2, chh-2)
				continue
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#2f6f4f" fill-opacity="%.2f"><title>%s</title></rect>`, x, y, cw-2, chh-2, 0.1+0.9*v, esc(pct(v)))
			fill := "#1b2228"
			if v > 0.55 {
				fill = "#fff"
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="%s" font-size="10">%.0f</text>`, x+cw/2-1, y+15, fill, 100*v)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ReliabilityChart plots observed against predicted rates per bin, with
// the diagonal of perfect calibration.
func ReliabilityChart(title string, bins []Bin) template.HTML {
	const s, pad = 300, 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="%d" height="%d" %s><title>%s</title>`, s+pad*2, s+pad*2, s+pad*2, s+pad*2, svgFont, esc(title))
	fmt.Fprintf(&b, `<text x="8" y="18" font-weight="600">%s</text>`, esc(title))
	x := func(v float64) float64 { return pad + v*s }
	y := func(v float64) float64 { return pad + s - v*s }
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#c4ccd0"/>`, pad, pad, s, s)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#8a949a" stroke-dasharray="4,4"/>`, x(0), y(0), x(1), y(1))
	fmt.Fprintf(&b, `<text x="%d" y="%d">predicted</text><text x="12" y="%d" transform="rotate(-90 12 %d)">observed</text>`, pad+s/2-30, pad*2+s-8, pad+s/2+30, pad+s/2+30)
	var pts strings.Builder
	for _, bn := range bins {
		fmt.Fprintf(&pts, "%.1f,%.1f ", x(bn.Predicted), y(bn.Observed))
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="#203a2f" fill-opacity="0.8"><title>predicted %s, observed %s, %d sessions</title></circle>`,
			x(bn.Predicted), y(bn.Observed), 3+math.Min(6, math.Log1p(float64(bn.Count))/2), esc(pct(bn.Predicted)), esc(pct(bn.Observed)), bn.Count)
	}
	if len(bins) > 1 {
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#203a2f"/>`, strings.TrimSpace(pts.String()))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
