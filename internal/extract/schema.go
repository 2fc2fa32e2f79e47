package extract

import (
	"html"
	"net/url"
	"strings"
)

// This file interprets schema.org data as a tree of map[string]any, the same
// way whether it came from JSON-LD, Microdata or RDFa. In that tree a value
// is a string (machine-readable: JSON-LD, a content attribute), a textValue
// (text written for people: an element's text), a jsonNumber, a bool, nil, a
// []any, or a map[string]any node whose "@type" holds its types.

// textValue is a property value taken from an element's text, written for
// people ("1.299,00 €"), as opposed to a machine-readable string ("1299.00").
type textValue string

// schemaGraph is the data of one source: its top-level nodes and, for
// JSON-LD, the nodes by "@id" so references can be followed.
type schemaGraph struct {
	roots []any
	ids   map[string]map[string]any
}

// productTypes are the schema.org types read as a product. "Book" counts only
// when it has offers.
var productTypes = map[string]bool{
	"product": true, "productgroup": true, "individualproduct": true, "productmodel": true,
	"someproducts": true, "vehicle": true, "car": true, "motorcycle": true,
}

// pageTypes are the types whose mainEntity is followed.
var pageTypes = map[string]bool{
	"webpage": true, "itempage": true, "productpage": true, "offerpage": true,
}

// normKey strips the schema.org prefixes from a property name:
// "schema:price", "http://schema.org/price" and "https://schema.org/price"
// all become "price".
func normKey(k string) string {
	k = strings.TrimSpace(k)
	for _, pre := range []string{"https://schema.org/", "http://schema.org/", "https://www.schema.org/", "http://www.schema.org/", "schema:"} {
		if len(k) > len(pre) && strings.EqualFold(k[:len(pre)], pre) {
			return k[len(pre):]
		}
	}
	return k
}

// normKeys rewrites the keys of every node under v with normKey, in place
// (nodes are fresh from the parser).
func normKeys(v any, depth int) any {
	if depth > maxJSONDepth+2 {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			nk := normKey(k)
			if _, dup := out[nk]; dup && nk != k {
				continue // the unprefixed key wins
			}
			out[nk] = normKeys(x, depth+1)
		}
		return out
	case []any:
		for i := range t {
			t[i] = normKeys(t[i], depth+1)
		}
		return t
	}
	return v
}

// typesOf returns the node's types, lower case, prefixes stripped.
func typesOf(n map[string]any) []string {
	var out []string
	for _, v := range list(n["@type"]) {
		if s, ok := v.(string); ok {
			for _, f := range strings.Fields(s) { // Microdata/RDFa allow several
				t := normKey(f)
				if i := strings.LastIndexAny(t, "/#:"); i >= 0 {
					t = t[i+1:]
				}
				out = append(out, strings.ToLower(t))
			}
		}
	}
	return out
}

// hasType reports whether n has one of the types in set.
func hasType(n map[string]any, set map[string]bool) bool {
	for _, t := range typesOf(n) {
		if set[t] {
			return true
		}
	}
	return false
}

func isType(n map[string]any, t string) bool {
	return hasType(n, map[string]bool{t: true})
}

// list returns v as a slice: nil for nil, the elements of an array, or a
// one-element slice.
func list(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

// node returns v as a node, following an {"@id": ...} reference.
func (g *schemaGraph) node(v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if len(m) == 1 || (len(m) == 2 && m["@type"] != nil) {
		if id, ok := m["@id"].(string); ok && g.ids[id] != nil {
			return g.ids[id]
		}
	}
	return m
}

// nodes returns the nodes among the values of n[key].
func (g *schemaGraph) nodes(n map[string]any, key string) []map[string]any {
	var out []map[string]any
	for _, v := range list(n[key]) {
		if m := g.node(v); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// scalar returns v as trimmed text: strings, text values, numbers, booleans
// and JSON-LD value objects ({"@value": ...}). Other values give "".
func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t)
	case textValue:
		return strings.TrimSpace(string(t))
	case jsonNumber:
		return string(t)
	case map[string]any:
		if x, ok := t["@value"]; ok {
			return scalar(x)
		}
	}
	return ""
}

// text returns the first non-empty scalar value of n[key].
func text(n map[string]any, key string) string {
	for _, v := range list(n[key]) {
		if s := scalar(v); s != "" {
			return s
		}
	}
	return ""
}

// name returns the first value of n[key] as a display name: a scalar, or
// the "name" of a node (brand: {"@type": "Brand", "name": "Sony"}).
func (g *schemaGraph) name(n map[string]any, key string) string {
	for _, v := range list(n[key]) {
		if m := g.node(v); m != nil {
			if s := text(m, "name"); s != "" {
				return s
			}
			continue
		}
		if s := scalar(v); s != "" {
			return s
		}
	}
	return ""
}

// cleanText collapses white space and decodes HTML character references
// (shops often double-encode "&amp;" in JSON-LD).
func cleanText(s string) string {
	if strings.Contains(s, "&") {
		s = html.UnescapeString(s)
	}
	return collapse(s)
}

// collectRoots walks the top-level values: arrays are flattened and "@graph"
// expanded; every node with an "@id" is indexed. It returns the candidate
// top-level nodes in document order.
func (g *schemaGraph) collectRoots() []map[string]any {
	var out []map[string]any
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 8 {
			return
		}
		switch t := v.(type) {
		case []any:
			for _, x := range t {
				walk(x, depth+1)
			}
		case map[string]any:
			if gr, ok := t["@graph"]; ok {
				walk(gr, depth+1)
				if t["@type"] == nil {
					return
				}
			}
			out = append(out, t)
		}
	}
	for _, r := range g.roots {
		walk(r, 0)
	}
	if g.ids == nil {
		g.ids = map[string]map[string]any{}
	}
	var index func(v any, depth int)
	index = func(v any, depth int) {
		if depth > maxJSONDepth {
			return
		}
		switch t := v.(type) {
		case []any:
			for _, x := range t {
				index(x, depth+1)
			}
		case map[string]any:
			if id, ok := t["@id"].(string); ok && len(t) > 1 {
				if _, seen := g.ids[id]; !seen || len(t) > len(g.ids[id]) {
					g.ids[id] = t
				}
			}
			for _, x := range t {
				index(x, depth+1)
			}
		}
	}
	for _, n := range out {
		index(n, 0)
	}
	return out
}

// interpret reads the graph of one source and returns its candidate.
//
// Products are the top-level nodes of a product type, the mainEntity of a
// WebPage/ItemPage, and the itemOffered of a top-level Offer. Nodes nested
// elsewhere (isRelatedTo, isSimilarTo, an ItemList's elements...) are not.
// Several products with different names, or an ItemList of two or more
// elements and no product, make a listing.
func (g *schemaGraph) interpret(p *page) candidate {
	roots := g.collectRoots()
	var products []map[string]any
	seen := map[string]bool{}
	add := func(n map[string]any) {
		if n == nil {
			return
		}
		if id, ok := n["@id"].(string); ok && id != "" {
			if seen[id] {
				return
			}
			seen[id] = true
		}
		if hasType(n, productTypes) || (isType(n, "book") && n["offers"] != nil) {
			products = append(products, n)
		}
	}
	itemList := false
	for _, n := range roots {
		switch {
		case hasType(n, pageTypes) || n["mainEntity"] != nil:
			for _, m := range g.nodes(n, "mainEntity") {
				if isListNode(m) {
					itemList = true
				}
				add(m)
			}
			add(n)
		case isType(n, "offer") && n["itemOffered"] != nil:
			for _, m := range g.nodes(n, "itemOffered") {
				c := make(map[string]any, len(m)+1)
				for k, v := range m {
					c[k] = v
				}
				if c["offers"] == nil {
					o := make(map[string]any, len(n))
					for k, v := range n {
						if k != "itemOffered" {
							o[k] = v
						}
					}
					c["offers"] = o
				}
				add(c)
			}
		case isListNode(n):
			itemList = true
		default:
			add(n)
		}
	}
	if len(products) == 0 {
		if itemList {
			return candidate{signal: listingSignal}
		}
		return candidate{}
	}
	// Products with different names are a listing; same-named (or unnamed)
	// ones are the same product described twice and are merged.
	names := map[string]bool{}
	for _, n := range products {
		if s := strings.ToLower(cleanText(text(n, "name"))); s != "" {
			names[s] = true
		}
	}
	if len(names) > 1 {
		return candidate{signal: listingSignal}
	}
	var c candidate
	for _, n := range products {
		c = mergeCandidates(c, g.product(p, n))
	}
	c.signal = productSignal
	return c
}

// isListNode reports whether n is an ItemList with two or more elements.
func isListNode(n map[string]any) bool {
	if !isType(n, "itemlist") && !isType(n, "offercatalog") {
		return false
	}
	return len(list(n["itemListElement"])) >= 2
}

// mergeCandidates fills the empty fields of a from b.
func mergeCandidates(a, b candidate) candidate {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&a.title, b.title)
	fill(&a.brand, b.brand)
	fill(&a.gtin, b.gtin)
	fill(&a.mpn, b.mpn)
	fill(&a.sku, b.sku)
	if a.price == "" && b.price != "" {
		a.price, a.priceIsRange = b.price, b.priceIsRange
		if b.currency != "" {
			a.currency = b.currency
		}
	}
	fill(&a.currency, b.currency)
	fill(&a.availability, b.availability)
	fill(&a.condition, b.condition)
	fill(&a.image, b.image)
	fill(&a.canonicalURL, b.canonicalURL)
	fill(&a.description, b.description)
	if a.variants == nil {
		a.variants = b.variants
	}
	return a
}

// product builds the candidate of one product node. A ProductGroup (or any
// product with hasVariant) is read through its selected variant: see
// selectVariant.
func (g *schemaGraph) product(p *page, n map[string]any) candidate {
	variants := g.nodes(n, "hasVariant")
	if len(variants) == 0 {
		return g.single(p, n, nil)
	}
	v := g.selectVariant(p, variants)
	c := g.single(p, v, n)
	// The group's name names the product; a variant's name often repeats it
	// with the variant's attributes ("Tee - Red / M").
	if t := cleanText(text(n, "name")); t != "" {
		c.title = t
	}
	c = mergeCandidates(c, g.single(p, n, nil))
	attrs := map[string]string{}
	keys := []string{}
	for _, vb := range list(n["variesBy"]) {
		if k := scalar(vb); k != "" {
			k = normKey(k)
			if i := strings.LastIndexAny(k, "/#:"); i >= 0 {
				k = k[i+1:]
			}
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		keys = []string{"color", "size", "material", "pattern"}
	}
	for _, k := range keys {
		if val := cleanText(g.name(v, k)); val != "" {
			attrs[strings.ToLower(k)] = val
		}
	}
	if len(attrs) > 0 {
		c.variants = attrs
	}
	return c
}

// selectVariant picks the variant the page shows: the one whose sku,
// productID or URL matches the page URL's ?variant= or ?sku=; else the first
// variant offered in stock; else the first.
func (g *schemaGraph) selectVariant(p *page, vs []map[string]any) map[string]any {
	for _, v := range vs {
		if g.matchesURL(p, v) {
			return v
		}
		for _, o := range g.nodes(v, "offers") {
			if g.matchesURL(p, o) {
				return v
			}
		}
	}
	for _, v := range vs {
		for _, o := range g.nodes(v, "offers") {
			if normAvailability(text(o, "availability")) == "in_stock" {
				return v
			}
		}
	}
	return vs[0]
}

// matchesURL reports whether node n (a variant or an offer) is the one the
// page URL selects with ?variant= or ?sku=.
func (g *schemaGraph) matchesURL(p *page, n map[string]any) bool {
	if p.variant == "" && p.sku == "" {
		return false
	}
	for _, want := range []string{p.variant, p.sku} {
		if want == "" {
			continue
		}
		if text(n, "sku") == want || text(n, "productID") == want {
			return true
		}
		for _, k := range []string{"url", "@id"} {
			s := text(n, k)
			if s == "" {
				continue
			}
			if u, err := url.Parse(s); err == nil {
				q := u.Query()
				if (p.variant != "" && q.Get("variant") == p.variant) || (p.sku != "" && q.Get("sku") == p.sku) {
					return true
				}
			}
		}
	}
	return false
}

// single reads one product node (a plain Product or a selected variant);
// group, when not nil, is the ProductGroup whose offers apply when the
// variant has none.
func (g *schemaGraph) single(p *page, n, group map[string]any) candidate {
	var c candidate
	c.title = cleanText(text(n, "name"))
	c.brand = cleanText(g.name(n, "brand"))
	c.gtin = gtinOf(n)
	c.mpn = collapse(text(n, "mpn"))
	c.sku = collapse(text(n, "sku"))
	c.description = truncateRunes(cleanText(text(n, "description")), maxDescription)
	c.image = g.imageOf(p, n)
	c.canonicalURL = absURL(p, text(n, "url"))
	c.condition = normCondition(text(n, "itemCondition"))

	offers := g.offersOf(n)
	if len(offers) == 0 && group != nil {
		offers = g.offersOf(group)
	}
	if o := g.selectOffer(p, offers); o != nil {
		oc := g.offer(o)
		c.price, c.currency, c.priceIsRange = oc.price, oc.currency, oc.priceIsRange
		c.availability = oc.availability
		if oc.condition != "" {
			c.condition = oc.condition
		}
		if c.sku == "" {
			c.sku = collapse(text(o, "sku"))
		}
		if c.gtin == "" {
			c.gtin = gtinOf(o)
		}
		if c.mpn == "" {
			c.mpn = collapse(text(o, "mpn"))
		}
	}
	return c
}

// offersOf returns the offers of a product node.
func (g *schemaGraph) offersOf(n map[string]any) []map[string]any {
	return g.nodes(n, "offers")
}

// selectOffer picks among several offers like selectVariant among variants:
// the one matching the page URL, else the first in stock, else the first.
func (g *schemaGraph) selectOffer(p *page, offers []map[string]any) map[string]any {
	if len(offers) == 0 {
		return nil
	}
	for _, o := range offers {
		if g.matchesURL(p, o) {
			return o
		}
	}
	for _, o := range offers {
		if normAvailability(text(o, "availability")) == "in_stock" {
			return o
		}
	}
	return offers[0]
}

// offer reads price, currency, availability and condition from an Offer or
// AggregateOffer node.
func (g *schemaGraph) offer(o map[string]any) candidate {
	var c candidate
	c.availability = normAvailability(text(o, "availability"))
	c.condition = normCondition(text(o, "itemCondition"))
	c.currency = normCurrency(text(o, "priceCurrency"))

	if isType(o, "aggregateoffer") && o["price"] == nil {
		// Availability and condition may sit on the listed offers only.
		if inner := g.nodes(o, "offers"); len(inner) > 0 {
			if c.availability == "" {
				c.availability = normAvailability(text(inner[0], "availability"))
			}
			if c.condition == "" {
				c.condition = normCondition(text(inner[0], "itemCondition"))
			}
		}
		low, lowCur := readPrice(o["lowPrice"], c.currency)
		if low == "" {
			// No lowPrice: an AggregateOffer listing its offers.
			if inner := g.nodes(o, "offers"); len(inner) > 0 && !isType(inner[0], "aggregateoffer") {
				ic := g.offer(inner[0])
				if c.availability == "" {
					c.availability = ic.availability
				}
				ic.priceIsRange = ic.priceIsRange || len(inner) > 1
				if ic.currency == "" {
					ic.currency = c.currency
				}
				c.price, c.currency, c.priceIsRange = ic.price, ic.currency, ic.priceIsRange
			}
			return c
		}
		high, _ := readPrice(o["highPrice"], c.currency)
		count := text(o, "offerCount")
		c.price = low
		if c.currency == "" {
			c.currency = lowCur
		}
		switch {
		case high != "":
			c.priceIsRange = !sameAmount(high, low)
		default:
			c.priceIsRange = count != "" && count != "1" && count != "0"
		}
		return c
	}

	if v, cur := readPrice(o["price"], c.currency); v != "" {
		c.price = v
		if c.currency == "" {
			c.currency = cur
		}
		return c
	}
	// No price: the first priceSpecification that is the selling price.
	for _, ps := range g.priceSpecs(o, 0) {
		if !isSellingPrice(ps) {
			continue
		}
		cur := normCurrency(text(ps, "priceCurrency"))
		if cur == "" {
			cur = c.currency
		}
		if v, pcur := readPrice(ps["price"], cur); v != "" {
			c.price = v
			if cur == "" {
				cur = pcur
			}
			c.currency = cur
			return c
		}
	}
	return c
}

// priceSpecs flattens priceSpecification, including the priceComponent
// list of a CompoundPriceSpecification.
func (g *schemaGraph) priceSpecs(n map[string]any, depth int) []map[string]any {
	if depth > 2 {
		return nil
	}
	var out []map[string]any
	for _, ps := range g.nodes(n, "priceSpecification") {
		if comps := g.nodes(ps, "priceComponent"); len(comps) > 0 {
			out = append(out, comps...)
			continue
		}
		out = append(out, ps)
	}
	return out
}

// isSellingPrice reports whether a price specification is the price paid
// for one item: not a list/strikethrough/MSRP price (priceType) and not a
// unit price (referenceQuantity).
func isSellingPrice(ps map[string]any) bool {
	if ps["referenceQuantity"] != nil {
		return false
	}
	pt := strings.ToLower(normKey(text(ps, "priceType")))
	if i := strings.LastIndexAny(pt, "/#:"); i >= 0 {
		pt = pt[i+1:]
	}
	switch pt {
	case "", "saleprice":
		return true
	}
	return false
}

// imageOf returns the first image URL of a node, absolutised: image can be
// a URL, a list, or an ImageObject (url or contentUrl).
func (g *schemaGraph) imageOf(p *page, n map[string]any) string {
	for _, v := range list(n["image"]) {
		if m := g.node(v); m != nil {
			for _, k := range []string{"url", "contentUrl"} {
				if u := absURL(p, text(m, k)); u != "" {
					return u
				}
			}
			continue
		}
		if u := absURL(p, scalar(v)); u != "" {
			return u
		}
	}
	return ""
}

// gtinProps are read in this order; the first valid value is the GTIN.
var gtinProps = []string{"gtin14", "gtin13", "gtin12", "gtin8", "gtin", "isbn"}

// gtinOf returns the node's GTIN, normalised to 14 digits; invalid values
// (bad check digit, wrong length) are skipped.
func gtinOf(n map[string]any) string {
	for _, k := range gtinProps {
		for _, v := range list(n[k]) {
			if g := normGTIN(scalar(v)); g != "" {
				return g
			}
		}
	}
	return ""
}
