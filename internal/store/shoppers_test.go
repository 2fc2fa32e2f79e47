package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func TestInstallsAndTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, token, err := db.CreateInstall(ctx, "chrome", "0.1.0")
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.AuthenticateInstall(ctx, token)
		if err != nil || got.ID != in.ID || got.Browser != "chrome" {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		if _, err := db.AuthenticateInstall(ctx, token+"x"); vitrine.ErrorCode(err) != vitrine.EUNAUTHORIZED {
			t.Fatalf("wrong token: %v", err)
		}
		if _, err := db.AuthenticateInstall(ctx, ""); vitrine.ErrorCode(err) != vitrine.EUNAUTHORIZED {
			t.Fatalf("empty token: %v", err)
		}
	})
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestWatchAlertsWithNoiseControls(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		db.Now = clk.now
		importAll(t, db, clk.now(), item("a", "100.00"), item("b", "50.00"), item("c", "20.00"))
		in, _, _ := db.CreateInstall(ctx, "firefox", "1")
		other, _, _ := db.CreateInstall(ctx, "chrome", "1")

		if _, err := db.CreateWatch(ctx, in.ID, "a", usd("0")); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("zero target: %v", err)
		}
		eur := usd("80.00")
		eur.Currency = "EUR"
		if _, err := db.CreateWatch(ctx, in.ID, "a", eur); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("currency mismatch: %v", err)
		}
		if _, err := db.CreateWatch(ctx, in.ID, "nope", usd("1.00")); vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
			t.Fatalf("unknown product: %v", err)
		}
		wa, err := db.CreateWatch(ctx, in.ID, "a", usd("90.00"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateWatch(ctx, in.ID, "b", usd("45.00")); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateWatch(ctx, in.ID, "c", usd("19.00")); err != nil {
			t.Fatal(err)
		}
		if err := db.SetAlertSettings(ctx, in.ID, vitrine.AlertSettings{MinDropBasisPoints: 500, DailyCap: 2}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetAlertSettings(ctx, in.ID, vitrine.AlertSettings{MinDropBasisPoints: 500, DailyCap: 0}); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("cap 0: %v", err)
		}
		if a, _ := db.DeliverAlerts(ctx, in.ID); len(a) != 0 {
			t.Fatalf("alerts before any drop: %+v", a)
		}
		// a falls to 89 (target 90): alert. c falls to 19.50: above its target, no alert.
		clk.add(time.Hour)
		importAll(t, db, clk.now(), item("a", "89.00"), item("b", "50.00"), item("c", "19.50"))
		alerts, err := db.DeliverAlerts(ctx, in.ID)
		if err != nil || len(alerts) != 1 || alerts[0].WatchID != wa.ID || alerts[0].Price.Text() != "89.00" {
			t.Fatalf("alerts %+v %v", alerts, err)
		}
		if a, _ := db.DeliverAlerts(ctx, in.ID); len(a) != 0 {
			t.Fatalf("the same alert delivered twice: %+v", a)
		}
		if a, _ := db.DeliverAlerts(ctx, other.ID); len(a) != 0 {
			t.Fatalf("another install got alerts: %+v", a)
		}
		// a falls to 87: less than 5% below the alerted 89: no alert. 84 is: alert.
		clk.add(time.Hour)
		importAll(t, db, clk.now(), item("a", "87.00"))
		if a, _ := db.DeliverAlerts(ctx, in.ID); len(a) != 0 {
			t.Fatalf("alert below the minimum drop: %+v", a)
		}
		importAll(t, db, clk.now(), item("a", "84.00"), item("b", "40.00"), item("c", "10.00"))
		alerts, _ = db.DeliverAlerts(ctx, in.ID)
		if len(alerts) != 1 { // daily cap 2: one already sent today
			t.Fatalf("daily cap: %d alerts, want 1: %+v", len(alerts), alerts)
		}
		// A day later the capped ones come.
		clk.add(25 * time.Hour)
		alerts, _ = db.DeliverAlerts(ctx, in.ID)
		if len(alerts) != 2 {
			t.Fatalf("after a day: %d alerts, want 2: %+v", len(alerts), alerts)
		}
		ws, err := db.Watches(ctx, in.ID)
		if err != nil || len(ws) != 3 || ws[0].CurrentPrice.Text() == "" {
			t.Fatalf("watches %+v %v", ws, err)
		}
		if err := db.DeleteWatch(ctx, other.ID, wa.ID); vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
			t.Fatalf("deleting another install's watch: %v", err)
		}
		if err := db.DeleteWatch(ctx, in.ID, wa.ID); err != nil {
			t.Fatal(err)
		}
		if ws, _ := db.Watches(ctx, in.ID); len(ws) != 2 {
			t.Fatalf("%d watches after delete", len(ws))
		}
	})
}

func TestLists(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importAll(t, db, t0, item("a", "1.00"), item("b", "2.00"))
		in, _, _ := db.CreateInstall(ctx, "chrome", "1")
		other, _, _ := db.CreateInstall(ctx, "chrome", "1")
		l, err := db.CreateList(ctx, in.ID, "  Gifts ")
		if err != nil || l.Name != "Gifts" {
			t.Fatalf("%+v %v", l, err)
		}
		if _, err := db.CreateList(ctx, in.ID, "Gifts"); vitrine.ErrorCode(err) != vitrine.ECONFLICT {
			t.Fatalf("duplicate name: %v", err)
		}
		if _, err := db.CreateList(ctx, in.ID, " "); vitrine.ErrorCode(err) != vitrine.EINVALID {
			t.Fatalf("empty name: %v", err)
		}
		for _, p := range []string{"a", "b", "a"} {
			if err := db.AddListItem(ctx, in.ID, l.ID, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.AddListItem(ctx, other.ID, l.ID, "a"); vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
			t.Fatalf("another install's list: %v", err)
		}
		if err := db.AddListItem(ctx, in.ID, l.ID, "zzz"); vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
			t.Fatalf("unknown product: %v", err)
		}
		ls, err := db.Lists(ctx, in.ID)
		if err != nil || len(ls) != 1 || len(ls[0].Items) != 2 || ls[0].Items[1].Price.Text() != "2.00" {
			t.Fatalf("lists %+v %v", ls, err)
		}
		if ls, _ := db.Lists(ctx, other.ID); len(ls) != 0 {
			t.Fatalf("other install sees %d lists", len(ls))
		}
		if err := db.RemoveListItem(ctx, in.ID, l.ID, "a"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveListItem(ctx, in.ID, l.ID, "a"); vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
			t.Fatalf("remove twice: %v", err)
		}
		if err := db.DeleteList(ctx, other.ID, l.ID); vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
			t.Fatalf("delete another's list: %v", err)
		}
		if err := db.DeleteList(ctx, in.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		if ls, _ := db.Lists(ctx, in.ID); len(ls) != 0 {
			t.Fatalf("%d lists after delete", len(ls))
		}
	})
}
