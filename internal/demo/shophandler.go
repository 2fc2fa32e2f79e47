package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ident"
	"github.com/vitrine/vitrine/internal/money"
)

//go:embed templates/*.html
var templateFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"usd": formatUSD,
	"num": func(m money.Money) string { return strings.TrimPrefix(formatUSD(m), "$") },
}).ParseFS(templateFS, "templates/*.html"))

// formatUSD formats an amount of dollars as a US shop prints it: "$1,299.99".
func formatUSD(m money.Money) string {
	t := m.Text()
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	ip, fp, _ := strings.Cut(t, ".")
	var sb strings.Builder
	if neg {
		sb.WriteByte('-')
	}
	sb.WriteByte('$')
	for i, c := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			sb.WriteByte(',')
		}
		sb.WriteRune(c)
	}
	if fp != "" {
		sb.WriteByte('.')
		sb.WriteString(fp)
	}
	return sb.String()
}

// Shop is the demo "other retailer" web shop. It serves, under ShopPrefix:
//
//	/demo/shop/            a listing page of every product (not a product page)
//	/demo/shop/about       a plain page without product markup
//	/demo/shop/p/{slug}    a product page; ?variant= selects a group variant
//
// Every other path under the prefix answers 404 with a small HTML page, and
// methods other than GET and HEAD answer 405. Mount it with
// mux.Handle(ShopPrefix, shop): it expects the full request path.
type Shop struct {
	base     string
	products []ShopProduct
	bySlug   map[string]int
}

// ShopHandler returns the demo shop. base is the server's base URL (for
// example "http://127.0.0.1:8080"), used for the absolute URLs in the
// markup: canonical links, offer URLs and images.
func ShopHandler(base string) *Shop {
	s := &Shop{base: strings.TrimRight(base, "/"), products: shopProducts(), bySlug: map[string]int{}}
	for i, p := range s.products {
		s.bySlug[p.Slug] = i
	}
	return s
}

// Products returns the shop's product pages, as the package-level Products.
func (s *Shop) Products() []ShopProduct { return cloneProducts(s.products) }

// ServeHTTP serves the shop's pages.
func (s *Shop) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.errorPage(w, http.StatusMethodNotAllowed, "This page can only be read.")
		return
	}
	path := r.URL.Path
	switch {
	case path == strings.TrimSuffix(ShopPrefix, "/"):
		http.Redirect(w, r, ShopPrefix, http.StatusMovedPermanently)
	case path == ShopPrefix:
		s.render(w, http.StatusOK, "listing", s.listing())
	case path == ShopPrefix+"about":
		s.render(w, http.StatusOK, "about", s.page(ShopPrefix+"about"))
	case strings.HasPrefix(path, ShopPrefix+"p/"):
		i, ok := s.bySlug[strings.TrimPrefix(path, ShopPrefix+"p/")]
		if !ok {
			s.errorPage(w, http.StatusNotFound, "We could not find that product. It may have sold out for good.")
			return
		}
		s.render(w, http.StatusOK, "product", s.productView(&s.products[i], r.URL.Query().Get("variant")))
	default:
		s.errorPage(w, http.StatusNotFound, "We could not find that page.")
	}
}

// render executes a template into a buffer and writes it with status.
func (s *Shop) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, name, data); err != nil {
		slog.Error("demo shop: render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Shop) errorPage(w http.ResponseWriter, status int, msg string) {
	s.render(w, status, "notfound", struct {
		pageView
		Status  string
		Message string
	}{s.page(""), http.StatusText(status), msg})
}

// pageView holds what every page needs.
type pageView struct {
	Shop string
	Home string // absolute URL of the listing page
	URL  string // absolute URL of this page
}

func (s *Shop) page(path string) pageView {
	return pageView{Shop: ShopName, Home: s.base + ShopPrefix, URL: s.base + path}
}

// card is a product in a listing or a carousel.
type card struct {
	URL, Image, Title, Brand string
	Price, Was               money.Money
	InStock, Variants        bool
}

func (s *Shop) card(p *ShopProduct) card {
	return card{
		URL: s.base + p.Path(), Image: s.image(p.ImageID), Title: p.Title, Brand: p.Brand,
		Price: p.Price, Was: p.WasPrice, InStock: p.Availability == vitrine.InStock, Variants: len(p.Variants) > 0,
	}
}

func (s *Shop) image(id string) string { return s.base + ImagePrefix + id + ".svg" }

type listingView struct {
	pageView
	Cards  []card
	JSONLD []template.JS
}

func (s *Shop) listing() listingView {
	v := listingView{pageView: s.page(ShopPrefix)}
	var elems []any
	for i := range s.products {
		c := s.card(&s.products[i])
		v.Cards = append(v.Cards, c)
		elems = append(elems, map[string]any{"@type": "ListItem", "position": i + 1, "url": c.URL})
	}
	v.JSONLD = []template.JS{
		jsonLD(map[string]any{
			"@context": "https://schema.org", "@type": "CollectionPage", "name": "All products", "url": v.URL,
		}),
		jsonLD(map[string]any{
			"@context": "https://schema.org", "@type": "ItemList", "name": "All products",
			"numberOfItems": len(elems), "itemListElement": elems,
		}),
	}
	return v
}

// variantView is one variant link of a product group page.
type variantView struct {
	ShopVariant
	URL      string
	Selected bool
	InStock  bool
}

// productView is the data of a product page.
type productView struct {
	pageView
	P                    *ShopProduct
	Style                Style
	Name, Image, SKU     string
	Price, Was, Save     money.Money
	Instalment           money.Money
	InStock, Refurbished bool
	UseDel               bool // <del> instead of <s> for the old price
	Microdata, RDFa      bool
	OG, OGDialect        bool
	OGAvail              string
	SchemaAvail          string
	SchemaCond           string
	GTINProp, GTINShort  string
	OGGTINProp           string
	JSONLD               []template.JS
	Variants             []variantView
	Selected             *ShopVariant
	Related              []card
}

func (s *Shop) productView(p *ShopProduct, variant string) productView {
	v := productView{
		pageView: s.page(p.Path()),
		P:        p, Style: p.Style, Name: p.Title, Image: s.image(p.ImageID), SKU: p.SKU,
		Price: p.Price, Was: p.WasPrice,
		Refurbished: p.Condition == vitrine.ConditionRefurbished,
		Microdata:   p.Style == StyleMicrodata, RDFa: p.Style == StyleRDFa,
		OG: p.Style == StyleOpenGraph || p.Style == StyleOpenGraphOG, OGDialect: p.Style == StyleOpenGraphOG,
	}
	avail, gtin := p.Availability, p.GTIN
	if len(p.Variants) > 0 {
		sel := 0
		for i, pv := range p.Variants {
			if pv.ID == variant {
				sel = i
			}
		}
		for i, pv := range p.Variants {
			v.Variants = append(v.Variants, variantView{
				ShopVariant: pv, URL: v.URL + "?variant=" + pv.ID, Selected: i == sel, InStock: pv.Availability == vitrine.InStock,
			})
		}
		sv := &p.Variants[sel]
		v.Selected = sv
		v.Price, v.Was, v.SKU, avail, gtin = sv.Price, sv.WasPrice, sv.SKU, sv.Availability, sv.GTIN
		v.Image = s.image(sv.StoreID)
	}
	v.InStock = avail == vitrine.InStock
	v.Save, _ = v.Was.Sub(v.Price)
	quarter := (cents(v.Price.Amount) + 3) / 4
	v.Instalment = usd(quarter)
	v.UseDel = p.Style == StyleJSONLDGraph || p.Style == StyleRDFa || p.Style == StyleOpenGraphOG
	v.SchemaAvail = schemaAvailability(avail)
	v.SchemaCond = "https://schema.org/NewCondition"
	if v.Refurbished {
		v.SchemaCond = "https://schema.org/RefurbishedCondition"
	}
	switch {
	case v.OGDialect && v.InStock:
		v.OGAvail = "instock"
	case v.OGDialect:
		v.OGAvail = "oos"
	case v.InStock:
		v.OGAvail = "in stock"
	default:
		v.OGAvail = "out of stock"
	}
	if gtin != "" {
		v.GTINShort = ident.ShortGTIN(gtin)
		v.GTINProp = "gtin" + strconv.Itoa(len(v.GTINShort))
		switch {
		case len(v.GTINShort) == 12:
			v.OGGTINProp = "upc"
		case len(v.GTINShort) == 13 && (strings.HasPrefix(v.GTINShort, "978") || strings.HasPrefix(v.GTINShort, "979")):
			v.OGGTINProp = "isbn"
		case len(v.GTINShort) == 13:
			v.OGGTINProp = "ean"
		}
	}
	switch p.Style {
	case StyleJSONLD:
		v.JSONLD = []template.JS{s.breadcrumbLD(&v), s.organizationLD(), s.productLD(&v)}
	case StyleJSONLDGraph:
		v.JSONLD = []template.JS{s.graphLD(&v)}
	case StyleProductGroup:
		v.JSONLD = []template.JS{s.breadcrumbLD(&v), s.groupLD(&v)}
	}
	// The related-products carousel: the next four products of the listing.
	idx := s.bySlug[p.Slug]
	for k := 1; k <= 4; k++ {
		v.Related = append(v.Related, s.card(&s.products[(idx+k*7)%len(s.products)]))
	}
	return v
}

func schemaAvailability(a vitrine.Availability) string {
	switch a {
	case vitrine.OutOfStock:
		return "https://schema.org/OutOfStock"
	case vitrine.Preorder:
		return "https://schema.org/PreOrder"
	case vitrine.Backorder:
		return "https://schema.org/BackOrder"
	}
	return "https://schema.org/InStock"
}

// jsonLD encodes v for a <script type="application/ld+json"> element.
// encoding/json escapes <, > and & as \u003c, \u003e and \u0026, so no value
// can close the script element.
func jsonLD(v any) template.JS {
	b, err := json.Marshal(v)
	if err != nil {
		panic("demo: encode JSON-LD: " + err.Error()) // only maps, strings and numbers
	}
	return template.JS(b)
}

func (s *Shop) organization() map[string]any {
	return map[string]any{
		"@type": "Organization", "@id": s.base + ShopPrefix + "#organization", "name": ShopName,
		"url": s.base + ShopPrefix, "logo": s.base + ImagePrefix + "logo.svg",
	}
}

func (s *Shop) organizationLD() template.JS {
	o := s.organization()
	o["@context"] = "https://schema.org"
	o["sameAs"] = []string{"https://social.example/harborandmain"}
	return jsonLD(o)
}

func (s *Shop) breadcrumb(v *productView) map[string]any {
	return map[string]any{
		"@type": "BreadcrumbList",
		"itemListElement": []any{
			map[string]any{"@type": "ListItem", "position": 1, "name": "Home", "item": v.Home},
			map[string]any{"@type": "ListItem", "position": 2, "name": v.P.Category, "item": v.Home},
			map[string]any{"@type": "ListItem", "position": 3, "name": v.Name, "item": v.URL},
		},
	}
}

func (s *Shop) breadcrumbLD(v *productView) template.JS {
	b := s.breadcrumb(v)
	b["@context"] = "https://schema.org"
	return jsonLD(b)
}

// product returns the schema.org Product of a single-product page; with
// numericPrice the price is a JSON number, as Shopify themes print it.
func (s *Shop) product(v *productView, numericPrice bool, availBase string) map[string]any {
	var price any = v.Price.Text()
	if numericPrice {
		price = json.Number(v.Price.Text())
	}
	offer := map[string]any{
		"@type": "Offer", "price": price, "priceCurrency": v.Price.Currency,
		"availability":  strings.Replace(v.SchemaAvail, "https://schema.org/", availBase, 1),
		"itemCondition": strings.Replace(v.SchemaCond, "https://schema.org/", availBase, 1),
		"url":           v.URL, "sku": v.SKU,
		"seller": map[string]any{"@type": "Organization", "name": ShopName},
	}
	p := map[string]any{
		"@type": "Product", "name": v.Name, "url": v.URL, "image": []string{v.Image},
		"description": v.P.Description, "sku": v.SKU,
		"brand":  map[string]any{"@type": "Brand", "name": v.P.Brand},
		"offers": []any{offer},
	}
	if v.P.MPN != "" {
		p["mpn"] = v.P.MPN
	}
	if v.GTINProp != "" {
		p[v.GTINProp] = v.GTINShort
	}
	return p
}

func (s *Shop) productLD(v *productView) template.JS {
	p := s.product(v, true, "http://schema.org/")
	p["@context"] = "http://schema.org/"
	return jsonLD(p)
}

func (s *Shop) graphLD(v *productView) template.JS {
	p := s.product(v, false, "https://schema.org/")
	p["@id"] = v.URL + "#product"
	p["mainEntityOfPage"] = map[string]any{"@id": v.URL}
	offers := p["offers"].([]any)
	offers[0].(map[string]any)["priceValidUntil"] = "2030-12-31"
	offers[0].(map[string]any)["priceSpecification"] = map[string]any{
		"@type": "UnitPriceSpecification", "price": v.Price.Text(), "priceCurrency": v.Price.Currency,
		"valueAddedTaxIncluded": false,
	}
	bc := s.breadcrumb(v)
	bc["@id"] = v.URL + "#breadcrumb"
	return jsonLD(map[string]any{
		"@context": "https://schema.org",
		"@graph": []any{
			map[string]any{
				"@type": "WebPage", "@id": v.URL, "url": v.URL, "name": v.Name + " | " + ShopName,
				"breadcrumb": map[string]any{"@id": v.URL + "#breadcrumb"},
				"isPartOf":   map[string]any{"@type": "WebSite", "@id": v.Home + "#website", "name": ShopName, "url": v.Home},
			},
			bc,
			s.organization(),
			p,
		},
	})
}

func (s *Shop) groupLD(v *productView) template.JS {
	var variants []any
	for _, vv := range v.Variants {
		g := ident.ShortGTIN(vv.GTIN)
		variants = append(variants, map[string]any{
			"@type": "Product", "name": vv.Title, "sku": vv.SKU, "gtin": g, "mpn": vv.MPN,
			"color": vv.Color, "size": vv.Size, "image": s.image(vv.StoreID),
			"offers": map[string]any{
				"@type": "Offer", "url": vv.URL, "price": vv.Price.Text(), "priceCurrency": vv.Price.Currency,
				"availability": schemaAvailability(vv.Availability), "itemCondition": "https://schema.org/NewCondition",
			},
		})
	}
	return jsonLD(map[string]any{
		"@context": "https://schema.org", "@type": "ProductGroup", "@id": v.URL + "#group",
		"name": v.Name, "url": v.URL, "description": v.P.Description,
		"brand":          map[string]any{"@type": "Brand", "name": v.P.Brand},
		"productGroupID": v.P.SKU,
		"variesBy":       []string{"https://schema.org/color", "https://schema.org/size"},
		"hasVariant":     variants,
	})
}
