package analytics

import (
	"encoding/json"
	"strings"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ident"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
)

// Catalog matches product facts seen on other sites to the store's
// catalog by identifiers only: GTIN first, then brand + MPN, both
// normalised with internal/ident. Reports do not use the fuzzy matcher on
// purpose: a price gap against the wrong product is worse than no gap.
type Catalog struct {
	byID    map[string]store.CatalogKey
	byGTIN  map[string]string
	byBrand map[string]string // normalised brand + "\x00" + normalised MPN
}

// NewCatalog indexes catalog products.
func NewCatalog(keys []store.CatalogKey) *Catalog {
	c := &Catalog{byID: map[string]store.CatalogKey{}, byGTIN: map[string]string{}, byBrand: map[string]string{}}
	for _, k := range keys {
		c.byID[k.ID] = k
		if g, err := ident.NormalizeGTIN(k.GTIN); err == nil {
			if _, dup := c.byGTIN[g]; !dup {
				c.byGTIN[g] = k.ID
			}
		}
		if bk := brandMPN(k.Brand, k.MPN); bk != "" {
			if _, dup := c.byBrand[bk]; !dup {
				c.byBrand[bk] = k.ID
			}
		}
	}
	return c
}

func brandMPN(brand, mpn string) string {
	b, m := ident.NormalizeBrand(brand), ident.NormalizeMPN(mpn)
	if b == "" || len(m) < 3 {
		return ""
	}
	return b + "\x00" + m
}

// Len is the number of catalog products.
func (c *Catalog) Len() int { return len(c.byID) }

// Product returns a catalog product by id.
func (c *Catalog) Product(id string) (store.CatalogKey, bool) {
	k, ok := c.byID[id]
	return k, ok
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
			if id, ok := c.byGTIN[g]; ok {
				return id, "gtin", true
			}
		}
	}
	if bk := brandMPN(f.Brand, f.MPN); bk != "" {
		if id, ok := c.byBrand[bk]; ok {
			return id, "brand_mpn", true
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
			v.Ours = c.byID[id].Price
			if pp, ok := p.Facts.PagePrice(); ok {
				v.Page = pp
			}
		}
	case vitrine.EventComparisonShown, vitrine.EventComparisonClicked:
		var p comparison
		if json.Unmarshal(e.Payload, &p) != nil {
			return v
		}
		if _, ok := c.byID[p.ProductID]; ok {
			v.ProductID = p.ProductID
		}
		v.Shown = e.Type == vitrine.EventComparisonShown && shownStatus(strings.ToLower(p.Status))
	}
	return v
}
