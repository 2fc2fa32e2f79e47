package ingest

import (
	"context"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/metrics"
)

// Publisher takes a request's validated events in place of the local
// writer: in bus mode, internal/bus publishes them to NATS JetStream.
// Publish returns nil only once the events are durable there (JetStream's
// ack); the service acknowledges the request after that. Every event of
// one call belongs to installID.
type Publisher interface {
	Publish(ctx context.Context, installID string, evs []vitrine.Event) error
}

// publisher bounds the requests waiting for the bus's ack, so memory stays
// bounded and overload answers 429 as with the local writer's queue.
type publisher struct {
	p     Publisher
	slots chan struct{}
	took  *metrics.HistogramVec
}

func newPublisher(p Publisher, queue int, reg *metrics.Registry) *publisher {
	pub := &publisher{p: p, slots: make(chan struct{}, queue)}
	pub.took = reg.NewHistogramVec("vitrine_ingest_publish_seconds", "Duration of publishing one request's events to the bus, until its ack.", metrics.DefaultBuckets)
	reg.NewGaugeFunc("vitrine_ingest_queue_batches", "Requests waiting for the bus's ack (bus mode).", func() float64 { return float64(pub.inFlight()) })
	return pub
}

func (p *publisher) inFlight() int { return len(p.slots) }

func (p *publisher) publish(ctx context.Context, installID string, evs []vitrine.Event, rejected *metrics.CounterVec) error {
	select {
	case p.slots <- struct{}{}:
	default:
		rejected.Inc("overloaded")
		return &RetryError{After: time.Second, Err: vitrine.Errorf(vitrine.ERATELIMIT, "the server is busy queueing events: retry later")}
	}
	defer func() { <-p.slots }()
	start := time.Now()
	err := p.p.Publish(ctx, installID, evs)
	if err != nil {
		rejected.Inc("unavailable")
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Not acknowledged: the device keeps the batch and sends it again;
		// if the bus did store it, the retry is a duplicate, stored once.
		return &RetryError{After: time.Second, Err: vitrine.Errorf(vitrine.EUNAVAILABLE, "events could not be queued: retry later")}
	}
	p.took.Observe(time.Since(start).Seconds())
	return nil
}
