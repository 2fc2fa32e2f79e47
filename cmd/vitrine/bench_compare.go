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
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vitrine/vitrine/internal/compare"
	"github.com/vitrine/vitrine/internal/synth"
)

// cmdBenchCompare measures POST /v1/compare latency. It starts the real
// server in-process on a catalog already imported (or targets --url), waits
// until the catalog is in memory, then sends requests OPEN-LOOP: request i
// is due at start + i/rate whatever happened to the earlier ones, and its
// latency is measured from that due time (so a stalled server is charged
// for the requests queued behind it; no coordinated omission). Requests are
// drawn from the synthetic generator with the catalog's seed: identifier
// hits (GTIN, brand + MPN), product pages with reworded titles only, with
// and without a model number, and products not in the catalog.
func cmdBenchCompare(ctx context.Context, env *Env, args []string) error {
	fs := flagSet(env, "bench-compare", "vitrine bench-compare --db DSN | --url URL [--rate 1000] [--duration 30s] [--concurrency 64] [--rows N] [--seed 1]")
	dsn := fs.String("db", "", "database holding a catalog imported from 'vitrine generate feed' (the server is started in-process)")
	base := fs.String("url", "", "target a running server instead of starting one")
	rate := fs.Float64("rate", 1000, "requests per second (open loop)")
	duration := fs.Duration("duration", 30*time.Second, "how long to send")
	warmup := fs.Duration("warmup", 3*time.Second, "send at the same rate for this long first, not measured")
	concurrency := fs.Int("concurrency", 64, "concurrent senders (connections)")
	rows := fs.Int("rows", 1_000_000, "rows of the generated feed the catalog was imported from (products SKU0..rows-1)")
	seed := fs.Uint64("seed", 1, "seed of the generated feed")
	distinct := fs.Int("requests", 20000, "distinct request bodies prepared (cycled)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured run (server and load generator) to this file")
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if (*dsn == "") == (*base == "") {
		return usageError{"give exactly one of --db DSN (start the server here) or --url URL"}
	}
	if *rate <= 0 || *rate > 1e6 || *duration <= 0 {
		return usageError{"--rate must be in (0, 1e6] and --duration > 0"}
	}
	if err := positiveInt("concurrency", *concurrency, 10000); err != nil {
		return err
	}
	if err := positiveInt("rows", *rows, 100_000_000); err != nil {
		return err
	}
	if err := positiveInt("requests", *distinct, 10_000_000); err != nil {
		return err
	}
	out := env.Stdout
	fmt.Fprintf(out, "machine: %d CPUs (GOMAXPROCS %d), load average %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAvg())

	start := time.Now()
	var logs benchLogBuffer
	var exited chan struct{} // closed when the in-process server has stopped
	var serverErr error
	if *dsn != "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr := ln.Addr().String()
		ln.Close()
		sctx, stop := context.WithCancel(ctx)
		exited = make(chan struct{})
		go func() {
			defer close(exited)
			senv := &Env{Getenv: func(string) string { return "" }, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &logs}
			serverErr = cmdServe(sctx, senv, []string{"--addr", addr, "--db", *dsn, "--log-format", "text", "--store-domains", "shop.example"})
		}()
		defer func() {
			stop()
			<-exited
			if serverErr != nil {
				fmt.Fprintf(env.Stderr, "server: %v\n", serverErr)
			}
		}()
		*base = "http://" + addr
		fmt.Fprintf(out, "starting the server in-process on %s with %s\n", addr, redactDSN(*dsn))
	}
	*base = strings.TrimRight(*base, "/")

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: *concurrency, MaxIdleConnsPerHost: *concurrency, DisableCompression: true, IdleConnTimeout: time.Minute}}
	reqs := benchRequests(synth.Generator{Seed: *seed}, *rows, *distinct)
	if err := waitReady(ctx, client, *base, reqs[0].body, exited); err != nil {
		if exited != nil {
			select {
			case <-exited:
				err = fmt.Errorf("the server stopped: %v", serverErr)
			default:
			}
		}
		if s := logs.String(); s != "" {
			fmt.Fprint(env.Stderr, s)
		}
		return err
	}
	loadTook := time.Since(start)
	if *dsn != "" {
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "catalog loaded") {
				fmt.Fprintf(out, "server: %s\n", l)
			}
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, hwm := procStatusMB("VmRSS"), procStatusMB("VmHWM")
	if *dsn != "" {
		fmt.Fprintf(out, "catalog in memory after %v: rss %.0f MB (peak %.0f MB), Go heap in use %.0f MB after GC\n",
			loadTook.Round(time.Millisecond), rss, hwm, float64(ms.HeapInuse)/(1<<20))
	} else {
		fmt.Fprintf(out, "server ready after %v (its memory is not measured with --url)\n", loadTook.Round(time.Millisecond))
	}

	if *warmup > 0 {
		fmt.Fprintf(out, "warm-up: %v at %.0f req/s\n", *warmup, *rate)
		openLoop(ctx, client, *base, reqs, *rate, *warmup, *concurrency)
	}
	load0 := loadAvg()
	cpu0 := cpuTimeSelf()
	fmt.Fprintf(out, "measuring: %v at %.0f req/s, %d senders, %d distinct requests\n", *duration, *rate, *concurrency, len(reqs))
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	res := openLoop(ctx, client, *base, reqs, *rate, *duration, *concurrency)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	cpu := cpuTimeSelf() - cpu0
	rss = procStatusMB("VmRSS")

	var all []time.Duration
	errs := 0
	byKind := map[string][]int{}
	for i, r := range res.results {
		if !r.done {
			continue
		}
		all = append(all, r.lat)
		if r.err != "" {
			errs++
		}
		k := reqs[i%len(reqs)].kind
		byKind[k] = append(byKind[k], i)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	achieved := float64(len(all)) / res.elapsed.Seconds()
	fmt.Fprintf(out, "sent %d of %d scheduled in %v: achieved %.1f req/s, errors %d, not completed %d\n",
		len(all), len(res.results), res.elapsed.Round(time.Millisecond), achieved, errs, len(res.results)-len(all))
	fmt.Fprintf(out, "latency from the scheduled send time: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
		ms3(pct(all, 0.50)), ms3(pct(all, 0.90)), ms3(pct(all, 0.99)), ms3(pct(all, 0.999)), ms3(pct(all, 1)))
	whose := "server and load generator together"
	if *dsn == "" {
		whose = "the load generator only: the server is another process"
	}
	fmt.Fprintf(out, "process CPU during the run (%s): %.2f ms per request, %.0f%% of one core; load average %s -> %s\n",
		whose, float64(cpu.Microseconds())/1000/float64(max(len(all), 1)), 100*cpu.Seconds()/res.elapsed.Seconds(), load0, loadAvg())
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(out, "%-14s %7s %9s %9s %9s   %s\n", "kind", "n", "p50", "p99", "max", "answers")
	for _, k := range kinds {
		var lat []time.Duration
		outcome := map[string]int{}
		for _, i := range byKind[k] {
			r := res.results[i]
			lat = append(lat, r.lat)
			want := reqs[i%len(reqs)].want
			switch {
			case r.err != "":
				outcome["error"]++
			case r.status != "match":
				outcome[r.status]++
			case want == "":
				outcome["match(not in catalog)"]++
			case r.product == want:
				outcome["match "+r.by+" right"]++
			default:
				outcome["match "+r.by+" WRONG"]++
			}
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		var oc []string
		for o, n := range outcome {
			oc = append(oc, fmt.Sprintf("%s=%d", o, n))
		}
		sort.Strings(oc)
		fmt.Fprintf(out, "%-14s %7d %9s %9s %9s   %s\n", k, len(lat), ms3(pct(lat, 0.5)), ms3(pct(lat, 0.99)), ms3(pct(lat, 1)), strings.Join(oc, " "))
	}
	if *dsn == "" {
		rss = 0 // not measured: the server is another process
	}
	fmt.Fprintf(out, "rate=%.1f p50_ms=%.3f p99_ms=%.3f rss_mb=%.0f\n", achieved, msf(pct(all, 0.5)), msf(pct(all, 0.99)), rss)
	if errs > 0 {
		return fmt.Errorf("%d requests failed (first: %s)", errs, res.firstErr)
	}
	return nil
}

// benchRequest is one prepared POST /v1/compare body with what it should find.
type benchRequest struct {
	kind string // gtin, mpn, title, title-nomodel, absent
	want string // expected product id; "" when the product is not in the catalog
	body []byte
}

// benchRequests prepares n request bodies from the generator: 30% GTIN
// pages, 20% brand + MPN pages, 30% title-only pages with a reworded title
// that keeps the model number, 5% reworded titles without it, and 15%
// products that are not in the catalog (their own GTIN, MPN and title).
func benchRequests(g synth.Generator, rows, n int) []benchRequest {
	r := rand.New(rand.NewPCG(g.Seed, 0xbe7c4))
	out := make([]benchRequest, n)
	for i := range out {
		kind := "absent"
		switch u := r.IntN(100); {
		case u < 30:
			kind = "gtin"
		case u < 50:
			kind = "mpn"
		case u < 80:
			kind = "title"
		case u < 85:
			kind = "title-nomodel"
		}
		idx := r.IntN(rows)
		if kind == "absent" {
			idx = rows + r.IntN(rows)
		}
		p := g.Product(idx)
		// The page's price: within 15% of the store's.
		cents := p.PriceCents * int64(85+r.IntN(31)) / 100
		f := compare.Facts{Price: fmt.Sprintf("%d.%02d", cents/100, cents%100), Currency: "USD"}
		switch kind {
		case "gtin":
			f.GTIN, f.Title = p.GTIN, p.Title
		case "mpn":
			f.Brand, f.MPN, f.Title = strings.ToUpper(p.Brand), strings.ToLower(p.MPN), p.Title
		case "title":
			f.Title = rewordTitle(r, p, true)
		case "title-nomodel":
			f.Title = rewordTitle(r, p, false)
		case "absent":
			f.Title, f.GTIN, f.Brand, f.MPN = rewordTitle(r, p, true), p.GTIN, p.Brand, p.MPN
		}
		want := p.ID
		if kind == "absent" {
			want = ""
		}
		body, _ := json.Marshal(compare.Request{Domain: "www.competitor.example", Facts: f, Currency: "USD"})
		out[i] = benchRequest{kind: kind, want: want, body: body}
	}
	return out
}

// rewordTitle writes a generated product's title the way another retailer
// might: "Noun - attributes | Brand Model XX1234A5", with units spelled
// differently and the model number's hyphen dropped or kept.
func rewordTitle(r *rand.Rand, p synth.Product, model bool) string {
	t := strings.TrimSuffix(p.Title, " ("+p.MPN+")")
	rest := strings.TrimPrefix(t, p.Brand+" ")
	rest = strings.NewReplacer(`"`, "-Inch", "GB", " GB", " oz", "oz", ",", "").Replace(rest)
	mpn := p.MPN
	if r.IntN(2) == 0 {
		mpn = strings.ReplaceAll(mpn, "-", "")
	}
	var s string
	switch r.IntN(3) {
	case 0:
		s = rest + " | " + p.Brand
	case 1:
		s = p.Brand + " " + rest
	default:
		s = strings.ToLower(p.Brand + " - " + rest)
	}
	if model {
		s += " Model " + mpn
	}
	return s
}

type benchResult struct {
	done                bool
	lat                 time.Duration
	status, by, product string
	err                 string
}

type loopResult struct {
	results  []benchResult
	elapsed  time.Duration
	firstErr string
}

// openLoop sends rate requests per second for d: request i is due at
// start + i/rate and its latency runs from then.
func openLoop(ctx context.Context, client *http.Client, base string, reqs []benchRequest, rate float64, d time.Duration, workers int) loopResult {
	total := int(rate * d.Seconds())
	res := loopResult{results: make([]benchResult, total)}
	type job struct {
		i  int
		at time.Time
	}
	jobs := make(chan job, total)
	start := time.Now().Add(50 * time.Millisecond)
	interval := time.Duration(float64(time.Second) / rate)
	go func() {
		defer close(jobs)
		for i := 0; i < total; {
			now := time.Now()
			for ; i < total; i++ {
				at := start.Add(time.Duration(i) * interval)
				if at.After(now) {
					break
				}
				jobs <- job{i, at}
			}
			if i < total {
				next := start.Add(time.Duration(i) * interval)
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Until(next)):
				}
			}
		}
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var last time.Time
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r := sendCompare(client, base, reqs[j.i%len(reqs)].body)
				now := time.Now()
				r.lat, r.done = now.Sub(j.at), true
				res.results[j.i] = r
				mu.Lock()
				if now.After(last) {
					last = now
				}
				if r.err != "" && res.firstErr == "" {
					res.firstErr = r.err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = last.Sub(start)
	if res.elapsed <= 0 {
		res.elapsed = d
	}
	return res
}

func sendCompare(client *http.Client, base string, body []byte) benchResult {
	resp, err := client.Post(base+"/v1/compare", "application/json", bytes.NewReader(body))
	if err != nil {
		return benchResult{err: err.Error()}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return benchResult{err: err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return benchResult{err: fmt.Sprintf("status %d: %.200s", resp.StatusCode, b)}
	}
	var cr struct {
		Status    string `json:"status"`
		MatchedBy string `json:"matched_by"`
		Offer     *struct {
			ProductID string `json:"product_id"`
		} `json:"offer"`
	}
	if err := json.Unmarshal(b, &cr); err != nil {
		return benchResult{err: err.Error()}
	}
	r := benchResult{status: cr.Status, by: cr.MatchedBy}
	if cr.Offer != nil {
		r.product = cr.Offer.ProductID
	}
	return r
}

// waitReady polls until a comparison is answered (the catalog is loaded).
func waitReady(ctx context.Context, client *http.Client, base string, body []byte, exited <-chan struct{}) error {
	deadline := time.Now().Add(30 * time.Minute)
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return err
		}
		select {
		case <-exited:
			return errors.New("the server stopped")
		default:
		}
		resp, err := client.Post(base+"/v1/compare", "application/json", bytes.NewReader(body))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		} else if errors.Is(err, context.Canceled) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
	return errors.New("the server did not answer /v1/compare within 30 minutes")
}

func pct(s []time.Duration, p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
func ms3(d time.Duration) string  { return fmt.Sprintf("%.3fms", msf(d)) }

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

// procStatusMB reads a memory line of /proc/self/status in MB (0 when absent).
func procStatusMB(key string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb float64
		if strings.HasPrefix(sc.Text(), key+":") {
			fmt.Sscan(strings.TrimPrefix(sc.Text(), key+":"), &kb)
			return kb / 1024
		}
	}
	return 0
}

func cpuTimeSelf() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchLogBuffer is a bytes.Buffer safe for concurrent writes (the server's log).
type benchLogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *benchLogBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *benchLogBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
