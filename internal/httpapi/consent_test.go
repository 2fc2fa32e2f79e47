package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func TestConsentAPI(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ts := newServer(t, db)
		c := &client{t: t, base: ts.URL}
		pol := c.must("GET", "/v1/policy", "", 200)
		if pol["retention_days"].(float64) != 90 || len(pol["sensitive"].(map[string]any)) != 5 {
			t.Fatalf("policy %v", pol)
		}
		n := c.must("GET", "/v1/notice?lang=fr", "", 200)
		if !strings.Contains(n["text"].(string), "Avis du panel") || len(n["hash"].(string)) != 64 {
			t.Fatalf("notice %v", n)
		}
		c.must("GET", "/v1/notice?lang=xx", "", 400)
		version := n["version"].(string)
		c.token = c.must("POST", "/v1/installs", `{"browser":"chrome"}`, 201)["token"].(string)

		// Global Privacy Control: no new consent from that request, and nothing recorded.
		req, _ := http.NewRequest("POST", ts.URL+"/v1/consent", strings.NewReader(`{"action":"grant","scopes":["page_views"],"notice_version":"`+version+`"}`))
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Sec-GPC", "1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 403 || !strings.Contains(string(b), "Sec-GPC") {
			t.Fatalf("GPC grant: %d %s", res.StatusCode, b)
		}
		if h := c.must("GET", "/v1/consent", "", 200)["history"].([]any); len(h) != 0 {
			t.Fatalf("GPC request recorded consent: %v", h)
		}
		c.must("POST", "/v1/consent", `{"action":"grant","scopes":["page_views"],"notice_version":"1999-01-01"}`, 409)
		c.must("POST", "/v1/consent", `{"action":"grant","scopes":["keystrokes"],"notice_version":"`+version+`"}`, 400)
		c.must("POST", "/v1/consent", `{"action":"resume"}`, 400)
		st := c.must("POST", "/v1/consent", `{"action":"grant","scopes":["page_views"],"notice_version":"`+version+`","lang":"fr"}`, 200)
		if st["notice_hash"] != n["hash"] || len(st["active"].([]any)) != 1 {
			t.Fatalf("grant %v", st)
		}
		st = c.must("POST", "/v1/consent", `{"action":"pause"}`, 200)
		if len(st["active"].([]any)) != 0 {
			t.Fatalf("pause %v", st)
		}
		c.must("POST", "/v1/consent", `{"action":"resume"}`, 200)
		c.must("POST", "/v1/consent", `{"action":"withdraw"}`, 200)
		got := c.must("GET", "/v1/consent", "", 200)
		h := got["history"].([]any)
		if len(h) != 4 || h[0].(map[string]any)["notice_hash"] != n["hash"] || got["state"].(map[string]any)["member"] != false {
			t.Fatalf("history %v", got)
		}
		anon := &client{t: t, base: ts.URL}
		anon.must("GET", "/v1/consent", "", 401)
	})
}
