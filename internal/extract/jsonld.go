package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// maxJSONLDBlocks bounds the number of JSON-LD scripts read per page.
const maxJSONLDBlocks = 64

// fromJSONLD reads every <script type="application/ld+json"> of the page
// with the tolerant parser; blocks that cannot be parsed are skipped.
func fromJSONLD(p *page) candidate {
	var roots []any
	for n := range p.root.Descendants() {
		if n.Type != html.ElementNode || n.Data != "script" || !isJSONLDType(attr(n, "type")) {
			continue
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		v, err := parseLaxJSON(b.String())
		if err != nil {
			continue
		}
		roots = append(roots, normKeys(v, 0))
		if len(roots) >= maxJSONLDBlocks {
			break
		}
	}
	if len(roots) == 0 {
		return candidate{}
	}
	g := &schemaGraph{roots: roots}
	return g.interpret(p)
}

// isJSONLDType reports whether a script type is JSON-LD
// ("application/ld+json", any case, parameters allowed).
func isJSONLDType(t string) bool {
	t, _, _ = strings.Cut(t, ";")
	return strings.EqualFold(strings.TrimSpace(t), "application/ld+json")
}
