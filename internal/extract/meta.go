package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// metaTags returns the content of every <meta> by its property or name
// (lower case); the first tag with a key wins.
func metaTags(root *html.Node) map[string]string {
	m := map[string]string{}
	for n := range root.Descendants() {
		if n.Type != html.ElementNode || n.Data != "meta" || !hasAttr(n, "content") {
			continue
		}
		for _, k := range []string{"property", "name"} {
			key := strings.ToLower(strings.TrimSpace(attr(n, k)))
			if key == "" {
				continue
			}
			if _, ok := m[key]; !ok {
				m[key] = strings.TrimSpace(attr(n, "content"))
			}
		}
	}
	return m
}

// firstOf returns the first non-empty m[k] among keys.
func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

// ogProductTypes are the og:type values of a product page.
var ogProductTypes = map[string]bool{
	"product": true, "og:product": true, "product.item": true, "product.group": true,
}

// fromOpenGraph reads OpenGraph tags, both the Facebook product dialect
// (product:price:amount, product:price:currency...) and the older og:price
// dialect (og:price:amount...). It signals a product when og:type is a
// product type or a price tag is present; its facts (og:title, og:image...)
// are used on any page another source recognised as a product page.
func fromOpenGraph(p *page) candidate {
	m := p.meta
	var c candidate
	for _, pair := range [][2]string{
		{"product:sale_price:amount", "product:sale_price:currency"},
		{"product:price:amount", "product:price:currency"},
		{"og:price:amount", "og:price:currency"},
	} {
		cur := normCurrency(m[pair[1]])
		if v, tcur := readPrice(m[pair[0]], cur); v != "" {
			if cur == "" {
				cur = tcur
			}
			c.price, c.currency = v, cur
			break
		}
	}
	if c.currency == "" {
		c.currency = normCurrency(firstOf(m, "product:price:currency", "og:price:currency"))
	}
	if ogProductTypes[strings.ToLower(m["og:type"])] || c.price != "" {
		c.signal = productSignal
	}
	c.title = cleanText(m["og:title"])
	c.description = truncateRunes(cleanText(m["og:description"]), maxDescription)
	c.image = absURL(p, firstOf(m, "og:image:secure_url", "og:image", "og:image:url"))
	c.canonicalURL = absURL(p, m["og:url"])
	c.brand = cleanText(firstOf(m, "product:brand", "og:brand"))
	c.availability = normAvailability(firstOf(m, "product:availability", "og:availability"))
	c.condition = normCondition(firstOf(m, "product:condition", "og:condition"))
	c.sku = collapse(m["product:retailer_item_id"])
	c.mpn = collapse(m["product:mfr_part_no"])
	for _, k := range []string{"product:gtin", "product:ean", "product:upc", "product:isbn"} {
		if g := normGTIN(m[k]); g != "" {
			c.gtin = g
			break
		}
	}
	return c
}

// priceLabels are words that, lower-cased, mark a twitter:labelN as a price.
var priceLabels = []string{"price", "preis", "prix", "precio", "prezzo", "preço", "prijs", "pris", "cena", "цена", "価格", "cijena", "hinta"}

// fromMeta reads plain meta tags: Microdata properties outside any item
// (<meta itemprop="price" content="...">), a Twitter product card price
// (twitter:labelN "Price" with twitter:dataN), <link rel="canonical"> and
// <meta name="description">. It signals a product when it finds a price.
func fromMeta(p *page) candidate {
	var c candidate
	g := &schemaGraph{}
	l := p.mdLoose
	cur := normCurrency(text(l, "priceCurrency"))
	if v, tcur := readPrice(l["price"], cur); v != "" {
		if cur == "" {
			cur = tcur
		}
		c.price, c.currency = v, cur
	}
	if c.price == "" {
		for _, i := range []string{"1", "2", "3", "4"} {
			label := strings.ToLower(p.meta["twitter:label"+i])
			if label == "" || !containsAny(label, priceLabels) {
				continue
			}
			if v, tcur, isRange, ok := parseHumanPrice(p.meta["twitter:data"+i], cur); ok && v > 0 {
				c.price, c.priceIsRange = v.String(), isRange
				if tcur != "" {
					cur = tcur
				}
				c.currency = cur
				break
			}
		}
	}
	if c.currency == "" {
		c.currency = cur
	}
	c.availability = normAvailability(text(l, "availability"))
	c.condition = normCondition(text(l, "itemCondition"))
	c.sku = collapse(text(l, "sku"))
	c.mpn = collapse(text(l, "mpn"))
	c.gtin = gtinOf(l)
	c.brand = cleanText(g.name(l, "brand"))
	c.image = absURL(p, text(l, "image"))
	if u := canonicalHref(p); u != "" {
		c.canonicalURL = u
	}
	c.description = truncateRunes(cleanText(p.meta["description"]), maxDescription)
	if c.price != "" {
		c.signal = productSignal
	}
	return c
}

// canonicalHref returns the absolutised href of <link rel="canonical">.
func canonicalHref(p *page) string {
	for n := range p.root.Descendants() {
		if n.Type == html.ElementNode && n.Data == "link" && hasToken(attr(n, "rel"), "canonical") {
			if u := absURL(p, attr(n, "href")); u != "" {
				return u
			}
		}
	}
	return ""
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
