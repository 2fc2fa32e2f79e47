package ingest

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/vitrine/vitrine"
)

// Store is where the writer puts events (internal/store's DB).
type Store interface {
	// InsertEvents stores events durably in one transaction; inserted[i]
	// is false when evs[i]'s id was stored already.
	InsertEvents(ctx context.Context, evs []vitrine.Event) (inserted []bool, err error)
	// MissingInstalls returns the install ids that do not exist (any more).
	MissingInstalls(ctx context.Context, installIDs []string) ([]string, error)
}

// Outcome is what became of one submitted event.
type Outcome uint8

const (
	Stored    Outcome = iota + 1 // stored by this commit
	Duplicate                    // its id was stored already: nothing stored
	NoInstall                    // its install was deleted meanwhile: refused
)

// Errors of Submit.
var (
	ErrOverloaded = errors.New("ingest queue is full")
	ErrClosed     = errors.New("ingest writer is shutting down")
)

// Ticket is a submitted batch; Wait returns its outcome after the commit.
type Ticket struct {
	events []vitrine.Event
	done   chan result
}

type result struct {
	outcomes []Outcome
	err      error
}

// Wait blocks until the batch is committed (or failed), or ctx ends. When
// ctx ends first the batch may still be committed later; a client that
// retries gets its events reported as duplicates.
func (t *Ticket) Wait(ctx context.Context) ([]Outcome, error) {
	select {
	case r := <-t.done:
		return r.outcomes, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Writer is the one writer of a process: it takes every batch waiting in
// its bounded queue (up to MaxGroup events), writes them in one transaction,
// and answers each batch only after the commit. While a commit runs, new
// batches queue up and go into the next one: the busier the server, the
// bigger the groups, and the fewer fsyncs per event.
type Writer struct {
	store    Store
	q        chan *Ticket
	maxGroup int
	linger   time.Duration
	log      *slog.Logger
	// OnCommit, when set, is told the size and duration of each commit.
	OnCommit func(events int, d time.Duration, err error)

	mu     sync.RWMutex
	closed bool
	done   chan struct{}
}

// NewWriter starts a writer. queue bounds the batches waiting (so memory is
// at most queue x the largest batch); maxGroup bounds the events of one
// transaction; linger, when above zero, is how long the writer waits for
// more batches once it has one (0: commit what is there at once).
func NewWriter(st Store, queue, maxGroup int, linger time.Duration, log *slog.Logger) *Writer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Writer{store: st, q: make(chan *Ticket, queue), maxGroup: maxGroup, linger: linger, log: log, done: make(chan struct{})}
	go w.loop()
	return w
}

// Submit queues a batch without blocking: ErrOverloaded when the queue is
// full, ErrClosed after Close.
func (w *Writer) Submit(evs []vitrine.Event) (*Ticket, error) {
	t := &Ticket{events: evs, done: make(chan result, 1)}
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return nil, ErrClosed
	}
	select {
	case w.q <- t:
		return t, nil
	default:
		return nil, ErrOverloaded
	}
}

// Queued returns the number of batches waiting.
func (w *Writer) Queued() int { return len(w.q) }

// Close stops accepting batches and waits until every queued batch is
// committed and answered, or ctx ends.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.q)
	}
	w.mu.Unlock()
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (w *Writer) loop() {
	defer close(w.done)
	for {
		t, ok := <-w.q
		if !ok {
			return
		}
		group, n := []*Ticket{t}, len(t.events)
		var timer <-chan time.Time
		if w.linger > 0 {
			timer = time.After(w.linger)
		}
	gather:
		for n < w.maxGroup {
			select {
			case t, ok := <-w.q:
				if !ok {
					break gather
				}
				group, n = append(group, t), n+len(t.events)
				continue
			default:
			}
			if timer == nil {
				break
			}
			select {
			case t, ok := <-w.q:
				if !ok {
					break gather
				}
				group, n = append(group, t), n+len(t.events)
			case <-timer:
				break gather
			}
		}
		w.commit(group, n)
	}
}

func (w *Writer) commit(group []*Ticket, n int) {
	evs := make([]vitrine.Event, 0, n)
	for _, t := range group {
		evs = append(evs, t.events...)
	}
	out := make([]Outcome, len(evs))
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := storeEvents(ctx, w.store, evs, out)
	if w.OnCommit != nil {
		w.OnCommit(len(evs), time.Since(start), err)
	}
	if err != nil {
		// Never log events: they are the shoppers' data.
		w.log.Error("ingest commit failed", "events", len(evs), "batches", len(group), "err", err)
	}
	off := 0
	for _, t := range group {
		k := len(t.events)
		if err != nil {
			t.done <- result{err: err}
		} else {
			t.done <- result{outcomes: out[off : off+k : off+k]}
		}
		off += k
	}
}

// StoreEvents writes evs in one transaction, as the local writer does, and
// returns each event's outcome: events of installs deleted meanwhile (a
// foreign key failure) are set aside as NoInstall and the rest written
// again. The bus writer (internal/bus) stores what it consumes with it.
func StoreEvents(ctx context.Context, st Store, evs []vitrine.Event) ([]Outcome, error) {
	out := make([]Outcome, len(evs))
	if err := storeEvents(ctx, st, evs, out); err != nil {
		return nil, err
	}
	return out, nil
}

func storeEvents(ctx context.Context, st Store, evs []vitrine.Event, out []Outcome) error {
	inserted, err := st.InsertEvents(ctx, evs)
	if err != nil {
		seen := map[string]bool{}
		var installs []string
		for i := range evs {
			if !seen[evs[i].InstallID] {
				seen[evs[i].InstallID] = true
				installs = append(installs, evs[i].InstallID)
			}
		}
		missing, merr := st.MissingInstalls(ctx, installs)
		if merr != nil || len(missing) == 0 {
			return err
		}
		gone := map[string]bool{}
		for _, id := range missing {
			gone[id] = true
		}
		var rest []vitrine.Event
		var at []int
		for i := range evs {
			if gone[evs[i].InstallID] {
				out[i] = NoInstall
			} else {
				rest, at = append(rest, evs[i]), append(at, i)
			}
		}
		inserted, err = st.InsertEvents(ctx, rest)
		if err != nil {
			return err
		}
		for j, ok := range inserted {
			out[at[j]] = outcome(ok)
		}
		return nil
	}
	for i, ok := range inserted {
		out[i] = outcome(ok)
	}
	return nil
}

func outcome(inserted bool) Outcome {
	if inserted {
		return Stored
	}
	return Duplicate
}
