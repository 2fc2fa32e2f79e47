package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/analytics"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/policy"
)

// cmdSimulate generates a synthetic panel through the real API of a running
// server: it learns the catalog (GET /v1/products), the collection policy
// (GET /v1/policy, to scrub URLs as the extension does) and the notice
// (GET /v1/notice), registers installs and grants them consent, links some
// to store accounts, sends their history of events (POST /v1/events) and
// comparison-bar exposures (POST /v1/experiments/exposures), and reports
// their orders through the admin API (POST /v1/admin/orders). The shoppers'
// behaviour follows analytics.SimulatePanel, whose generative model and
// propensities are documented there; the same --seed gives the same panel
// (event ids differ: they are UUIDv7s made now). No personal data is involved.
func cmdSimulate(ctx context.Context, env *Env, args []string) error {
	fs := flagSet(env, "simulate", "vitrine simulate --url URL --admin-token TOKEN [--installs 300] [--days 28] [--seed 1]")
	base := fs.String("url", "", "server base URL, e.g. http://127.0.0.1:8080")
	adminToken := fs.String("admin-token", "", "an admin API token (vitrine user create --role admin --api-token), to report orders and link accounts")
	n := fs.Int("installs", 300, "simulated shoppers")
	days := fs.Int("days", 28, "days of history, at most 28 (the server accepts events up to 30 days old)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same panel")
	nprod := fs.Int("products", 300, "catalog products the shoppers look at (the first N of GET /v1/products)")
	conc := fs.Int("concurrency", 8, "concurrent requests")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if *base == "" {
		return usageError{"--url is required"}
	}
	if *adminToken == "" {
		*adminToken = env.Getenv("VITRINE_ADMIN_TOKEN")
	}
	if *adminToken == "" {
		return usageError{"--admin-token is required (or VITRINE_ADMIN_TOKEN): orders are reported through the admin API"}
	}
	if err := positiveInt("installs", *n, 1_000_000); err != nil {
		return err
	}
	if err := positiveInt("days", *days, 28); err != nil {
		return err
	}
	if err := positiveInt("concurrency", *conc, 256); err != nil {
		return err
	}
	c := &simClient{base: strings.TrimRight(*base, "/"), admin: *adminToken,
		http: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conc * 2}}}
	out := env.Stdout

	var pol policy.Policy
	b, err := c.do(ctx, "GET", "/v1/policy", "", nil)
	if err != nil {
		return err
	}
	p, err := policy.Parse(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("GET /v1/policy: %w", err)
	}
	pol = *p
	var notice struct {
		Version string `json:"version"`
	}
	if b, err = c.do(ctx, "GET", "/v1/notice", "", nil); err != nil {
		return err
	}
	if json.Unmarshal(b, &notice); notice.Version == "" {
		return fmt.Errorf("GET /v1/notice: no version")
	}
	products, err := c.products(ctx, *nprod)
	if err != nil {
		return err
	}
	if len(products) == 0 {
		return fmt.Errorf("the server's catalog is empty: import products first (or run vitrine serve --demo)")
	}
	fmt.Fprintf(out, "catalog: %d products; policy notice %s\n", len(products), notice.Version)

	// Register installs with consent.
	type inst struct{ id, token string }
	installs := make([]inst, *n)
	grant := `{"action":"grant","scopes":["page_views","link_clicks","product_views"],"notice_version":"` + notice.Version + `"}`
	err = parallel(ctx, *n, *conc, func(i int) error {
		b, err := c.do(ctx, "POST", "/v1/installs", "", []byte(`{"browser":"chrome","version":"simulate"}`))
		if err != nil {
			return err
		}
		var in struct {
			ID    string `json:"install_id"`
			Token string `json:"token"`
		}
		if err := json.Unmarshal(b, &in); err != nil || in.Token == "" {
			return fmt.Errorf("POST /v1/installs: unreadable answer")
		}
		installs[i] = inst{in.ID, in.Token}
		_, err = c.do(ctx, "POST", "/v1/consent", in.Token, []byte(grant))
		return err
	})
	if err != nil {
		return err
	}
	idsList := make([]string, *n)
	for i, in := range installs {
		idsList[i] = in.id
	}
	fmt.Fprintf(out, "registered %d installs with consent\n", *n)

	panel := analytics.SimulatePanel(analytics.SimConfig{Seed: *seed, Now: time.Now(), Days: *days, Products: products}, idsList)
	var events, exposures, orders, refused, linked atomic.Int64
	var done atomic.Int64
	var mu sync.Mutex
	err = parallel(ctx, len(panel), *conc, func(i int) error {
		sim, tok := &panel[i], installs[i].token
		if sim.Account != "" {
			b, err := c.do(ctx, "POST", "/v1/admin/link-codes", c.admin, mustJSON(map[string]any{"store_account_id": sim.Account}))
			if err != nil {
				return err
			}
			var lc struct {
				Code string `json:"code"`
			}
			json.Unmarshal(b, &lc)
			if _, err := c.do(ctx, "POST", "/v1/account/link", tok, mustJSON(map[string]string{"code": lc.Code})); err != nil {
				return err
			}
			linked.Add(1)
		}
		var batch, xbatch []map[string]any
		flush := func() error {
			if len(batch) > 0 {
				b, err := c.do(ctx, "POST", "/v1/events", tok, mustJSON(map[string]any{"events": batch}))
				if err != nil {
					return err
				}
				var ans struct{ Accepted, Duplicate, Refused int }
				json.Unmarshal(b, &ans)
				events.Add(int64(ans.Accepted + ans.Duplicate))
				refused.Add(int64(ans.Refused))
				batch = batch[:0]
			}
			if len(xbatch) > 0 {
				b, err := c.do(ctx, "POST", "/v1/experiments/exposures", tok, mustJSON(map[string]any{"exposures": xbatch}))
				if err != nil {
					return err
				}
				var ans struct{ Accepted, Duplicate int }
				json.Unmarshal(b, &ans)
				exposures.Add(int64(ans.Accepted + ans.Duplicate))
				xbatch = xbatch[:0]
			}
			return nil
		}
		for _, e := range sim.SimSorted() {
			w, ok := wireEvent(&pol, e)
			if !ok {
				continue
			}
			batch = append(batch, w)
			for _, name := range slices.Sorted(maps.Keys(e.Exposures)) {
				xbatch = append(xbatch, map[string]any{"id": ids.UUIDv7(), "experiment": name, "variant": e.Exposures[name],
					"product_id": e.ProductID, "domain": e.Domain, "ts": e.At.UTC().Format(time.RFC3339Nano)})
			}
			if len(batch) == 500 || len(xbatch) >= 497 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		for _, o := range sim.Orders {
			body := map[string]any{"order_id": o.ID, "product_id": o.ProductID, "amount": o.Amount, "ordered_at": o.At.UTC().Format(time.RFC3339Nano)}
			if o.ByAccount {
				body["store_account_id"] = sim.Account
			} else {
				body["install_id"] = sim.ID
			}
			if _, err := c.do(ctx, "POST", "/v1/admin/orders", c.admin, mustJSON(body)); err != nil {
				return err
			}
			orders.Add(1)
		}
		if d := done.Add(1); d%int64(max(1, len(panel)/10)) == 0 || int(d) == len(panel) {
			mu.Lock()
			fmt.Fprintf(out, "sent %d/%d installs: events=%d exposures=%d orders=%d\n", d, len(panel), events.Load(), exposures.Load(), orders.Load())
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if r := refused.Load(); r > 0 {
		fmt.Fprintf(out, "refused events=%d (the simulator should send none; see the server's answers)\n", r)
	}
	fmt.Fprintf(out, "linked accounts=%d exposures=%d\n", linked.Load(), exposures.Load())
	fmt.Fprintf(out, "installs=%d events=%d orders=%d\n", len(panel), events.Load(), orders.Load())
	return nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// wireEvent encodes a simulated event as the extension sends it, with
// its URLs scrubbed by the server's policy; ok is false for an event the
// policy says is never collected.
func wireEvent(p *policy.Policy, e analytics.SimEvent) (map[string]any, bool) {
	w := map[string]any{"id": ids.UUIDv7(), "type": string(e.Type), "ts": e.At.UTC().Format(time.RFC3339Nano)}
	scrub := func(u string) (string, bool) {
		s, err := p.ScrubURL(u)
		return s, err == nil
	}
	var ok bool
	switch e.Type {
	case vitrine.EventPageView:
		if w["url"], ok = scrub(e.URL); !ok {
			return nil, false
		}
		w["referrer_domain"], w["dwell_ms"] = e.Referrer, e.DwellMS
	case vitrine.EventLinkClick:
		if w["from"], ok = scrub(e.URL); !ok {
			return nil, false
		}
		if w["to"], ok = scrub(e.To); !ok {
			return nil, false
		}
	case vitrine.EventProductView:
		if w["url"], ok = scrub(e.URL); !ok {
			return nil, false
		}
		facts := map[string]string{}
		for k, v := range e.Facts {
			if v != "" {
				facts[k] = v
			}
		}
		w["facts"] = facts
	default:
		w["domain"], w["product_id"], w["status"] = e.Domain, e.ProductID, e.Status
	}
	return w, true
}

// parallel runs f(0..n-1) on workers goroutines; the first error stops it.
func parallel(ctx context.Context, n, workers int, f func(i int) error) error {
	var next atomic.Int64
	var first atomic.Pointer[error]
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for first.Load() == nil && ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					first.CompareAndSwap(nil, &err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if p := first.Load(); p != nil {
		return *p
	}
	return ctx.Err()
}

type simClient struct {
	base, admin string
	http        *http.Client
}

// do sends a request and returns the body of a 2xx answer; it retries
// 429 (after Retry-After), 5xx and connection errors with backoff.
func (c *simClient) do(ctx context.Context, method, path, token string, body []byte) ([]byte, error) {
	backoff := 100 * time.Millisecond
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := c.http.Do(req)
		wait := backoff
		if err == nil {
			b, rerr := io.ReadAll(res.Body)
			res.Body.Close()
			switch {
			case rerr == nil && res.StatusCode/100 == 2:
				return b, nil
			case res.StatusCode == http.StatusTooManyRequests:
				if s, _ := strconv.Atoi(res.Header.Get("Retry-After")); s > 0 {
					wait = time.Duration(s) * time.Second
				}
			case rerr == nil && res.StatusCode < 500:
				return nil, fmt.Errorf("%s %s: status %d: %s", method, path, res.StatusCode, bytes.TrimSpace(b))
			}
		}
		if attempt == 8 {
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
			return nil, fmt.Errorf("%s %s: gave up after %d attempts", method, path, attempt+1)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// products reads up to n catalog products.
func (c *simClient) products(ctx context.Context, n int) ([]analytics.SimProduct, error) {
	var out []analytics.SimProduct
	cursor := ""
	for len(out) < n {
		q := url.Values{"limit": {"200"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		b, err := c.do(ctx, "GET", "/v1/products?"+q.Encode(), "", nil)
		if err != nil {
			return nil, err
		}
		var page struct {
			Items []struct {
				ID, Title, Brand, GTIN, MPN string
				Offer                       struct {
					Price money.Money `json:"price"`
				} `json:"offer"`
				EffectivePrice *money.Money `json:"effective_price"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("GET /v1/products: %w", err)
		}
		for _, it := range page.Items {
			price := it.Offer.Price
			if it.EffectivePrice != nil && it.EffectivePrice.Currency != "" {
				price = *it.EffectivePrice
			}
			if price.Amount <= 0 || len(out) >= n {
				continue
			}
			out = append(out, analytics.SimProduct{ID: it.ID, Title: it.Title, Brand: it.Brand, GTIN: it.GTIN, MPN: it.MPN, Price: price})
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	return out, nil
}
