package web_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/analytics"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/password"
	"github.com/vitrine/vitrine/internal/policy"
	"github.com/vitrine/vitrine/internal/storetest"
	"github.com/vitrine/vitrine/internal/web"
)

// Analyst pages render SVG charts, need the analyst or admin role, and show
// (and export) only groups of at least k shoppers.
func TestAnalystPages(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	a := &authn.Authn{Store: db, Params: password.Params{Memory: 1024, Time: 1, Threads: 1}}
	site := &web.Site{Catalog: db, Rewards: db, Policy: policy.Default(), StoreName: "Demo Store", Logger: slog.Default()}
	an := &analytics.Service{DB: db}
	mux := http.NewServeMux()
	site.Routes(mux)
	site.AdminRoutes(mux, a)
	site.AnalystRoutes(mux, a, an)
	site.ShopperRoutes(mux, &web.Shopper{Auth: a, Dashboard: db, Consent: db, Rewards: db})
	ts := httptest.NewServer(mux)
	defer ts.Close()

	now := time.Now().UTC()
	var evs []vitrine.Event
	var shopper string
	for i := 0; i < 19; i++ {
		in, _, _ := db.CreateInstall(ctx, "chrome", "1")
		shopper = in.ID
		dom := "ten.example"
		if i >= 10 {
			dom = "nine.example"
		}
		at := now.Add(-time.Hour)
		evs = append(evs, vitrine.Event{ID: ids.UUIDv7(), InstallID: in.ID, Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews,
			OccurredAt: at, ReceivedAt: at, Domain: dom, Payload: json.RawMessage(`{"url":"https://` + dom + `/","referrer_domain":"","dwell_ms":5}`)})
	}
	db.InsertEvents(ctx, evs)
	if _, err := (&analytics.Rollup{Store: db}).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"admin", "analyst"} {
		h, _ := password.Hash("a long enough password", a.Params)
		db.CreateUser(ctx, role+"@store.example", role, h)
	}

	pages := []string{"/analyst/", "/analyst/competitors", "/analyst/prices", "/analyst/funnel", "/analyst/cohorts", "/analyst/experiments", "/analyst/intent", "/analyst/export/competitors.csv"}
	anon := browser(t)
	for _, p := range pages {
		if code, _ := body(anon.Get(ts.URL + p)); code != 401 {
			t.Fatalf("anonymous %s: %d", p, code)
		}
	}
	// A shopper's dashboard session is not an analyst's.
	link, _ := db.CreateLoginLink(ctx, shopper, time.Minute)
	me := browser(t)
	body(me.Get(ts.URL + "/me/login?t=" + link))
	for _, p := range pages {
		if code, _ := body(me.Get(ts.URL + p)); code != 401 {
			t.Fatalf("shopper session %s: %d", p, code)
		}
	}
	for _, role := range []string{"analyst", "admin"} {
		b := browser(t)
		if code, _ := body(b.PostForm(ts.URL+"/admin/login", url.Values{"email": {role + "@store.example"}, "password": {"a long enough password"}})); code != 200 {
			t.Fatalf("%s login: %d", role, code)
		}
		for _, p := range pages[:7] {
			code, page := body(b.Get(ts.URL + p))
			if code != 200 || !strings.Contains(page, "<svg") || strings.Contains(page, "nine.example") {
				t.Fatalf("%s %s: %d\n%s", role, p, code, page)
			}
		}
		_, page := body(b.Get(ts.URL + "/analyst/competitors"))
		if !strings.Contains(page, "<td>ten.example</td>") || !strings.Contains(page, "ten.example: 10 events, 10 shoppers") {
			t.Fatalf("competitors page lacks the group of 10:\n%s", page)
		}
		code, csv := body(b.Get(ts.URL + "/analyst/export/competitors.csv"))
		if code != 200 || !strings.Contains(csv, "ten.example") || strings.Contains(csv, "nine.example") {
			t.Fatalf("CSV %d:\n%s", code, csv)
		}
		if code, _ := body(b.Get(ts.URL + "/analyst/export/nothing.csv")); code != 404 {
			t.Fatalf("unknown export: %d", code)
		}
		if code, _ := body(b.Get(ts.URL + "/analyst/competitors?from=bad")); code != 400 {
			t.Fatalf("bad date: %d", code)
		}
	}
}
