package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func usd(s string) money.Money {
	a, err := money.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return money.Money{Amount: a, Currency: "USD"}
}

func item(id, price string) vitrine.Item {
	return vitrine.Item{
		Product: vitrine.Product{ID: id, Title: "Product " + id, Brand: "Acme", MPN: "AC-" + id, GTIN: "4006381333931",
			Condition: vitrine.ConditionNew, Attributes: map[string][]string{"color": {"black"}}},
		Offer: vitrine.Offer{Price: usd(price), Availability: vitrine.InStock},
	}
}

func importAll(t *testing.T, db *store.DB, at time.Time, items ...vitrine.Item) vitrine.ImportStats {
	t.Helper()
	ctx := context.Background()
	im, err := db.BeginImport(ctx, at)
	if err != nil {
		t.Fatal(err)
	}
	st, err := im.Upsert(ctx, items)
	if err != nil {
		im.Rollback()
		t.Fatal(err)
	}
	if err := im.Commit(); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestImportCountsAndHistory(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st := importAll(t, db, t0, item("a", "10.00"), item("b", "20.00"), item("c", "30.00"))
		if st.Imported != 3 || st.Updated != 0 || st.Unchanged != 0 || st.History != 3 {
			t.Fatalf("first import: %+v", st)
		}
		st = importAll(t, db, t0.Add(time.Hour), item("a", "10.00"), item("b", "20.00"), item("c", "30.00"))
		if st.Imported != 0 || st.Updated != 0 || st.Unchanged != 3 || st.History != 0 {
			t.Fatalf("unchanged re-import: %+v", st)
		}
		// Two price changes and one title change (no history point for the title).
		c := item("c", "30.00")
		c.Title = "Renamed"
		st = importAll(t, db, t0.Add(2*time.Hour), item("a", "9.50"), item("b", "21.00"), c)
		if st.Imported != 0 || st.Updated != 3 || st.Unchanged != 0 || st.History != 2 {
			t.Fatalf("changed import: %+v", st)
		}
		h, err := db.History(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		want := []vitrine.PricePoint{
			{At: t0, Price: usd("10.00"), Availability: vitrine.InStock},
			{At: t0.Add(2 * time.Hour), Price: usd("9.50"), Availability: vitrine.InStock},
		}
		if !reflect.DeepEqual(h, want) {
			t.Fatalf("history a = %+v, want %+v", h, want)
		}
		if h, _ := db.History(ctx, "c"); len(h) != 1 {
			t.Fatalf("history c has %d points, want 1 (a title change is not a price change)", len(h))
		}
		// Availability change alone adds a point.
		a := item("a", "9.50")
		a.Offer.Availability = vitrine.OutOfStock
		if st := importAll(t, db, t0.Add(3*time.Hour), a); st.History != 1 || st.Updated != 1 {
			t.Fatalf("availability change: %+v", st)
		}
		got, err := db.Item(ctx, "c")
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Renamed" || got.GTIN != "04006381333931" || got.Attributes["color"][0] != "black" {
			t.Fatalf("item c = %+v", got)
		}
	})
}

func TestSalePriceIsEffectiveInItsPeriod(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		it := item("s", "100.00")
		sale := usd("80.00")
		start, end := t0.Add(24*time.Hour), t0.Add(48*time.Hour)
		it.Offer.SalePrice, it.Offer.SaleStart, it.Offer.SaleEnd = &sale, &start, &end
		importAll(t, db, t0, it)
		importAll(t, db, t0.Add(30*time.Hour), it) // sale started: a history point
		importAll(t, db, t0.Add(31*time.Hour), it) // nothing changed
		importAll(t, db, t0.Add(50*time.Hour), it) // sale ended
		h, err := db.History(context.Background(), "s")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range h {
			got = append(got, p.Price.Text())
		}
		if want := []string{"100.00", "80.00", "100.00"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("history = %v, want %v", got, want)
		}
		back, _ := db.Item(context.Background(), "s")
		if back.Offer.SalePrice == nil || back.Offer.SalePrice.Amount != sale.Amount || !back.Offer.SaleStart.Equal(start) || !back.Offer.SaleEnd.Equal(end) {
			t.Fatalf("sale terms not kept: %+v", back.Offer)
		}
	})
}

func TestRollbackLeavesCatalogUnchanged(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importAll(t, db, t0, item("a", "10.00"))
		im, err := db.BeginImport(ctx, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := im.Upsert(ctx, []vitrine.Item{item("a", "1.00"), item("new", "2.00")}); err != nil {
			t.Fatal(err)
		}
		bad := item("bad", "3.00")
		bad.Offer.Price.Currency = "XXX"
		if _, err := im.Upsert(ctx, []vitrine.Item{bad}); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("bad currency: err = %v, want EINVALID", err)
		}
		if err := im.Rollback(); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountProducts(ctx); n != 1 {
			t.Fatalf("%d products after rollback, want 1", n)
		}
		a, _ := db.Item(ctx, "a")
		if a.Offer.Price.Text() != "10.00" {
			t.Fatalf("price after rollback = %s", a.Offer.Price.Text())
		}
		if h, _ := db.History(ctx, "a"); len(h) != 1 {
			t.Fatalf("history after rollback has %d points", len(h))
		}
	})
}

func TestItemsFilterAndPaging(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var items []vitrine.Item
		for i := range 25 {
			it := item(fmt.Sprintf("p%02d", i), "1.00")
			it.GTIN = ""
			if i%5 == 0 {
				it.Brand = "Zeta Corp"
				it.Title = "Zeta 100% Cotton T-Shirt " + it.ID
			}
			items = append(items, it)
		}
		items[3].GTIN = "036000291452"
		importAll(t, db, t0, items...)
		var seen []string
		cursor := ""
		for {
			p, err := db.Items(ctx, vitrine.ProductFilter{Limit: 10, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range p.Items {
				seen = append(seen, it.ID)
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if len(seen) != 25 || seen[0] != "p00" || seen[24] != "p24" {
			t.Fatalf("paging saw %d items: %v", len(seen), seen)
		}
		p, err := db.Items(ctx, vitrine.ProductFilter{Brand: "zeta corp"})
		if err != nil || len(p.Items) != 5 {
			t.Fatalf("brand filter: %d items, %v", len(p.Items), err)
		}
		p, err = db.Items(ctx, vitrine.ProductFilter{Query: "ZETA 100%"})
		if err != nil || len(p.Items) != 5 {
			t.Fatalf("query with %%: %d items, %v", len(p.Items), err)
		}
		p, err = db.Items(ctx, vitrine.ProductFilter{Query: "100_"})
		if err != nil || len(p.Items) != 0 {
			t.Fatalf("underscore must match literally: %d items, %v", len(p.Items), err)
		}
		p, err = db.Items(ctx, vitrine.ProductFilter{GTIN: "0036000291452"})
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != "p03" {
			t.Fatalf("gtin filter: %+v, %v", p.Items, err)
		}
		for _, f := range []vitrine.ProductFilter{{GTIN: "123"}, {Cursor: "!!"}, {Limit: 1000}} {
			if _, err := db.Items(ctx, f); vitrine.ErrorCode(err) != vitrine.EINVALID {
				t.Errorf("filter %+v: err = %v, want EINVALID", f, err)
			}
		}
		if _, err := db.Item(ctx, "nope"); vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
			t.Errorf("missing item: %v", err)
		}
		if _, err := db.History(ctx, "nope"); vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
			t.Errorf("missing history: %v", err)
		}
	})
}

func TestDuplicateIDInOneImportLastWins(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		st := importAll(t, db, t0, item("a", "1.00"), item("a", "2.00"))
		if st.Imported != 1 {
			t.Fatalf("stats %+v", st)
		}
		a, _ := db.Item(context.Background(), "a")
		if a.Offer.Price.Text() != "2.00" {
			t.Fatalf("price %s, want the later row's 2.00", a.Offer.Price.Text())
		}
	})
}

func TestConcurrentReadsDuringImport(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importAll(t, db, t0, item("a", "1.00"))
		im, err := db.BeginImport(ctx, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := im.Upsert(ctx, []vitrine.Item{item("a", "5.00"), item("b", "1.00")}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := db.Item(ctx, "a")
				if err != nil || a.Offer.Price.Text() != "1.00" {
					t.Errorf("reader saw uncommitted data: %v %v", a.Offer.Price, err)
				}
			}()
		}
		wg.Wait()
		if err := im.Commit(); err != nil {
			t.Fatal(err)
		}
		if a, _ := db.Item(ctx, "a"); a.Offer.Price.Text() != "5.00" {
			t.Fatalf("after commit: %s", a.Offer.Price.Text())
		}
	})
}

func TestCatalogSinceLoadsOnlyChanges(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		collect := func(after int64) (int64, map[string]int) {
			got := map[string]int{}
			v, err := db.CatalogSince(ctx, after, func(it vitrine.Item, h []vitrine.PricePoint) error {
				got[it.ID] = len(h)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return v, got
		}
		v0, got := collect(0)
		if v0 != 0 || len(got) != 0 {
			t.Fatalf("empty catalog: v=%d %v", v0, got)
		}
		importAll(t, db, t0, item("a", "1.00"), item("b", "2.00"), item("c", "3.00"))
		v1, got := collect(v0)
		if v1 != 1 || len(got) != 3 || got["a"] != 1 {
			t.Fatalf("after first import: v=%d %v", v1, got)
		}
		importAll(t, db, t0.Add(time.Hour), item("a", "1.00"), item("b", "2.50"), item("c", "3.00"))
		v2, got := collect(v1)
		if v2 != 2 || len(got) != 1 || got["b"] != 2 {
			t.Fatalf("after changing b: v=%d %v", v2, got)
		}
		if v, got := collect(v2); v != v2 || len(got) != 0 {
			t.Fatalf("nothing changed: v=%d %v", v, got)
		}
		// A rolled-back import leaves the version.
		im, _ := db.BeginImport(ctx, t0)
		im.Upsert(ctx, []vitrine.Item{item("z", "9.00")})
		im.Rollback()
		if v, _ := db.CatalogVersion(ctx); v != v2 {
			t.Fatalf("version %d after rollback, want %d", v, v2)
		}
		_, all := collect(0)
		if len(all) != 3 || all["b"] != 2 || all["a"] != 1 {
			t.Fatalf("full reload: %v", all)
		}
	})
}
