package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/vitrine/vitrine"
)

// Snapshot is the demo catalog as it was at one time.
type Snapshot struct {
	At    time.Time
	Items []vitrine.Item
}

// HistoryImports returns the demo catalog, with links under DefaultBase, as it
// was at several past dates: 90, 60, 35, 14 and 4 days before now, then now
// itself, oldest first. The last snapshot holds CatalogAt(DefaultBase, now).
// See HistoryImportsFor.
func HistoryImports(now time.Time) []Snapshot { return HistoryImportsFor(DefaultBase, now) }

// HistoryImportsFor is HistoryImports with product and image links under base.
//
// Between snapshots some prices drop and some rise, a few products go out of
// stock or come back, and some products appear only in later snapshots. Past
// snapshots carry no sales; the last one carries today's sales, dated around
// now. Imported in order into a store that appends a price point whenever a
// product's effective price or availability changes, this gives each product
// a history of one to six points.
func HistoryImportsFor(base string, now time.Time) []Snapshot {
	b := build(base)
	out := make([]Snapshot, numSnapshots)
	for k, days := range snapshotDays {
		snap := Snapshot{At: now.Add(-time.Duration(days) * 24 * time.Hour)}
		for i := range b.entries {
			e := &b.entries[i]
			if k == numSnapshots-1 {
				snap.Items = append(snap.Items, e.final(now))
				continue
			}
			st := e.past[k]
			if !st.present {
				continue
			}
			it := cloneItem(e.item)
			it.Offer = vitrine.Offer{
				Price:        usd(cents(st.price)),
				Availability: st.avail,
			}
			snap.Items = append(snap.Items, it)
		}
		out[k] = snap
	}
	return out
}

// SeedBatch is the number of items Seed passes to one Upsert call.
const SeedBatch = 500

// Seed imports the demo catalog history (HistoryImports(now)) into s, one
// import per snapshot, oldest first, each committed on its own. It returns the
// sum of the imports' statistics.
//
// Seed is idempotent: it skips every snapshot that is not newer than what s
// already holds, which it learns from the price history of one demo product
// whose price changes in every snapshot. Seeding an already-seeded store at the
// same now therefore changes nothing and returns zero statistics; seeding it
// again days later imports only the snapshots dated after the last seeding.
func Seed(ctx context.Context, s vitrine.CatalogStore, now time.Time) (vitrine.ImportStats, error) {
	return SeedFor(ctx, s, DefaultBase, now)
}

// SeedFor is Seed with product and image links under base.
func SeedFor(ctx context.Context, s vitrine.CatalogStore, base string, now time.Time) (vitrine.ImportStats, error) {
	var total vitrine.ImportStats
	snaps := HistoryImportsFor(base, now)
	latest, err := seededUntil(ctx, s, snaps[len(snaps)-1].Items[sentinel].ID)
	if err != nil {
		return total, err
	}
	for _, snap := range snaps {
		// The store may keep times at millisecond or second precision.
		if !latest.IsZero() && !snap.At.After(latest.Add(time.Second)) {
			continue
		}
		st, err := importSnapshot(ctx, s, snap)
		if err != nil {
			return total, fmt.Errorf("demo seed: snapshot of %s: %w", snap.At.Format(time.DateOnly), err)
		}
		total.Imported += st.Imported
		total.Updated += st.Updated
		total.Unchanged += st.Unchanged
		total.Rejected += st.Rejected
		total.History += st.History
	}
	return total, nil
}

// seededUntil returns the time of the last price point of the sentinel
// product, or the zero time when s does not hold it.
func seededUntil(ctx context.Context, s vitrine.CatalogStore, id string) (time.Time, error) {
	h, err := s.History(ctx, id)
	if vitrine.ErrorCode(err) == vitrine.ENOTFOUND {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("demo seed: read history of %s: %w", id, err)
	}
	var last time.Time
	for _, p := range h {
		if p.At.After(last) {
			last = p.At
		}
	}
	return last, nil
}

// importSnapshot imports one snapshot in batches of SeedBatch items and
// commits, or rolls back on the first error.
func importSnapshot(ctx context.Context, s vitrine.CatalogStore, snap Snapshot) (vitrine.ImportStats, error) {
	var total vitrine.ImportStats
	imp, err := s.BeginImport(ctx, snap.At)
	if err != nil {
		return total, fmt.Errorf("begin import: %w", err)
	}
	for items := snap.Items; len(items) > 0; {
		n := min(len(items), SeedBatch)
		st, err := imp.Upsert(ctx, items[:n])
		if err != nil {
			if rerr := imp.Rollback(); rerr != nil {
				return total, fmt.Errorf("upsert: %w (rollback: %v)", err, rerr)
			}
			return total, fmt.Errorf("upsert: %w", err)
		}
		total.Imported += st.Imported
		total.Updated += st.Updated
		total.Unchanged += st.Unchanged
		total.Rejected += st.Rejected
		total.History += st.History
		items = items[n:]
	}
	if err := imp.Commit(); err != nil {
		return total, fmt.Errorf("commit: %w", err)
	}
	return total, nil
}
