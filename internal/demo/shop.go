package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
)

// ShopName is the name of the demo "other retailer".
const ShopName = "Harbor & Main"

// ShopPrefix is the path under which ShopHandler serves the demo shop.
const ShopPrefix = "/demo/shop/"

// Style is the kind of product markup a demo shop page carries.
type Style string

// The markup styles of the demo shop's product pages.
const (
	// StyleJSONLD: a schema.org Product with an offers array in JSON-LD,
	// next to BreadcrumbList and Organization blocks (as Shopify themes do).
	StyleJSONLD Style = "jsonld"
	// StyleJSONLDGraph: one JSON-LD block with an @graph of WebPage,
	// BreadcrumbList, Organization and Product (as WooCommerce with Yoast does).
	StyleJSONLDGraph Style = "jsonld-graph"
	// StyleMicrodata: schema.org Microdata only, itemprop="price" with a
	// content attribute (as Magento does).
	StyleMicrodata Style = "microdata"
	// StyleOpenGraph: OpenGraph product tags only, product:price:amount and
	// product:price:currency.
	StyleOpenGraph Style = "opengraph"
	// StyleOpenGraphOG: OpenGraph tags only, in the og:price:amount and
	// og:price:currency dialect.
	StyleOpenGraphOG Style = "opengraph-og"
	// StyleRDFa: RDFa-lite with vocab="https://schema.org/" typeof="Product".
	StyleRDFa Style = "rdfa"
	// StyleProductGroup: a JSON-LD ProductGroup with hasVariant, for shoes and
	// clothing; the ?variant= query selects the variant shown.
	StyleProductGroup Style = "productgroup"
)

// Styles lists every markup style of the demo shop.
func Styles() []Style {
	return []Style{StyleJSONLD, StyleJSONLDGraph, StyleMicrodata, StyleOpenGraph, StyleOpenGraphOG, StyleRDFa, StyleProductGroup}
}

// singleStyles are cycled over the products without variants.
var singleStyles = []Style{StyleJSONLD, StyleJSONLDGraph, StyleMicrodata, StyleOpenGraph, StyleOpenGraphOG, StyleRDFa}

// ShopProduct is one product page of the demo shop.
type ShopProduct struct {
	Slug  string // the page is ShopPrefix + "p/" + Slug
	Style Style
	// StoreID is the id of the same product in the demo catalog, or "" when
	// the store does not sell it. For a product group it is the store id of
	// the default variant.
	StoreID     string
	ItemGroupID string // the store's item_group_id for a product group, else ""
	Title       string // as this shop writes it
	Brand       string
	GTIN        string // normalised 14-digit GTIN (of the default variant for a group)
	MPN         string
	SKU         string // this shop's own SKU
	Description string
	Category    string // the shop's breadcrumb category
	ImageID     string // the image is /demo/img/{ImageID}.svg
	// Price is the selling price shown and marked up (of the default variant
	// for a group); WasPrice is the struck-through "was" price beside it.
	Price        money.Money
	WasPrice     money.Money
	Availability vitrine.Availability
	Condition    vitrine.Condition
	Variants     []ShopVariant // product groups only; the first is the default
}

// Path returns the page's path, "/demo/shop/p/{slug}".
func (p ShopProduct) Path() string { return ShopPrefix + "p/" + p.Slug }

// ShopVariant is one variant of a product group page.
type ShopVariant struct {
	ID           string // the value of ?variant= that selects it
	StoreID      string // the demo catalog item id
	Title        string
	GTIN         string
	MPN          string
	SKU          string
	Color        string
	Size         string
	Price        money.Money
	WasPrice     money.Money
	Availability vitrine.Availability
}

// Products returns the product pages of the demo shop, in listing order. The
// result is freshly allocated on each call.
func Products() []ShopProduct { return cloneProducts(shopProducts()) }

func cloneProducts(ps []ShopProduct) []ShopProduct {
	out := slices.Clone(ps)
	for i := range out {
		out[i].Variants = slices.Clone(out[i].Variants)
	}
	return out
}

// shopProducts builds the shop's products once; callers must not modify them.
var shopProducts = sync.OnceValue(func() []ShopProduct {
	return buildShop()
})

// exclusive is a product the shop sells and the store does not.
type exclusive struct {
	brand, title, mpn, category, desc string
	isbn                              bool
	c                                 int64
}

var exclusives = []exclusive{
	{"Sony", "Sony SRS-XB100 Wireless Portable Bluetooth Speaker, Black", "SRSXB100/B", "Electronics > Speakers",
		"A palm-sized waterproof and dustproof (IP67) speaker with a strap, 16 hours of battery life and a built-in microphone.", false, 5999},
	{"Samsung", "Samsung 990 PRO 2TB PCIe 4.0 NVMe M.2 Internal SSD", "MZ-V9P2T0B/AM", "Computers > Storage",
		"Sequential reads up to 7,450 MB/s for gaming, 4K video editing and large data sets.", false, 16999},
	{"Logitech", "Logitech MX Master 3S Wireless Performance Mouse, Graphite", "910-006556", "Computers > Accessories",
		"An 8K DPI sensor that tracks on glass, quiet clicks and the MagSpeed electromagnetic scroll wheel.", false, 9999},
	{"Anker", "Anker 737 Power Bank (PowerCore 24K), 140W Portable Charger", "A1289", "Cell Phones > Accessories",
		"24,000 mAh with 140W two-way fast charging and a smart digital display.", false, 10999},
	{"Garmin", "Garmin Forerunner 265 GPS Running Smartwatch, AMOLED Display, Black", "010-02810-00", "Wearables > Smartwatches",
		"Training readiness, HRV status and race predictor on a bright AMOLED display; up to 13 days of battery life.", false, 44999},
	{"Weber", "Weber Original Kettle Premium Charcoal Grill, 22-Inch, Black", "14401001", "Outdoor > Grills",
		"The classic kettle with the One-Touch cleaning system, a removable ash catcher and a built-in lid thermometer.", false, 21900},
	{"YETI", "YETI Rambler 20 oz Tumbler, Stainless Steel, Vacuum Insulated with MagSlider Lid, Navy", "21071501263", "Home > Drinkware",
		"Double-wall vacuum insulation keeps drinks cold or hot for hours; dishwasher safe.", false, 3500},
	{"Lantern & Quill", `Cats & Dogs: "Who's the Boss?" <Illustrated Edition> (Hardcover)`, "", "Books > Humor",
		`A funny, illustrated look at who really runs the house. <b>Not bold</b> & "quoted" text must stay text.`, true, 2499},
	{"KitchenAid", "KitchenAid Artisan Series 5 Quart Tilt-Head Stand Mixer KSM150PS, Pistachio", "KSM150PSPT", "Kitchen > Stand Mixers",
		"Ten speeds and a 5-quart stainless steel bowl, in a colour the big stores rarely stock.", false, 46999},
	{"DEWALT", "DEWALT 20V MAX XR Brushless Drill/Driver Kit, 1/2-Inch, 2 Batteries (DCD791D2)", "DCD791D2", "Tools > Drills",
		"A compact brushless drill/driver with two 2.0Ah batteries, a charger and a contractor bag.", false, 21900},
}

// shopGroups are the store product groups the shop sells as ProductGroup pages.
var shopGroups = []string{"sh-001", "sh-005", "ap-002"}

// buildShop derives the shop's products from the demo catalog. The
// exclusives take their GTINs from the catalog's sequences, after the
// catalog's own, so they never collide with a store product's.
func buildShop() []ShopProduct {
	b := build(DefaultBase)
	r := rand.New(rand.NewPCG(seedHi, seedLo+1))
	var singles []ShopProduct
	groups := map[string][]vitrine.Item{}
	n := 0
	for _, e := range b.entries {
		it := e.item
		if it.ItemGroupID != "" {
			if slices.Contains(shopGroups, it.ItemGroupID) {
				groups[it.ItemGroupID] = append(groups[it.ItemGroupID], it)
			}
			continue
		}
		n++
		if n%5 != 3 {
			continue
		}
		p := ShopProduct{
			StoreID:      it.ID,
			Title:        competitorTitle(it, len(singles)),
			Brand:        it.Brand,
			GTIN:         it.GTIN,
			MPN:          it.MPN,
			Description:  it.Description,
			Category:     lastSegment(it.ProductType),
			ImageID:      it.ID,
			Price:        usd(shopPrice(r, cents(it.Offer.Price.Amount), len(singles))),
			Availability: vitrine.InStock,
			Condition:    it.Condition,
		}
		if len(singles)%13 == 6 && p.Condition == vitrine.ConditionNew && isElectronics(it) {
			// The shop sells a refurbished unit of a product the store sells new.
			p.Condition = vitrine.ConditionRefurbished
			p.Title += " - Refurbished"
			p.Price = usd(charm(cents(it.Offer.Price.Amount) * 78 / 100))
		}
		if r.IntN(100) < 8 {
			p.Availability = vitrine.OutOfStock
		}
		p.WasPrice = wasPrice(r, p.Price)
		singles = append(singles, p)
	}
	for i, x := range exclusives {
		var g string
		if x.isbn {
			g = b.isbn(x.brand)
		} else {
			g = b.gtin(x.brand)
		}
		id := fmt.Sprintf("x-%03d", i+1)
		p := ShopProduct{
			Title: x.title, Brand: x.brand, GTIN: g, MPN: x.mpn, Description: x.desc,
			Category: lastSegment(x.category), ImageID: id,
			Price: usd(x.c), Availability: vitrine.InStock, Condition: vitrine.ConditionNew,
		}
		p.WasPrice = wasPrice(r, p.Price)
		// Spread the exclusives through the listing.
		at := min(len(singles), 3+i*5)
		singles = slices.Insert(singles, at, p)
	}
	for i := range singles {
		singles[i].Style = singleStyles[i%len(singleStyles)]
	}
	var all []ShopProduct
	for gi, gid := range shopGroups {
		items := groups[gid]
		if len(items) == 0 {
			panic("demo: shop group " + gid + " not in catalog")
		}
		first := items[0]
		name, _, _ := strings.Cut(first.Title, ", ")
		price := shopPrice(r, cents(first.Offer.Price.Amount), gi)
		p := ShopProduct{
			Style: StyleProductGroup, ItemGroupID: gid, Title: name, Brand: first.Brand,
			Description: first.Description, Category: lastSegment(first.ProductType),
			Availability: vitrine.InStock, Condition: vitrine.ConditionNew,
		}
		for vi, it := range items {
			v := ShopVariant{
				ID:      fmt.Sprintf("4%013d", r.Int64N(1e13)),
				StoreID: it.ID, Title: it.Title, GTIN: it.GTIN, MPN: it.MPN,
				Color: it.Attributes["color"][0], Size: it.Attributes["size"][0],
				Price: usd(price), Availability: vitrine.InStock,
			}
			if vi%4 == 3 {
				v.Availability = vitrine.OutOfStock
			}
			v.WasPrice = wasPrice(r, v.Price)
			p.Variants = append(p.Variants, v)
		}
		d := p.Variants[0]
		p.StoreID, p.GTIN, p.MPN, p.ImageID, p.Price, p.WasPrice = d.StoreID, d.GTIN, d.MPN, d.StoreID, d.Price, d.WasPrice
		all = append(all, p)
	}
	// Groups go after the first few singles so the listing mixes them.
	all = append(append(slices.Clone(singles[:4]), all...), singles[4:]...)
	seen := map[string]int{}
	for i := range all {
		p := &all[i]
		p.SKU = fmt.Sprintf("HM-%05d", 10000+i*7)
		for j := range p.Variants {
			p.Variants[j].SKU = fmt.Sprintf("%s-%02d", p.SKU, j+1)
		}
		s := slug(p.Title, 0)
		if len(s) > 72 {
			if cut := strings.LastIndexByte(s[:73], '-'); cut > 0 {
				s = s[:cut]
			} else {
				s = s[:72]
			}
		}
		seen[s]++
		if seen[s] > 1 {
			s = fmt.Sprintf("%s-%d", s, seen[s])
		}
		p.Slug = s
	}
	return all
}

// competitorTitle rewrites the store's title the way another shop might.
func competitorTitle(it vitrine.Item, i int) string {
	t := it.Title
	switch i % 4 {
	case 1:
		return strings.ReplaceAll(t, ", ", " - ")
	case 2:
		if rest, ok := strings.CutPrefix(t, it.Brand+" "); ok {
			return strings.ToUpper(it.Brand) + " " + rest
		}
	case 3:
		if it.MPN != "" && !strings.Contains(t, it.MPN) {
			return t + " (" + it.MPN + ")"
		}
		if it.MPN != "" {
			return strings.Join(strings.Fields(strings.ReplaceAll(t, it.MPN, "")), " ")
		}
	}
	return t
}

// shopPrice prices a product at the shop from the store's price in cents:
// most dearer, some cheaper, with the shop's own price endings.
func shopPrice(r *rand.Rand, store int64, i int) int64 {
	f := 1.03 + 0.01*float64(r.IntN(16))
	if r.IntN(100) < 30 {
		f = 0.88 + 0.01*float64(r.IntN(10))
	}
	c := charm(int64(float64(store) * f))
	switch i % 3 {
	case 1:
		c -= 4 // 249.95
	case 2:
		if c > 10000 {
			c++ // 250.00
		}
	}
	return max(c, 99)
}

// wasPrice invents the struck-through "was" price of a shop price.
func wasPrice(r *rand.Rand, p money.Money) money.Money {
	c := cents(p.Amount)
	w := charm(c * int64(112+r.IntN(19)) / 100)
	if w <= c {
		w = c + c/10 + 100
	}
	return usd(w)
}

// isElectronics reports whether the shop could sell a refurbished unit of it.
func isElectronics(it vitrine.Item) bool {
	return strings.HasPrefix(it.Category, "Electronics") || strings.HasPrefix(it.Category, "Cameras")
}

// lastSegment returns the last part of an "A > B > C" path.
func lastSegment(path string) string {
	if i := strings.LastIndex(path, " > "); i >= 0 {
		return path[i+3:]
	}
	return path
}
