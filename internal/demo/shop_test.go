package demo

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ident"
)

const testBase = "http://127.0.0.1:8080"

// get serves one request with h and returns the response and its body.
func get(t *testing.T, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// page is a parsed HTML page with the facts the tests look at.
type page struct {
	doc    *html.Node
	jsonld []map[string]any // every application/ld+json block, decoded
	h1     string
	text   string // visible text of <body>, whitespace collapsed
}

func parsePage(t *testing.T, body string) page {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	p := page{doc: doc}
	var sb strings.Builder
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.Data {
		case "script":
			if attr(n, "type") == "application/ld+json" {
				var v map[string]any
				if err := json.Unmarshal([]byte(textOf(n)), &v); err != nil {
					t.Fatalf("invalid JSON-LD: %v\n%s", err, textOf(n))
				}
				p.jsonld = append(p.jsonld, v)
			}
		case "h1":
			p.h1 = textOf(n)
		case "body":
			sb.WriteString(textOf(n))
		}
	})
	p.text = strings.Join(strings.Fields(sb.String()), " ")
	return p
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var sb strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			sb.WriteString(c.Data)
		}
	})
	return sb.String()
}

// find returns the elements for which fn is true.
func (p page) find(fn func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(p.doc, func(n *html.Node) {
		if n.Type == html.ElementNode && fn(n) {
			out = append(out, n)
		}
	})
	return out
}

// meta returns the content of <meta property=prop>, or "".
func (p page) meta(prop string) string {
	for _, n := range p.find(func(n *html.Node) bool { return n.Data == "meta" && attr(n, "property") == prop }) {
		return attr(n, "content")
	}
	return ""
}

// markup reports which kinds of product markup the page carries.
func (p page) markup() (kinds []string) {
	for _, v := range p.jsonld {
		switch typeOf(v) {
		case "Product", "ProductGroup":
			kinds = append(kinds, "jsonld")
		}
		if g, ok := v["@graph"].([]any); ok {
			for _, e := range g {
				if m, ok := e.(map[string]any); ok && typeOf(m) == "Product" {
					kinds = append(kinds, "jsonld-graph")
				}
			}
		}
	}
	if len(p.find(func(n *html.Node) bool { return hasAttr(n, "itemscope") || hasAttr(n, "itemprop") })) > 0 {
		kinds = append(kinds, "microdata")
	}
	if len(p.find(func(n *html.Node) bool { return hasAttr(n, "typeof") || hasAttr(n, "vocab") })) > 0 {
		kinds = append(kinds, "rdfa")
	}
	if p.meta("og:type") == "product" || p.meta("product:price:amount") != "" || p.meta("og:price:amount") != "" {
		kinds = append(kinds, "opengraph")
	}
	return kinds
}

func typeOf(v map[string]any) string { s, _ := v["@type"].(string); return s }

func findType(p page, typ string) map[string]any {
	for _, v := range p.jsonld {
		if typeOf(v) == typ {
			return v
		}
	}
	return nil
}

func TestShopProducts(t *testing.T) {
	ps := Products()
	if n := len(ps); n < 60 || n > 80 {
		t.Fatalf("%d shop products, want about 70", n)
	}
	catalog := map[string]vitrine.Item{}
	for _, it := range Catalog() {
		catalog[it.ID] = it
	}
	styles := map[Style]int{}
	slugs := map[string]bool{}
	var shared, exclusive, dearer, cheaper int
	for _, p := range ps {
		styles[p.Style]++
		if slugs[p.Slug] || p.Slug == "" || strings.ContainsAny(p.Slug, "/?#% ") {
			t.Errorf("bad or duplicate slug %q", p.Slug)
		}
		slugs[p.Slug] = true
		if p.Price.Currency != "USD" || p.Price.Amount <= 0 || p.WasPrice.Amount <= p.Price.Amount {
			t.Errorf("%s: price %v was %v", p.Slug, p.Price, p.WasPrice)
		}
		if g, err := ident.NormalizeGTIN(p.GTIN); err != nil || g != p.GTIN {
			t.Errorf("%s: GTIN %q: %v", p.Slug, p.GTIN, err)
		}
		if p.StoreID == "" {
			exclusive++
			for _, it := range catalog {
				if it.GTIN == p.GTIN {
					t.Errorf("%s: exclusive product shares GTIN %s with store item %s", p.Slug, p.GTIN, it.ID)
				}
			}
			continue
		}
		it, ok := catalog[p.StoreID]
		if !ok {
			t.Errorf("%s: store id %q not in the catalog", p.Slug, p.StoreID)
			continue
		}
		shared++
		if it.GTIN != p.GTIN || it.MPN != p.MPN || it.Brand != p.Brand {
			t.Errorf("%s: identifiers %s/%s/%s differ from store item %s (%s/%s/%s)", p.Slug, p.GTIN, p.MPN, p.Brand, it.ID, it.GTIN, it.MPN, it.Brand)
		}
		if p.Price.Amount > it.Offer.Price.Amount {
			dearer++
		} else if p.Price.Amount < it.Offer.Price.Amount {
			cheaper++
		}
		if p.Style == StyleProductGroup {
			if len(p.Variants) < 2 || p.Variants[0].StoreID != p.StoreID {
				t.Errorf("%s: %d variants, default %+v", p.Slug, len(p.Variants), p.Variants)
			}
			for _, v := range p.Variants {
				if catalog[v.StoreID].ItemGroupID != p.ItemGroupID || catalog[v.StoreID].GTIN != v.GTIN {
					t.Errorf("%s: variant %s does not match store item %s", p.Slug, v.ID, v.StoreID)
				}
			}
		} else if len(p.Variants) != 0 {
			t.Errorf("%s: style %s with variants", p.Slug, p.Style)
		}
	}
	for _, s := range Styles() {
		if styles[s] < 3 {
			t.Errorf("style %s has %d products, want at least 3", s, styles[s])
		}
	}
	if shared < 50 || exclusive < 8 {
		t.Errorf("%d shared and %d exclusive products, want about 60 and 10", shared, exclusive)
	}
	if dearer <= cheaper || cheaper == 0 {
		t.Errorf("%d dearer and %d cheaper than the store, want most dearer and some cheaper", dearer, cheaper)
	}
}

func TestShopProductPages(t *testing.T) {
	h := ShopHandler(testBase)
	for _, p := range h.Products() {
		res, body := get(t, h, "GET", p.Path())
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", p.Path(), res.StatusCode, res.Header.Get("Content-Type"))
		}
		pg := parsePage(t, body)
		price := p.Price.Text()
		url := testBase + p.Path()

		// Each page carries its own style of markup and no other.
		want := map[Style]string{
			StyleJSONLD: "jsonld", StyleJSONLDGraph: "jsonld-graph", StyleMicrodata: "microdata", StyleOpenGraph: "opengraph",
			StyleOpenGraphOG: "opengraph", StyleRDFa: "rdfa", StyleProductGroup: "jsonld",
		}[p.Style]
		if kinds := pg.markup(); len(kinds) != 1 || kinds[0] != want {
			t.Errorf("%s (%s): markup %v, want only %s", p.Slug, p.Style, kinds, want)
		}

		switch p.Style {
		case StyleJSONLD:
			prod := findType(pg, "Product")
			offer := prod["offers"].([]any)[0].(map[string]any)
			if n, ok := offer["price"].(float64); !ok || formatFloat(n) != price || offer["priceCurrency"] != "USD" {
				t.Errorf("%s: JSON-LD offer %v, want price %s", p.Slug, offer, price)
			}
			if prod["name"] != p.Title || prod["mpn"] != nilIfEmpty(p.MPN) {
				t.Errorf("%s: JSON-LD name %q mpn %v", p.Slug, prod["name"], prod["mpn"])
			}
			if findType(pg, "BreadcrumbList") == nil || findType(pg, "Organization") == nil {
				t.Errorf("%s: no BreadcrumbList or Organization block", p.Slug)
			}
		case StyleJSONLDGraph:
			if len(pg.jsonld) != 1 {
				t.Errorf("%s: %d JSON-LD blocks, want one @graph", p.Slug, len(pg.jsonld))
			}
			var prod map[string]any
			for _, e := range pg.jsonld[0]["@graph"].([]any) {
				if m := e.(map[string]any); typeOf(m) == "Product" {
					prod = m
				}
			}
			offer := prod["offers"].([]any)[0].(map[string]any)
			if offer["price"] != price || prod["name"] != p.Title {
				t.Errorf("%s: @graph product %v", p.Slug, prod)
			}
		case StyleMicrodata:
			prices := pg.find(func(n *html.Node) bool { return attr(n, "itemprop") == "price" })
			if len(prices) != 1 || attr(prices[0], "content") != price {
				t.Errorf("%s: itemprop=price %v, want one with content %s", p.Slug, prices, price)
			}
			if len(pg.find(func(n *html.Node) bool { return attr(n, "itemtype") == "https://schema.org/Product" })) != 1 {
				t.Errorf("%s: no Microdata Product", p.Slug)
			}
		case StyleOpenGraph:
			if pg.meta("product:price:amount") != price || pg.meta("product:price:currency") != "USD" || pg.meta("og:price:amount") != "" {
				t.Errorf("%s: OpenGraph price %q %q", p.Slug, pg.meta("product:price:amount"), pg.meta("product:price:currency"))
			}
		case StyleOpenGraphOG:
			if pg.meta("og:price:amount") != price || pg.meta("og:price:currency") != "USD" || pg.meta("product:price:amount") != "" {
				t.Errorf("%s: og:price %q %q", p.Slug, pg.meta("og:price:amount"), pg.meta("og:price:currency"))
			}
		case StyleRDFa:
			prices := pg.find(func(n *html.Node) bool { return attr(n, "property") == "price" })
			if len(prices) != 1 || attr(prices[0], "content") != price {
				t.Errorf("%s: property=price %v, want content %s", p.Slug, prices, price)
			}
			if len(pg.find(func(n *html.Node) bool {
				return attr(n, "typeof") == "Product" && attr(n, "vocab") == "https://schema.org/"
			})) != 1 {
				t.Errorf("%s: no RDFa Product", p.Slug)
			}
		case StyleProductGroup:
			g := findType(pg, "ProductGroup")
			vs, _ := g["hasVariant"].([]any)
			if len(vs) != len(p.Variants) {
				t.Fatalf("%s: %d variants in JSON-LD, want %d", p.Slug, len(vs), len(p.Variants))
			}
			for i, v := range vs {
				offer := v.(map[string]any)["offers"].(map[string]any)
				if offer["url"] != url+"?variant="+p.Variants[i].ID || offer["price"] != p.Variants[i].Price.Text() {
					t.Errorf("%s: variant offer %v", p.Slug, offer)
				}
			}
		}

		// The visible page agrees with the markup and carries the usual traps.
		if pg.h1 != p.Title {
			t.Errorf("%s: h1 %q, want %q", p.Slug, pg.h1, p.Title)
		}
		for _, s := range []string{
			formatUSD(p.Price), formatUSD(p.WasPrice), "or 4 interest-free payments of", "Customers also bought",
			"We use cookies",
		} {
			if !strings.Contains(pg.text, s) {
				t.Errorf("%s: visible text lacks %q", p.Slug, s)
			}
		}
		struck := pg.find(func(n *html.Node) bool {
			return (n.Data == "s" || n.Data == "del") && attr(n.Parent, "class") == "pricebox" && textOf(n) == formatUSD(p.WasPrice)
		})
		if len(struck) != 1 {
			t.Errorf("%s: %d struck-through old prices %s, want 1", p.Slug, len(struck), formatUSD(p.WasPrice))
		}
		inStock := strings.Contains(pg.text, "In stock")
		if inStock != (p.Availability == vitrine.InStock) || inStock == strings.Contains(pg.text, "Sold out This item") {
			t.Errorf("%s: availability %s, page says in stock=%v", p.Slug, p.Availability, inStock)
		}
		if len(pg.find(func(n *html.Node) bool {
			return n.Data == "link" && attr(n, "rel") == "canonical" && attr(n, "href") == url
		})) != 1 {
			t.Errorf("%s: canonical link missing", p.Slug)
		}
	}
}

func formatFloat(f float64) string {
	b, _ := json.Marshal(f)
	s := string(b)
	if i := strings.IndexByte(s, '.'); i < 0 {
		s += ".00"
	} else if len(s)-i == 2 {
		s += "0"
	}
	return s
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func TestShopVariantQuery(t *testing.T) {
	h := ShopHandler(testBase)
	var grp ShopProduct
	for _, p := range h.Products() {
		if p.Style == StyleProductGroup {
			grp = p
			break
		}
	}
	v := grp.Variants[1]
	for _, tc := range []struct {
		query string
		want  ShopVariant
	}{
		{"", grp.Variants[0]},
		{"?variant=" + v.ID, v},
		{"?variant=nope", grp.Variants[0]},
	} {
		_, body := get(t, h, "GET", grp.Path()+tc.query)
		pg := parsePage(t, body)
		if want := "Selected: " + tc.want.Color + " / Size " + tc.want.Size; !strings.Contains(pg.text, want) {
			t.Errorf("%q: page lacks %q", tc.query, want)
		}
		sel := pg.find(func(n *html.Node) bool { return attr(n, "aria-current") == "true" })
		if len(sel) != 1 || !strings.HasSuffix(attr(sel[0], "href"), "?variant="+tc.want.ID) {
			t.Errorf("%q: selected link %v, want variant %s", tc.query, sel, tc.want.ID)
		}
		if !strings.Contains(pg.text, formatUSD(tc.want.Price)+formatUSD(tc.want.WasPrice)) {
			t.Errorf("%q: price %s not shown", tc.query, formatUSD(tc.want.Price))
		}
	}
}

func TestShopListing(t *testing.T) {
	h := ShopHandler(testBase)
	res, body := get(t, h, "GET", ShopPrefix)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	pg := parsePage(t, body)
	if kinds := pg.markup(); len(kinds) != 0 {
		t.Errorf("listing page carries product markup %v", kinds)
	}
	links := map[string]bool{}
	for _, a := range pg.find(func(n *html.Node) bool { return n.Data == "a" }) {
		if href := attr(a, "href"); strings.HasPrefix(href, testBase+ShopPrefix+"p/") {
			links[href] = true
		}
	}
	ps := Products()
	if len(links) != len(ps) {
		t.Errorf("%d product links, want %d", len(links), len(ps))
	}
	list := findType(pg, "ItemList")
	if list == nil || len(list["itemListElement"].([]any)) != len(ps) {
		t.Errorf("ItemList %v", list)
	}
	if strings.Count(pg.text, "$") < len(ps) {
		t.Errorf("listing shows fewer prices than products")
	}
}

func TestShopAbout(t *testing.T) {
	h := ShopHandler(testBase)
	res, body := get(t, h, "GET", ShopPrefix+"about")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	pg := parsePage(t, body)
	if kinds := pg.markup(); len(kinds) != 0 || len(pg.jsonld) != 0 {
		t.Errorf("about page carries markup %v, %d JSON-LD blocks", kinds, len(pg.jsonld))
	}
	for _, s := range []string{"schema.org", "itemprop", "product:", "og:price", "payments of"} {
		if strings.Contains(body, s) {
			t.Errorf("about page contains %q", s)
		}
	}
}

func TestShopNotFound(t *testing.T) {
	h := ShopHandler(testBase)
	slug := Products()[0].Slug
	for _, path := range []string{
		ShopPrefix + "nope", ShopPrefix + "p/", ShopPrefix + "p/nope", ShopPrefix + "p/" + slug + "/more",
		ShopPrefix + "about/", ShopPrefix + "p/" + strings.ToUpper(slug), "/elsewhere",
	} {
		res, body := get(t, h, "GET", path)
		if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "<h1>Not Found</h1>") {
			t.Errorf("%s: %d %q", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	res, _ := get(t, h, "POST", Products()[0].Path())
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	res, _ = get(t, h, "GET", "/demo/shop")
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != ShopPrefix {
		t.Errorf("/demo/shop: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, _ = get(t, h, "HEAD", Products()[0].Path())
	if res.StatusCode != 200 {
		t.Errorf("HEAD: %d", res.StatusCode)
	}
}

func TestShopEscaping(t *testing.T) {
	h := ShopHandler(testBase)
	var p ShopProduct
	for _, sp := range h.Products() {
		if strings.Contains(sp.Title, "<") {
			p = sp
		}
	}
	if p.Slug == "" {
		t.Fatal("no product with markup characters in its title")
	}
	_, body := get(t, h, "GET", p.Path())
	for _, raw := range []string{"<Illustrated", "<b>Not bold", `"Who's the Boss?"`} {
		if strings.Contains(body, raw) {
			t.Errorf("page contains unescaped %q", raw)
		}
	}
	if !strings.Contains(body, "&lt;Illustrated Edition&gt;") {
		t.Error("page lacks the escaped title")
	}
	pg := parsePage(t, body)
	if pg.h1 != p.Title || !strings.Contains(pg.text, p.Description) {
		t.Errorf("h1 %q, want %q; description shown as text: %v", pg.h1, p.Title, strings.Contains(pg.text, p.Description))
	}
	if got := pg.find(func(n *html.Node) bool { return n.Data == "b" }); len(got) != 0 {
		t.Error("the description's <b> became an element")
	}
	// JSON-LD in a script element: no literal <, > or & at all.
	for _, other := range h.Products() {
		_, body := get(t, h, "GET", other.Path())
		for _, script := range strings.Split(body, `<script type="application/ld+json">`)[1:] {
			js, _, _ := strings.Cut(script, "</script>")
			if strings.ContainsAny(js, "<>&") {
				t.Errorf("%s: JSON-LD contains a raw <, > or &", other.Slug)
			}
		}
	}
}

func TestShopAndImagesServed(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.Handle(ShopPrefix, ShopHandler(srv.URL))
	mux.Handle(ImagePrefix, ImageHandler())

	var p ShopProduct
	for _, sp := range Products() {
		if sp.Style == StyleOpenGraph {
			p = sp
			break
		}
	}
	res, err := http.Get(srv.URL + p.Path())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	img := parsePage(t, string(body)).meta("og:image")
	if !strings.HasPrefix(img, srv.URL+ImagePrefix) {
		t.Fatalf("og:image %q", img)
	}
	res, err = http.Get(img)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("%s: %d %s", img, res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestImageHandler(t *testing.T) {
	h := ImageHandler()
	check := func(path string) {
		t.Helper()
		res, body := get(t, h, "GET", path)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		d := xml.NewDecoder(strings.NewReader(body))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: invalid SVG: %v", path, err)
			}
		}
	}
	for _, it := range Catalog() {
		check(strings.TrimPrefix(it.ImageLink, DefaultBase))
	}
	for _, p := range Products() {
		check(ImagePrefix + p.ImageID + ".svg")
	}
	check(ImagePrefix + "logo.svg")
	for _, path := range []string{ImagePrefix + "nope.svg", ImagePrefix + "tv-001", ImagePrefix + "tv-001.png", ImagePrefix + "../tv-001.svg", ImagePrefix} {
		if res, _ := get(t, h, "GET", path); res.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
}

func TestFormatUSD(t *testing.T) {
	for _, tc := range []struct {
		cents int64
		want  string
	}{
		{0, "$0.00"}, {99, "$0.99"}, {129999, "$1,299.99"}, {123456789, "$1,234,567.89"}, {-2500, "-$25.00"},
	} {
		if got := formatUSD(usd(tc.cents)); got != tc.want {
			t.Errorf("formatUSD(%d) = %q, want %q", tc.cents, got, tc.want)
		}
	}
}
