package compare_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/compare"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func usd(s string) money.Money {
	a, err := money.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return money.Money{Amount: a, Currency: "USD"}
}

func imp(t *testing.T, db *store.DB, at time.Time, items ...vitrine.Item) {
	t.Helper()
	ctx := context.Background()
	im, err := db.BeginImport(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.Upsert(ctx, items); err != nil {
		t.Fatal(err)
	}
	if err := im.Commit(); err != nil {
		t.Fatal(err)
	}
}

func catalog(price string) []vitrine.Item {
	mk := func(id, title, brand, gtin, mpn, price, color string) vitrine.Item {
		it := vitrine.Item{Product: vitrine.Product{ID: id, Title: title, Brand: brand, GTIN: gtin, MPN: mpn, Link: "http://127.0.0.1/shop/" + id},
			Offer: vitrine.Offer{Price: usd(price), Availability: vitrine.InStock}}
		if color != "" {
			it.Attributes = map[string][]string{"color": {color}}
			it.ItemGroupID = "g1"
		}
		return it
	}
	return []vitrine.Item{
		mk("tv", "Sony Bravia 55\" 4K TV", "Sony Corporation", "4006381333931", "KD-55X85K", price, ""),
		mk("hp-black", "Zeta Headphones Black", "Zeta", "", "ZH-1000", "99.00", "Black"),
		mk("hp-white", "Zeta Headphones White", "Zeta", "", "ZH-1000", "89.00", "White"),
		mk("drill", "Kestrel 18V Drill", "Kestrel", "", "KD18V200X", "59.00", ""),
	}
}

func TestCompare(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		imp(t, db, now.Add(-60*24*time.Hour), catalog("999.00")...)
		imp(t, db, now.Add(-20*24*time.Hour), catalog("899.00")...)
		imp(t, db, now.Add(-1*time.Hour), catalog("949.00")...)
		svc := &compare.Service{Source: db, Store: compare.StoreInfo{Name: "Demo", Domains: []string{"127.0.0.1", "store.example"}}, Rates: money.DefaultRates(), Now: func() time.Time { return now }}
		if _, err := svc.Compare(ctx, compare.Request{Domain: "x.example", Facts: compare.Facts{GTIN: "4006381333931"}}); vitrine.ErrorCode(err) != vitrine.EUNAVAILABLE {
			t.Fatalf("before loading: %v", err)
		}
		if n, err := svc.Refresh(ctx); err != nil || n != 4 {
			t.Fatalf("refresh: %d %v", n, err)
		}
		for _, tc := range []struct {
			name       string
			req        compare.Request
			status, by string
			product    string
			cheaper    bool
			percent    string
		}{
			{"gtin as UPC-13 with a page price", compare.Request{Domain: "shop.other", Facts: compare.Facts{GTIN: "4006381333931", Price: "1099.00", Currency: "USD"}}, "match", "gtin", "tv", true, "13.6"},
			{"brand + mpn with different punctuation", compare.Request{Domain: "shop.other", Facts: compare.Facts{Brand: "SONY", MPN: "kd55x85k", Price: "900", Currency: "USD"}}, "match", "mpn", "tv", false, "5.4"},
			{"variant picked by colour", compare.Request{Domain: "shop.other", Facts: compare.Facts{Brand: "Zeta", MPN: "ZH-1000", Variants: map[string]string{"color": "white"}}}, "match", "mpn", "hp-white", false, ""},
			{"model number alone", compare.Request{Domain: "shop.other", Facts: compare.Facts{Title: "drill", MPN: "KD18V-200X"}}, "match", "model", "drill", false, ""},
			{"model number alone but another brand", compare.Request{Domain: "shop.other", Facts: compare.Facts{Title: "drill", Brand: "Other", MPN: "KD18V-200X"}}, "no_match", "", "", false, ""},
			{"own site", compare.Request{Domain: "www.store.example", Facts: compare.Facts{GTIN: "4006381333931"}}, "own_site", "", "", false, ""},
			{"unknown gtin", compare.Request{Domain: "shop.other", Facts: compare.Facts{GTIN: "036000291452"}}, "no_match", "", "", false, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if err := compare.Validate(&tc.req); err != nil {
					t.Fatal(err)
				}
				resp, err := svc.Compare(ctx, tc.req)
				if err != nil {
					t.Fatal(err)
				}
				if resp.Status != tc.status || resp.MatchedBy != tc.by {
					t.Fatalf("status %s by %s, want %s by %s", resp.Status, resp.MatchedBy, tc.status, tc.by)
				}
				if tc.product != "" && resp.Offer.ProductID != tc.product {
					t.Fatalf("product %s, want %s", resp.Offer.ProductID, tc.product)
				}
				if tc.percent != "" {
					c := resp.Comparison
					if c == nil || c.StoreIsCheaper != tc.cheaper || c.Percent != tc.percent {
						t.Fatalf("comparison %+v, want cheaper=%v percent=%s", c, tc.cheaper, tc.percent)
					}
				}
			})
		}
		resp, _ := svc.Compare(ctx, compare.Request{Domain: "shop.other", Facts: compare.Facts{GTIN: "4006381333931", Price: "1099.00", Currency: "USD"}})
		h := resp.History
		if h == nil || len(h.Points) != 3 || h.AllTimeLow.Text() != "899.00" || h.Low30Days.Text() != "899.00" || h.Current.Text() != "949.00" {
			t.Fatalf("history %+v", h)
		}
		if d := resp.Comparison.Difference; d.Text() != "150.00" || d.Currency != "USD" || resp.Comparison.Converted {
			t.Fatalf("difference %+v", resp.Comparison)
		}
		// A page in euros, compared in euros, is labelled as converted.
		resp, _ = svc.Compare(ctx, compare.Request{Domain: "shop.de", Facts: compare.Facts{GTIN: "4006381333931", Price: "999.00", Currency: "EUR"}})
		if c := resp.Comparison; c == nil || !c.Converted || c.StorePrice.Currency != "EUR" || c.RatesDate == "" {
			t.Fatalf("converted comparison %+v", c)
		}
		// A "from" price is not compared.
		resp, _ = svc.Compare(ctx, compare.Request{Domain: "shop.other", Facts: compare.Facts{GTIN: "4006381333931", Price: "10.00", Currency: "USD", PriceIsRange: true}})
		if resp.Comparison != nil || resp.NoComparison == "" {
			t.Fatalf("range price compared: %+v", resp)
		}
		// An import is visible after the next refresh, and only changes are reloaded.
		imp(t, db, now, append(catalog("949.00")[:3], vitrine.Item{Product: vitrine.Product{ID: "drill", Title: "Kestrel 18V Drill", Brand: "Kestrel", MPN: "KD18V200X"},
			Offer: vitrine.Offer{Price: usd("49.00"), Availability: vitrine.InStock}})...)
		if n, err := svc.Refresh(ctx); err != nil || n != 1 {
			t.Fatalf("incremental refresh loaded %d, %v; want 1", n, err)
		}
		resp, _ = svc.Compare(ctx, compare.Request{Domain: "shop.other", Facts: compare.Facts{MPN: "KD18V200X", Brand: "kestrel"}})
		if resp.Offer == nil || resp.Offer.Price.Text() != "49.00" {
			t.Fatalf("after refresh: %+v", resp.Offer)
		}
		if n, _ := svc.Refresh(ctx); n != 0 {
			t.Fatalf("refresh without changes loaded %d", n)
		}
	})
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  compare.Request
		want string
	}{
		{"no domain", compare.Request{Facts: compare.Facts{GTIN: "1"}}, "field domain is required"},
		{"url as domain", compare.Request{Domain: "https://shop.example/p/1", Facts: compare.Facts{GTIN: "1"}}, "not a host name"},
		{"no facts", compare.Request{Domain: "a.example"}, "at least one of title, gtin or mpn"},
		{"bad currency", compare.Request{Domain: "a.example", Facts: compare.Facts{Title: "x", Price: "1", Currency: "XYZ"}}, "facts.currency"},
		{"price without currency", compare.Request{Domain: "a.example", Facts: compare.Facts{Title: "x", Price: "1.00"}}, "needs facts.currency"},
		{"locale price", compare.Request{Domain: "a.example", Facts: compare.Facts{Title: "x", Price: "1.299,00", Currency: "EUR"}}, "plain decimal"},
		{"negative price", compare.Request{Domain: "a.example", Facts: compare.Facts{Title: "x", Price: "-1", Currency: "EUR"}}, "plain decimal"},
		{"huge title", compare.Request{Domain: "a.example", Facts: compare.Facts{Title: string(make([]byte, 600))}}, "facts.title"},
		{"bad utf8", compare.Request{Domain: "a.example", Facts: compare.Facts{Title: "x", Brand: "\xff"}}, "UTF-8"},
	} {
		err := compare.Validate(&tc.req)
		if vitrine.ErrorCode(err) != vitrine.EINVALID || !contains(vitrine.ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v, want EINVALID containing %q", tc.name, err, tc.want)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
