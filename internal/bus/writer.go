package bus

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ingest"
	"github.com/vitrine/vitrine/internal/metrics"
)

// WriterConfig tunes a writer. Zero values take the defaults.
type WriterConfig struct {
	MaxEvents  int // events in one transaction (default 5000)
	MaxPending int // messages fetched ahead of the writes (default 256; memory: at most this x 1 MiB)

	// afterCommit, when set (tests), runs between a commit and its acks.
	afterCommit func()
}

// Writer consumes the stream and stores the events: it takes every message
// fetched so far (up to MaxEvents events), writes their events in one
// transaction, and acks each message only after the commit. Three
// goroutines make a pipeline: decoding the next group and acking the last
// one overlap the commit.
type Writer struct {
	b       *Bus
	st      ingest.Store
	cfg     WriterConfig
	log     *slog.Logger
	cc      jetstream.ConsumeContext
	in      chan jetstream.Msg
	commitQ chan group
	ackQ    chan []jetstream.Msg
	done    chan struct{}
	stop    sync.Once

	// held are the messages received and not yet acked, with when each
	// last told the server it is in progress: a backlog waiting behind
	// slow commits must not outlive AckWait and come back as a redelivery.
	mu   sync.Mutex
	held map[jetstream.Msg]time.Time

	events   *metrics.CounterVec
	messages *metrics.CounterVec
	commits  *metrics.HistogramVec
	groups   *metrics.HistogramVec
}

// StartWriter creates (or updates) the durable consumer and starts
// writing. reg and log may be nil.
func (b *Bus) StartWriter(ctx context.Context, st ingest.Store, cfg WriterConfig, reg *metrics.Registry, log *slog.Logger) (*Writer, error) {
	if cfg.MaxEvents <= 0 {
		cfg.MaxEvents = 5000
	}
	if cfg.MaxPending <= 0 {
		cfg.MaxPending = 256
	}
	if reg == nil {
		reg = metrics.NewRegistry()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cons, err := b.js.CreateOrUpdateConsumer(ctx, b.cfg.Stream, jetstream.ConsumerConfig{
		Durable:       b.cfg.Consumer,
		Description:   "Vitrine writers: store events, then ack",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       b.cfg.AckWait,
		MaxDeliver:    -1,
		MaxAckPending: 4 * cfg.MaxPending,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("bus: create or update consumer %s: %w", b.cfg.Consumer, err)
	}
	w := &Writer{b: b, st: st, cfg: cfg, log: log, in: make(chan jetstream.Msg, cfg.MaxPending), held: map[jetstream.Msg]time.Time{},
		commitQ: make(chan group), ackQ: make(chan []jetstream.Msg, 1), done: make(chan struct{})}
	w.events = reg.NewCounterVec("vitrine_bus_writer_events_total", "Events written from the bus, by result: stored, duplicate (stored before: a redelivery or a retried request), install_deleted.", "result")
	w.messages = reg.NewCounterVec("vitrine_bus_writer_messages_total", "Bus messages handled, by result: acked, ack_failed (redelivered later, harmless), invalid (unreadable, terminated).", "result")
	w.commits = reg.NewHistogramVec("vitrine_bus_writer_commit_seconds", "Duration of the writer's transactions.", metrics.DefaultBuckets)
	w.groups = reg.NewHistogramVec("vitrine_bus_writer_commit_events", "Events per writer transaction.", []float64{1, 10, 100, 500, 1000, 2000, 5000, 10000})
	reg.NewGaugeFunc("vitrine_bus_writer_fetched_messages", "Messages fetched and waiting for the writer's next transaction.", func() float64 { return float64(len(w.in)) })
	// The client library buffers up to PullMaxMessages messages before
	// handing them over, where they cannot be kept alive: keep that small;
	// the writer's own buffer (in) holds the rest of MaxPending.
	w.cc, err = cons.Consume(func(m jetstream.Msg) {
		w.hold(m)
		w.in <- m
	},
		jetstream.PullMaxMessages(max(1, cfg.MaxPending/8)),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			log.Warn("bus: consume", "err", err)
		}))
	if err != nil {
		return nil, fmt.Errorf("bus: consume: %w", err)
	}
	go w.gather()
	go w.committer()
	go w.acker()
	go w.keepAlive()
	return w, nil
}

// Close stops fetching, writes and acks what was fetched, and returns when
// done or when ctx ends (what is left unacked is redelivered later).
func (w *Writer) Close(ctx context.Context) error {
	w.stop.Do(func() {
		go func() {
			w.cc.Drain()
			<-w.cc.Closed()
			close(w.in)
		}()
	})
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// group is the messages of one transaction and their events.
type group struct {
	msgs []jetstream.Msg
	evs  []vitrine.Event
}

// gather decodes what was fetched into the next group while the committer
// is busy, and hands it over as soon as the committer is free: the slower
// the commits, the bigger the groups (up to MaxEvents events).
func (w *Writer) gather() {
	defer close(w.commitQ)
	in := w.in
	var cur group
	var next *group // a message that did not fit in cur
	for {
		var out chan group
		if len(cur.msgs) > 0 {
			out = w.commitQ
		}
		recv := in
		if next != nil {
			recv = nil
		}
		if in == nil && len(cur.msgs) == 0 { // closed, and all handed over (next implies cur)
			return
		}
		select {
		case m, ok := <-recv:
			if !ok {
				in = nil
				continue
			}
			evs, err := decode(m.Data())
			if err != nil {
				// Never log the body (the shoppers' data) nor the subject (an install id).
				var seq uint64
				if md, merr := m.Metadata(); merr == nil {
					seq = md.Sequence.Stream
				}
				w.log.Error("bus: unreadable message: terminated", "stream_seq", seq, "bytes", len(m.Data()), "err", err)
				m.Term()
				w.release(m)
				w.messages.Inc("invalid")
				continue
			}
			if len(cur.evs) > 0 && len(cur.evs)+len(evs) > w.cfg.MaxEvents {
				next = &group{msgs: []jetstream.Msg{m}, evs: evs}
				continue
			}
			cur.msgs, cur.evs = append(cur.msgs, m), append(cur.evs, evs...)
		case out <- cur:
			cur = group{}
			if next != nil {
				cur, next = *next, nil
			}
		}
	}
}

func (w *Writer) committer() {
	defer close(w.ackQ)
	for g := range w.commitQ {
		w.commit(g.msgs, g.evs)
		if w.cfg.afterCommit != nil {
			w.cfg.afterCommit()
		}
		w.ackQ <- g.msgs
	}
}

func (w *Writer) hold(m jetstream.Msg) {
	w.mu.Lock()
	w.held[m] = time.Now()
	w.mu.Unlock()
}

func (w *Writer) release(m jetstream.Msg) {
	w.mu.Lock()
	delete(w.held, m)
	w.mu.Unlock()
}

// keepAlive tells the server "in progress" for every message held longer
// than a third of AckWait, until the writer is done.
func (w *Writer) keepAlive() {
	every := max(w.b.cfg.AckWait/3, 50*time.Millisecond)
	t := time.NewTicker(every / 2)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case now := <-t.C:
			var due []jetstream.Msg
			w.mu.Lock()
			for m, at := range w.held {
				if now.Sub(at) >= every {
					due = append(due, m)
					w.held[m] = now
				}
			}
			w.mu.Unlock()
			for _, m := range due {
				m.InProgress()
			}
		}
	}
}

func (w *Writer) acker() {
	defer close(w.done)
	for msgs := range w.ackQ {
		w.ack(msgs)
	}
}

// commit writes the events, retrying until it succeeds.
func (w *Writer) commit(msgs []jetstream.Msg, evs []vitrine.Event) {
	backoff := 100 * time.Millisecond
	for {
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		outs, err := ingest.StoreEvents(ctx, w.st, evs)
		cancel()
		if err == nil {
			w.commits.Observe(time.Since(start).Seconds())
			w.groups.Observe(float64(len(evs)))
			var stored, dup, gone uint64
			for _, o := range outs {
				switch o {
				case ingest.Stored:
					stored++
				case ingest.Duplicate:
					dup++
				default:
					gone++
				}
			}
			w.events.Add(stored, "stored")
			w.events.Add(dup, "duplicate")
			w.events.Add(gone, "install_deleted")
			break
		}
		w.log.Error("bus: writing events failed: retrying", "events", len(evs), "messages", len(msgs), "err", err)
		// Keep the messages (no nak; keepAlive holds them): the next
		// attempt writes the same events.
		time.Sleep(backoff)
		backoff = min(2*backoff, 5*time.Second)
	}
}

// ack acks every message and waits for the server's confirmation, a few
// at a time. A lost ack only means a redelivery, which stores nothing twice.
func (w *Writer) ack(msgs []jetstream.Msg) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed int
	var firstErr error
	for _, m := range msgs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := m.DoubleAck(ctx)
			w.release(m)
			if err != nil {
				mu.Lock()
				failed++
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	w.messages.Add(uint64(len(msgs)-failed), "acked")
	if failed > 0 {
		w.messages.Add(uint64(failed), "ack_failed")
		w.log.Warn("bus: acks not confirmed: those messages will be redelivered and deduplicated", "messages", failed, "err", firstErr)
	}
}
