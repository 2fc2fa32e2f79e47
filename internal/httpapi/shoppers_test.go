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
	"github.com/vitrine/vitrine/internal/compare"
	"github.com/vitrine/vitrine/internal/httpapi"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

type client struct {
	t     *testing.T
	base  string
	token string
}

func (c *client) do(method, path, body string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(b)
}

func (c *client) must(method, path, body string, status int) map[string]any {
	c.t.Helper()
	code, b := c.do(method, path, body)
	if code != status {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, code, status, b)
	}
	var v map[string]any
	if b != "" {
		json.Unmarshal([]byte(b), &v)
	}
	return v
}

func newServer(t *testing.T, db *store.DB) *httptest.Server {
	info := compare.StoreInfo{Name: "Demo", Domains: []string{"127.0.0.1"}, Currency: "USD"}
	cmp := &compare.Service{Source: db, Store: info, Rates: money.DefaultRates()}
	if _, err := cmp.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := &httpapi.Server{Store: db, Shoppers: db, Compare: cmp, Consent: db, StoreInfo: info, MaxBodyBytes: 64 << 10}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func TestShopperJourney(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		ts := newServer(t, db)
		c := &client{t: t, base: ts.URL}
		cfg := c.must("GET", "/v1/config", "", 200)
		if cfg["store"].(map[string]any)["domains"].([]any)[0] != "127.0.0.1" {
			t.Fatalf("config %v", cfg)
		}
		in := c.must("POST", "/v1/installs", `{"browser":"chrome","version":"0.1.0"}`, 201)
		c.token = in["token"].(string)
		if !strings.HasPrefix(in["install_id"].(string), "ins_") || len(c.token) < 40 {
			t.Fatalf("install %v", in)
		}
		w := c.must("POST", "/v1/watches", `{"product_id":"tv-55","target_price":{"amount":"105.00","currency":"USD"}}`, 201)
		if w["current_price"].(map[string]any)["amount"] != "110.00" {
			t.Fatalf("watch %v", w)
		}
		ws := c.must("GET", "/v1/watches", "", 200)["watches"].([]any)
		if len(ws) != 1 {
			t.Fatalf("watches %v", ws)
		}
		c.must("PUT", "/v1/alert-settings", `{"min_drop_percent":"2.5","daily_cap":3}`, 200)
		if s := c.must("GET", "/v1/alert-settings", "", 200); s["min_drop_percent"] != "2.50" || s["daily_cap"].(float64) != 3 {
			t.Fatalf("settings %v", s)
		}
		if a := c.must("GET", "/v1/alerts", "", 200)["alerts"].([]any); len(a) != 0 {
			t.Fatalf("alerts before drop %v", a)
		}
		// The store lowers the price below the target.
		ctx := context.Background()
		im, _ := db.BeginImport(ctx, time.Now())
		it, _ := db.Item(ctx, "tv-55")
		it.Offer.Price.Amount = 100 * money.Scale
		im.Upsert(ctx, []vitrine.Item{it})
		im.Commit()
		a := c.must("GET", "/v1/alerts", "", 200)["alerts"].([]any)
		if len(a) != 1 || a[0].(map[string]any)["price"].(map[string]any)["amount"] != "100.00" {
			t.Fatalf("alerts %v", a)
		}
		if a := c.must("GET", "/v1/alerts", "", 200)["alerts"].([]any); len(a) != 0 {
			t.Fatalf("alert delivered twice %v", a)
		}
		l := c.must("POST", "/v1/lists", `{"name":"Wishlist"}`, 201)
		lid := l["id"].(string)
		c.must("POST", "/v1/lists/"+lid+"/items", `{"product_id":"phone-1"}`, 201)
		ls := c.must("GET", "/v1/lists", "", 200)["lists"].([]any)
		items := ls[0].(map[string]any)["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["price"].(map[string]any)["currency"] != "EUR" {
			t.Fatalf("lists %v", ls)
		}
		c.must("DELETE", "/v1/lists/"+lid+"/items/phone-1", "", 204)
		c.must("DELETE", "/v1/lists/"+lid, "", 204)
		c.must("DELETE", "/v1/watches/"+w["id"].(string), "", 204)

		// Another install sees none of it and cannot touch it.
		other := &client{t: t, base: ts.URL}
		other.token = other.must("POST", "/v1/installs", `{"browser":"firefox","version":"1"}`, 201)["token"].(string)
		l2 := c.must("POST", "/v1/lists", `{"name":"Mine"}`, 201)
		other.must("DELETE", "/v1/lists/"+l2["id"].(string), "", 404)
		other.must("POST", "/v1/lists/"+l2["id"].(string)+"/items", `{"product_id":"tv-55"}`, 404)
	})
}

func TestShopperBadInput(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		seed(t, db)
		ts := newServer(t, db)
		anon := &client{t: t, base: ts.URL}
		c := &client{t: t, base: ts.URL}
		c.token = c.must("POST", "/v1/installs", `{"browser":"chrome","version":"0.1.0"}`, 201)["token"].(string)
		bad := &client{t: t, base: ts.URL, token: "not-a-token"}
		for _, tc := range []struct {
			name         string
			c            *client
			method, path string
			body         string
			status       int
			want         string
		}{
			{"install: unknown browser", anon, "POST", "/v1/installs", `{"browser":"netscape"}`, 400, "field browser"},
			{"install: malformed JSON", anon, "POST", "/v1/installs", `{"browser":`, 400, "malformed JSON"},
			{"install: unknown field", anon, "POST", "/v1/installs", `{"browser":"chrome","x":1}`, 400, `unknown field \"x\"`},
			{"install: wrong type", anon, "POST", "/v1/installs", `{"browser":5}`, 400, "field browser: got JSON number"},
			{"install: trailing data", anon, "POST", "/v1/installs", `{"browser":"chrome"} {}`, 400, "data after"},
			{"install: empty body", anon, "POST", "/v1/installs", ``, 400, "empty"},
			{"watches: no token", anon, "GET", "/v1/watches", "", 401, "missing Authorization"},
			{"watches: bad token", bad, "GET", "/v1/watches", "", 401, "unknown or revoked"},
			{"watch: no target", c, "POST", "/v1/watches", `{"product_id":"tv-55"}`, 400, "target_price is required"},
			{"watch: float amount is read exactly", c, "POST", "/v1/watches", `{"product_id":"tv-55","target_price":{"amount":1e400,"currency":"USD"}}`, 400, "amount"},
			{"watch: unknown product", c, "POST", "/v1/watches", `{"product_id":"nope","target_price":{"amount":"1","currency":"USD"}}`, 404, "not found"},
			{"watch: wrong currency", c, "POST", "/v1/watches", `{"product_id":"tv-55","target_price":{"amount":"1","currency":"EUR"}}`, 400, "priced in USD"},
			{"settings: bad percent", c, "PUT", "/v1/alert-settings", `{"min_drop_percent":"five","daily_cap":3}`, 400, "min_drop_percent"},
			{"settings: cap zero", c, "PUT", "/v1/alert-settings", `{"min_drop_percent":"1","daily_cap":0}`, 400, "daily_cap"},
			{"list: no name", c, "POST", "/v1/lists", `{"name":"  "}`, 400, "empty"},
			{"list item: unknown list", c, "POST", "/v1/lists/lst_x/items", `{"product_id":"tv-55"}`, 404, "list"},
			{"compare: deep nesting", anon, "POST", "/v1/compare", strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), 400, "nests"},
			{"compare: huge body", anon, "POST", "/v1/compare", `{"domain":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "limit"},
			{"compare: url not host", anon, "POST", "/v1/compare", `{"domain":"https://x.example/p","facts":{"title":"x"}}`, 400, "not a host name"},
			{"compare: price text", anon, "POST", "/v1/compare", `{"domain":"x.example","facts":{"title":"x","price":"$1,299.00","currency":"USD"}}`, 400, "plain decimal"},
			{"compare: wrong content type", anon, "POST", "/v1/compare", `domain=x`, 400, "Content-Type"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req, _ := http.NewRequest(tc.method, ts.URL+tc.path, strings.NewReader(tc.body))
				req.Header.Set("Content-Type", "application/json")
				if tc.name == "compare: wrong content type" {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				if tc.c.token != "" {
					req.Header.Set("Authorization", "Bearer "+tc.c.token)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
					t.Fatalf("status %d, want %d; body %s lacks %q", res.StatusCode, tc.status, b, tc.want)
				}
			})
		}
		// Nothing was stored by the refused requests.
		ws := c.must("GET", "/v1/watches", "", 200)["watches"].([]any)
		ls := c.must("GET", "/v1/lists", "", 200)["lists"].([]any)
		if len(ws) != 0 || len(ls) != 0 {
			t.Fatalf("refused requests stored data: %v %v", ws, ls)
		}
	})
}

func TestCompareEndpoint(t *testing.T) {
	db := storetest.OpenSQLite(t)
	seed(t, db)
	ts := newServer(t, db)
	c := &client{t: t, base: ts.URL}
	r := c.must("POST", "/v1/compare", `{"domain":"shop.other","facts":{"gtin":"4006381333931","price":"120.00","currency":"USD"}}`, 200)
	if r["status"] != "match" || r["matched_by"] != "gtin" || r["comparison"].(map[string]any)["store_is_cheaper"] != true {
		t.Fatalf("compare %v", r)
	}
	if r := c.must("POST", "/v1/compare", `{"domain":"127.0.0.1","facts":{"gtin":"4006381333931"}}`, 200); r["status"] != "own_site" {
		t.Fatalf("own site %v", r)
	}
	if r := c.must("POST", "/v1/compare", `{"domain":"shop.other","facts":{"title":"Something else entirely"}}`, 200); r["status"] != "no_match" {
		t.Fatalf("no match %v", r)
	}
}
