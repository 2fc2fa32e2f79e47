package extract

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// maxText bounds the bytes of text collected from one element.
const maxText = 4096

// maxDescription bounds a description, in Unicode code points.
const maxDescription = 500

// attr returns the value of n's attribute key (lower case), or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether n has the attribute key.
func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// findElement returns the first element named tag in document order, or nil.
func findElement(root *html.Node, tag string) *html.Node {
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && n.Data == tag {
			return n
		}
	}
	return nil
}

// canonicalLink returns the absolute URL of <link rel="canonical">, or nil.
func canonicalLink(root *html.Node) *url.URL {
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && n.Data == "link" && hasToken(attr(n, "rel"), "canonical") {
			if u, err := url.Parse(strings.TrimSpace(attr(n, "href"))); err == nil && u.IsAbs() {
				return u
			}
		}
	}
	return nil
}

// hasToken reports whether the space-separated list s contains tok, ignoring case.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// resolve resolves ref against base (which may be nil).
func resolve(base *url.URL, ref string) (*url.URL, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, err
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	return u, nil
}

// absURL resolves ref against the page base and returns it when the result
// is an absolute http(s) URL; data:, javascript: and unresolvable references
// give "".
func absURL(p *page, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := resolve(p.base, ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// skipText reports whether the text inside element n is never page text.
func skipText(n *html.Node) bool {
	switch n.Data {
	case "script", "style", "template", "noscript":
		return true
	}
	return false
}

// textContent returns the text of n's descendants (outside script, style,
// template and noscript), white space collapsed, at most about maxText bytes.
func textContent(n *html.Node) string {
	var b strings.Builder
	collectText(n, &b, false)
	return collapse(b.String())
}

// visibleText is textContent that also skips elements with the hidden
// attribute or aria-hidden="true": what a screen reader announces.
func visibleText(n *html.Node) string {
	var b strings.Builder
	collectText(n, &b, true)
	return collapse(b.String())
}

func collectText(n *html.Node, b *strings.Builder, visible bool) {
	for c := n.FirstChild; c != nil && b.Len() < maxText; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
		case html.ElementNode:
			if skipText(c) || (visible && isHidden(c)) {
				continue
			}
			if c.Data == "br" || isBlock(c.Data) {
				b.WriteByte(' ')
			}
			collectText(c, b, visible)
			if isBlock(c.Data) {
				b.WriteByte(' ')
			}
		}
	}
}

// isHidden reports whether n is hidden from people (hidden attribute,
// aria-hidden="true").
func isHidden(n *html.Node) bool {
	return hasAttr(n, "hidden") || strings.EqualFold(strings.TrimSpace(attr(n, "aria-hidden")), "true")
}

func isBlock(tag string) bool {
	switch tag {
	case "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "dd", "dt", "table":
		return true
	}
	return false
}

// collapse trims s and replaces every run of white space (including
// no-break spaces) by one space.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u202f', '\u2009', '\u2007':
			space = true
			continue
		}
		if r < 0x20 || r == 0x7f { // other control characters
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// truncateRunes cuts s to at most n code points.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return strings.TrimSpace(s[:j])
		}
		i++
	}
	return s
}
