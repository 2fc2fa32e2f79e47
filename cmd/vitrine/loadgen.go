package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/store"
)

// cmdLoadgen sends realistic panel traffic to a server: it registers
// installs, grants them consent through the API, then posts batches of
// events from many workers until the duration is over. Every event the
// server acknowledged (accepted or duplicate: durably stored) is written to
// --acked-log, one id a line, fsync'd every second and at the end. Batches
// that fail (connection refused while the server restarts, 5xx) are retried
// unchanged with backoff, as the extension does; 429 waits Retry-After.
func cmdLoadgen(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "raw" {
		return loadgenRaw(ctx, env, args[1:])
	}
	fs := flagSet(env, "loadgen", "vitrine loadgen --url URL [--duration 10s] [--concurrency 8] [--batch 100] [--installs 1000] [--acked-log FILE]")
	base := fs.String("url", "", "server base URL, e.g. http://127.0.0.1:8080")
	duration := fs.Duration("duration", 10*time.Second, "how long to send")
	concurrency := fs.Int("concurrency", 8, "concurrent senders")
	batch := fs.Int("batch", 100, "events per request (at most 500)")
	installs := fs.Int("installs", 1000, "installs to register and send as")
	ackedLog := fs.String("acked-log", "", "write every acknowledged event id to this file, one a line")
	every := fs.Duration("progress", time.Second, "progress line interval (0: none)")
	seed := fs.Uint64("seed", 1, "random seed of the traffic mix")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if *base == "" {
		return usageError{"--url is required"}
	}
	*base = strings.TrimRight(*base, "/")
	if err := positiveInt("concurrency", *concurrency, 4096); err != nil {
		return err
	}
	if err := positiveInt("batch", *batch, 500); err != nil {
		return err
	}
	if err := positiveInt("installs", *installs, 10_000_000); err != nil {
		return err
	}
	if *duration <= 0 {
		return usageError{"--duration must be above 0"}
	}
	lg := &loadgen{base: *base, batch: *batch, seed: *seed, out: env.Stdout,
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency * 2, MaxIdleConns: *concurrency * 2, IdleConnTimeout: 30 * time.Second}}}
	if *ackedLog != "" {
		f, err := os.OpenFile(*ackedLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		lg.log = &ackLog{f: f, w: bufio.NewWriterSize(f, 1<<20)}
		defer f.Close()
	}
	start := time.Now()
	if err := lg.setup(ctx, *installs, *concurrency); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "registered %d installs with consent in %s; sending for %s with %d workers, %d events a request\n",
		len(lg.tokens), time.Since(start).Round(time.Millisecond), *duration, *concurrency, *batch)

	runCtx, cancel := context.WithTimeout(ctx, *duration)
	defer cancel()
	var wg sync.WaitGroup
	lats := make([][]time.Duration, *concurrency)
	sendStart := time.Now()
	for w := 0; w < *concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lats[w] = lg.worker(runCtx, w)
		}()
	}
	stopSync := make(chan struct{})
	syncDone := make(chan struct{})
	go func() {
		defer close(syncDone)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		var prog <-chan time.Time
		if *every > 0 {
			pt := time.NewTicker(*every)
			defer pt.Stop()
			prog = pt.C
		}
		last, lastAt := int64(0), time.Now()
		for {
			select {
			case <-stopSync:
				return
			case <-tick.C:
				if lg.log != nil {
					if err := lg.log.sync(); err != nil {
						fmt.Fprintf(env.Stderr, "acked log: %v\n", err)
					}
				}
			case now := <-prog:
				n := lg.acked.Load()
				fmt.Fprintf(env.Stdout, "t=%s acked=%d rate=%.0f/s retries=%d throttled=%d\n", now.Sub(sendStart).Round(time.Second), n,
					float64(n-last)/now.Sub(lastAt).Seconds(), lg.retries.Load(), lg.throttled.Load())
				last, lastAt = n, now
			}
		}
	}()
	wg.Wait()
	elapsed := time.Since(sendStart)
	close(stopSync)
	<-syncDone
	if lg.log != nil {
		if err := lg.log.sync(); err != nil {
			return fmt.Errorf("acked log: %w", err)
		}
	}
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	p99 := 0.0
	if len(all) > 0 {
		p99 = float64(all[min(len(all)-1, len(all)*99/100)]) / float64(time.Millisecond)
	}
	if n := lg.rejected.Load(); n > 0 {
		fmt.Fprintf(env.Stdout, "refused events=%d (see the server's answers: the generator should send none)\n", n)
	}
	if lg.fatal.Load() != nil {
		fmt.Fprintf(env.Stdout, "server answered a batch with a client error: %v\n", *lg.fatal.Load())
	}
	acked := lg.acked.Load()
	fmt.Fprintf(env.Stdout, "requests=%d retries=%d throttled=%d elapsed=%s\n", len(all), lg.retries.Load(), lg.throttled.Load(), elapsed.Round(time.Millisecond))
	fmt.Fprintf(env.Stdout, "acked=%d events_per_sec=%.0f p99_ms=%.1f\n", acked, float64(acked)/elapsed.Seconds(), p99)
	return nil
}

type loadgen struct {
	base   string
	batch  int
	seed   uint64
	client *http.Client
	out    io.Writer
	tokens []string
	log    *ackLog

	acked, retries, throttled, rejected atomic.Int64
	fatal                               atomic.Pointer[string]
}

// ackLog appends acknowledged ids to a file.
type ackLog struct {
	mu sync.Mutex
	f  *os.File
	w  *bufio.Writer
}

func (l *ackLog) write(b []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err := l.w.Write(b)
	return err
}

func (l *ackLog) sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.w.Flush(); err != nil {
		return err
	}
	return l.f.Sync()
}

// call does one JSON request, retrying on connection errors and 5xx (the
// server may be restarting) until ctx ends.
func (lg *loadgen) call(ctx context.Context, method, path, token, body string, want int) ([]byte, error) {
	backoff := 50 * time.Millisecond
	for {
		req, err := http.NewRequestWithContext(ctx, method, lg.base+path, strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := lg.client.Do(req)
		if err == nil {
			b, rerr := io.ReadAll(res.Body)
			res.Body.Close()
			switch {
			case rerr == nil && res.StatusCode == want:
				return b, nil
			case rerr == nil && res.StatusCode < 500 && res.StatusCode != 429:
				return nil, fmt.Errorf("%s %s: status %d: %s", method, path, res.StatusCode, bytes.TrimSpace(b))
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s %s: %w", method, path, ctx.Err())
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, time.Second)
	}
}

// setup registers installs and grants them every scope.
func (lg *loadgen) setup(ctx context.Context, n, workers int) error {
	sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	b, err := lg.call(sctx, "GET", "/v1/notice", "", "", 200)
	if err != nil {
		return err
	}
	var notice struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &notice); err != nil || notice.Version == "" {
		return fmt.Errorf("GET /v1/notice: no version in %s", b)
	}
	grant := `{"action":"grant","scopes":["page_views","link_clicks","product_views"],"notice_version":"` + notice.Version + `"}`
	lg.tokens = make([]string, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Pointer[error]
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || firstErr.Load() != nil {
					return
				}
				b, err := lg.call(sctx, "POST", "/v1/installs", "", `{"browser":"chrome","version":"loadgen"}`, 201)
				if err == nil {
					var in struct {
						Token string `json:"token"`
					}
					json.Unmarshal(b, &in)
					lg.tokens[i] = in.Token
					_, err = lg.call(sctx, "POST", "/v1/consent", in.Token, grant, 200)
				}
				if err != nil {
					firstErr.CompareAndSwap(nil, &err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if p := firstErr.Load(); p != nil {
		return fmt.Errorf("registering installs: %w", *p)
	}
	return nil
}

// worker sends batches until ctx ends and returns the latencies of the
// acknowledged requests.
func (lg *loadgen) worker(ctx context.Context, w int) []time.Duration {
	rng := rand.New(rand.NewPCG(lg.seed, uint64(w)))
	var lats []time.Duration
	var body, idsBuf []byte
	evIDs := make([]string, lg.batch)
	for ctx.Err() == nil {
		token := lg.tokens[rng.IntN(len(lg.tokens))]
		body = body[:0]
		body = append(body, `{"events":[`...)
		for i := range evIDs {
			if i > 0 {
				body = append(body, ',')
			}
			evIDs[i] = ids.UUIDv7()
			body = appendEvent(body, rng, evIDs[i])
		}
		body = append(body, "]}"...)
		backoff := 50 * time.Millisecond
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, "POST", lg.base+"/v1/events", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			start := time.Now()
			res, err := lg.client.Do(req)
			if err != nil {
				if ctx.Err() != nil {
					break // the run is over; this batch was never acknowledged
				}
				lg.retries.Add(1)
				sleepCtx(ctx, jitter(rng, backoff))
				backoff = min(backoff*2, time.Second)
				continue
			}
			b, rerr := io.ReadAll(res.Body)
			res.Body.Close()
			lat := time.Since(start)
			if rerr != nil {
				lg.retries.Add(1)
				sleepCtx(ctx, jitter(rng, backoff))
				continue
			}
			if res.StatusCode == http.StatusTooManyRequests {
				lg.throttled.Add(1)
				secs, _ := strconv.Atoi(res.Header.Get("Retry-After"))
				sleepCtx(ctx, jitter(rng, time.Duration(max(secs, 1))*time.Second))
				continue
			}
			if res.StatusCode >= 500 {
				lg.retries.Add(1)
				sleepCtx(ctx, jitter(rng, backoff))
				backoff = min(backoff*2, time.Second)
				continue
			}
			if res.StatusCode != http.StatusOK {
				msg := fmt.Sprintf("status %d: %s", res.StatusCode, bytes.TrimSpace(b))
				lg.fatal.CompareAndSwap(nil, &msg)
				break
			}
			var ans struct {
				Accepted, Duplicate, Refused int
				Refusals                     []struct{ Index int }
			}
			if err := json.Unmarshal(b, &ans); err != nil {
				msg := "unreadable answer: " + err.Error()
				lg.fatal.CompareAndSwap(nil, &msg)
				break
			}
			refused := make(map[int]bool, len(ans.Refusals))
			for _, r := range ans.Refusals {
				refused[r.Index] = true
			}
			idsBuf = idsBuf[:0]
			for i, id := range evIDs {
				if !refused[i] {
					idsBuf = append(append(idsBuf, id...), '\n')
				}
			}
			if lg.log != nil {
				if err := lg.log.write(idsBuf); err != nil {
					msg := "acked log: " + err.Error()
					lg.fatal.CompareAndSwap(nil, &msg)
				}
			}
			lg.acked.Add(int64(ans.Accepted + ans.Duplicate))
			lg.rejected.Add(int64(ans.Refused))
			lats = append(lats, lat)
			break
		}
	}
	return lats
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func jitter(rng *rand.Rand, d time.Duration) time.Duration {
	return d/2 + time.Duration(rng.Int64N(int64(d)/2+1))
}

var (
	lgShops    = []string{"tech", "home", "outdoor", "books", "fashion", "toys", "garden", "audio", "kitchen", "sports"}
	lgProducts = []string{"acme-tv-55-qled", "zen-headphones-x2", "trail-backpack-30l", "chef-knife-8in", "smart-lamp-mini", "robot-vacuum-s7", "espresso-maker-pro", "running-shoe-v3"}
	lgBrands   = []string{"Acme", "Zen", "Trail", "Chef", "Lumo", "Robo", "Barista", "Stride"}
	lgGTINs    = []string{"4006381333931", "0012345678905", "5901234123457", "9780306406157", "0036000291452", "4012345678901", "7612345678900", "8712345678904"}
	lgVariants = []string{"", "?variant=2", "?color=black", "?size=m", "?sku=ab-12"}
)

func lgURL(b []byte, rng *rand.Rand) []byte {
	b = append(b, "https://"...)
	b = append(b, lgShops[rng.IntN(len(lgShops))]...)
	b = strconv.AppendInt(b, int64(rng.IntN(200)), 10)
	b = append(b, ".example/p/"...)
	b = append(b, lgProducts[rng.IntN(len(lgProducts))]...)
	b = append(b, "-item"...)
	b = strconv.AppendInt(b, int64(rng.IntN(9999)), 10)
	return append(b, lgVariants[rng.IntN(len(lgVariants))]...)
}

// appendEvent writes one event of a realistic mix: 60% page views, 20%
// link clicks, 15% product views, 5% comparison events. Every URL is in the
// form the device's scrubber gives.
func appendEvent(b []byte, rng *rand.Rand, id string) []byte {
	b = append(b, `{"id":"`...)
	b = append(b, id...)
	b = append(b, `","ts":"`...)
	b = time.Now().Add(-time.Duration(rng.IntN(60_000))*time.Millisecond).UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	switch k := rng.IntN(100); {
	case k < 60:
		b = append(b, `","type":"page_view","url":"`...)
		b = lgURL(b, rng)
		b = append(b, `","referrer_domain":"`...)
		if rng.IntN(2) == 0 {
			b = append(b, "search.example"...)
		}
		b = append(b, `","dwell_ms":`...)
		b = strconv.AppendInt(b, int64(rng.IntN(300_000)), 10)
	case k < 80:
		b = append(b, `","type":"link_click","from":"`...)
		b = lgURL(b, rng)
		b = append(b, `","to":"`...)
		b = lgURL(b, rng)
		b = append(b, '"')
	case k < 95:
		p := rng.IntN(len(lgProducts))
		b = append(b, `","type":"product_view","url":"`...)
		b = lgURL(b, rng)
		b = append(b, `","facts":{"title":"`...)
		b = append(b, lgProducts[p]...)
		b = append(b, `","brand":"`...)
		b = append(b, lgBrands[p]...)
		b = append(b, `","gtin":"`...)
		b = append(b, lgGTINs[p]...)
		b = append(b, `","price":"`...)
		b = strconv.AppendInt(b, int64(10+rng.IntN(990)), 10)
		b = append(b, `.99","currency":"USD"}`...)
	default:
		if rng.IntN(2) == 0 {
			b = append(b, `","type":"comparison_shown","domain":"`...)
		} else {
			b = append(b, `","type":"comparison_clicked","domain":"`...)
		}
		b = append(b, lgShops[rng.IntN(len(lgShops))]...)
		b = append(b, `.example","product_id":"`...)
		b = append(b, lgProducts[rng.IntN(len(lgProducts))]...)
		b = append(b, `","status":"match"`...)
	}
	return append(b, '}')
}

// loadgenRaw is the benchmark baseline: it reads every stored event, empties
// the events table, and writes the same rows back in one transaction the
// plainest fast way (SQLite: prepared multi-row INSERTs; PostgreSQL: COPY),
// with the same durability. It destroys nothing else but is meant for
// benchmark databases only.
func loadgenRaw(ctx context.Context, env *Env, args []string) error {
	var c Config
	fs := flagSet(env, "loadgen raw", "vitrine loadgen raw --db DSN   (benchmark databases only: re-inserts every event)")
	addDBFlag(fs, &c)
	if err := parse(fs, env, args); err != nil {
		return err
	}
	db, err := store.Open(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	evs, err := db.AllEvents(ctx)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return errors.New("no events stored: run the load first")
	}
	if err := db.DeleteAllEvents(ctx); err != nil {
		return err
	}
	start := time.Now()
	if err := db.RawInsertEvents(ctx, evs); err != nil {
		return err
	}
	d := time.Since(start)
	how := "one transaction of prepared 500-row INSERTs"
	if db.Dialect == store.Postgres {
		how = "one COPY"
	}
	fmt.Fprintf(env.Stdout, "raw: %d events in %s (%s, %s)\n", len(evs), d.Round(time.Millisecond), how, db.Dialect)
	fmt.Fprintf(env.Stdout, "raw_events=%d raw_events_per_sec=%.0f\n", len(evs), float64(len(evs))/d.Seconds())
	return nil
}
