package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func pageView(installID string, at time.Time, url string) vitrine.Event {
	return vitrine.Event{
		ID: ids.UUIDv7(), InstallID: installID, Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews,
		OccurredAt: at, ReceivedAt: at.Add(time.Second), Domain: "shop.example",
		Payload: json.RawMessage(`{"url":"` + url + `","referrer_domain":"","dwell_ms":1200}`),
	}
}

func TestInsertEventsDedup(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, _, err := db.CreateInstall(ctx, "chrome", "1.0")
		if err != nil {
			t.Fatal(err)
		}
		a := pageView(in.ID, t0, "https://shop.example/a")
		b := pageView(in.ID, t0.Add(time.Minute), "https://shop.example/b")
		got, err := db.InsertEvents(ctx, []vitrine.Event{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, []bool{true, true}) {
			t.Fatalf("first insert %v", got)
		}
		// A retried batch with one new event, and a repeat inside the batch.
		c := pageView(in.ID, t0.Add(2*time.Minute), "https://shop.example/c")
		got, err = db.InsertEvents(ctx, []vitrine.Event{b, c, a, c})
		if err != nil {
			t.Fatal(err)
		}
		if want := []bool{false, true, false, false}; !reflect.DeepEqual(got, want) {
			t.Fatalf("retry insert %v, want %v", got, want)
		}
		if n, err := db.CountEvents(ctx, ""); err != nil || n != 3 {
			t.Fatalf("count %d %v", n, err)
		}
		evs, err := db.EventsForInstall(ctx, in.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 3 {
			t.Fatalf("events %d", len(evs))
		}
		for i, want := range []vitrine.Event{a, b, c} {
			want.OccurredAt, want.ReceivedAt = want.OccurredAt.UTC(), want.ReceivedAt.UTC()
			if !reflect.DeepEqual(evs[i], want) {
				t.Errorf("event %d = %+v, want %+v", i, evs[i], want)
			}
		}
		if evs, _ := db.EventsForInstall(ctx, in.ID, 2); len(evs) != 2 {
			t.Fatalf("limit 2 gave %d", len(evs))
		}
		seen := map[string]int{}
		if err := db.EachEventID(ctx, func(id string) error { seen[id]++; return nil }); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 3 || seen[a.ID] != 1 || seen[c.ID] != 1 {
			t.Fatalf("ids %v", seen)
		}
	})
}

// An event of a deleted install fails the transaction and stores nothing;
// MissingInstalls says which install is gone.
func TestInsertEventsMissingInstall(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, _, _ := db.CreateInstall(ctx, "chrome", "1.0")
		good := pageView(in.ID, t0, "https://shop.example/a")
		bad := pageView("ins_gone", t0, "https://shop.example/b")
		if _, err := db.InsertEvents(ctx, []vitrine.Event{good, bad}); err == nil {
			t.Fatal("insert with an unknown install succeeded")
		}
		if n, _ := db.CountEvents(ctx, ""); n != 0 {
			t.Fatalf("failed insert stored %d events", n)
		}
		missing, err := db.MissingInstalls(ctx, []string{in.ID, "ins_gone"})
		if err != nil || !reflect.DeepEqual(missing, []string{"ins_gone"}) {
			t.Fatalf("missing %v %v", missing, err)
		}
	})
}

// Many chunks in one call, concurrent callers, and the raw baseline.
func TestInsertEventsLarge(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, _, _ := db.CreateInstall(ctx, "firefox", "1.0")
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				evs := make([]vitrine.Event, 700)
				for i := range evs {
					evs[i] = pageView(in.ID, t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("https://shop.example/p/%d", i))
				}
				got, err := db.InsertEvents(ctx, evs)
				if err != nil {
					errs <- err
					return
				}
				for i, ok := range got {
					if !ok {
						errs <- fmt.Errorf("event %d not inserted", i)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		raw := make([]vitrine.Event, 300)
		for i := range raw {
			raw[i] = pageView(in.ID, t0, "https://shop.example/raw")
		}
		if err := db.RawInsertEvents(ctx, raw); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountEvents(ctx, in.ID); n != 4*700+300 {
			t.Fatalf("count %d", n)
		}
	})
}

// Every insert strategy of each engine deduplicates exactly.
func TestInsertEventsModes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, _, _ := db.CreateInstall(ctx, "chrome", "1.0")
		eachInsertMode(func(mode string) {
			a, b := pageView(in.ID, t0, "https://x.example/"), pageView(in.ID, t0, "https://x.example/")
			if got, err := db.InsertEvents(ctx, []vitrine.Event{a}); err != nil || !got[0] {
				t.Fatalf("%s: %v %v", mode, got, err)
			}
			got, err := db.InsertEvents(ctx, []vitrine.Event{a, b, b})
			if err != nil || !reflect.DeepEqual(got, []bool{false, true, false}) {
				t.Fatalf("%s: %v %v", mode, got, err)
			}
		})
		if n, _ := db.CountEvents(ctx, in.ID); n != 10 {
			t.Fatalf("count %d, want 10", n)
		}
	})
}

// Old ids scattered over several chunks of one call: each mode reports
// exactly the new ones and stores every new one once (the "exec" mode rolls
// such a chunk back and writes it again).
func TestInsertEventsDuplicatesAcrossChunks(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, _, _ := db.CreateInstall(ctx, "chrome", "1.0")
		total := int64(0)
		eachInsertMode(func(mode string) {
			evs := make([]vitrine.Event, 1234) // three SQLite chunks, the last partial
			for i := range evs {
				evs[i] = pageView(in.ID, t0.Add(time.Duration(i)*time.Millisecond), fmt.Sprintf("https://shop.example/%s/%d", mode, i))
			}
			var old []vitrine.Event
			for _, i := range []int{3, 499, 700, 1233} { // chunks 1, 1, 2 and 3
				old = append(old, evs[i])
			}
			if _, err := db.InsertEvents(ctx, old); err != nil {
				t.Fatalf("%s: %v", mode, err)
			}
			got, err := db.InsertEvents(ctx, evs)
			if err != nil {
				t.Fatalf("%s: %v", mode, err)
			}
			for i, ok := range got {
				if want := i != 3 && i != 499 && i != 700 && i != 1233; ok != want {
					t.Fatalf("%s: event %d inserted=%v, want %v", mode, i, ok, want)
				}
			}
			total += int64(len(evs))
			if n, _ := db.CountEvents(ctx, in.ID); n != total {
				t.Fatalf("%s: count %d, want %d", mode, n, total)
			}
		})
	})
}

// eachInsertMode runs f with each insert strategy of both engines selected
// (an engine ignores the other's names), restoring the defaults after.
func eachInsertMode(f func(mode string)) {
	defer func(p, s string) { store.PostgresInsert, store.SQLiteInsert = p, s }(store.PostgresInsert, store.SQLiteInsert)
	for _, mode := range []string{"copy", "unnest", "rows", "multi", "exec"} {
		store.PostgresInsert, store.SQLiteInsert = mode, mode
		f(mode)
	}
}

// BenchmarkInsertEvents measures the insert path (go test -bench InsertEvents
// -run ^$ ./internal/store/), 1,000 events a call; it is not a timed test.
func BenchmarkInsertEvents(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			var db *store.DB
			if engine == "sqlite" {
				db = storetest.OpenSQLite(b)
			} else {
				db = storetest.OpenPostgres(b)
			}
			ctx := context.Background()
			in, _, _ := db.CreateInstall(ctx, "chrome", "1.0")
			modes := []string{"rows", "multi", "exec"}
			if engine == "postgres" {
				modes = []string{"copy", "unnest"}
			}
			for _, mode := range append(modes, "raw") {
				b.Run(mode, func(b *testing.B) {
					if mode == "rows" || mode == "multi" || mode == "exec" {
						old := store.SQLiteInsert
						store.SQLiteInsert = mode
						defer func() { store.SQLiteInsert = old }()
					}
					if mode == "copy" || mode == "unnest" {
						old := store.PostgresInsert
						store.PostgresInsert = mode
						defer func() { store.PostgresInsert = old }()
					}
					evs := make([]vitrine.Event, 1000)
					for n := 0; n < b.N; n++ {
						for i := range evs {
							evs[i] = pageView(in.ID, t0, "https://shop.example/product/some-thing-42?variant=3")
						}
						var err error
						if mode == "raw" {
							err = db.RawInsertEvents(ctx, evs)
						} else {
							_, err = db.InsertEvents(ctx, evs)
						}
						if err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "events/s")
				})
			}
		})
	}
}
