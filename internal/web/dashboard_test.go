package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/password"
	"github.com/vitrine/vitrine/internal/policy"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
	"github.com/vitrine/vitrine/internal/web"
)

func newSite(t *testing.T, db *store.DB) (*httptest.Server, *authn.Authn) {
	a := &authn.Authn{Store: db, Params: password.Params{Memory: 1024, Time: 1, Threads: 1}}
	site := &web.Site{Catalog: db, Rewards: db, Policy: policy.Default(), StoreName: "Demo Store", Logger: slog.Default()}
	mux := http.NewServeMux()
	site.Routes(mux)
	site.AdminRoutes(mux, a)
	site.ShopperRoutes(mux, &web.Shopper{Auth: a, Dashboard: db, Consent: db, Rewards: db})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, a
}

func browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
}

func body(res *http.Response, err error) (int, string) {
	if err != nil {
		panic(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestShopperDashboard(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ts, _ := newSite(t, db)
		me, _, _ := db.CreateInstall(ctx, "chrome", "1")
		other, _, _ := db.CreateInstall(ctx, "chrome", "1")
		n, _ := policy.Default().Notice("en", "Demo Store")
		db.RecordConsent(ctx, vitrine.ConsentRecord{InstallID: me.ID, Action: vitrine.ConsentGrant, Scopes: []vitrine.Scope{vitrine.ScopePageViews}, NoticeVersion: n.Version, NoticeHash: n.Hash})
		now := time.Now().UTC().Truncate(time.Millisecond)
		var mine []string
		var evs []vitrine.Event
		for i, d := range []string{"a.example", "a.example", "b.example", `c.example"><script>`} {
			id := ids.UUIDv7()
			mine = append(mine, id)
			evs = append(evs, vitrine.Event{ID: id, InstallID: me.ID, Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews, OccurredAt: now.Add(time.Duration(i) * time.Minute), ReceivedAt: now, Domain: d, Payload: json.RawMessage(`{"url":"https://a.example/p"}`)})
		}
		theirs := ids.UUIDv7()
		evs = append(evs, vitrine.Event{ID: theirs, InstallID: other.ID, Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews, OccurredAt: now, ReceivedAt: now, Domain: "a.example", Payload: json.RawMessage(`{}`)})
		if _, err := db.InsertEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		b := browser(t)
		if code, _ := body(b.Get(ts.URL + "/me")); code != 401 {
			t.Fatalf("dashboard without login: %d", code)
		}
		link, _ := db.CreateLoginLink(ctx, me.ID, authn.LoginLinkTTL)
		code, page := body(b.Get(ts.URL + "/me/login?t=" + link))
		if code != 200 || !strings.Contains(page, "Everything you shared") {
			t.Fatalf("login: %d\n%s", code, page)
		}
		for _, id := range mine {
			if !strings.Contains(page, id) {
				t.Fatalf("event %s not on the dashboard", id)
			}
		}
		if strings.Contains(page, theirs) || strings.Contains(page, "<script>") {
			t.Fatal("another shopper's event, or unescaped markup, on the dashboard")
		}
		if code, _ := body(browser(t).Get(ts.URL + "/me/login?t=" + link)); code != 401 {
			t.Fatalf("reused login link: %d", code)
		}
		if code, _ := body(browser(t).Get(ts.URL + "/me/login?t=forged")); code != 401 {
			t.Fatalf("forged login link: %d", code)
		}
		csrf := csrfRE.FindStringSubmatch(page)[1]
		// Export: every event, nothing else.
		_, js := body(b.Get(ts.URL + "/me/export.json"))
		var exp struct {
			Events []struct{ ID string } `json:"events"`
		}
		json.Unmarshal([]byte(js), &exp)
		if len(exp.Events) != 4 {
			t.Fatalf("export has %d events", len(exp.Events))
		}
		_, csv := body(b.Get(ts.URL + "/me/export.csv"))
		if strings.Count(csv, "\n") != 5 || strings.Contains(csv, theirs) {
			t.Fatalf("csv export:\n%s", csv)
		}
		post := func(form url.Values) (int, string) {
			return body(b.PostForm(ts.URL+"/me/delete", form))
		}
		if code, _ := post(url.Values{"kind": {"site"}, "site": {"a.example"}, "csrf": {"forged"}}); code != 403 {
			t.Fatalf("forged CSRF: %d", code)
		}
		if code, _ := post(url.Values{"kind": {"event"}, "event": {theirs}, "csrf": {csrf}}); code != 404 {
			t.Fatalf("another shopper's event: %d", code)
		}
		if n, _ := db.CountEvents(ctx, ""); n != 5 {
			t.Fatalf("refused deletions deleted something: %d events left", n)
		}
		code, receipt := post(url.Values{"kind": {"site"}, "site": {"a.example"}, "csrf": {csrf}})
		if code != 200 || !strings.Contains(receipt, "everything from a.example") || !strings.Contains(receipt, "<strong>0</strong> matching events remain") {
			t.Fatalf("site deletion: %d\n%s", code, receipt)
		}
		_, page = body(b.Get(ts.URL + "/me"))
		if strings.Contains(page, mine[0]) || !strings.Contains(page, mine[2]) {
			t.Fatal("deleted events still shown, or others gone")
		}
		if n, _ := db.CountEvents(ctx, other.ID); n != 1 {
			t.Fatal("another shopper's a.example event was deleted")
		}
		// Pause from the dashboard.
		if code, _ := body(b.PostForm(ts.URL+"/me/consent", url.Values{"action": {"pause"}, "csrf": {csrf}})); code != 200 {
			t.Fatalf("pause: %d", code)
		}
		if st, _ := db.ConsentState(ctx, me.ID); !st.Paused {
			t.Fatalf("not paused: %+v", st)
		}
		if code, _ := body(b.PostForm(ts.URL+"/me/consent", url.Values{"action": {"grant"}, "csrf": {csrf}})); code != 400 {
			t.Fatalf("grant from the dashboard: %d", code)
		}
	})
}

func TestAdminSignInAndRoles(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	ts, a := newSite(t, db)
	for _, u := range []struct{ email, role string }{{"ops@store.example", "admin"}, {"ana@store.example", "analyst"}} {
		h, _ := password.Hash("a long enough password", a.Params)
		if _, err := db.CreateUser(ctx, u.email, u.role, h); err != nil {
			t.Fatal(err)
		}
	}
	b := browser(t)
	if code, _ := body(b.PostForm(ts.URL+"/admin/login", url.Values{"email": {"ops@store.example"}, "password": {"wrong password here"}})); code != 401 {
		t.Fatalf("wrong password: %d", code)
	}
	if code, _ := body(b.PostForm(ts.URL+"/admin/login", url.Values{"email": {"nobody@store.example"}, "password": {"a long enough password"}})); code != 401 {
		t.Fatalf("unknown user: %d", code)
	}
	code, page := body(b.PostForm(ts.URL+"/admin/login", url.Values{"email": {"ops@store.example"}, "password": {"a long enough password"}}))
	if code != 200 || !strings.Contains(page, "Reward campaigns") {
		t.Fatalf("admin home: %d\n%s", code, page)
	}
	csrf := csrfRE.FindStringSubmatch(page)[1]
	form := url.Values{"name": {"Join"}, "reward": {"10.00"}, "currency": {"USD"}, "budget": {"100.00"}, "starts": {"2026-11-01"}, "ends": {"2026-12-31"},
		"min_active_days": {"3"}, "min_page_views": {"5"}, "new_installs_only": {"on"}}
	form.Set("csrf", "forged")
	if code, _ := body(b.PostForm(ts.URL+"/admin/campaigns", form)); code != 403 {
		t.Fatalf("forged CSRF: %d", code)
	}
	form.Set("csrf", csrf)
	code, page = body(b.PostForm(ts.URL+"/admin/campaigns", form))
	if code != 200 || !strings.Contains(page, "<td>Join</td>") || !strings.Contains(page, "100.00 USD") {
		t.Fatalf("create campaign: %d\n%s", code, page)
	}
	ana := browser(t)
	code, page = body(ana.PostForm(ts.URL+"/admin/login", url.Values{"email": {"ana@store.example"}, "password": {"a long enough password"}}))
	if code != 200 || strings.Contains(page, "Reward campaigns") {
		t.Fatalf("analyst home: %d", code)
	}
	form.Set("csrf", csrfRE.FindStringSubmatch(page)[1])
	if code, _ := body(ana.PostForm(ts.URL+"/admin/campaigns", form)); code != 403 {
		t.Fatalf("analyst creating a campaign: %d", code)
	}
	if cs, _ := db.Campaigns(ctx); len(cs) != 1 || cs[0].Reward.Amount != 10*money.Scale {
		t.Fatalf("campaigns %+v", cs)
	}
}
