package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/analytics"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/httpapi"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/password"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

// The analyst API: roles, k-anonymity in JSON and CSV, orders, and the
// install-facing experiment endpoints.
func TestAnalyticsAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &authn.Authn{Store: db, Params: password.Params{Memory: 1024, Time: 1, Threads: 1}}
		an := &analytics.Service{DB: db}
		srv := &httpapi.Server{Store: db, Shoppers: db, Consent: db, Rewards: db, Auth: a, Analytics: an}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		users := map[string]string{}
		for _, role := range []string{"admin", "analyst"} {
			h, _ := password.Hash("a password", a.Params)
			u, err := db.CreateUser(ctx, role+"@store.example", role, h)
			if err != nil {
				t.Fatal(err)
			}
			tok := ids.Token()
			db.SetAPIToken(ctx, u.ID, ids.HashToken(tok))
			users[role] = tok
		}
		// 10 installs on ten.example, 9 on nine.example, an hour ago.
		now := time.Now().UTC()
		var evs []vitrine.Event
		var shopperTok, shopperID string
		for i := 0; i < 19; i++ {
			in, tok, _ := db.CreateInstall(ctx, "chrome", "1")
			shopperTok, shopperID = tok, in.ID
			dom := "ten.example"
			if i >= 10 {
				dom = "nine.example"
			}
			at := now.Add(-time.Hour)
			evs = append(evs, vitrine.Event{ID: ids.UUIDv7(), InstallID: in.ID, Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews,
				OccurredAt: at, ReceivedAt: at, Domain: dom, Payload: json.RawMessage(`{"url":"https://` + dom + `/","referrer_domain":"","dwell_ms":5}`)})
		}
		if _, err := db.InsertEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		if _, err := (&analytics.Rollup{Store: db}).RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		anon := &client{t: t, base: ts.URL}
		shopper := &client{t: t, base: ts.URL, token: shopperTok}
		analyst := &client{t: t, base: ts.URL, token: users["analyst"]}
		admin := &client{t: t, base: ts.URL, token: users["admin"]}

		for _, p := range []string{"/v1/analytics/competitors", "/v1/analytics/price-gaps", "/v1/analytics/funnel", "/v1/analytics/cohorts", "/v1/analytics/experiments", "/v1/analytics/intent"} {
			anon.must("GET", p, "", 401)
			shopper.must("GET", p, "", 401) // an install token is not a user's
			analyst.must("GET", p, "", 200)
			admin.must("GET", p, "", 200)
		}
		body := analyst.must("GET", "/v1/analytics/competitors", "", 200)
		b, _ := json.Marshal(body)
		if !strings.Contains(string(b), `"domain":"ten.example"`) || strings.Contains(string(b), "nine.example") {
			t.Fatalf("competitors JSON: %s", b)
		}
		code, csv := analyst.do("GET", "/v1/analytics/competitors?format=csv", "")
		if code != 200 || !strings.HasPrefix(csv, "domain,own_site,events") || !strings.Contains(csv, "ten.example,false,10,10,0,0,10") || strings.Contains(csv, "nine.example") {
			t.Fatalf("competitors CSV %d:\n%s", code, csv)
		}
		analyst.must("GET", "/v1/analytics/competitors?format=xml", "", 400)
		analyst.must("GET", "/v1/analytics/competitors?from=yesterday", "", 400)
		analyst.must("GET", "/v1/analytics/competitors?colour=red", "", 400)

		order := `{"order_id":"A-1","install_id":"` + shopperID + `","product_id":"tv","amount":{"amount":"19.99","currency":"USD"},"ordered_at":"` + now.Format(time.RFC3339) + `"}`
		analyst.must("POST", "/v1/admin/orders", order, 403)
		anon.must("POST", "/v1/admin/orders", order, 401)
		admin.must("POST", "/v1/admin/orders", `{"order_id":"A-2","product_id":"tv","amount":{"amount":"1","currency":"USD"},"ordered_at":"`+now.Format(time.RFC3339)+`"}`, 400)
		admin.must("POST", "/v1/admin/orders", order, 201)
		if r := admin.must("POST", "/v1/admin/orders", order, 200); r["duplicate"] != true {
			t.Fatalf("retried order: %v", r)
		}

		// Experiments: the install's stable assignment, and exposures.
		asg := shopper.must("GET", "/v1/experiments", "", 200)["assignments"].(map[string]any)
		want := an.Assignments(shopperID)
		if fmt.Sprint(asg) != fmt.Sprint(want) || len(want) != 3 {
			t.Fatalf("assignments %v, want %v", asg, want)
		}
		anon.must("GET", "/v1/experiments", "", 401)
		wrong := "save"
		if want["bar_wording"] == "save" {
			wrong = "also_at"
		}
		ts0 := now.Add(-time.Minute).Format(time.RFC3339Nano)
		x := func(v string) string {
			return `{"exposures":[{"id":"` + ids.UUIDv7() + `","experiment":"bar_wording","variant":"` + v + `","product_id":"tv","domain":"ten.example","ts":"` + ts0 + `"}]}`
		}
		shopper.must("POST", "/v1/experiments/exposures", x(want["bar_wording"]), 403) // no consent yet
		notice := shopper.must("GET", "/v1/notice", "", 200)
		shopper.must("POST", "/v1/consent", `{"action":"grant","scopes":["product_views"],"notice_version":"`+notice["version"].(string)+`"}`, 200)
		if r := shopper.must("POST", "/v1/experiments/exposures", x(want["bar_wording"]), 200); r["accepted"] != 1.0 {
			t.Fatalf("exposure: %v", r)
		}
		if r := shopper.must("POST", "/v1/experiments/exposures", x(wrong), 200); r["refused"] != 1.0 {
			t.Fatalf("exposure in another variant: %v", r)
		}

		// Recommendations are public, and need a session.
		anon.must("GET", "/v1/recommendations", "", 400)
		if r := anon.must("GET", "/v1/recommendations?session=tv,phone&k=3", "", 200); fmt.Sprint(r["recommendations"]) != "[]" {
			t.Fatalf("recommendations with no panel data: %v", r)
		}
		if r := shopper.must("GET", "/v1/intent", "", 200); r["live"] != false {
			t.Fatalf("intent of an install with no recent session: %v", r)
		}
		anon.must("GET", "/v1/intent", "", 401)
	})
}
