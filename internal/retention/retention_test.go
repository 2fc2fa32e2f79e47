package retention_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/retention"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func TestRetentionWithInjectedClock(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		in, _, _ := db.CreateInstall(ctx, "chrome", "1")
		day0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var evs []vitrine.Event
		for d := 0; d < 10; d++ {
			at := day0.Add(time.Duration(d) * 24 * time.Hour)
			// The device clock is wrong on purpose: retention goes by receipt time.
			evs = append(evs, vitrine.Event{ID: ids.UUIDv7(), InstallID: in.ID, Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews,
				OccurredAt: at.Add(365 * 24 * time.Hour), ReceivedAt: at, Domain: "a.example", Payload: json.RawMessage(`{}`)})
		}
		if _, err := db.InsertEvents(ctx, evs); err != nil {
			t.Fatal(err)
		}
		now := day0.Add(7*24*time.Hour + time.Hour) // 7 days and an hour after day 0
		job := &retention.Job{Store: db, Days: 3, Now: func() time.Time { return now }}
		n, err := job.RunOnce(ctx)
		if err != nil || n != 5 { // days 0..4 are older than 3 days
			t.Fatalf("expired %d, %v; want 5", n, err)
		}
		if n, _ := job.RunOnce(ctx); n != 0 {
			t.Fatalf("second run expired %d", n)
		}
		now = now.Add(48 * time.Hour)
		if n, _ := job.RunOnce(ctx); n != 2 {
			t.Fatalf("two days later expired %d, want 2", n)
		}
		if left, _ := db.CountEvents(ctx, in.ID); left != 3 {
			t.Fatalf("%d left, want 3", left)
		}
	})
}
