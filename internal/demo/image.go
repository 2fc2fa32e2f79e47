package demo

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
)

// ImagePrefix is the path under which ImageHandler serves images.
const ImagePrefix = "/demo/img/"

// imageLabel is what a placeholder image shows.
type imageLabel struct {
	brand, title, kind string
}

// imageLabels maps every image id (catalog item ids, the shop's exclusives
// and "logo") to its label.
var imageLabels = sync.OnceValue(func() map[string]imageLabel {
	m := map[string]imageLabel{"logo": {brand: ShopName, title: "Demo shop", kind: "logo"}}
	for _, e := range build(DefaultBase).entries {
		it := e.item
		kind, _, _ := strings.Cut(it.ProductType, " > ")
		m[it.ID] = imageLabel{brand: it.Brand, title: strings.TrimPrefix(it.Title, it.Brand+" "), kind: kind}
	}
	for _, p := range shopProducts() {
		if _, ok := m[p.ImageID]; !ok {
			m[p.ImageID] = imageLabel{brand: p.Brand, title: strings.TrimPrefix(p.Title, p.Brand+" "), kind: p.Category}
		}
	}
	return m
})

// ImageHandler serves generated SVG placeholder images at
// /demo/img/{id}.svg for every demo catalog item and demo shop product (the
// ImageLink of catalog items and the images of shop pages point there).
// Unknown ids answer 404. Mount it with mux.Handle(ImagePrefix, h).
func ImageHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, ImagePrefix)
		id, svg := strings.CutSuffix(name, ".svg")
		label, known := imageLabels()[id]
		if !ok || !svg || !known {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "image/svg+xml")
		h.Set("Cache-Control", "public, max-age=86400")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		w.Write([]byte(placeholderSVG(id, label)))
	})
}

// placeholderSVG draws a square card with the brand, the title wrapped on a
// few lines and the department, in a colour chosen by department.
func placeholderSVG(id string, l imageLabel) string {
	hue := hash32(l.kind) % 360
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="%s">`,
		html.EscapeString(l.brand+" "+l.title))
	fmt.Fprintf(&sb, `<rect width="400" height="400" rx="24" fill="hsl(%d,45%%,92%%)"/>`, hue)
	fmt.Fprintf(&sb, `<rect x="24" y="24" width="352" height="352" rx="18" fill="none" stroke="hsl(%d,40%%,70%%)" stroke-width="3"/>`, hue)
	fmt.Fprintf(&sb, `<text x="200" y="110" text-anchor="middle" font-family="sans-serif" font-size="34" font-weight="700" fill="hsl(%d,50%%,25%%)">%s</text>`,
		hue, html.EscapeString(truncate(l.brand, 18)))
	for i, line := range wrap(l.title, 24, 5) {
		fmt.Fprintf(&sb, `<text x="200" y="%d" text-anchor="middle" font-family="sans-serif" font-size="19" fill="#333">%s</text>`,
			170+i*28, html.EscapeString(line))
	}
	fmt.Fprintf(&sb, `<text x="200" y="356" text-anchor="middle" font-family="sans-serif" font-size="14" fill="#666">%s · %s</text>`,
		html.EscapeString(l.kind), html.EscapeString(id))
	sb.WriteString(`</svg>`)
	return sb.String()
}

// wrap splits s into at most max lines of about width characters, ending the
// last line with an ellipsis when text was left out.
func wrap(s string, width, max int) []string {
	var lines []string
	cur := ""
	words := strings.Fields(s)
	for i, w := range words {
		if cur != "" && len(cur)+1+len(w) > width {
			if len(lines) == max-1 {
				return append(lines, truncate(cur+" "+strings.Join(words[i:], " "), width))
			}
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, truncate(cur, width))
	}
	return lines
}

// truncate shortens s to at most n runes, ending with "…" when cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
