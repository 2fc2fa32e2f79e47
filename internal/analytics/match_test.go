package analytics

import (
	"fmt"
	"testing"

	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
)

func TestCatalogMatch(t *testing.T) {
	usd := func(a int64) money.Money { return money.Money{Amount: money.Amount(a), Currency: "USD"} }
	keys := []store.CatalogKey{
		{ID: "tv-55", Title: "Acme TV 55", Brand: "Acme Inc.", GTIN: "0012345678905", MPN: "QN-55Q80", Price: usd(49900)},
		{ID: "tv-55-refurb", Title: "Acme TV 55 (refurbished)", Brand: "Acme", GTIN: "012345678905", MPN: "QN55Q80", Price: usd(39900)},
		{ID: "cable", Title: "HDMI cable", Brand: "Zen", MPN: "H2", Price: usd(900)},
	}
	for i := range 2000 { // enough for the tables to grow several times
		keys = append(keys, store.CatalogKey{ID: fmt.Sprintf("p%04d", i), Brand: "Bulk", MPN: fmt.Sprintf("BK-%04d", i), Price: usd(int64(i))})
	}
	c := NewCatalog(keys)
	if c.Len() != len(keys) {
		t.Fatalf("Len = %d, want %d", c.Len(), len(keys))
	}
	for _, tc := range []struct {
		f      Facts
		id, by string
	}{
		{Facts{GTIN: "012345678905"}, "tv-55", "gtin"},                                        // the first product with the GTIN, in any of its forms
		{Facts{Brand: "ACME", MPN: "qn55q80"}, "tv-55", "brand_mpn"},                          // normalised brand and MPN, first wins
		{Facts{GTIN: "4006381333932", Brand: "acme", MPN: "QN 55 Q80"}, "tv-55", "brand_mpn"}, // a bad check digit falls through
		{Facts{Brand: "Zen", MPN: "H2"}, "", ""},                                              // an MPN shorter than 3 identifies nothing
		{Facts{Brand: "Bulk", MPN: "bk-1999"}, "p1999", "brand_mpn"},
		{Facts{Brand: "Other", MPN: "BK-1999"}, "", ""},
	} {
		id, by, ok := c.Match(tc.f)
		if id != tc.id || by != tc.by || ok != (tc.id != "") {
			t.Errorf("Match(%+v) = %q, %q, %v; want %q, %q", tc.f, id, by, ok, tc.id, tc.by)
		}
	}
	p, ok := c.Product("tv-55-refurb")
	if !ok || p.Title != "Acme TV 55 (refurbished)" || p.Price != usd(39900) || p.GTIN != "012345678905" || p.MPN != "QN55Q80" {
		t.Errorf("Product(tv-55-refurb) = %+v, %v", p, ok)
	}
	if p, ok := c.Product("p0042"); !ok || p.Price != usd(42) {
		t.Errorf("Product(p0042) = %+v, %v", p, ok)
	}
	if _, ok := c.Product("nope"); ok {
		t.Error("Product(nope) found")
	}
}
