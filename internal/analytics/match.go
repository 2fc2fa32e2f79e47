package analytics

import (
	"encoding/json"
	"strings"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/flat"
	"github.com/vitrine/vitrine/internal/ident"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
)

// Catalog matches product facts seen on other sites to the store's
// catalog by identifiers only: GTIN first, then brand + MPN, both
// normalised with internal/ident. Reports do not use the fuzzy matcher on
// purpose: a price gap against the wrong product is worse than no gap.
//
// It is held in pointer-free memory (internal/flat): at a million products
// a map of strings is millions of pointers the garbage collector traces on
// every cycle, which stalls the comparison hot path sharing the process.
type Catalog struct {
	entries []catEntry // by product number, in the order given
	text    flat.Arena // each product's fields (the cf* order)
	byID    flat.Table // product id -> number (the last given)
	byGTIN  flat.Table // normalised GTIN -> number (the first given)
	byBrand flat.Table // normalised brand + "\x00" + normalised MPN -> number (the first given)
}

type catEntry struct {
	text   flat.Ref
	amount money.Amount
}

// The fields of a product in the text arena, in this order.
const (
	cfID = iota
	cfTitle
	cfLink
	cfBrand
	cfGTIN
	cfMPN
	cfCurrency
	cfGTINKey  // normalised GTIN, or ""
	cfBrandKey // brandMPN, or ""
	cfFields
)

// NewCatalog indexes catalog products.
func NewCatalog(keys []store.CatalogKey) *Catalog {
	c := &Catalog{entries: make([]catEntry, 0, len(keys))}
	for _, k := range keys {
		g, err := ident.NormalizeGTIN(k.GTIN)
		if err != nil {
			g = ""
		}
		bk := brandMPN(k.Brand, k.MPN)
		n := uint32(len(c.entries))
		c.entries = append(c.entries, catEntry{
			text:   c.text.AddStrings(k.ID, k.Title, k.Link, k.Brand, k.GTIN, k.MPN, k.Price.Currency, g, bk),
			amount: k.Price.Amount,
		})
		c.byID.Put(k.ID, n, c.field(cfID))
		if _, dup := c.byGTIN.Get(g, c.field(cfGTINKey)); g != "" && !dup {
			c.byGTIN.Add(g, n)
		}
		if _, dup := c.byBrand.Get(bk, c.field(cfBrandKey)); bk != "" && !dup {
			c.byBrand.Add(bk, n)
		}
	}
	return c
}

// fields decodes the text fields of product n.
func (c *Catalog) fields(n uint32) [cfFields]string {
	var f [cfFields]string
	c.text.Strings(c.entries[n].text, f[:])
	return f
}

// field returns the key function of a table indexed by field i.
func (c *Catalog) field(i int) func(uint32) string {
	return func(n uint32) string { return c.fields(n)[i] }
}

func brandMPN(brand, mpn string) string {
	b, m := ident.NormalizeBrand(brand), ident.NormalizeMPN(mpn)
	if b == "" || len(m) < 3 {
		return ""
	}
	return b + "\x00" + m
}

// Len is the number of catalog products.
func (c *Catalog) Len() int { return c.byID.Len() }

// Product returns a catalog product by id.
func (c *Catalog) Product(id string) (store.CatalogKey, bool) {
	n, ok := c.byID.Get(id, c.field(cfID))
	if !ok {
		return store.CatalogKey{}, false
	}
	f := c.fields(n)
	return store.CatalogKey{ID: f[cfID], Title: f[cfTitle], Link: f[cfLink], Brand: f[cfBrand], GTIN: f[cfGTIN], MPN: f[cfMPN],
		Price: money.Money{Amount: c.entries[n].amount, Currency: f[cfCurrency]}}, true
}

// Facts are the fields of a product_view's facts that analytics reads.
type Facts struct {
	Title    string `json:"title"`
	Brand    string `json:"brand"`
	GTIN     string `json:"gtin"`
	MPN      string `json:"mpn"`
	Price    string `json:"price"`
	Currency string `json:"currency"`
	IsRange  bool   `json:"price_is_range"`
}

// Match returns the catalog product the facts identify, and how: "gtin" or
// "brand_mpn"; ok is false when neither identifies one.
func (c *Catalog) Match(f Facts) (id, by string, ok bool) {
	if f.GTIN != "" {
		if g, err := ident.NormalizeGTIN(f.GTIN); err == nil {
			if n, ok := c.byGTIN.Get(g, c.field(cfGTINKey)); ok {
				return c.fields(n)[cfID], "gtin", true
			}
		}
	}
	if bk := brandMPN(f.Brand, f.MPN); bk != "" {
		if n, ok := c.byBrand.Get(bk, c.field(cfBrandKey)); ok {
			return c.fields(n)[cfID], "brand_mpn", true
		}
	}
	return "", "", false
}

// PagePrice returns the price on the page, when it is one price (not a
// range) in a known currency.
func (f Facts) PagePrice() (money.Money, bool) {
	if f.IsRange || f.Price == "" || !money.IsCurrency(f.Currency) {
		return money.Money{}, false
	}
	a, err := money.ParseAmount(f.Price)
	if err != nil || a <= 0 {
		return money.Money{}, false
	}
	return money.Money{Amount: a, Currency: f.Currency}, true
}

// Payloads of the event types analytics reads.
type pageView struct {
	URL            string `json:"url"`
	ReferrerDomain string `json:"referrer_domain"`
	DwellMS        int64  `json:"dwell_ms"`
}

type productView struct {
	URL   string `json:"url"`
	Facts Facts  `json:"facts"`
}

type comparison struct {
	Domain    string `json:"domain"`
	ProductID string `json:"product_id"`
	Status    string `json:"status"`
}

// shownStatus reports whether a comparison_shown status means the store's
// offer was displayed.
func shownStatus(s string) bool { return s != "no_match" && s != "own_site" }

// View is one panel event reduced to what analytics needs: the store
// product it is about (matched for product views, given for comparisons)
// and, for product views, the page's price and the store's.
type View struct {
	InstallID string
	Type      vitrine.EventType
	At        int64 // Unix ms
	Domain    string
	ProductID string      // store product id, "" when unknown
	Page      money.Money // page price (product views with a price)
	Ours      money.Money // the store's price of ProductID
	DwellMS   int64
	Shown     bool // comparison_shown with the store's offer displayed
}

// HasGap reports whether the view carries comparable prices.
func (v *View) HasGap() bool {
	return v.ProductID != "" && v.Page.Currency != "" && v.Page.Currency == v.Ours.Currency && v.Ours.Amount > 0
}

// Saving is (page price - our price) / our price: positive when the other
// site is dearer (the shopper saves with us), negative when we lose on
// price. Only meaningful when HasGap.
func (v *View) Saving() float64 {
	return float64(v.Page.Amount-v.Ours.Amount) / float64(v.Ours.Amount)
}

// ToView reduces an event; unreadable payloads give a View without product.
func (c *Catalog) ToView(e *vitrine.Event) View {
	v := View{InstallID: e.InstallID, Type: e.Type, At: e.OccurredAt.UnixMilli(), Domain: e.Domain}
	switch e.Type {
	case vitrine.EventPageView:
		var p pageView
		if json.Unmarshal(e.Payload, &p) == nil {
			v.DwellMS = p.DwellMS
		}
	case vitrine.EventProductView:
		var p productView
		if json.Unmarshal(e.Payload, &p) != nil {
			return v
		}
		if id, _, ok := c.Match(p.Facts); ok {
			v.ProductID = id
			ours, _ := c.Product(id)
			v.Ours = ours.Price
			if pp, ok := p.Facts.PagePrice(); ok {
				v.Page = pp
			}
		}
	case vitrine.EventComparisonShown, vitrine.EventComparisonClicked:
		var p comparison
		if json.Unmarshal(e.Payload, &p) != nil {
			return v
		}
		if _, ok := c.byID.Get(p.ProductID, c.field(cfID)); ok {
			v.ProductID = p.ProductID
		}
		v.Shown = e.Type == vitrine.EventComparisonShown && shownStatus(strings.ToLower(p.Status))
	}
	return v
}
