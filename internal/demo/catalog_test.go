package demo

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ident"
)

func TestCatalogDeterministic(t *testing.T) {
	a, b := Catalog(), Catalog()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls of Catalog differ")
	}
	// Callers own the result: changing one must not change the next.
	a[0].Attributes["screen_size"][0] = "changed"
	a[0].Title = "changed"
	if c := Catalog(); !reflect.DeepEqual(c, b) {
		t.Fatal("Catalog shares state between calls")
	}
}

func TestCatalogFor(t *testing.T) {
	items := CatalogFor("http://shop.example:9000/")
	def := Catalog()
	for i, it := range items {
		if want := "http://shop.example:9000/shop/products/" + it.ID; it.Link != want {
			t.Fatalf("%s: link %q, want %q", it.ID, it.Link, want)
		}
		if want := "http://shop.example:9000/demo/img/" + it.ID + ".svg"; it.ImageLink != want {
			t.Fatalf("%s: image link %q, want %q", it.ID, it.ImageLink, want)
		}
		if !strings.HasPrefix(def[i].Link, DefaultBase+"/shop/products/") {
			t.Fatalf("%s: default link %q", def[i].ID, def[i].Link)
		}
		it.Link, it.ImageLink = def[i].Link, def[i].ImageLink
		if !reflect.DeepEqual(it, def[i]) {
			t.Fatalf("%s: CatalogFor differs from Catalog in more than links", it.ID)
		}
	}
}

func TestCatalogItems(t *testing.T) {
	items := Catalog()
	if n := len(items); n < 280 || n > 330 {
		t.Fatalf("%d items, want about 300", n)
	}
	ids := map[string]bool{}
	gtins := map[string]string{}
	sales := 0
	for _, it := range items {
		if ids[it.ID] {
			t.Errorf("duplicate id %s", it.ID)
		}
		ids[it.ID] = true
		g, err := ident.NormalizeGTIN(it.GTIN)
		if err != nil {
			t.Errorf("%s: %v", it.ID, err)
		} else if g != it.GTIN {
			t.Errorf("%s: GTIN %q is not in the normalised form %q", it.ID, it.GTIN, g)
		}
		if other, dup := gtins[it.GTIN]; dup {
			t.Errorf("%s and %s share GTIN %s", other, it.ID, it.GTIN)
		}
		gtins[it.GTIN] = it.ID
		for field, v := range map[string]string{
			"title": it.Title, "brand": it.Brand, "description": it.Description, "category": it.Category,
			"product_type": it.ProductType, "link": it.Link, "image_link": it.ImageLink, "sku": it.SKU,
		} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: empty %s", it.ID, field)
			}
		}
		if strings.Contains(it.Title, "  ") || strings.Contains(it.Title, ", ,") || strings.HasSuffix(it.Title, ",") {
			t.Errorf("%s: untidy title %q", it.ID, it.Title)
		}
		isBook := strings.HasPrefix(it.ProductType, "Books")
		if isBook {
			if !strings.HasPrefix(it.GTIN, "0978") && !strings.HasPrefix(it.GTIN, "0979") {
				t.Errorf("%s: book GTIN %s is not an ISBN-13", it.ID, it.GTIN)
			}
		} else if it.MPN == "" {
			t.Errorf("%s: no MPN", it.ID)
		}
		if !it.Condition.Valid() || !it.Offer.Availability.Valid() {
			t.Errorf("%s: condition %q availability %q", it.ID, it.Condition, it.Offer.Availability)
		}
		o := it.Offer
		if o.Price.Currency != "USD" || o.Price.Amount <= 0 {
			t.Errorf("%s: price %v", it.ID, o.Price)
		}
		if o.SalePrice != nil {
			sales++
			if o.SalePrice.Currency != "USD" || o.SalePrice.Amount <= 0 || o.SalePrice.Amount >= o.Price.Amount {
				t.Errorf("%s: sale price %v with price %v", it.ID, *o.SalePrice, o.Price)
			}
			if o.SaleStart != nil || o.SaleEnd != nil {
				t.Errorf("%s: Catalog dates a sale", it.ID)
			}
		}
	}
	if sales < len(items)/20 {
		t.Errorf("%d items on sale, want at least 5%%", sales)
	}
}

func TestCatalogCategories(t *testing.T) {
	items := Catalog()
	departments := map[string]int{}
	google := map[string]bool{}
	for _, it := range items {
		dep, _, _ := strings.Cut(it.ProductType, " > ")
		departments[dep]++
		google[it.Category] = true
	}
	for _, want := range []string{"TV & Video", "Computers", "Cell Phones", "Headphones & Audio", "Cameras",
		"Kitchen", "Tools", "Books", "Shoes", "Clothing", "Home & Furniture"} {
		if departments[want] < 10 {
			t.Errorf("department %q has %d products, want at least 10", want, departments[want])
		}
	}
	if len(google) < 8 {
		t.Errorf("%d Google product categories, want at least 8", len(google))
	}
}

func TestCatalogPriceLevels(t *testing.T) {
	for _, it := range Catalog() {
		p := it.Offer.Price.Amount.Round(0)
		dep, _, _ := strings.Cut(it.ProductType, " > ")
		var lo, hi int64
		switch dep {
		case "TV & Video":
			lo, hi = 150, 10000
		case "Computers":
			lo, hi = 300, 5000
		case "Books":
			lo, hi = 5, 60
		case "Clothing":
			lo, hi = 10, 300
		default:
			lo, hi = 10, 5000
		}
		if dollars := int64(p) / 10000; dollars < lo || dollars > hi {
			t.Errorf("%s (%s): price %v outside $%d..$%d", it.ID, dep, it.Offer.Price, lo, hi)
		}
	}
}

func TestCatalogVariants(t *testing.T) {
	items := Catalog()
	groups := map[string][]vitrine.Item{}
	ids := map[string]bool{}
	for _, it := range items {
		ids[it.ID] = true
		if it.ItemGroupID != "" {
			groups[it.ItemGroupID] = append(groups[it.ItemGroupID], it)
		}
	}
	if len(groups) < 6 {
		t.Fatalf("%d item groups, want at least 6", len(groups))
	}
	for gid, g := range groups {
		if ids[gid] {
			t.Errorf("group id %s is also an item id", gid)
		}
		if len(g) < 2 {
			t.Errorf("group %s has %d items", gid, len(g))
		}
		var colors, sizes []string
		for _, it := range g {
			if len(it.Attributes["color"]) != 1 || len(it.Attributes["size"]) != 1 {
				t.Errorf("%s: attributes %v, want one color and one size", it.ID, it.Attributes)
				continue
			}
			if it.Brand != g[0].Brand {
				t.Errorf("%s: brand %q in a group of %q", it.ID, it.Brand, g[0].Brand)
			}
			colors = append(colors, it.Attributes["color"][0])
			sizes = append(sizes, it.Attributes["size"][0])
		}
		slices.Sort(colors)
		slices.Sort(sizes)
		if len(slices.Compact(colors)) < 2 || len(slices.Compact(sizes)) < 2 {
			t.Errorf("group %s does not vary by both colour and size", gid)
		}
	}
}

func TestCatalogAtDatesSales(t *testing.T) {
	now := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)
	items := CatalogAt(DefaultBase, now)
	plain := Catalog()
	for i, it := range items {
		o := it.Offer
		if o.SalePrice == nil {
			continue
		}
		if o.SaleStart == nil || o.SaleEnd == nil || !o.SaleStart.Before(now) || !o.SaleEnd.After(now) {
			t.Errorf("%s: sale period %v..%v does not contain now", it.ID, o.SaleStart, o.SaleEnd)
			continue
		}
		if o.SaleEnd.Sub(*o.SaleStart) > 30*24*time.Hour {
			t.Errorf("%s: sale lasts %v", it.ID, o.SaleEnd.Sub(*o.SaleStart))
		}
		if got := o.EffectivePrice(now); got != *o.SalePrice {
			t.Errorf("%s: effective price %v, want the sale price %v", it.ID, got, *o.SalePrice)
		}
		it.Offer.SaleStart, it.Offer.SaleEnd = nil, nil
		if !reflect.DeepEqual(it, plain[i]) {
			t.Errorf("%s: CatalogAt differs from Catalog in more than sale dates", it.ID)
		}
	}
}

func TestCheckDigit(t *testing.T) {
	for _, tc := range []struct {
		body string
		want byte
	}{
		{"400638133393", '1'},  // EAN-13 4006381333931
		{"03600029145", '2'},   // UPC-A 036000291452
		{"978030640615", '7'},  // ISBN-13 9780306406157
		{"0000000000000", '0'}, // all zeros
	} {
		if got := checkDigit(tc.body); got != tc.want {
			t.Errorf("checkDigit(%s) = %c, want %c", tc.body, got, tc.want)
		}
	}
}

func TestCharm(t *testing.T) {
	for _, tc := range []struct{ in, want int64 }{
		{1234, 1199}, {10, 99}, {2600, 2499}, {44912, 44999}, {123456, 124999}, {99999, 99999},
	} {
		if got := charm(tc.in); got != tc.want {
			t.Errorf("charm(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
