package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/extract"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/policy"
	"github.com/vitrine/vitrine/internal/storetest"
	"github.com/vitrine/vitrine/internal/web"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(b)
}

func TestStorePages(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	im, _ := db.BeginImport(ctx, time.Now())
	im.Upsert(ctx, []vitrine.Item{{Product: vitrine.Product{ID: "tv-1", Title: `Acme 55" <TV> & "more"`, Brand: "Acme", GTIN: "4006381333931", MPN: "AC55"},
		Offer: vitrine.Offer{Price: money.Money{Amount: 49999 * 100, Currency: "USD"}, Availability: vitrine.InStock}}})
	im.Commit()
	site := &web.Site{Catalog: db, Rewards: db, Policy: policy.Default(), StoreName: "Demo Store", Logger: slog.Default(), DemoAccount: "demo-shopper"}
	mux := http.NewServeMux()
	site.Routes(mux)
	ts := httptest.NewServer(mux)
	defer ts.Close()

	code, body := get(t, ts.URL+"/shop/products/tv-1")
	if code != 200 || strings.Contains(body, "<TV>") || !strings.Contains(body, "&lt;TV&gt;") {
		t.Fatalf("product page %d: escaping:\n%s", code, body)
	}
	// The store's own page carries markup the extractor reads: same facts as the catalog.
	facts, err := extract.Extract(strings.NewReader(body), ts.URL+"/shop/products/tv-1")
	if err != nil || !facts.IsProduct || facts.Price == nil || facts.Price.Value != "499.99" || facts.GTIN == nil || facts.GTIN.Value != "04006381333931" {
		t.Fatalf("facts of the store's page: %+v %v", facts, err)
	}
	if code, _ := get(t, ts.URL+"/shop/products/nope"); code != 404 {
		t.Fatalf("missing product: %d", code)
	}
	if code, body := get(t, ts.URL+"/shop/?q=acme"); code != 200 || !strings.Contains(body, "/shop/products/tv-1") {
		t.Fatalf("listing %d", code)
	}
	res, err := http.Post(ts.URL+"/shop/account/link-code", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`id="link-code">([A-Z0-9-]{14})<`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatalf("no link code on the account page:\n%s", b)
	}
	in, _, _ := db.CreateInstall(ctx, "chrome", "1")
	if acct, err := db.LinkInstall(ctx, in.ID, m[1]); err != nil || acct != "demo-shopper" {
		t.Fatalf("the code does not link: %q %v", acct, err)
	}
}

func TestPrivacyPageIsTheNotice(t *testing.T) {
	db := storetest.OpenSQLite(t)
	p := policy.Default()
	site := &web.Site{Catalog: db, Policy: p, StoreName: "Demo Store", Logger: slog.Default()}
	mux := http.NewServeMux()
	site.Routes(mux)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	for _, lang := range []string{"en", "fr"} {
		n, _ := p.Notice(lang, "Demo Store")
		code, body := get(t, ts.URL+"/privacy?lang="+lang)
		if code != 200 || !strings.Contains(body, n.Hash) || !strings.Contains(body, "90") {
			t.Fatalf("%s: %d, hash %s missing", lang, code, n.Hash)
		}
		first := strings.SplitN(n.Text, "\n", 2)[0]
		if !strings.Contains(body, first) {
			t.Fatalf("%s: notice text missing %q", lang, first)
		}
	}
	for _, d := range p.Sensitive["banking"][:3] {
		if _, body := get(t, ts.URL+"/privacy"); !strings.Contains(body, d) {
			t.Fatalf("sensitive domain %s not listed", d)
		}
	}
}
