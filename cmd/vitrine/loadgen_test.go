package main

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/ingest"
	"github.com/vitrine/vitrine/internal/policy"
)

// The generator's traffic is what a well-behaved device sends: every event
// passes the server's schema and scrub checks.
func TestLoadgenEventsAreValid(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	body := []byte(`{"events":[`)
	for i := 0; i < 500; i++ {
		if i > 0 {
			body = append(body, ',')
		}
		body = appendEvent(body, rng, ids.UUIDv7())
	}
	body = append(body, "]}"...)
	b, err := ingest.Parse(body, "ins_1", ingest.Rules{Now: time.Now(), MaxFuture: 5 * time.Minute, MaxAge: time.Hour, Policy: policy.Default()})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Refusals) != 0 || len(b.Events) != 500 {
		t.Fatalf("%d events, refusals %+v", len(b.Events), b.Refusals[:min(3, len(b.Refusals))])
	}
}
