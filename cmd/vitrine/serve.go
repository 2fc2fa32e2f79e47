package main

import (
	"context"
	"os"
	"runtime/debug"
	"strings"

	"errors"
	"flag"
	"fmt"
	"github.com/vitrine/vitrine/internal/money"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/analytics"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/bus"
	"github.com/vitrine/vitrine/internal/compare"
	"github.com/vitrine/vitrine/internal/demo"
	"github.com/vitrine/vitrine/internal/httpapi"
	"github.com/vitrine/vitrine/internal/metrics"
	"github.com/vitrine/vitrine/internal/password"
	"github.com/vitrine/vitrine/internal/policy"
	"github.com/vitrine/vitrine/internal/retention"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/web"
)

const demoDB = "sqlite:./vitrine-demo.db"

func cmdServe(ctx context.Context, env *Env, args []string) error {
	var c Config
	fs := flagSet(env, "serve", "vitrine serve [--addr 127.0.0.1:8080] [--db ...] [--demo] [--bus nats://... --role all|ingest|writer]")
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	addDBFlag(fs, &c)
	fs.BoolVar(&c.Demo, "demo", false, "seed a demo catalog and serve a demo retailer site under /demo/shop/ (database defaults to "+demoDB+")")
	fs.StringVar(&c.StoreName, "store-name", "", "the store's name shown to shoppers (default \"Vitrine Demo Store\" with --demo, else \"Our store\")")
	fs.StringVar(&c.StoreDomains, "store-domains", "", "comma-separated host names of the store's own site, where no comparison is shown (default 127.0.0.1 with --demo)")
	fs.StringVar(&c.StoreCurrency, "store-currency", "USD", "the store's currency (ISO 4217)")
	fs.StringVar(&c.RatesFile, "rates", "", "exchange rates JSON file for converted comparisons (default: the built-in table, see internal/money/rates.json)")
	fs.DurationVar(&c.RefreshInterval, "refresh", 2*time.Second, "how often the in-memory catalog checks for imported changes")
	gcPercent := fs.Int("gc-percent", 400, "Go GC target (GOGC) for the server: the in-memory catalog makes a large live heap, and a higher target trades memory for fewer collections; GOGC in the environment wins")
	debugAddr := fs.String("debug-addr", "", "serve Go's runtime profiles (/debug/pprof/) on this loopback address, e.g. 127.0.0.1:6060; off when empty")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", false, "mark session cookies Secure (set this when users reach the server over HTTPS)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to let in-flight requests finish on SIGINT/SIGTERM")
	addLogFlags(fs, &c)
	var inf ingestFlags
	addIngestFlags(fs, &inf)
	var bf busFlags
	addBusFlags(fs, &c, &bf)
	if err := parse(fs, env, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	dbSet := false
	fs.Visit(func(f *flag.Flag) { dbSet = dbSet || f.Name == "db" })
	if c.Demo && !dbSet && env.Getenv("VITRINE_DB") == "" {
		c.DB = demoDB
	}
	log, err := newLogger(&c, env.Stderr)
	if err != nil {
		return err
	}
	if env.Getenv("GOGC") == "" {
		if *gcPercent < 25 || *gcPercent > 10000 {
			return usageError{fmt.Sprintf("--gc-percent %d: want 25..10000", *gcPercent)}
		}
		debug.SetGCPercent(*gcPercent)
	}
	if *debugAddr != "" {
		stop, err := serveDebug(*debugAddr, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	info, rates, err := storeSettings(&c)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	log.Info("database ready", "engine", db.Dialect, "db", redactDSN(c.DB))
	// Bus mode (serve_bus.go): nb is nil without --bus.
	nb, err := startBus(ctx, &c, bf, log)
	if err != nil {
		return err
	}
	defer nb.close()
	if c.Role == "writer" {
		return serveWriter(ctx, &c, bf, inf, db, nb, log)
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	base := "http://" + ln.Addr().String()
	reg := metrics.NewRegistry()
	cmp := &compare.Service{Source: db, Rates: rates, Store: info, Logger: log}
	if cmp.Matcher, err = compare.BuiltinTextMatcher(); err != nil {
		ln.Close()
		return err
	}
	api := &httpapi.Server{Store: db, Shoppers: db, Compare: cmp, Consent: db, Policy: policy.Default(), StoreInfo: info, Logger: log, Metrics: reg, Extra: map[string]http.Handler{}}
	events, err := startIngest(inf, db, api, reg, log, nb.publisher())
	if err != nil {
		ln.Close()
		return err
	}
	if err := nb.startWriter(ctx, db, bf, inf, reg); err != nil {
		ln.Close()
		return err
	}
	auth := &authn.Authn{Store: db, Params: password.Default, Secure: c.SecureCookies}
	api.Auth, api.Rewards = auth, db
	site := &web.Site{Catalog: db, Rewards: db, Policy: api.Policy, StoreName: info.Name, Logger: log}
	if c.Demo {
		site.DemoAccount = "demo-shopper"
	}
	an := &analytics.Service{DB: db, K: analytics.DefaultK, StoreDomains: info.Domains, Logger: log}
	api.Analytics = an
	pages := http.NewServeMux()
	site.Routes(pages)
	site.AdminRoutes(pages, auth)
	site.AnalystRoutes(pages, auth, an)
	// Deletion reaches every store: the database, the analytics rollups and,
	// in bus mode, the stream (its pending messages drain before the
	// database deletion, and late ones are purged after it).
	var dash vitrine.DashboardStore = db
	deleters := []func(*http.Request, string, string, vitrine.EventFilter) (string, int64, error){an.Deleter}
	if nb != nil {
		dash = &bus.Dashboard{DashboardStore: db, Bus: nb.b}
		deleters = append(deleters, nb.b.Deleter)
	}
	site.ShopperRoutes(pages, &web.Shopper{Auth: auth, Dashboard: dash, Consent: db, Rewards: db,
		Deleters: deleters,
		OnConsentChange: func(id string) {
			if api.OnConsentChange != nil {
				api.OnConsentChange(id)
			}
		}})
	for _, prefix := range []string{"/shop/", "/privacy", "/me", "/me/", "/admin/", "/analyst/"} {
		api.Extra[prefix] = pages
	}
	ret := &retention.Job{Store: db, Days: api.Policy.RetentionDays, Now: time.Now, Interval: time.Hour, Logger: log}
	rctx, stopRetention := context.WithCancel(ctx)
	defer stopRetention()
	go ret.Run(rctx)
	go an.Run(rctx, &analytics.Rollup{Store: db, Now: time.Now, Retention: time.Duration(api.Policy.RetentionDays) * 24 * time.Hour}, time.Minute)
	if c.Demo {
		st, err := demo.SeedFor(ctx, db, base, time.Now())
		if err != nil {
			ln.Close()
			return fmt.Errorf("seed demo catalog: %w", err)
		}
		if err := seedDemoCampaign(ctx, db); err != nil {
			ln.Close()
			return fmt.Errorf("seed demo campaign: %w", err)
		}
		log.Info("demo catalog seeded", "imported", st.Imported, "updated", st.Updated, "unchanged", st.Unchanged, "history_points", st.History)
		api.Extra["/demo/shop/"] = demo.ShopHandler(base)
		api.Extra["/demo/img/"] = demo.ImageHandler()
	}
	start := time.Now()
	n, err := cmp.Refresh(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	log.Info("catalog loaded into memory", "products", n, "took", time.Since(start).Round(time.Millisecond).String())
	fctx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	go cmp.Follow(fctx, c.RefreshInterval)
	srv := &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", base)
	if c.Demo {
		fmt.Fprintf(env.Stderr, "\nVitrine demo is running.\n"+
			"  API:          %[1]s/v1/products\n"+
			"  Other shop:   %[2]s/demo/shop/   (a competitor's site, on another host name than the store's own 127.0.0.1;\n"+
			"                its product pages carry JSON-LD, Microdata, RDFa, OpenGraph)\n"+
			"  Store's shop: %[1]s/shop/   (the store's own site: the extension shows nothing there; /shop/account gives a link code)\n"+
			"  Privacy:      %[1]s/privacy   Operators: %[1]s/admin/login (vitrine user create --role admin)\n"+
			"  OpenAPI:      %[1]s/openapi.json\n"+
			"  Extension:    run 'make extension', then load extension/dist/chrome (chrome://extensions, Developer mode,\n"+
			"                Load unpacked) or extension/dist/firefox/manifest.json (about:debugging, Load Temporary Add-on).\n"+
			"Stop with Ctrl-C.\n\n", base, strings.Replace(base, "127.0.0.1", "localhost", 1))
	}
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests", "timeout", c.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if err := events.Close(sctx); err != nil {
		return fmt.Errorf("shutdown: storing queued events: %w", err)
	}
	log.Info("stopped")
	return nil
}

// storeSettings validates the store's identity flags and loads the rates.
func storeSettings(c *Config) (compare.StoreInfo, *money.Rates, error) {
	info := compare.StoreInfo{Name: c.StoreName, Currency: strings.ToUpper(c.StoreCurrency)}
	if info.Name == "" {
		info.Name = "Our store"
		if c.Demo {
			info.Name = "Vitrine Demo Store"
		}
	}
	if !money.IsCurrency(info.Currency) {
		return info, nil, usageError{fmt.Sprintf("--store-currency %q is not an ISO 4217 code", c.StoreCurrency)}
	}
	domains := c.StoreDomains
	if domains == "" && c.Demo {
		domains = "127.0.0.1"
	}
	for _, d := range strings.Split(domains, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if strings.Contains(d, "/") || strings.Contains(d, ":") && net.ParseIP(d) == nil {
			return info, nil, usageError{fmt.Sprintf("--store-domains: %q is not a host name (no scheme, port or path)", d)}
		}
		info.Domains = append(info.Domains, d)
	}
	rates := money.DefaultRates()
	if c.RatesFile != "" {
		f, err := os.Open(c.RatesFile)
		if err != nil {
			return info, nil, fmt.Errorf("--rates: %w", err)
		}
		defer f.Close()
		if rates, err = money.LoadRates(f); err != nil {
			return info, nil, fmt.Errorf("--rates %s: %w", c.RatesFile, err)
		}
	}
	return info, rates, nil
}

// seedDemoCampaign funds the reference campaign (a one-time $10 store
// credit for new installs) when the demo database has no campaign yet, so
// the whole panel and reward flow can be tried: one active day with three
// page views qualifies.
func seedDemoCampaign(ctx context.Context, db *store.DB) error {
	cs, err := db.Campaigns(ctx)
	if err != nil || len(cs) > 0 {
		return err
	}
	now := time.Now()
	_, err = db.CreateCampaign(ctx, vitrine.Campaign{Name: "Join the Vitrine Panel (demo)",
		Reward: money.Money{Amount: 10 * money.Scale, Currency: "USD"}, Budget: money.Money{Amount: 10000 * money.Scale, Currency: "USD"},
		StartsAt: now.Add(-24 * time.Hour), EndsAt: now.Add(90 * 24 * time.Hour), NewInstallsOnly: true, MinActiveDays: 1, MinPageViews: 3})
	return err
}
