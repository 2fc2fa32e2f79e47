package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/compare"
	"github.com/vitrine/vitrine/internal/httpapi"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/password"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"

	"net/http/httptest"
)

// The reward journey through the API: the operator funds a campaign with an
// API token, the store issues a link code, the shopper links, qualifies,
// sees the credit, redeems it once, and keeps it after withdrawing.
func TestRewardJourney(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := &authn.Authn{Store: db, Params: password.Params{Memory: 1024, Time: 1, Threads: 1}}
		cmp := &compare.Service{Source: db, Rates: money.DefaultRates()}
		cmp.Refresh(ctx)
		srv := &httpapi.Server{Store: db, Shoppers: db, Compare: cmp, Consent: db, Rewards: db, Auth: a}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		h, _ := password.Hash("operator password", a.Params)
		u, _ := db.CreateUser(ctx, "ops@store.example", "admin", h)
		tok := ids.Token()
		db.SetAPIToken(ctx, u.ID, ids.HashToken(tok))
		h2, _ := password.Hash("analyst password", a.Params)
		ana, _ := db.CreateUser(ctx, "ana@store.example", "analyst", h2)
		anaTok := ids.Token()
		db.SetAPIToken(ctx, ana.ID, ids.HashToken(anaTok))

		ops := &client{t: t, base: ts.URL, token: tok}
		analyst := &client{t: t, base: ts.URL, token: anaTok}
		shopper := &client{t: t, base: ts.URL}
		if c := shopper.must("GET", "/v1/campaign", "", 200); c["campaign"] != nil {
			t.Fatalf("campaign before any: %v", c)
		}
		start := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
		end := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
		body := `{"name":"Join","reward":{"amount":"10.00","currency":"USD"},"budget":{"amount":"100.00","currency":"USD"},"starts_at":"` + start + `","ends_at":"` + end + `","new_installs_only":true,"min_active_days":1,"min_page_views":2}`
		analyst.must("POST", "/v1/admin/campaigns", body, 403)
		shopper.must("POST", "/v1/admin/campaigns", body, 401)
		ops.must("POST", "/v1/admin/campaigns", `{"name":"x"}`, 400)
		ops.must("POST", "/v1/admin/campaigns", body, 201)
		terms := shopper.must("GET", "/v1/campaign", "", 200)["campaign"].(map[string]any)
		if !strings.Contains(terms["terms"].(string), "10.00 USD") {
			t.Fatalf("terms %v", terms)
		}
		code := ops.must("POST", "/v1/admin/link-codes", `{"store_account_id":"cust-42"}`, 201)["code"].(string)

		in := shopper.must("POST", "/v1/installs", `{"browser":"chrome"}`, 201)
		shopper.token = in["token"].(string)
		installID := in["install_id"].(string)
		shopper.must("POST", "/v1/account/link", `{"code":"NOPE-NOPE-NOPE"}`, 400)
		shopper.must("POST", "/v1/account/link", `{"code":"`+code+`"}`, 200)
		shopper.must("POST", "/v1/account/link", `{"code":"`+code+`"}`, 400) // reused
		st := shopper.must("GET", "/v1/rewards", "", 200)
		if st["progress"].(map[string]any)["earned"] != false || st["linked"] != true {
			t.Fatalf("before qualifying: %v", st)
		}
		now := time.Now()
		var evs []vitrine.Event
		for i := 0; i < 2; i++ {
			evs = append(evs, vitrine.Event{ID: ids.UUIDv7(), InstallID: installID, Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews, OccurredAt: now, ReceivedAt: now, Domain: "a.example", Payload: json.RawMessage(`{}`)})
		}
		db.InsertEvents(ctx, evs)
		st = shopper.must("GET", "/v1/rewards", "", 200)
		if st["progress"].(map[string]any)["earned"] != true || st["balance"].(map[string]any)["amount"] != "10.00" {
			t.Fatalf("after qualifying: %v", st)
		}
		r1 := shopper.must("POST", "/v1/rewards/redeem", `{"idempotency_key":"k1"}`, 200)
		r2 := shopper.must("POST", "/v1/rewards/redeem", `{"idempotency_key":"k1"}`, 200)
		if r1["code"] != r2["code"] || r1["amount"].(map[string]any)["amount"] != "10.00" {
			t.Fatalf("redeem %v %v", r1, r2)
		}
		shopper.must("POST", "/v1/rewards/redeem", `{"idempotency_key":"k2"}`, 409)
		// Withdrawing and deleting everything keeps the reward.
		db.DeleteEvents(ctx, installID, vitrine.DeleteAll, vitrine.EventFilter{})
		st = shopper.must("GET", "/v1/rewards", "", 200)
		if st["progress"].(map[string]any)["earned"] != true {
			t.Fatalf("reward lost after deletion: %v", st)
		}
		link := shopper.must("POST", "/v1/dashboard/login-link", "", 201)
		if !strings.HasPrefix(link["path"].(string), "/me/login?t=") {
			t.Fatalf("login link %v", link)
		}
		list := ops.must("GET", "/v1/admin/campaigns", "", 200)["campaigns"].([]any)
		if list[0].(map[string]any)["budget_left"].(map[string]any)["amount"] != "90.00" {
			t.Fatalf("campaigns %v", list)
		}
	})
}
