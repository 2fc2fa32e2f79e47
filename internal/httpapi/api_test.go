package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/httpapi"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func seed(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	at := time.Now().Add(-40 * 24 * time.Hour)
	for i, price := range []string{"120.00", "99.00", "110.00"} {
		im, err := db.BeginImport(ctx, at.Add(time.Duration(i)*15*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := money.ParseAmount(price)
		items := []vitrine.Item{
			{Product: vitrine.Product{ID: "tv-55", Title: "Acme 55\" 4K TV", Brand: "Acme", GTIN: "4006381333931", MPN: "AC55"},
				Offer: vitrine.Offer{Price: money.Money{Amount: a, Currency: "USD"}, Availability: vitrine.InStock}},
			{Product: vitrine.Product{ID: "phone-1", Title: "Zeta Phone <b>1</b>", Brand: "Zeta"},
				Offer: vitrine.Offer{Price: money.Money{Amount: 500 * money.Scale, Currency: "EUR"}, Availability: vitrine.Preorder}},
		}
		if _, err := im.Upsert(ctx, items); err != nil {
			t.Fatal(err)
		}
		if err := im.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		srv := &httpapi.Server{Store: db, MaxBodyBytes: 1024}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		for _, tc := range []struct {
			name, method, path, body string
			status                   int
			contains                 []string
		}{
			{"health", "GET", "/healthz", "", 200, []string{`"status":"ok"`}},
			{"list", "GET", "/v1/products", "", 200, []string{`"id":"phone-1"`, `"id":"tv-55"`}},
			{"list by brand", "GET", "/v1/products?brand=ACME", "", 200, []string{`"id":"tv-55"`}},
			{"list by gtin", "GET", "/v1/products?gtin=4006381333931", "", 200, []string{`"gtin":"04006381333931"`}},
			{"list by query", "GET", "/v1/products?q=zeta+phone", "", 200, []string{`"id":"phone-1"`}},
			{"paging", "GET", "/v1/products?limit=1", "", 200, []string{`"next_cursor":"`}},
			{"bad gtin", "GET", "/v1/products?gtin=4006381333932", "", 400, []string{`"code":"invalid"`, "check digit"}},
			{"bad limit", "GET", "/v1/products?limit=0", "", 400, []string{"limit=0 is out of range"}},
			{"limit not a number", "GET", "/v1/products?limit=ten", "", 400, []string{"not an integer"}},
			{"unknown parameter", "GET", "/v1/products?colour=red", "", 400, []string{`unknown query parameter \"colour\"`}},
			{"bad cursor", "GET", "/v1/products?cursor=%25%25", "", 400, []string{"cursor"}},
			{"get", "GET", "/v1/products/tv-55", "", 200, []string{`"price":{"amount":"110.00","currency":"USD"}`, `"effective_price"`}},
			{"html is escaped", "GET", "/v1/products/phone-1", "", 200, []string{`Zeta Phone \u003cb\u003e1\u003c/b\u003e`, `"availability":"preorder"`}},
			{"get missing", "GET", "/v1/products/nope", "", 404, []string{`"code":"not_found"`, `product \"nope\" not found`}},
			{"history", "GET", "/v1/products/tv-55/history", "", 200, []string{`"points":[`, `"all_time_low":{"amount":"99.00"`, `"low_30_days":{"amount":"99.00"`, `"current":{"amount":"110.00"`}},
			{"history missing", "GET", "/v1/products/nope/history", "", 404, []string{`"not_found"`}},
			{"no route", "GET", "/v2/nothing", "", 404, []string{"no route for GET /v2/nothing"}},
			{"wrong method", "DELETE", "/v1/products/tv-55", "", 405, nil},
			{"body too large", "POST", "/v1/products", strings.Repeat("x", 2048), 413, []string{`"too_large"`}},
			{"openapi", "GET", "/openapi.json", "", 200, []string{`"openapi":"3.1.0"`, `"/v1/products/{id}/history"`}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req, _ := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(tc.body))
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, b)
				}
				for _, want := range tc.contains {
					if !strings.Contains(string(b), want) {
						t.Errorf("body lacks %q: %s", want, b)
					}
				}
			})
		}
		res, err := http.Get(ts.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), `vitrine_http_requests_total{route="GET /v1/products/{id}",code="404"} 1`) {
			t.Errorf("metrics do not count the 404:\n%s", b)
		}
	})
}

// Every route of the mux must be in the OpenAPI document and vice versa.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	db := storetest.OpenSQLite(t)
	srv := &httpapi.Server{Store: db}
	h := srv.Handler()
	doc := srv.OpenAPI()
	b, _ := json.Marshal(doc)
	var parsed struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	json.Unmarshal(b, &parsed)
	n := 0
	for path, ops := range parsed.Paths {
		for method := range ops {
			n++
			p := strings.ReplaceAll(path, "{id}", "x")
			req := httptest.NewRequest(strings.ToUpper(method), p, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code == http.StatusMethodNotAllowed || strings.Contains(rec.Body.String(), "no route for") {
				t.Errorf("OpenAPI lists %s %s but the server has no such route", method, path)
			}
		}
	}
	if n < 6 {
		t.Fatalf("OpenAPI lists only %d operations", n)
	}
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	db := storetest.OpenSQLite(t)
	srv := &httpapi.Server{Store: db}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	db.Close() // every query now fails with a driver error
	res, err := http.Get(ts.URL + "/v1/products/x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 500 || !strings.Contains(string(b), `"message":"internal error"`) || strings.Contains(string(b), "sql") {
		t.Fatalf("status %d body %s", res.StatusCode, b)
	}
}

func TestSummarize(t *testing.T) {
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	p := func(daysAgo int, amount string) vitrine.PricePoint {
		a, _ := money.ParseAmount(amount)
		return vitrine.PricePoint{At: now.Add(-time.Duration(daysAgo) * 24 * time.Hour), Price: money.Money{Amount: a, Currency: "USD"}}
	}
	// 80.00 was in force until 45 days ago: all-time low, not 30-day low.
	// 95.00 was set 40 days ago and in force 30 days ago: it counts for the 30-day low.
	h := []vitrine.PricePoint{p(100, "100.00"), p(60, "80.00"), p(45, "120.00"), p(40, "95.00"), p(10, "110.00"), p(2, "105.00")}
	s := vitrine.SummarizeHistory(h, now)
	if s.AllTimeLow.Text() != "80.00" || s.Low30Days.Text() != "95.00" || s.Current.Text() != "105.00" || s.AllTimeHigh.Text() != "120.00" {
		t.Fatalf("summary %+v", s)
	}
}
