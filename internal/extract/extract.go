// Package extract recognises product pages and extracts product facts (title,
// brand, identifiers, price, availability...) from a page's HTML.
//
// Facts come from several sources, in order of trust: schema.org JSON-LD,
// Microdata, RDFa-lite, OpenGraph product tags, plain meta tags, and a
// heuristic over the visible page. Each fact is taken from the most trusted
// source that has it, and records that source. The rules are written down in
// RULES.md; the browser extension implements the same rules in JavaScript and
// both are checked against the golden corpus in testdata/pages.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Source names, in decreasing order of trust.
const (
	SourceJSONLD    = "jsonld"
	SourceMicrodata = "microdata"
	SourceRDFa      = "rdfa"
	SourceOpenGraph = "opengraph"
	SourceMeta      = "meta"
	SourceHeuristic = "heuristic"
)

// MaxPageSize is the largest HTML document Extract accepts, in bytes.
const MaxPageSize = 5 << 20

// ErrTooLarge is returned by Extract for pages larger than MaxPageSize.
var ErrTooLarge = errors.New("extract: page is larger than 5 MiB")

// Fact is one extracted value and the source it was taken from.
type Fact struct {
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Facts is what Extract found on a page. When IsProduct is false every other
// field is empty: nothing is reported about pages that are not product pages.
type Facts struct {
	IsProduct    bool  `json:"is_product"`
	Title        *Fact `json:"title,omitempty"`
	Brand        *Fact `json:"brand,omitempty"`
	GTIN         *Fact `json:"gtin,omitempty"` // 14 digits, check digit verified
	MPN          *Fact `json:"mpn,omitempty"`
	SKU          *Fact `json:"sku,omitempty"`
	Price        *Fact `json:"price,omitempty"`    // decimal text with the currency's decimals, "1299.00"
	Currency     *Fact `json:"currency,omitempty"` // ISO 4217 code
	Availability *Fact `json:"availability,omitempty"`
	Condition    *Fact `json:"condition,omitempty"`
	Image        *Fact `json:"image,omitempty"`
	CanonicalURL *Fact `json:"canonical_url,omitempty"`
	Description  *Fact `json:"description,omitempty"`
	// PriceIsRange reports that Price is the low end of a range of prices
	// (an AggregateOffer over several prices, "10–20 €"): a lower bound,
	// not the price of one item.
	PriceIsRange bool `json:"price_is_range,omitempty"`
	// Variants holds the attributes of the selected variant of a
	// ProductGroup ("color": "Red", "size": "M"), keys in lower case.
	Variants map[string]string `json:"variants,omitempty"`
	// Source is the source that recognised the product: the most trusted
	// source that describes one product.
	Source string `json:"source,omitempty"`
}

// signal is what one source concluded about the page.
type signal int

const (
	noSignal      signal = iota // the source says nothing about products
	productSignal               // the source describes one product
	listingSignal               // the source describes several products
)

// candidate holds the normalised facts one source found.
type candidate struct {
	signal signal

	title, brand, gtin, mpn, sku     string
	price, currency                  string
	availability, condition          string
	image, canonicalURL, description string
	priceIsRange                     bool
	variants                         map[string]string
}

// page is what the extractors know about the document.
type page struct {
	root *html.Node
	base *url.URL // for resolving relative URLs; nil when unknown
	// variant and sku are the ?variant= and ?sku= query values of the page URL.
	variant, sku string
	lang         string // <html lang>, lower case

	meta    map[string]string // <meta> contents by property/name, see metaTags
	mdTops  []any             // top-level Microdata items
	mdLoose map[string]any    // Microdata properties outside any item
	// hint is the currency assumed for ambiguous signs in visible text: the
	// first currency structured data gave, else one derived from lang.
	hint string
}

// Extract reads a page's HTML and returns its product facts. pageURL is the
// address the page was loaded from; it resolves relative URLs and selects
// variants (?variant=, ?sku=). Pages larger than MaxPageSize are refused with
// ErrTooLarge. A page with no product signal at all returns quickly without
// being parsed.
func Extract(r io.Reader, pageURL string) (Facts, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxPageSize+1))
	if err != nil {
		return Facts{}, fmt.Errorf("extract: read page: %w", err)
	}
	if len(b) > MaxPageSize {
		return Facts{}, ErrTooLarge
	}
	if !hasProductSignal(b) {
		return Facts{}, nil
	}
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		return Facts{}, fmt.Errorf("extract: parse html: %w", err)
	}
	return extractTree(root, pageURL), nil
}

// signalWords are the byte strings (lower case) one of which every page that
// can be recognised as a product page contains. A page with none of them is
// not parsed at all.
var signalWords = []string{
	"schema.org", "ld+json", "itemtype", "typeof", "og:type", "product:", "og:price",
	"itemprop", "twitter:data1", "cart", "basket", "buy-now", "buy_now", "buynow",
}

// hasProductSignal is the cheap early exit: it reports whether b contains
// one of signalWords, ignoring ASCII case.
func hasProductSignal(b []byte) bool {
	low := bytes.ToLower(b)
	for _, w := range signalWords {
		if bytes.Contains(low, []byte(w)) {
			return true
		}
	}
	return false
}

func extractTree(root *html.Node, pageURL string) Facts {
	p := &page{root: root}
	if u, err := url.Parse(strings.TrimSpace(pageURL)); err == nil && u.IsAbs() {
		p.base = u
		q := u.Query()
		p.variant, p.sku = q.Get("variant"), q.Get("sku")
	}
	if h := findElement(root, "html"); h != nil {
		p.lang = strings.ToLower(strings.TrimSpace(attr(h, "lang")))
	}
	if p.base == nil {
		// No usable page URL: fall back to the canonical link as the base.
		if u := canonicalLink(root); u != nil {
			p.base = u
		}
	}
	if b := findElement(root, "base"); b != nil {
		if h := strings.TrimSpace(attr(b, "href")); h != "" {
			if u, err := resolve(p.base, h); err == nil {
				p.base = u
			}
		}
	}

	p.meta = metaTags(root)
	p.mdTops, p.mdLoose = microdataSyntax.items(root)

	cands := []struct {
		source string
		c      candidate
	}{
		{SourceJSONLD, fromJSONLD(p)},
		{SourceMicrodata, fromMicrodata(p)},
		{SourceRDFa, fromRDFa(p)},
		{SourceOpenGraph, fromOpenGraph(p)},
		{SourceMeta, fromMeta(p)},
	}
	for _, s := range cands {
		if s.c.signal != listingSignal && s.c.currency != "" {
			p.hint = s.c.currency
			break
		}
	}
	if p.hint == "" {
		p.hint = langCurrency(p.lang)
	}
	cands = append(cands, struct {
		source string
		c      candidate
	}{SourceHeuristic, fromHeuristic(p)})

	// The first source with an opinion decides whether this is a product page.
	isProduct := false
	for _, s := range cands {
		if s.c.signal != noSignal {
			isProduct = s.c.signal == productSignal
			break
		}
	}
	if !isProduct {
		return Facts{}
	}

	var f Facts
	f.IsProduct = true
	take := func(dst **Fact, get func(c *candidate) string) {
		for i := range cands {
			s := &cands[i]
			if s.c.signal == listingSignal {
				continue
			}
			if v := get(&s.c); v != "" {
				*dst = &Fact{Value: v, Source: s.source}
				return
			}
		}
	}
	take(&f.Title, func(c *candidate) string { return c.title })
	take(&f.Brand, func(c *candidate) string { return c.brand })
	take(&f.GTIN, func(c *candidate) string { return c.gtin })
	take(&f.MPN, func(c *candidate) string { return c.mpn })
	take(&f.SKU, func(c *candidate) string { return c.sku })
	take(&f.Availability, func(c *candidate) string { return c.availability })
	take(&f.Condition, func(c *candidate) string { return c.condition })
	take(&f.Image, func(c *candidate) string { return c.image })
	take(&f.CanonicalURL, func(c *candidate) string { return c.canonicalURL })
	take(&f.Description, func(c *candidate) string { return c.description })

	// Price, its range flag and its currency travel together: the currency
	// comes from the price's own source when it has one, else from the most
	// trusted source that has a currency.
	for i := range cands {
		s := &cands[i]
		if s.c.signal == listingSignal || s.c.price == "" {
			continue
		}
		f.Price = &Fact{Value: s.c.price, Source: s.source}
		f.PriceIsRange = s.c.priceIsRange
		if s.c.currency != "" {
			f.Currency = &Fact{Value: s.c.currency, Source: s.source}
		} else {
			take(&f.Currency, func(c *candidate) string { return c.currency })
		}
		break
	}
	if f.Price != nil && f.Currency != nil {
		// Render the amount with the currency's usual decimals.
		f.Price.Value = formatPrice(f.Price.Value, f.Currency.Value)
	}

	for i := range cands {
		s := &cands[i]
		if s.c.signal != listingSignal && len(s.c.variants) > 0 {
			f.Variants = s.c.variants
			break
		}
	}
	for _, s := range cands {
		if s.c.signal == productSignal {
			f.Source = s.source
			break
		}
	}
	return f
}
