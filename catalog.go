package vitrine

import (
	"context"
	"time"

	"github.com/vitrine/vitrine/internal/money"
)

// Availability values, as the Google Merchant Center specification defines them.
type Availability string

const (
	InStock    Availability = "in_stock"
	OutOfStock Availability = "out_of_stock"
	Preorder   Availability = "preorder"
	Backorder  Availability = "backorder"
)

// Valid reports whether a is one of the defined values.
func (a Availability) Valid() bool {
	switch a {
	case InStock, OutOfStock, Preorder, Backorder:
		return true
	}
	return false
}

// Condition of an item.
type Condition string

const (
	ConditionNew         Condition = "new"
	ConditionUsed        Condition = "used"
	ConditionRefurbished Condition = "refurbished"
)

// Valid reports whether c is one of the defined values.
func (c Condition) Valid() bool {
	switch c {
	case ConditionNew, ConditionUsed, ConditionRefurbished:
		return true
	}
	return false
}

// Product is one item of the store's catalog. ID is the store's own id (the
// Merchant Center "id"). Attributes holds variant and descriptive attributes
// such as color, size, material, gender, age_group, each possibly repeated.
type Product struct {
	ID                   string              `json:"id"`
	Title                string              `json:"title"`
	Description          string              `json:"description,omitempty"`
	Brand                string              `json:"brand,omitempty"`
	GTIN                 string              `json:"gtin,omitempty"`
	MPN                  string              `json:"mpn,omitempty"`
	SKU                  string              `json:"sku,omitempty"`
	Category             string              `json:"category,omitempty"`     // google_product_category
	ProductType          string              `json:"product_type,omitempty"` // the store's own taxonomy, "A > B > C"
	Link                 string              `json:"link,omitempty"`
	ImageLink            string              `json:"image_link,omitempty"`
	AdditionalImageLinks []string            `json:"additional_image_links,omitempty"`
	Condition            Condition           `json:"condition,omitempty"`
	ItemGroupID          string              `json:"item_group_id,omitempty"`
	Attributes           map[string][]string `json:"attributes,omitempty"`
}

// Offer is the store's selling terms for one product.
type Offer struct {
	Price        money.Money  `json:"price"`
	SalePrice    *money.Money `json:"sale_price,omitempty"`
	SaleStart    *time.Time   `json:"sale_start,omitempty"`
	SaleEnd      *time.Time   `json:"sale_end,omitempty"`
	Availability Availability `json:"availability"`
}

// EffectivePrice is the price a shopper pays at t: the sale price when one is
// set and t lies in its effective period (an open end is unbounded), otherwise
// the regular price.
func (o Offer) EffectivePrice(t time.Time) money.Money {
	if o.SalePrice == nil {
		return o.Price
	}
	if o.SaleStart != nil && t.Before(*o.SaleStart) {
		return o.Price
	}
	if o.SaleEnd != nil && !t.Before(*o.SaleEnd) {
		return o.Price
	}
	return *o.SalePrice
}

// Item is a product with its offer, the unit of import and of the catalog API.
type Item struct {
	Product
	Offer     Offer     `json:"offer"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// PricePoint is one entry of a product's price history: the effective price
// and availability from At until the next point.
type PricePoint struct {
	At           time.Time    `json:"at"`
	Price        money.Money  `json:"price"`
	Availability Availability `json:"availability"`
}

// ImportStats counts what an import did.
type ImportStats struct {
	Imported  int // new products
	Updated   int // existing products whose data changed
	Unchanged int // existing products re-imported identically
	Rejected  int // rows that failed validation (only with skip-invalid)
	History   int // price history points appended
}

// ProductFilter selects products for listing. Empty fields do not filter.
type ProductFilter struct {
	Query  string // words matched against title, brand, MPN
	Brand  string // exact, case-insensitive
	GTIN   string // normalised GTIN-14
	Limit  int    // page size, 1..MaxPageSize
	Cursor string // opaque cursor from a previous page
}

// MaxPageSize bounds ProductFilter.Limit.
const MaxPageSize = 200

// ProductPage is one page of a listing.
type ProductPage struct {
	Items      []Item `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// CatalogStore keeps the catalog.
type CatalogStore interface {
	// BeginImport starts an import that is applied atomically on Commit. at is
	// the time recorded for updates and new price history points.
	BeginImport(ctx context.Context, at time.Time) (CatalogImport, error)
	// Item returns one product with its offer, or ENOTFOUND.
	Item(ctx context.Context, id string) (Item, error)
	// Items lists products in id order.
	Items(ctx context.Context, f ProductFilter) (ProductPage, error)
	// History returns the price history of a product, oldest first, or ENOTFOUND.
	History(ctx context.Context, id string) ([]PricePoint, error)
}

// CatalogImport is an import in progress. Upsert may be called many times
// with batches of items; nothing is visible to readers before Commit.
type CatalogImport interface {
	Upsert(ctx context.Context, items []Item) (ImportStats, error)
	Commit() error
	Rollback() error
}

// HistorySummary sums up a price history at a moment.
type HistorySummary struct {
	Current      money.Money  `json:"current"`
	Low30Days    money.Money  `json:"low_30_days"`
	AllTimeLow   money.Money  `json:"all_time_low"`
	AllTimeHigh  money.Money  `json:"all_time_high"`
	Points       int          `json:"points"`
	Since        time.Time    `json:"since"`
	Availability Availability `json:"availability"`
}

// SummarizeHistory computes the summary of a non-empty history (oldest
// first) at now. The 30-day low includes the price in force 30 days ago.
// Points in another currency than the current one are left out of the lows.
func SummarizeHistory(h []PricePoint, now time.Time) HistorySummary {
	last := h[len(h)-1]
	s := HistorySummary{Current: last.Price, Low30Days: last.Price, AllTimeLow: last.Price, AllTimeHigh: last.Price,
		Points: len(h), Since: h[0].At, Availability: last.Availability}
	from := now.Add(-30 * 24 * time.Hour)
	for i, p := range h {
		if p.Price.Currency != last.Price.Currency {
			continue
		}
		if p.Price.Amount < s.AllTimeLow.Amount {
			s.AllTimeLow = p.Price
		}
		if p.Price.Amount > s.AllTimeHigh.Amount {
			s.AllTimeHigh = p.Price
		}
		inForce := !p.At.Before(from) || i+1 == len(h) || h[i+1].At.After(from)
		if inForce && p.Price.Amount < s.Low30Days.Amount {
			s.Low30Days = p.Price
		}
	}
	return s
}
