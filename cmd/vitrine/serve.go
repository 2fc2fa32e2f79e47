package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/vitrine/vitrine/internal/demo"
	"github.com/vitrine/vitrine/internal/httpapi"
	"github.com/vitrine/vitrine/internal/metrics"
)

const demoDB = "sqlite:./vitrine-demo.db"

func cmdServe(ctx context.Context, env *Env, args []string) error {
	var c Config
	fs := flagSet(env, "serve", "vitrine serve [--addr 127.0.0.1:8080] [--db ...] [--demo]")
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	addDBFlag(fs, &c)
	fs.BoolVar(&c.Demo, "demo", false, "seed a demo catalog and serve a demo retailer site under /demo/shop/ (database defaults to "+demoDB+")")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to let in-flight requests finish on SIGINT/SIGTERM")
	addLogFlags(fs, &c)
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
	db, err := openDB(ctx, c.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	log.Info("database ready", "engine", db.Dialect, "db", redactDSN(c.DB))

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	base := "http://" + ln.Addr().String()
	reg := metrics.NewRegistry()
	api := &httpapi.Server{Store: db, Logger: log, Metrics: reg, Extra: map[string]http.Handler{}}
	if c.Demo {
		st, err := demo.SeedFor(ctx, db, base, time.Now())
		if err != nil {
			ln.Close()
			return fmt.Errorf("seed demo catalog: %w", err)
		}
		log.Info("demo catalog seeded", "imported", st.Imported, "updated", st.Updated, "unchanged", st.Unchanged, "history_points", st.History)
		api.Extra["/demo/shop/"] = demo.ShopHandler(base)
		api.Extra["/demo/img/"] = demo.ImageHandler()
	}
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
			"  Other shop:   %[1]s/demo/shop/   (a competitor's site; product pages carry JSON-LD, Microdata, RDFa, OpenGraph)\n"+
			"  OpenAPI:      %[1]s/openapi.json\n"+
			"  Extension:    run 'make extension', then load extension/dist/chrome (chrome://extensions, Developer mode,\n"+
			"                Load unpacked) or extension/dist/firefox (about:debugging) once the extension exists.\n"+
			"Stop with Ctrl-C.\n\n", base)
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
	log.Info("stopped")
	return nil
}
