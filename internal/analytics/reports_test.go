package analytics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/analytics"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

var t0 = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC) // a Monday

func usd(s string) money.Money {
	a, err := money.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return money.Money{Amount: a, Currency: "USD"}
}

// seedCatalog imports three products: two identified by GTIN, one only by brand + MPN.
func seedCatalog(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	im, err := db.BeginImport(ctx, t0.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	items := []vitrine.Item{
		{Product: vitrine.Product{ID: "p9", Title: "Nine Speaker", Brand: "Acme", GTIN: "4006381333931", MPN: "SP-9"}, Offer: vitrine.Offer{Price: usd("100.00"), Availability: vitrine.InStock}},
		{Product: vitrine.Product{ID: "p10", Title: "Ten Headphones", Brand: "Acme", GTIN: "0012345678905", MPN: "HP-10"}, Offer: vitrine.Offer{Price: usd("200.00"), Availability: vitrine.InStock}},
		{Product: vitrine.Product{ID: "pm", Title: "Sony Camera", Brand: "Sony Corporation", MPN: "WH-1000XM5/B"}, Offer: vitrine.Offer{Price: usd("300.00"), Availability: vitrine.InStock}},
	}
	if _, err := im.Upsert(ctx, items); err != nil {
		t.Fatal(err)
	}
	if err := im.Commit(); err != nil {
		t.Fatal(err)
	}
}

type seeder struct {
	t   *testing.T
	db  *store.DB
	evs []vitrine.Event
}

func (s *seeder) install(joined time.Time) string {
	ctx := context.Background()
	in, _, err := s.db.CreateInstall(ctx, "chrome", "1")
	if err != nil {
		s.t.Fatal(err)
	}
	s.db.Now = func() time.Time { return joined }
	if _, err := s.db.RecordConsent(ctx, vitrine.ConsentRecord{InstallID: in.ID, Action: vitrine.ConsentGrant, Scopes: vitrine.Scopes, NoticeVersion: "1", NoticeHash: "h"}); err != nil {
		s.t.Fatal(err)
	}
	s.db.Now = time.Now
	return in.ID
}

func (s *seeder) add(in string, typ vitrine.EventType, at time.Time, domain string, payload any) {
	b, _ := json.Marshal(payload)
	scope, _ := vitrine.ScopeOf(typ)
	s.evs = append(s.evs, vitrine.Event{ID: ids.UUIDv7(), InstallID: in, Type: typ, Scope: scope, OccurredAt: at, ReceivedAt: at.Add(time.Second), Domain: domain, Payload: b})
}

func (s *seeder) view(in string, at time.Time, domain string, facts map[string]any) {
	s.add(in, vitrine.EventProductView, at, domain, map[string]any{"url": "https://" + domain + "/p", "facts": facts})
}

func (s *seeder) flush() {
	if _, err := s.db.InsertEvents(context.Background(), s.evs); err != nil {
		s.t.Fatal(err)
	}
	s.evs = nil
}

// A panel where every group comes in two sizes, 9 and 10 distinct installs:
// the groups of 9 must be absent from every report, the groups of 10 present.
func seedNineTen(t *testing.T, db *store.DB) *analytics.Service {
	seedCatalog(t, db)
	s := &seeder{t: t, db: db}
	ctx := context.Background()
	var ten, nine []string
	for i := 0; i < 10; i++ {
		ten = append(ten, s.install(t0.Add(-time.Hour)))
	}
	for i := 0; i < 9; i++ {
		nine = append(nine, s.install(t0.Add(7*24*time.Hour-time.Hour)))
	}
	for i, in := range ten {
		at := t0.Add(time.Duration(i) * time.Minute)
		s.add(in, vitrine.EventPageView, at, "ten.example", map[string]any{"url": "https://ten.example/", "dwell_ms": 1000})
		// p10 by GTIN (in another form), 10% cheaper: where we lose on price.
		s.view(in, at.Add(time.Minute), "ten.example", map[string]any{"title": "Headphones", "gtin": "012345678905", "price": "180.00", "currency": "USD"})
		s.add(in, vitrine.EventComparisonShown, at.Add(2*time.Minute), "ten.example", map[string]any{"domain": "ten.example", "product_id": "p10", "status": "match"})
		s.add(in, vitrine.EventComparisonClicked, at.Add(3*time.Minute), "ten.example", map[string]any{"domain": "ten.example", "product_id": "p10", "status": "match"})
		// pm by brand + MPN written differently.
		s.view(in, at.Add(4*time.Minute), "ten.example", map[string]any{"title": "Camera", "brand": "SONY", "mpn": "wh1000xm5-b", "price": "330.00", "currency": "USD"})
	}
	for i, in := range nine {
		at := t0.Add(7*24*time.Hour + time.Duration(i)*time.Minute)
		s.add(in, vitrine.EventPageView, at, "nine.example", map[string]any{"url": "https://nine.example/", "dwell_ms": 1000})
		s.view(in, at.Add(time.Minute), "nine.example", map[string]any{"title": "Speaker", "gtin": "4006381333931", "price": "90.00", "currency": "USD"})
	}
	s.flush()
	// 9 of the 10 order after their click (attributed), one by store account.
	for i, in := range ten[:9] {
		o := store.Order{ID: fmt.Sprintf("o%d", i), InstallID: in, ProductID: "p10", Amount: usd("200.00"), OrderedAt: t0.Add(time.Duration(i)*time.Minute + 2*time.Hour)}
		if _, err := db.InsertOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.RollupOnce(ctx, t0.Add(30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return &analytics.Service{DB: db, Now: func() time.Time { return t0.Add(14 * 24 * time.Hour) }}
}

func TestKAnonymityNineAbsentTenPresent(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		an := seedNineTen(t, db)
		ctx := context.Background()
		w := analytics.Window{From: t0.Add(-24 * time.Hour), To: t0.Add(14 * 24 * time.Hour)}

		comp, err := an.Competitors(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		if len(comp.Domains) != 1 || comp.Domains[0].Domain != "ten.example" || comp.Domains[0].Installs != 10 {
			t.Fatalf("competitors: %+v", comp.Domains)
		}
		var csv bytes.Buffer
		analytics.WriteCSV(&csv, comp.Table())
		if !strings.Contains(csv.String(), "ten.example") || strings.Contains(csv.String(), "nine.example") {
			t.Fatalf("competitors CSV:\n%s", csv.String())
		}
		for _, d := range comp.Days {
			if d.Installs < 10 {
				t.Fatalf("a day of %d installs is shown", d.Installs)
			}
		}

		gaps, err := an.PriceGaps(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]analytics.PriceGapRow{}
		for _, p := range gaps.Products {
			got[p.ProductID] = p
		}
		if _, ok := got["p9"]; ok || len(got) != 2 {
			t.Fatalf("price gaps: %+v", gaps.Products)
		}
		p10 := got["p10"]
		if p10.Installs != 10 || p10.PricedViews != 10 || p10.MeanPrice != usd("180.00") || !near(p10.MeanGap, -0.1) || p10.CheaperShare != 1 || !near(p10.Loss, 1.0) {
			t.Fatalf("p10 matched by GTIN: %+v", p10)
		}
		pm := got["pm"]
		if pm.Installs != 10 || !near(pm.MeanGap, 0.1) || pm.CheaperShare != 0 || pm.Loss != 0 {
			t.Fatalf("pm matched by brand + MPN: %+v", pm)
		}
		if gaps.Products[0].ProductID != "p10" {
			t.Fatalf("where we lose comes first: %+v", gaps.Products)
		}
		if len(gaps.Domains) != 1 || gaps.Domains[0].Domain != "ten.example" {
			t.Fatalf("gap domains: %+v", gaps.Domains)
		}

		f, err := an.Funnel(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{}
		for _, st := range f.Stages {
			names = append(names, fmt.Sprintf("%s=%d/%d", st.Name, st.Pairs, st.Installs))
		}
		// viewed: 10 (p10) + 10 (pm) + 9 (p9) pairs by 19 installs; the ordered stage has 9 installs.
		if strings.Join(names, " ") != "viewed_elsewhere=29/19 comparison_shown=10/10 comparison_clicked=10/10" {
			t.Fatalf("funnel: %s", names)
		}
		if f.Orders != 0 || f.Attributed != 0 {
			t.Fatalf("order counts of 9 shoppers shown: %+v", f)
		}

		co, err := an.Cohorts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(co.Cohorts) != 1 || co.Cohorts[0].Size != 10 || co.Cohorts[0].Week != "2026-11-16" {
			t.Fatalf("cohorts: %+v", co.Cohorts)
		}
		c := co.Cohorts[0].Cells
		if *c[0].Active != 10 || *c[0].Rate != 1 || c[1].Active == nil || *c[1].Active != 0 {
			t.Fatalf("retention cells: %+v", c)
		}
		for _, p := range co.Panel {
			if p.Joined != nil && *p.Joined > 0 && *p.Joined < 10 {
				t.Fatalf("panel week shows %d joined", *p.Joined)
			}
		}
	})
}

// With a tenth order the ordered stage (10 installs) appears, with the
// attributed orders.
func TestFunnelOrderedStage(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		an := seedNineTen(t, db)
		ctx := context.Background()
		// The tenth shopper orders through a store account its install is linked to.
		comps := map[string]bool{}
		w := analytics.Window{From: t0.Add(-24 * time.Hour), To: t0.Add(14 * 24 * time.Hour)}
		var tenth string
		db.ScanEvents(ctx, w.From, w.To, []vitrine.EventType{vitrine.EventComparisonClicked}, func(e *vitrine.Event) error {
			comps[e.InstallID] = true
			return nil
		})
		os, _ := db.Orders(ctx, w.From, w.To)
		for _, o := range os {
			delete(comps, o.InstallID)
		}
		for in := range comps {
			tenth = in
		}
		code, err := db.IssueLinkCode(ctx, "acct-10", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.LinkInstall(ctx, tenth, code); err != nil {
			t.Fatal(err)
		}
		if _, err := db.InsertOrder(ctx, store.Order{ID: "o-acct", StoreAccountID: "acct-10", ProductID: "p10", Amount: usd("200.00"), OrderedAt: t0.Add(3 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		an.Invalidate()
		f, err := an.Funnel(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		last := f.Stages[len(f.Stages)-1]
		if last.Name != "ordered" || last.Installs != 10 || f.Attributed != 10 || f.Revenue["USD"] != "2000.00" {
			t.Fatalf("funnel with 10 orders: %+v %+v", f.Stages, f)
		}
		if *last.Rate != 1 {
			t.Fatalf("rate %v", *last.Rate)
		}
	})
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

// A report asked right after an import matches pages against the imported
// catalog, even when the catalog was read (empty) a moment before: no
// time-based staleness (a server's first seconds once served an empty
// catalog to the reports asked after its demo catalog was seeded).
func TestCatalogSeesImportAtOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		an := &analytics.Service{DB: db, K: 1}
		cat, err := an.Catalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := cat.Product("p9"); ok {
			t.Fatal("p9 in the catalog before any import")
		}
		seedCatalog(t, db)
		cat, err = an.Catalog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := cat.Product("p9"); !ok {
			t.Fatal("the catalog read right after an import does not hold its products")
		}
	})
}
