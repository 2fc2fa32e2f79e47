package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/httpapi"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/ingest"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

// eventsServer serves the API with ingestion on db, logging into logs.
func eventsServer(t *testing.T, db *store.DB, cfg ingest.Config, st ingest.Store, logs io.Writer) (*httptest.Server, *ingest.Service) {
	t.Helper()
	if st == nil {
		st = db
	}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := ingest.New(cfg, db, db, st, nil, log)
	srv := &httpapi.Server{Store: db, Shoppers: db, Consent: db, Ingest: svc, Logger: log, OnConsentChange: svc.Invalidate}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		svc.Close(context.Background())
	})
	return ts, svc
}

// joinPanel registers an install through the API and grants scopes.
func joinPanel(t *testing.T, base string, scopes ...string) *client {
	t.Helper()
	c := &client{t: t, base: base}
	c.token = c.must("POST", "/v1/installs", `{"browser":"chrome","version":"1.0"}`, 201)["token"].(string)
	if len(scopes) > 0 {
		version := c.must("GET", "/v1/notice", "", 200)["version"].(string)
		c.must("POST", "/v1/consent", `{"action":"grant","scopes":["`+strings.Join(scopes, `","`)+`"],"notice_version":"`+version+`"}`, 200)
	}
	return c
}

func ts(d time.Duration) string {
	return time.Now().Add(d).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func pageViewJSON(id, url string) string {
	return `{"id":"` + id + `","type":"page_view","ts":"` + ts(-time.Minute) + `","url":"` + url + `","referrer_domain":"search.example","dwell_ms":4200}`
}

func batchOf(events ...string) string { return `{"events":[` + strings.Join(events, ",") + `]}` }

type eventsResp struct {
	Accepted, Duplicate, Refused int
	Refusals                     []ingest.Refusal
}

func postEvents(t *testing.T, c *client, body string) (int, eventsResp, string) {
	t.Helper()
	code, b := c.do("POST", "/v1/events", body)
	var r eventsResp
	if code == 200 {
		if err := json.Unmarshal([]byte(b), &r); err != nil {
			t.Fatalf("answer %s: %v", b, err)
		}
	}
	return code, r, b
}

// Bad input: each case is answered with a clear 4xx, or a 200 that refuses
// the event and says why; nothing is stored, and the logs hold neither the
// token nor any event content.
func TestEventsBadInput(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		var logs bytes.Buffer
		srv, _ := eventsServer(t, db, ingest.Config{}, nil, &logs)
		c := joinPanel(t, srv.URL, "page_views", "product_views")
		revoked := joinPanel(t, srv.URL, "page_views", "link_clicks")
		revoked.must("POST", "/v1/consent", `{"action":"revoke","scopes":["page_views"]}`, 200)
		withdrawn := joinPanel(t, srv.URL, "page_views")
		withdrawn.must("POST", "/v1/consent", `{"action":"withdraw"}`, 200)
		paused := joinPanel(t, srv.URL, "page_views")
		paused.must("POST", "/v1/consent", `{"action":"pause"}`, 200)
		never := joinPanel(t, srv.URL)
		anon := &client{t: t, base: srv.URL}
		badToken := &client{t: t, base: srv.URL, token: "not-a-token"}

		good := func() string { return pageViewJSON(ids.UUIDv7(), "https://shop.example/p/tv-55") }
		many := make([]string, 501)
		for i := range many {
			many[i] = good()
		}
		var urls []string
		for _, tc := range []struct {
			name   string
			c      *client
			body   string
			status int
			want   string // in the error message, or in the refusal reason
		}{
			{"malformed JSON", c, `{"events":[{"id":`, 400, "malformed JSON"},
			{"not JSON", c, `events=1`, 400, "JSON object"},
			{"empty body", c, ``, 400, "empty"},
			{"no events field", c, `{"evts":[]}`, 400, `unknown field \"evts\"`},
			{"events not an array", c, `{"events":"page_view"}`, 400, "want an array of events"},
			{"empty batch", c, `{"events":[]}`, 400, "empty"},
			{"too many events", c, batchOf(many...), 413, "over the limit of 500 events"},
			{"oversize body", c, `{"events":[` + good() + `],"pad":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "over the limit"},
			{"no token", anon, batchOf(good()), 401, "Bearer"},
			{"bad token", badToken, batchOf(good()), 401, "unknown or revoked install token"},
			{"wrong field type", c, batchOf(`{"id":"` + ids.UUIDv7() + `","type":"page_view","ts":"` + ts(0) + `","url":"https://shop.example/","dwell_ms":"long"}`), 200, "field dwell_ms: got JSON string"},
			{"wrong id type", c, batchOf(`{"id":42,"type":"page_view","ts":"` + ts(0) + `","url":"https://shop.example/"}`), 200, "field id: got JSON number"},
			{"unknown event type", c, batchOf(`{"id":"` + ids.UUIDv7() + `","type":"keystroke","ts":"` + ts(0) + `"}`), 200, `unknown event type \"keystroke\"`},
			{"unknown event field", c, batchOf(`{"id":"` + ids.UUIDv7() + `","type":"page_view","ts":"` + ts(0) + `","url":"https://shop.example/","title":"Inbox"}`), 200, `unknown field \"title\"`},
			{"not a UUIDv7", c, batchOf(pageViewJSON("6ba7b810-9dad-41d1-80b4-00c04fd430c8", "https://shop.example/")), 200, "UUIDv7"},
			{"far future", c, batchOf(`{"id":"` + ids.UUIDv7() + `","type":"page_view","ts":"` + ts(time.Hour) + `","url":"https://shop.example/"}`), 200, "in the future"},
			{"too old", c, batchOf(`{"id":"` + ids.UUIDv7() + `","type":"page_view","ts":"` + ts(-40*24*time.Hour) + `","url":"https://shop.example/"}`), 200, "too old"},
			{"unscrubbed query", c, batchOf(pageViewJSON(ids.UUIDv7(), "https://shop.example/p?utm_source=mail&session=abc")), 200, "not scrubbed"},
			{"unscrubbed email", c, batchOf(pageViewJSON(ids.UUIDv7(), "https://shop.example/account/jane.doe@mail.example")), 200, "not scrubbed"},
			{"fragment", c, batchOf(pageViewJSON(ids.UUIDv7(), "https://shop.example/p/tv#reviews")), 200, "not scrubbed"},
			{"sensitive site", c, batchOf(pageViewJSON(ids.UUIDv7(), "https://www.paypal.com/")), 200, "banking site"},
			{"scope never granted", c, batchOf(`{"id":"` + ids.UUIDv7() + `","type":"link_click","ts":"` + ts(0) + `","from":"https://a.example/","to":"https://b.example/"}`), 200, "no active consent for link_clicks"},
			{"revoked consent", revoked, batchOf(good()), 200, "no active consent for page_views"},
			{"withdrawn", withdrawn, batchOf(good()), 200, "withdrawn"},
			{"paused", paused, batchOf(good()), 200, "paused"},
			{"never joined", never, batchOf(good()), 200, "not joined the panel"},
			{"wrong content type", c, batchOf(good()), 400, "Content-Type"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var code int
				var b string
				if tc.name == "wrong content type" {
					req, _ := http.NewRequest("POST", srv.URL+"/v1/events", strings.NewReader(tc.body))
					req.Header.Set("Content-Type", "text/plain")
					req.Header.Set("Authorization", "Bearer "+c.token)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					bb, _ := io.ReadAll(res.Body)
					res.Body.Close()
					code, b = res.StatusCode, string(bb)
				} else {
					code, b = tc.c.do("POST", "/v1/events", tc.body)
				}
				if code != tc.status || !strings.Contains(b, tc.want) {
					t.Fatalf("status %d %s, want %d with %q", code, b, tc.status, tc.want)
				}
				if code == 200 {
					var r eventsResp
					json.Unmarshal([]byte(b), &r)
					if r.Accepted != 0 || r.Duplicate != 0 || r.Refused != 1 || len(r.Refusals) != 1 || r.Refusals[0].Index != 0 {
						t.Fatalf("answer %s", b)
					}
				} else if !strings.Contains(b, `"error"`) {
					t.Fatalf("error body %s", b)
				}
				if n, _ := db.CountEvents(context.Background(), ""); n != 0 {
					t.Fatalf("%d events stored", n)
				}
			})
			urls = append(urls, "shop.example/p", "paypal.com")
		}
		for _, secret := range append([]string{c.token, revoked.token, "not-a-token", "jane.doe", "utm_source"}, urls...) {
			if strings.Contains(logs.String(), secret) {
				t.Fatalf("logs contain %q:\n%s", secret, logs.String())
			}
		}
	})
}

// Accepted events are stored once: a retried batch reports duplicates, a
// mixed batch stores its good events and refuses the others by index.
func TestEventsAcceptAndDedup(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		srv, _ := eventsServer(t, db, ingest.Config{}, nil, io.Discard)
		c := joinPanel(t, srv.URL, "page_views", "link_clicks", "product_views")
		a, b, d := ids.UUIDv7(), ids.UUIDv7(), ids.UUIDv7()
		batch := batchOf(
			pageViewJSON(a, "https://shop.example/p/tv-55?variant=2"),
			`{"id":"`+b+`","type":"link_click","ts":"`+ts(-time.Second)+`","from":"https://shop.example/p/tv-55","to":"https://other.example/tv"}`,
			`{"id":"`+d+`","type":"product_view","ts":"`+ts(0)+`","url":"https://other.example/tv","facts":{"title":"TV 55","gtin":"4006381333931","price":"499.00","currency":"USD"}}`,
		)
		code, r, body := postEvents(t, c, batch)
		if code != 200 || r.Accepted != 3 || r.Duplicate != 0 || r.Refused != 0 || r.Refusals == nil {
			t.Fatalf("%d %s", code, body)
		}
		code, r, body = postEvents(t, c, batch)
		if code != 200 || r.Accepted != 0 || r.Duplicate != 3 {
			t.Fatalf("retry: %d %s", code, body)
		}
		e := ids.UUIDv7()
		code, r, body = postEvents(t, c, batchOf(pageViewJSON(a, "https://shop.example/p/tv-55?variant=2"), pageViewJSON(e, "https://shop.example/?utm_source=x"), pageViewJSON(ids.UUIDv7(), "https://shop.example/")))
		if code != 200 || r.Accepted != 1 || r.Duplicate != 1 || r.Refused != 1 || r.Refusals[0].Index != 1 || r.Refusals[0].ID != e {
			t.Fatalf("mixed: %d %s", code, body)
		}
		if n, _ := db.CountEvents(context.Background(), ""); n != 4 {
			t.Fatalf("stored %d, want 4", n)
		}
		// After a withdrawal through the API, the very next batch is refused
		// (the consent cache is dropped at once).
		c.must("POST", "/v1/consent", `{"action":"withdraw"}`, 200)
		code, r, body = postEvents(t, c, batchOf(pageViewJSON(ids.UUIDv7(), "https://shop.example/")))
		if code != 200 || r.Accepted != 0 || r.Refused != 1 {
			t.Fatalf("after withdrawal: %d %s", code, body)
		}
	})
}

// Many concurrent requests from many installs are all acknowledged, each
// with its own counts, and every acknowledged event is stored once.
func TestEventsConcurrentGroupCommit(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		reg := &countingStore{Store: db}
		srv, _ := eventsServer(t, db, ingest.Config{}, reg, io.Discard)
		const installs, perInstall, batch = 8, 6, 50
		clients := make([]*client, installs)
		for i := range clients {
			clients[i] = joinPanel(t, srv.URL, "page_views")
		}
		var wg sync.WaitGroup
		errs := make(chan error, installs*perInstall)
		for _, c := range clients {
			for k := 0; k < perInstall; k++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					evs := make([]string, batch)
					for i := range evs {
						evs[i] = pageViewJSON(ids.UUIDv7(), fmt.Sprintf("https://shop%d.example/p/item-%d", k, i))
					}
					req, _ := http.NewRequest("POST", srv.URL+"/v1/events", strings.NewReader(batchOf(evs...)))
					req.Header.Set("Authorization", "Bearer "+c.token)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						errs <- err
						return
					}
					defer res.Body.Close()
					var r eventsResp
					json.NewDecoder(res.Body).Decode(&r)
					if res.StatusCode != 200 || r.Accepted != batch {
						errs <- fmt.Errorf("status %d, answer %+v", res.StatusCode, r)
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if n, _ := db.CountEvents(context.Background(), ""); n != installs*perInstall*batch {
			t.Fatalf("stored %d, want %d", n, installs*perInstall*batch)
		}
		t.Logf("%d requests in %d commits", installs*perInstall, reg.calls())
	})
}

// countingStore counts commits; hold, when set, blocks them until closed.
type countingStore struct {
	ingest.Store
	mu      sync.Mutex
	n       int
	hold    chan struct{}
	entered chan struct{}
}

func (s *countingStore) InsertEvents(ctx context.Context, evs []vitrine.Event) ([]bool, error) {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	if s.hold != nil {
		select {
		case s.entered <- struct{}{}:
		default:
		}
		<-s.hold
	}
	return s.Store.InsertEvents(ctx, evs)
}

func (s *countingStore) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// A full writer queue answers 429 with Retry-After at once, and so does the
// per-install rate limit; nothing waits unboundedly.
func TestEventsBackpressure(t *testing.T) {
	db := storetest.OpenSQLite(t)
	st := &countingStore{Store: db, hold: make(chan struct{}), entered: make(chan struct{}, 1)}
	srv, svc := eventsServer(t, db, ingest.Config{QueueSize: 1}, st, io.Discard)
	c := joinPanel(t, srv.URL, "page_views")
	type answer struct {
		code int
		body string
	}
	send := func() chan answer {
		ch := make(chan answer, 1)
		go func() {
			code, b := c.do("POST", "/v1/events", batchOf(pageViewJSON(ids.UUIDv7(), "https://shop.example/")))
			ch <- answer{code, b}
		}()
		return ch
	}
	first := send()
	<-st.entered // the writer holds the first batch
	second := send()
	for deadline := time.Now().Add(5 * time.Second); svc.Queued() < 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("second batch never queued")
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/v1/events", strings.NewReader(batchOf(pageViewJSON(ids.UUIDv7(), "https://shop.example/"))))
	req.Header.Set("Authorization", "Bearer "+c.token)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 429 || res.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "busy") {
		t.Fatalf("full queue: %d %q %s", res.StatusCode, res.Header.Get("Retry-After"), b)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("429 took %s", d)
	}
	close(st.hold)
	for _, ch := range []chan answer{first, second} {
		if a := <-ch; a.code != 200 || !strings.Contains(a.body, `"accepted":1`) {
			t.Fatalf("queued batch: %d %s", a.code, a.body)
		}
	}

	// Rate limit: burst 2, then 429 with Retry-After.
	db2 := storetest.OpenSQLite(t)
	srv2, _ := eventsServer(t, db2, ingest.Config{Rate: 0.5, Burst: 2}, nil, io.Discard)
	c2 := joinPanel(t, srv2.URL, "page_views")
	for i := 0; i < 2; i++ {
		if code, _, body := postEvents(t, c2, batchOf(pageViewJSON(ids.UUIDv7(), "https://shop.example/"))); code != 200 {
			t.Fatalf("within burst: %d %s", code, body)
		}
	}
	req, _ = http.NewRequest("POST", srv2.URL+"/v1/events", strings.NewReader(batchOf(pageViewJSON(ids.UUIDv7(), "https://shop.example/"))))
	req.Header.Set("Authorization", "Bearer "+c2.token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "2" || !strings.Contains(string(b), "too many requests") {
		t.Fatalf("rate limit: %d %q %s", res.StatusCode, res.Header.Get("Retry-After"), b)
	}
}
