package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/analytics"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/password"
	"github.com/vitrine/vitrine/internal/policy"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
	"github.com/vitrine/vitrine/internal/web"
)

// Deleting through the dashboard removes the shopper's events from every
// table, raw and derived: the test searches every text column of every
// table for them afterwards, rather than the places we expect.
func TestDeletionReachesEveryTable(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &authn.Authn{Store: db, Params: password.Params{Memory: 1024, Time: 1, Threads: 1}}
		an := &analytics.Service{DB: db, K: analytics.DefaultK, Logger: slog.Default()}
		site := &web.Site{Catalog: db, Rewards: db, Policy: policy.Default(), StoreName: "Demo Store", Logger: slog.Default()}
		mux := http.NewServeMux()
		site.ShopperRoutes(mux, &web.Shopper{Auth: a, Dashboard: db, Consent: db, Rewards: db,
			Deleters: []func(*http.Request, string, string, vitrine.EventFilter) (string, int64, error){an.Deleter}})
		ts := httptest.NewServer(mux)
		defer ts.Close()

		me, _, _ := db.CreateInstall(ctx, "chrome", "1")
		other, _, _ := db.CreateInstall(ctx, "chrome", "1")
		past := time.Now().Add(-3 * time.Hour).UTC().Truncate(time.Millisecond)
		var siteA, siteB []string
		var evs []vitrine.Event
		add := func(in, domain string, ids_ *[]string) {
			id := ids.UUIDv7()
			if ids_ != nil {
				*ids_ = append(*ids_, id)
			}
			evs = append(evs, vitrine.Event{ID: id, InstallID: in, Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews,
				OccurredAt: past, ReceivedAt: past, Domain: domain, Payload: json.RawMessage(`{"url":"https://` + domain + `/p","referrer_domain":"","dwell_ms":10}`)})
		}
		for i := 0; i < 3; i++ {
			add(me.ID, "a-only-mine.example", &siteA)
			add(me.ID, "b.example", &siteB)
			add(other.ID, "b.example", nil)
		}
		if _, err := db.InsertEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		// Derived tables exist before the deletion.
		if _, err := (&analytics.Rollup{Store: db, Now: time.Now}).RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		found, err := db.FindEverywhere(ctx, []string{"a-only-mine.example", me.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(found["a-only-mine.example"]) < 2 {
			t.Fatalf("the site should be in raw and derived tables before deletion: %v", found)
		}

		b := browser(t)
		link, _ := db.CreateLoginLink(ctx, me.ID, authn.LoginLinkTTL)
		_, page := body(b.Get(ts.URL + "/me/login?t=" + link))
		csrf := csrfRE.FindStringSubmatch(page)[1]
		if code, _ := body(b.PostForm(ts.URL+"/me/delete", url.Values{"kind": {"site"}, "site": {"a-only-mine.example"}, "csrf": {csrf}})); code != 200 {
			t.Fatalf("delete site: %d", code)
		}
		found, err = db.FindEverywhere(ctx, append([]string{"a-only-mine.example"}, siteA...))
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 0 {
			t.Fatalf("after deleting the site, it is still in: %v", found)
		}
		if code, _ := body(b.PostForm(ts.URL+"/me/delete", url.Values{"kind": {"all"}, "csrf": {csrf}})); code != 200 {
			t.Fatalf("delete all: %d", code)
		}
		found, err = db.FindEverywhere(ctx, append([]string{me.ID}, siteB...))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range siteB {
			if len(found[id]) > 0 {
				t.Fatalf("event %s still in %v", id, found[id])
			}
		}
		// The install itself, its consent proof, its sessions and its
		// deletion receipts remain; nothing it browsed does.
		allowed := []string{"installs.id", "sessions.subject", "login_links.install_id", "deletions.install_id", "consent_records.install_id"}
		for _, place := range found[me.ID] {
			if !slices.Contains(allowed, place) {
				t.Errorf("after deleting everything, the install is still in %s", place)
			}
		}
		if n, _ := db.CountEvents(ctx, other.ID); n != 3 {
			t.Fatalf("another shopper's events were touched: %d left", n)
		}
	})
}
