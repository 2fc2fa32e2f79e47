package bus

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/vitrine/vitrine"
)

// Deletion in bus mode. A shopper's events may be in two places: the
// database, and the stream (acknowledged to the device, not yet written).
// Purging the install's subject is not enough for a partial deletion (one
// site, a date range, one event): it would also drop the events the shopper
// keeps. And it is not safe alone even for a whole deletion, because a
// writer may have fetched a message before the purge and commit it after
// the database deletion. So, for every kind of deletion:
//
//  1. wait until the install has no message left in the stream: every event
//     acknowledged so far is then committed to the database (a message
//     leaves the work-queue stream only when a writer acks it, after its
//     commit); give up after a timeout with EUNAVAILABLE, before anything is
//     deleted, so the shopper can try again (writers down or far behind);
//  2. then run the database deletion (Dashboard.DeleteEvents);
//  3. then (Deleter, run by the dashboard after the database deletion) for
//     "all", purge whatever the device sent while 1 and 2 ran, and report
//     the count under "bus".
//
// Events sent while a deletion runs may survive a partial deletion, as in
// local mode where a batch in the writer's queue can commit after it.

// DefaultDrainTimeout is how long a deletion waits for the writers.
const DefaultDrainTimeout = 10 * time.Second

// Dashboard wraps the dashboard's store so that DeleteEvents first waits
// until the writers have stored the install's pending events.
type Dashboard struct {
	vitrine.DashboardStore
	Bus     *Bus
	Timeout time.Duration // default DefaultDrainTimeout
}

// DeleteEvents waits for the install's messages to be written, then deletes.
func (d *Dashboard) DeleteEvents(ctx context.Context, installID, kind string, f vitrine.EventFilter) (vitrine.DeletionReceipt, error) {
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = DefaultDrainTimeout
	}
	if _, err := d.Bus.WaitDrained(ctx, installID, timeout); err != nil {
		return vitrine.DeletionReceipt{}, err
	}
	return d.DashboardStore.DeleteEvents(ctx, installID, kind, f)
}

// Deleter has the signature of web.Shopper.Deleters; the dashboard calls it
// after the database deletion. For "all" it purges the install's subject
// (what arrived during the deletion) and returns ("bus", purged); for the
// partial kinds the wait in Dashboard.DeleteEvents did the work and it
// returns ("bus", 0).
func (b *Bus) Deleter(r *http.Request, installID, kind string, _ vitrine.EventFilter) (string, int64, error) {
	if kind != vitrine.DeleteAll {
		return "bus", 0, nil
	}
	n, err := b.PurgeInstall(r.Context(), installID)
	if err != nil {
		return "bus", 0, fmt.Errorf("bus: %w", err)
	}
	return "bus", n, nil
}
