package bus

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/storetest"
)

// A deletion reaches the events still in the stream: the dashboard's
// deletion waits until the writer stored them, then deletes; a partial
// deletion keeps the shopper's other pending events.
func TestDeletionReachesTheStream(t *testing.T) {
	cfg := testConfig(t)
	db := storetest.OpenPostgres(t)
	b := openBus(t, cfg, true)
	ctx := context.Background()
	a, other := newInstall(t, db), newInstall(t, db)

	// Already stored: events of two sites.
	stored := append(makeEvents(a, "gone.example", 4), makeEvents(a, "kept.example", 4)...)
	if _, err := db.InsertEvents(ctx, stored); err != nil {
		t.Fatal(err)
	}
	// Acknowledged but still in the stream (no writer yet): both sites,
	// and another shopper's events.
	pendingGone, pendingKept := makeEvents(a, "gone.example", 6), makeEvents(a, "kept.example", 6)
	for _, evs := range [][]vitrine.Event{pendingGone, pendingKept} {
		if err := b.Publish(ctx, a, evs); err != nil {
			t.Fatal(err)
		}
	}
	otherEvs := makeEvents(other, "gone.example", 3)
	if err := b.Publish(ctx, other, otherEvs); err != nil {
		t.Fatal(err)
	}

	dash := &Dashboard{DashboardStore: db, Bus: b, Timeout: 200 * time.Millisecond}
	// The writers are down: the deletion is refused before deleting anything.
	if _, err := dash.DeleteEvents(ctx, a, vitrine.DeleteSite, vitrine.EventFilter{Domain: "gone.example"}); vitrine.ErrorCode(err) != vitrine.EUNAVAILABLE {
		t.Fatalf("deletion with no writer: %v, want EUNAVAILABLE", err)
	}
	if n, _ := db.CountEvents(ctx, a); n != 8 {
		t.Fatalf("a refused deletion deleted events: %d left of 8", n)
	}

	// The writer starts a little later; the deletion waits for it.
	dash.Timeout = 20 * time.Second
	started := make(chan *Writer, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		w, err := b.StartWriter(ctx, db, WriterConfig{}, nil, nil)
		if err != nil {
			t.Error(err)
		}
		started <- w
	}()
	rec, err := dash.DeleteEvents(ctx, a, vitrine.DeleteSite, vitrine.EventFilter{Domain: "gone.example"})
	if err != nil {
		t.Fatal(err)
	}
	w := <-started
	if w == nil {
		t.FailNow()
	}
	if rec.Counts["events"] != 10 {
		t.Errorf("receipt counts %v: want 10 events (4 stored + 6 from the stream)", rec.Counts)
	}
	left, err := db.ListEvents(ctx, a, vitrine.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 10 {
		t.Fatalf("%d events left, want the 10 of kept.example", len(left))
	}
	for _, e := range left {
		if e.Domain != "kept.example" {
			t.Fatalf("event of %s survived the deletion of gone.example", e.Domain)
		}
	}
	if n, _ := b.Pending(ctx, a); n != 0 {
		t.Fatalf("%d messages of the install still in the stream", n)
	}
	if _, err := b.WaitDrained(ctx, other, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountEvents(ctx, other); n != 3 {
		t.Fatalf("the other shopper has %d events, want 3", n)
	}

	// Deleting everything: then the Deleter purges what arrived meanwhile
	// (here published once the writer stopped, so it stays in the stream).
	if _, err := dash.DeleteEvents(ctx, a, vitrine.DeleteAll, vitrine.EventFilter{}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, a, makeEvents(a, "late.example", 2)); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/me/delete", nil)
	name, n, err := b.Deleter(r, a, vitrine.DeleteAll, vitrine.EventFilter{})
	if err != nil || name != "bus" || n != 1 {
		t.Fatalf("Deleter = %q, %d, %v; want bus, 1", name, n, err)
	}
	if n, _ := b.Pending(ctx, a); n != 0 {
		t.Fatalf("%d messages of the install still in the stream after deleting all", n)
	}
	if name, n, err := b.Deleter(r, a, vitrine.DeleteSite, vitrine.EventFilter{Domain: "x"}); err != nil || name != "bus" || n != 0 {
		t.Fatalf("Deleter(site) = %q, %d, %v", name, n, err)
	}
}
