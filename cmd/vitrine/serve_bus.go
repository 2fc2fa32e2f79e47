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

	"github.com/vitrine/vitrine/internal/bus"
	"github.com/vitrine/vitrine/internal/ingest"
	"github.com/vitrine/vitrine/internal/metrics"
	"github.com/vitrine/vitrine/internal/store"
)

// Scale-out through NATS JetStream (internal/bus): with --bus, ingest nodes
// publish validated events to the stream and writers store them.
//
//	vitrine serve --bus nats://127.0.0.1:4222 --role ingest --db postgres://...   # HTTP API; events to the bus
//	vitrine serve --bus nats://127.0.0.1:4222 --role writer --db postgres://...   # bus -> database; /healthz, /metrics only
//	vitrine serve --bus nats://127.0.0.1:4222 --db ...                            # both in one process
//	vitrine serve                                                                 # no bus: the local group-commit writer

// busFlags are serve's flags for the bus beyond --bus and --role.
type busFlags struct {
	stream, subject, consumer string
	ackWait                   time.Duration
	maxPending                int
}

func addBusFlags(fs *flag.FlagSet, c *Config, f *busFlags) {
	fs.StringVar(&c.Bus, "bus", "", "NATS server with JetStream (nats://host:4222): ingest nodes publish events there and writers store them; empty: no bus")
	fs.StringVar(&c.Role, "role", "all", "with --bus: ingest (HTTP API, events to the bus), writer (bus to database; only /healthz and /metrics), or all (both)")
	fs.StringVar(&f.stream, "bus-stream", bus.DefaultStream, "JetStream stream of the events")
	fs.StringVar(&f.subject, "bus-subject", bus.DefaultSubject, "subject prefix of the events: one subject <prefix>.<install id> per install")
	fs.StringVar(&f.consumer, "bus-consumer", bus.DefaultConsumer, "durable consumer shared by the writers")
	fs.DurationVar(&f.ackWait, "bus-ack-wait", 30*time.Second, "a message not acked this long after delivery (writer died) is delivered again")
	fs.IntVar(&f.maxPending, "bus-max-pending", 256, "writer: messages fetched ahead of the writes (memory: at most this x 1 MiB)")
}

// busNode is this process's part of the bus: nil without --bus.
type busNode struct {
	b        *bus.Bus
	role     string
	writer   *bus.Writer
	shutdown time.Duration
	log      *slog.Logger
}

// startBus checks the role and connects to the bus when --bus is set.
func startBus(ctx context.Context, c *Config, f busFlags, log *slog.Logger) (*busNode, error) {
	switch c.Role {
	case "all", "ingest", "writer":
	default:
		return nil, usageError{fmt.Sprintf("--role %q: want all, ingest or writer", c.Role)}
	}
	if c.Bus == "" {
		if c.Role != "all" {
			return nil, usageError{fmt.Sprintf("--role %s needs --bus nats://...", c.Role)}
		}
		return nil, nil
	}
	if c.Role == "writer" && c.Demo {
		return nil, usageError{"--demo serves pages: not with --role writer"}
	}
	if err := positiveInt("bus-max-pending", f.maxPending, 1<<16); err != nil {
		return nil, err
	}
	b, err := bus.Connect(ctx, bus.Config{URL: c.Bus, Stream: f.stream, Subject: f.subject, Consumer: f.consumer, AckWait: f.ackWait, Name: "vitrine-" + c.Role}, log)
	if err != nil {
		return nil, err
	}
	log.Info("bus ready", "server", bus.RedactURL(c.Bus), "stream", f.stream, "role", c.Role)
	return &busNode{b: b, role: c.Role, shutdown: c.ShutdownTimeout, log: log}, nil
}

// publisher is what ingestion hands events to: nil (the local writer)
// without a bus.
func (n *busNode) publisher() ingest.Publisher {
	if n == nil {
		return nil
	}
	return n.b
}

// startWriter starts the bus writer when this process has that role.
func (n *busNode) startWriter(ctx context.Context, db *store.DB, f busFlags, inf ingestFlags, reg *metrics.Registry) error {
	if n == nil || n.role == "ingest" {
		return nil
	}
	w, err := n.b.StartWriter(ctx, db, bus.WriterConfig{MaxEvents: inf.maxGroup, MaxPending: f.maxPending}, reg, n.log)
	if err != nil {
		return err
	}
	n.writer = w
	return nil
}

// close stops the writer (writing and acking what it fetched) and closes
// the connection.
func (n *busNode) close() {
	if n == nil {
		return
	}
	if n.writer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), n.shutdown)
		if err := n.writer.Close(ctx); err != nil {
			n.log.Warn("bus writer: stopped before writing every fetched message (they will be redelivered)", "err", err)
		}
		cancel()
	}
	n.b.Close()
}

// serveWriter runs a writer-only node: the bus writer, and an HTTP server
// with /healthz and /metrics only.
func serveWriter(ctx context.Context, c *Config, f busFlags, inf ingestFlags, db *store.DB, n *busNode, log *slog.Logger) error {
	if err := positiveInt("ingest-max-group", inf.maxGroup, 100_000); err != nil {
		return err
	}
	reg := metrics.NewRegistry()
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	if err := n.startWriter(ctx, db, f, inf, reg); err != nil {
		ln.Close()
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		hctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		if err := db.Ping(hctx); err != nil {
			log.Error("health check: database", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, `{"status":"database unavailable"}`)
			return
		}
		if err := n.b.Healthy(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, `{"status":"bus unavailable"}`)
			return
		}
		fmt.Fprintln(w, `{"status":"ok","role":"writer"}`)
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		reg.Write(w)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("bus writer running", "addr", "http://"+ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: writing what was fetched", "timeout", c.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil // the deferred busNode.close stops the writer
}
