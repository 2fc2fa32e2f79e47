package compare_test

import (
	"context"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/compare"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
	"github.com/vitrine/vitrine/internal/synth"
)

// textCatalog is the small fixture catalog plus generated products, so the
// text matcher has a realistic corpus.
func textCatalog() []vitrine.Item {
	items := catalog("949.00")
	g := synth.Generator{Seed: 3}
	for i := 0; i < 300; i++ {
		p := g.Product(i)
		items = append(items, vitrine.Item{Product: vitrine.Product{ID: p.ID, Title: p.Title, Brand: p.Brand, MPN: p.MPN, GTIN: p.GTIN},
			Offer: vitrine.Offer{Price: money.Money{Amount: money.Amount(p.PriceCents * 100), Currency: "USD"}, Availability: vitrine.InStock}})
	}
	return items
}

func TestCompareByText(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		imp(t, db, now.Add(-time.Hour), textCatalog()...)
		tm, err := compare.BuiltinTextMatcher()
		if err != nil {
			t.Fatal(err)
		}
		svc := &compare.Service{Source: db, Matcher: tm, Store: compare.StoreInfo{Name: "Demo"}, Rates: money.DefaultRates(), Now: func() time.Time { return now }}
		if _, err := svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		gen := synth.Generator{Seed: 3}.Product(42)
		for _, tc := range []struct {
			name     string
			facts    compare.Facts
			status   string
			product  string
			strength string
		}{
			{"title only, reworded, with the model number", compare.Facts{Title: "Sony KD55X85K Bravia 55 inch 4K Ultra HD TV", Price: "1099.00", Currency: "USD"}, "match", "tv", "likely"},
			{"generated product, title only", compare.Facts{Title: gen.Brand + " " + gen.MPN + " - " + gen.Title[len(gen.Brand)+1:]}, "match", gen.ID, ""},
			{"unrelated page", compare.Facts{Title: "Organic cotton bath towel set of 4, ocean blue"}, "no_match", "", ""},
			{"nonsense", compare.Facts{Title: "zxqv blorf wibble"}, "no_match", "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req := compare.Request{Domain: "shop.other", Facts: tc.facts}
				if err := compare.Validate(&req); err != nil {
					t.Fatal(err)
				}
				resp, err := svc.Compare(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if resp.Status != tc.status {
					t.Fatalf("status %s (confidence %.3f), want %s", resp.Status, resp.Confidence, tc.status)
				}
				if tc.status != "match" {
					return
				}
				if resp.MatchedBy != "text" || resp.Offer.ProductID != tc.product {
					t.Fatalf("matched %s by %s, want %s by text", resp.Offer.ProductID, resp.MatchedBy, tc.product)
				}
				if resp.Confidence < tm.Threshold() {
					t.Fatalf("confidence %.3f below the threshold %.3f", resp.Confidence, tm.Threshold())
				}
				want := "possible"
				if resp.Confidence >= 0.85 {
					want = "likely"
				}
				if resp.Strength != want || (tc.strength != "" && resp.Strength != tc.strength) {
					t.Fatalf("strength %q at confidence %.3f, want %q", resp.Strength, resp.Confidence, want)
				}
				if resp.Comparison == nil && tc.facts.Price != "" {
					t.Fatalf("no comparison: %s", resp.NoComparison)
				}
			})
		}
		// A changed title is picked up by the next refresh.
		imp(t, db, now, vitrine.Item{Product: vitrine.Product{ID: "drill", Title: "Kestrel 18V Brushless Drill KD18V300X", Brand: "Kestrel", MPN: "KD18V300X"},
			Offer: vitrine.Offer{Price: usd("49.00"), Availability: vitrine.InStock}})
		if _, err := svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		resp, _ := svc.Compare(ctx, compare.Request{Domain: "shop.other", Facts: compare.Facts{Title: "Kestrel brushless drill (KD18V-300X) 18 volt"}})
		if resp.Status != "match" || resp.Offer.ProductID != "drill" || resp.MatchedBy != "text" {
			t.Fatalf("after refresh: %+v", resp)
		}
	})
}

// The strength wording follows the confidence: "likely" from 0.85, else
// "possible"; identifier matches are "exact".
func TestStrengthWording(t *testing.T) {
	for _, tc := range []struct {
		prob float64
		want string
	}{{0.99, "likely"}, {0.85, "likely"}, {0.84, "possible"}, {0.6, "possible"}} {
		svc := &compare.Service{Source: fixedSource{}, Matcher: fixedMatcher{p: tc.prob}, Now: func() time.Time { return now }}
		if _, err := svc.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		resp, err := svc.Compare(context.Background(), compare.Request{Domain: "a.example", Facts: compare.Facts{Title: "anything"}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != "match" || resp.Strength != tc.want || resp.MatchedBy != "text" {
			t.Errorf("prob %.2f: %s %q by %s, want match %q", tc.prob, resp.Status, resp.Strength, resp.MatchedBy, tc.want)
		}
	}
	svc := &compare.Service{Source: fixedSource{}, Matcher: fixedMatcher{p: 0.4}, Now: func() time.Time { return now }}
	svc.Refresh(context.Background())
	if resp, _ := svc.Compare(context.Background(), compare.Request{Domain: "a.example", Facts: compare.Facts{Title: "anything"}}); resp.Status != "no_match" {
		t.Errorf("below the threshold: %s", resp.Status)
	}
	// A confident but ambiguous best candidate (the page does not name the
	// model of a product whose title another product shares) is no answer.
	svc = &compare.Service{Source: fixedSource{}, Matcher: fixedMatcher{p: 0.99, ambiguous: true}, Now: func() time.Time { return now }}
	svc.Refresh(context.Background())
	if resp, _ := svc.Compare(context.Background(), compare.Request{Domain: "a.example", Facts: compare.Facts{Title: "anything"}}); resp.Status != "no_match" {
		t.Errorf("ambiguous best candidate: %s, want no_match", resp.Status)
	}
}

type fixedSource struct{}

func (fixedSource) CatalogVersion(context.Context) (int64, error) { return 1, nil }
func (fixedSource) CatalogSince(_ context.Context, after int64, fn func(vitrine.Item, []vitrine.PricePoint) error) (int64, error) {
	if after == 0 {
		if err := fn(vitrine.Item{Product: vitrine.Product{ID: "p1", Title: "P1"}, Offer: vitrine.Offer{Price: usd("10.00"), Availability: vitrine.InStock}}, nil); err != nil {
			return 0, err
		}
	}
	return 1, nil
}

type fixedMatcher struct {
	p         float64
	ambiguous bool
}

func (fixedMatcher) Upsert([]vitrine.Item) {}
func (m fixedMatcher) Match(compare.Facts, int) []compare.Scored {
	return []compare.Scored{{ID: "p1", Prob: m.p, Ambiguous: m.ambiguous}}
}
func (fixedMatcher) Threshold() float64 { return 0.5 }
