package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// itemSyntax names the attributes of one item syntax: Microdata
// (itemscope/itemtype/itemprop) or RDFa-lite (typeof/property).
type itemSyntax struct {
	scope func(n *html.Node) bool // does n start an item?
	typ   string                  // attribute holding the item's types
	prop  string                  // attribute holding property names
}

var microdataSyntax = itemSyntax{
	scope: func(n *html.Node) bool { return hasAttr(n, "itemscope") },
	typ:   "itemtype",
	prop:  "itemprop",
}

var rdfaSyntax = itemSyntax{
	scope: func(n *html.Node) bool { return hasAttr(n, "typeof") },
	typ:   "typeof",
	prop:  "property",
}

// items walks the document and returns its top-level items as schema.org
// nodes (see schema.go), and the properties found outside any item
// ("loose" properties, such as <meta itemprop="price"> in the head).
// itemref is not supported.
func (s itemSyntax) items(root *html.Node) (tops []any, loose map[string]any) {
	loose = map[string]any{}
	var walk func(n *html.Node, cur map[string]any)
	walk = func(n *html.Node, cur map[string]any) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			props := strings.Fields(attr(c, s.prop))
			target := cur
			if target == nil {
				target = loose
			}
			if s.scope(c) {
				item := map[string]any{}
				if t := strings.Fields(attr(c, s.typ)); len(t) > 0 {
					ts := make([]any, len(t))
					for i, x := range t {
						ts[i] = x
					}
					item["@type"] = ts
				}
				if len(props) > 0 && cur != nil {
					for _, pr := range props {
						appendProp(cur, normKey(pr), item)
					}
				} else {
					tops = append(tops, item)
				}
				walk(c, item)
				continue
			}
			if len(props) > 0 {
				v := s.value(c)
				for _, pr := range props {
					appendProp(target, normKey(pr), v)
				}
			}
			walk(c, cur)
		}
	}
	walk(root, nil)
	return tops, loose
}

// appendProp adds v to the values of n[k].
func appendProp(n map[string]any, k string, v any) {
	switch old := n[k].(type) {
	case nil:
		n[k] = v
	case []any:
		n[k] = append(old, v)
	default:
		n[k] = []any{old, v}
	}
}

// value returns the value of a property element: its content attribute if
// it has one (machine-readable), else the URL of a link or media element,
// the datetime of a time, the value of data/meter, else its text (textValue).
func (s itemSyntax) value(n *html.Node) any {
	if hasAttr(n, "content") {
		return attr(n, "content")
	}
	switch n.Data {
	case "meta":
		return ""
	case "a", "area", "link":
		if hasAttr(n, "href") {
			return attr(n, "href")
		}
	case "img", "audio", "embed", "iframe", "source", "track", "video":
		if hasAttr(n, "src") {
			return attr(n, "src")
		}
	case "object":
		return attr(n, "data")
	case "data", "meter":
		return attr(n, "value")
	case "time":
		if hasAttr(n, "datetime") {
			return attr(n, "datetime")
		}
	}
	if s.typ == "typeof" && hasAttr(n, "resource") {
		return attr(n, "resource")
	}
	return textValue(textContent(n))
}

// fromMicrodata reads the Microdata items of the page.
func fromMicrodata(p *page) candidate {
	if len(p.mdTops) == 0 {
		return candidate{}
	}
	g := &schemaGraph{roots: p.mdTops}
	return g.interpret(p)
}

// fromRDFa reads the RDFa-lite items of the page.
func fromRDFa(p *page) candidate {
	tops, _ := rdfaSyntax.items(p.root)
	if len(tops) == 0 {
		return candidate{}
	}
	g := &schemaGraph{roots: tops}
	return g.interpret(p)
}
