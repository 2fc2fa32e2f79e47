package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func ev(installID, domain string, typ vitrine.EventType, at, received time.Time) vitrine.Event {
	scope, _ := vitrine.ScopeOf(typ)
	return vitrine.Event{ID: ids.UUIDv7(), InstallID: installID, Type: typ, Scope: scope, OccurredAt: at, ReceivedAt: received,
		Domain: domain, Payload: json.RawMessage(`{"url":"https://` + domain + `/","referrer_domain":"","dwell_ms":1000}`)}
}

func rollupsOf(t *testing.T, db *store.DB, from, to time.Time) (map[string]store.RollupRow, map[string]store.RollupRow) {
	t.Helper()
	ctx := context.Background()
	hourly, err := db.HourlyRollups(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	daily, err := db.DailyRollups(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	key := func(r store.RollupRow) string {
		return time.UnixMilli(r.Bucket).String() + "|" + r.Domain + "|" + r.Type
	}
	h, d := map[string]store.RollupRow{}, map[string]store.RollupRow{}
	for _, r := range hourly {
		h[key(r)] = r
	}
	for _, r := range daily {
		d[key(r)] = r
	}
	return h, d
}

// Rollups are incremental (a second pass adds only new events), exact in
// distinct installs at the hour and day levels, and forget a deleted
// shopper: after the deletion the aggregates are those of the others.
func TestRollupsIncrementalAndForget(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
		var installs []string
		for i := 0; i < 3; i++ {
			in, _, err := db.CreateInstall(ctx, "chrome", "1")
			if err != nil {
				t.Fatal(err)
			}
			installs = append(installs, in.ID)
		}
		a, b, c := installs[0], installs[1], installs[2]
		recv := day.Add(30 * time.Hour)
		evs := []vitrine.Event{
			ev(a, "shop.example", vitrine.EventPageView, day.Add(9*time.Hour+time.Minute), recv),
			ev(a, "shop.example", vitrine.EventPageView, day.Add(9*time.Hour+2*time.Minute), recv),
			ev(b, "shop.example", vitrine.EventPageView, day.Add(9*time.Hour+3*time.Minute), recv),
			ev(b, "shop.example", vitrine.EventPageView, day.Add(15*time.Hour), recv),
			ev(c, "other.example", vitrine.EventPageView, day.Add(15*time.Hour), recv),
		}
		if _, err := db.InsertEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		st, err := db.RollupOnce(ctx, recv.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if st.Rows != 4 || st.Hours != 2 || st.Days != 1 {
			t.Fatalf("first pass: %+v", st)
		}
		h, d := rollupsOf(t, db, day, day.Add(24*time.Hour))
		h9 := time.UnixMilli(day.Add(9*time.Hour).UnixMilli() / store.HourMS).String()
		if r := h[h9+"|shop.example|page_view"]; r.Events != 3 || r.Installs != 2 {
			t.Fatalf("hour 9: %+v (all %v)", r, h)
		}
		d0 := time.UnixMilli(day.UnixMilli() / store.DayMS).String()
		if r := d[d0+"|shop.example|page_view"]; r.Events != 4 || r.Installs != 2 {
			t.Fatalf("day: %+v", r)
		}
		// A second pass with nothing new changes nothing; new events add up.
		if st, err := db.RollupOnce(ctx, recv.Add(2*time.Minute)); err != nil || st.Rows != 0 {
			t.Fatalf("idle pass: %+v %v", st, err)
		}
		late := ev(c, "shop.example", vitrine.EventPageView, day.Add(9*time.Hour+30*time.Minute), recv.Add(5*time.Minute))
		if _, err := db.InsertEvents(ctx, []vitrine.Event{late}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RollupOnce(ctx, recv.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		h, d = rollupsOf(t, db, day, day.Add(24*time.Hour))
		if r := h[h9+"|shop.example|page_view"]; r.Events != 4 || r.Installs != 3 {
			t.Fatalf("hour 9 after a late event: %+v", r)
		}
		if r := d[d0+"|shop.example|page_view"]; r.Events != 5 || r.Installs != 3 {
			t.Fatalf("day after a late event: %+v", r)
		}
		tot, err := db.DomainTotals(ctx, day, day.Add(24*time.Hour))
		if err != nil || len(tot) != 2 || tot[0].Domain != "shop.example" || tot[0].Installs != 3 {
			t.Fatalf("domain totals %+v %v", tot, err)
		}
		// Shopper a deletes everything: the rollups no longer count a.
		if _, err := db.DeleteEvents(ctx, a, vitrine.DeleteAll, vitrine.EventFilter{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ForgetInstallAnalytics(ctx, a); err != nil {
			t.Fatal(err)
		}
		h, d = rollupsOf(t, db, day, day.Add(24*time.Hour))
		if r := h[h9+"|shop.example|page_view"]; r.Events != 2 || r.Installs != 2 {
			t.Fatalf("hour 9 after deleting a: %+v", r)
		}
		if r := d[d0+"|shop.example|page_view"]; r.Events != 3 || r.Installs != 2 {
			t.Fatalf("day after deleting a: %+v", r)
		}
		// Shopper c deletes one site only: other.example goes, shop.example stays.
		if _, err := db.DeleteEvents(ctx, c, vitrine.DeleteSite, vitrine.EventFilter{Domain: "other.example"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecomputeInstallRollups(ctx, c); err != nil {
			t.Fatal(err)
		}
		h, _ = rollupsOf(t, db, day, day.Add(24*time.Hour))
		for k := range h {
			if k[len(k)-len("other.example|page_view"):] == "other.example|page_view" {
				t.Fatalf("other.example still rolled up after its deletion: %v", h)
			}
		}
		if r := h[h9+"|shop.example|page_view"]; r.Events != 2 || r.Installs != 2 {
			t.Fatalf("hour 9 after c deleted another site: %+v", r)
		}
		weeks, err := db.ActiveWeeks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range weeks {
			if w.InstallID == a {
				t.Fatalf("deleted install still has activity: %+v", w)
			}
		}
	})
}

// Events received after the watermark that landed later are not skipped:
// the pass only goes up to upto.
func TestRollupWatermark(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, _, _ := db.CreateInstall(ctx, "chrome", "1")
		at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
		e := ev(in.ID, "shop.example", vitrine.EventPageView, at, at.Add(time.Hour))
		db.InsertEvents(ctx, []vitrine.Event{e})
		if st, _ := db.RollupOnce(ctx, at.Add(30*time.Minute)); st.Rows != 0 {
			t.Fatalf("rolled up an event received after upto: %+v", st)
		}
		if st, _ := db.RollupOnce(ctx, at.Add(2*time.Hour)); st.Rows != 1 {
			t.Fatalf("missed the event: %+v", st)
		}
	})
}

func TestOrdersAndExposures(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, _, _ := db.CreateInstall(ctx, "chrome", "1")
		at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
		o := store.Order{ID: "o-1", InstallID: in.ID, ProductID: "tv", Amount: money.Money{Amount: 499 * money.Scale, Currency: "USD"}, OrderedAt: at, ReceivedAt: at}
		if ok, err := db.InsertOrder(ctx, o); err != nil || !ok {
			t.Fatalf("insert: %v %v", ok, err)
		}
		if ok, err := db.InsertOrder(ctx, o); err != nil || ok {
			t.Fatalf("retry must be a duplicate: %v %v", ok, err)
		}
		if _, err := db.InsertOrder(ctx, store.Order{ID: "o-2", ProductID: "tv", Amount: o.Amount, OrderedAt: at}); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("order without account or install: %v", err)
		}
		x := store.Exposure{ID: ids.UUIDv7(), InstallID: in.ID, Experiment: "bar_wording", Variant: "save", OccurredAt: at, ReceivedAt: at}
		if n, err := db.InsertExposures(ctx, []store.Exposure{x, x}); err != nil || n != 1 {
			t.Fatalf("exposures %d %v", n, err)
		}
		if _, err := db.ForgetInstallAnalytics(ctx, in.ID); err != nil {
			t.Fatal(err)
		}
		os, _ := db.Orders(ctx, at.Add(-time.Hour), at.Add(time.Hour))
		if len(os) != 1 || os[0].InstallID != "" || os[0].Amount != o.Amount {
			t.Fatalf("orders after forgetting the install: %+v", os)
		}
		if xs, _ := db.Exposures(ctx, "bar_wording", at.Add(-time.Hour), at.Add(time.Hour)); len(xs) != 0 {
			t.Fatalf("exposures survive: %+v", xs)
		}
	})
}

// Past the retention period, aggregates keep only groups of at least k
// distinct installs; recent ones are kept whole (reports suppress at read).
func TestPruneSmallAggregates(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		old := time.Date(2026, 8, 1, 10, 0, 0, 0, time.UTC)
		recent := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		var evs []vitrine.Event
		for i := 0; i < 3; i++ {
			in, _, _ := db.CreateInstall(ctx, "chrome", "1")
			evs = append(evs, ev(in.ID, "small.example", vitrine.EventPageView, old, old), ev(in.ID, "small.example", vitrine.EventPageView, recent, recent))
		}
		for i := 0; i < 3; i++ {
			in, _, _ := db.CreateInstall(ctx, "chrome", "1")
			evs = append(evs, ev(in.ID, "big.example", vitrine.EventPageView, old, old))
		}
		if _, err := db.InsertEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RollupOnce(ctx, recent.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// k = 3: old groups of 3 are kept, none smaller exists; with k = 4 the
		// old groups go and the recent one stays.
		if n, err := db.PruneSmallAggregates(ctx, recent.Add(-24*time.Hour), 3); err != nil || n != 0 {
			t.Fatalf("k=3 pruned %d, %v", n, err)
		}
		n, err := db.PruneSmallAggregates(ctx, recent.Add(-24*time.Hour), 4)
		if err != nil || n != 4 { // two domains x (hourly + daily) in the old period
			t.Fatalf("k=4 pruned %d, %v; want 4", n, err)
		}
		h, d := rollupsOf(t, db, old.Add(-48*time.Hour), recent.Add(48*time.Hour))
		if len(h) != 1 || len(d) != 1 {
			t.Fatalf("left: hourly %v daily %v; want only the recent group", h, d)
		}
	})
}
