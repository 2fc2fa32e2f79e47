package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
)

// fakeStore records each InsertEvents call; gate, when set, holds the
// first call until it is closed.
type fakeStore struct {
	mu      sync.Mutex
	stored  map[string]bool
	calls   []int
	gate    chan struct{}
	entered chan struct{}
	missing map[string]bool
	fail    error
}

func (f *fakeStore) InsertEvents(ctx context.Context, evs []vitrine.Event) ([]bool, error) {
	f.mu.Lock()
	first := len(f.calls) == 0
	f.calls = append(f.calls, len(evs))
	f.mu.Unlock()
	if first && f.gate != nil {
		f.entered <- struct{}{}
		<-f.gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	for _, e := range evs {
		if f.missing[e.InstallID] {
			return nil, errors.New("FOREIGN KEY constraint failed")
		}
	}
	out := make([]bool, len(evs))
	for i, e := range evs {
		if !f.stored[e.ID] {
			f.stored[e.ID] = true
			out[i] = true
		}
	}
	return out, nil
}

func (f *fakeStore) MissingInstalls(ctx context.Context, installIDs []string) ([]string, error) {
	var m []string
	for _, id := range installIDs {
		if f.missing[id] {
			m = append(m, id)
		}
	}
	return m, nil
}

func events(install string, n int) []vitrine.Event {
	evs := make([]vitrine.Event, n)
	for i := range evs {
		evs[i] = vitrine.Event{ID: ids.UUIDv7(), InstallID: install}
	}
	return evs
}

// While one commit runs, the batches that arrive meanwhile are written
// together in the next one, and each is answered with its own outcomes.
func TestWriterGroupsQueuedBatches(t *testing.T) {
	st := &fakeStore{stored: map[string]bool{}, gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	w := NewWriter(st, 100, 5000, 0, nil)
	first, err := w.Submit(events("a", 3))
	if err != nil {
		t.Fatal(err)
	}
	<-st.entered // the writer is inside the first commit
	var tickets []*Ticket
	for i := 0; i < 20; i++ {
		tk, err := w.Submit(events(fmt.Sprint("i", i), 10))
		if err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	dupOf := events("a", 1)[0]
	dupOf.ID = first.events[0].ID // the first batch retried while in flight
	dup, _ := w.Submit([]vitrine.Event{dupOf})
	close(st.gate)
	ctx := context.Background()
	if outs, err := first.Wait(ctx); err != nil || len(outs) != 3 || outs[0] != Stored {
		t.Fatalf("first %v %v", outs, err)
	}
	for _, tk := range tickets {
		outs, err := tk.Wait(ctx)
		if err != nil || len(outs) != 10 {
			t.Fatalf("%v %v", outs, err)
		}
		for _, o := range outs {
			if o != Stored {
				t.Fatalf("outcome %v", o)
			}
		}
	}
	if outs, err := dup.Wait(ctx); err != nil || outs[0] != Duplicate {
		t.Fatalf("retried event: %v %v", outs, err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if len(st.calls) != 2 || st.calls[1] != 201 {
		t.Fatalf("commits %v, want [3 201]", st.calls)
	}
}

// A full queue refuses at once; Close drains what is queued; then Submit fails.
func TestWriterBackpressureAndDrain(t *testing.T) {
	st := &fakeStore{stored: map[string]bool{}, gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	w := NewWriter(st, 2, 5000, 0, nil)
	a, _ := w.Submit(events("a", 1))
	<-st.entered
	b, err1 := w.Submit(events("b", 1))
	c, err2 := w.Submit(events("c", 1))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if _, err := w.Submit(events("d", 1)); !errors.Is(err, ErrOverloaded) {
		t.Fatalf("full queue: %v", err)
	}
	closed := make(chan error)
	go func() { closed <- w.Close(context.Background()) }()
	time.Sleep(10 * time.Millisecond)
	close(st.gate)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	for _, tk := range []*Ticket{a, b, c} {
		if outs, err := tk.Wait(context.Background()); err != nil || outs[0] != Stored {
			t.Fatalf("drained batch: %v %v", outs, err)
		}
	}
	if _, err := w.Submit(events("e", 1)); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

// An install deleted meanwhile fails the transaction; its events are set
// aside and the others of the group stored. A store failure fails every batch.
func TestWriterMissingInstallAndFailure(t *testing.T) {
	st := &fakeStore{stored: map[string]bool{}, missing: map[string]bool{"gone": true}}
	w := NewWriter(st, 10, 5000, 0, nil)
	defer w.Close(context.Background())
	mixed := append(events("ok", 2), events("gone", 1)...)
	tk, _ := w.Submit(mixed)
	outs, err := tk.Wait(context.Background())
	if err != nil || outs[0] != Stored || outs[1] != Stored || outs[2] != NoInstall {
		t.Fatalf("%v %v", outs, err)
	}
	st.mu.Lock()
	st.fail = errors.New("disk full")
	st.mu.Unlock()
	tk, _ = w.Submit(events("ok", 1))
	if _, err := tk.Wait(context.Background()); err == nil {
		t.Fatal("failed commit answered without error")
	}
}
