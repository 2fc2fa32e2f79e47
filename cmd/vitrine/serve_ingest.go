package main

import (
	"flag"
	"log/slog"
	"time"

	"github.com/vitrine/vitrine/internal/httpapi"
	"github.com/vitrine/vitrine/internal/ingest"
	"github.com/vitrine/vitrine/internal/metrics"
	"github.com/vitrine/vitrine/internal/policy"
	"github.com/vitrine/vitrine/internal/store"
)

// ingestFlags are serve's flags for POST /v1/events.
type ingestFlags struct {
	queue, maxGroup, burst int
	rate                   float64
	linger                 time.Duration
}

func addIngestFlags(fs *flag.FlagSet, f *ingestFlags) {
	fs.IntVar(&f.queue, "ingest-queue", 512, "event batches waiting for the group-commit writer before requests get 429 (memory: at most this x 1 MiB)")
	fs.IntVar(&f.maxGroup, "ingest-max-group", 5000, "most events written in one transaction")
	fs.DurationVar(&f.linger, "ingest-linger", 0, "how long the writer waits for more batches before a commit (0: commit what is queued at once)")
	fs.Float64Var(&f.rate, "ingest-rate", 20, "event requests per second allowed per install")
	fs.IntVar(&f.burst, "ingest-burst", 40, "burst of event requests allowed per install")
}

// startIngest starts the ingestion service on db and plugs it into the API:
// consent changes made through this process drop its cached consent at once.
// pub, when not nil, takes the events in place of the local writer (--bus).
func startIngest(f ingestFlags, db *store.DB, api *httpapi.Server, reg *metrics.Registry, log *slog.Logger, pub ingest.Publisher) (*ingest.Service, error) {
	if err := positiveInt("ingest-queue", f.queue, 1<<20); err != nil {
		return nil, err
	}
	if err := positiveInt("ingest-max-group", f.maxGroup, 100_000); err != nil {
		return nil, err
	}
	if err := positiveInt("ingest-burst", f.burst, 1<<20); err != nil {
		return nil, err
	}
	if f.rate <= 0 {
		return nil, usageError{"--ingest-rate must be above 0"}
	}
	pol := api.Policy
	if pol == nil {
		pol = policy.Default()
	}
	svc := ingest.New(ingest.Config{QueueSize: f.queue, MaxGroup: f.maxGroup, Linger: f.linger, Rate: f.rate, Burst: f.burst, Policy: pol, Publisher: pub},
		db, db, db, reg, log)
	api.Ingest = svc
	prev := api.OnConsentChange
	api.OnConsentChange = func(installID string) {
		svc.Invalidate(installID)
		if prev != nil {
			prev(installID)
		}
	}
	return svc, nil
}
