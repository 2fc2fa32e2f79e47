// Package retention enforces the policy's retention period: raw panel
// events older than it (by server receipt time) are deleted by a
// background job.
package retention

import (
	"context"
	"log/slog"
	"time"
)

// Expirer deletes events received before a time.
type Expirer interface {
	ExpireEvents(ctx context.Context, before time.Time) (int64, error)
}

// Job deletes expired events every Interval.
type Job struct {
	Store    Expirer
	Days     int
	Now      func() time.Time
	Interval time.Duration
	Logger   *slog.Logger
}

// Cutoff is the receipt time before which events are expired at now.
func (j *Job) Cutoff(now time.Time) time.Time {
	return now.Add(-time.Duration(j.Days) * 24 * time.Hour)
}

// RunOnce deletes what has expired now and returns how many events went.
func (j *Job) RunOnce(ctx context.Context) (int64, error) {
	return j.Store.ExpireEvents(ctx, j.Cutoff(j.Now()))
}

// Run runs the job until ctx ends, once at start and then every Interval.
func (j *Job) Run(ctx context.Context) {
	t := time.NewTicker(j.Interval)
	defer t.Stop()
	for {
		n, err := j.RunOnce(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			j.Logger.Warn("retention: expiring events failed", "err", err)
		case n > 0:
			j.Logger.Info("retention: expired events", "events", n, "older_than_days", j.Days)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
