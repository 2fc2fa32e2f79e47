package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/store"
	"github.com/vitrine/vitrine/internal/storetest"
)

func storeEvents(t *testing.T, db *store.DB, installID string, evs ...vitrine.Event) []string {
	t.Helper()
	var out []string
	for i := range evs {
		evs[i].ID, evs[i].InstallID = ids.UUIDv7(), installID
		if evs[i].Type == "" {
			evs[i].Type, evs[i].Scope = vitrine.EventPageView, vitrine.ScopePageViews
		}
		if evs[i].ReceivedAt.IsZero() {
			evs[i].ReceivedAt = evs[i].OccurredAt
		}
		evs[i].Payload = json.RawMessage(`{"url":"https://` + evs[i].Domain + `/"}`)
		out = append(out, evs[i].ID)
	}
	if _, err := db.InsertEvents(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDashboardSummaryAndDeletion(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		me, _, _ := db.CreateInstall(ctx, "chrome", "1")
		other, _, _ := db.CreateInstall(ctx, "chrome", "1")
		d1, d2 := t0, t0.Add(24*time.Hour)
		mine := storeEvents(t, db, me.ID,
			vitrine.Event{Domain: "a.example", OccurredAt: d1}, vitrine.Event{Domain: "a.example", OccurredAt: d1.Add(time.Hour)},
			vitrine.Event{Domain: "b.example", OccurredAt: d2}, vitrine.Event{Domain: "a.example", OccurredAt: d2.Add(time.Hour)},
			vitrine.Event{Domain: "c.example", OccurredAt: d2.Add(2 * time.Hour), Type: vitrine.EventProductView, Scope: vitrine.ScopeProductViews})
		theirs := storeEvents(t, db, other.ID, vitrine.Event{Domain: "a.example", OccurredAt: d1})
		s, err := db.EventSummary(ctx, me.ID)
		if err != nil || s.Total != 5 || s.ByType["page_view"] != 4 || len(s.ByDay) != 2 || s.ByDay[0].Key != "2026-11-02" || s.BySite[0].Key != "a.example" || s.BySite[0].Count != 3 {
			t.Fatalf("summary %+v %v", s, err)
		}
		if evs, _ := db.ListEvents(ctx, me.ID, vitrine.EventFilter{Domain: "a.example"}); len(evs) != 3 {
			t.Fatalf("by site: %d", len(evs))
		}
		// Refused deletions change nothing.
		if _, err := db.DeleteEvents(ctx, me.ID, vitrine.DeleteEvent, vitrine.EventFilter{EventID: theirs[0]}); vitrine.ErrorCode(err) != vitrine.ENOTFOUND {
			t.Fatalf("deleting another shopper's event: %v", err)
		}
		for _, bad := range []struct {
			kind string
			f    vitrine.EventFilter
		}{{vitrine.DeleteSite, vitrine.EventFilter{}}, {vitrine.DeleteRange, vitrine.EventFilter{From: d2, To: d1}}, {vitrine.DeleteEvent, vitrine.EventFilter{EventID: "x"}}, {"everything", vitrine.EventFilter{}}} {
			if _, err := db.DeleteEvents(ctx, me.ID, bad.kind, bad.f); vitrine.ErrorCode(err) != vitrine.EINVALID {
				t.Fatalf("%s %+v: %v", bad.kind, bad.f, err)
			}
		}
		if n, _ := db.CountEvents(ctx, ""); n != 6 {
			t.Fatalf("refused deletions deleted: %d left", n)
		}
		r, err := db.DeleteEvents(ctx, me.ID, vitrine.DeleteEvent, vitrine.EventFilter{EventID: mine[4]})
		if err != nil || r.Counts["events"] != 1 || r.Remaining != 0 {
			t.Fatalf("one event: %+v %v", r, err)
		}
		r, err = db.DeleteEvents(ctx, me.ID, vitrine.DeleteSite, vitrine.EventFilter{Domain: "a.example"})
		if err != nil || r.Counts["events"] != 3 || r.Remaining != 0 {
			t.Fatalf("site: %+v %v", r, err)
		}
		if n, _ := db.CountEvents(ctx, other.ID); n != 1 {
			t.Fatalf("another shopper's a.example event was deleted")
		}
		r, err = db.DeleteEvents(ctx, me.ID, vitrine.DeleteRange, vitrine.EventFilter{From: d2, To: d2.Add(24 * time.Hour)})
		if err != nil || r.Counts["events"] != 1 {
			t.Fatalf("range: %+v %v", r, err)
		}
		if n, _ := db.CountEvents(ctx, me.ID); n != 0 {
			t.Fatalf("%d events left", n)
		}
		ds, _ := db.Deletions(ctx, me.ID)
		if len(ds) != 3 {
			t.Fatalf("receipts %+v", ds)
		}
		// Retention.
		storeEvents(t, db, me.ID, vitrine.Event{Domain: "old.example", OccurredAt: t0.Add(-100 * 24 * time.Hour)}, vitrine.Event{Domain: "new.example", OccurredAt: t0})
		n, err := db.ExpireEvents(ctx, t0.Add(-90*24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		if evs, _ := db.ListEvents(ctx, me.ID, vitrine.EventFilter{}); len(evs) != 1 || evs[0].Domain != "new.example" {
			t.Fatalf("after expiry: %+v", evs)
		}
	})
}
