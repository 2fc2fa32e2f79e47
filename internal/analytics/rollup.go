package analytics

import (
	"context"
	"log/slog"
	"time"

	"github.com/vitrine/vitrine/internal/store"
)

// Rollup folds new panel events into the hourly and daily rollups.
//
// Each RunOnce reads the events received since the last run (by the
// received_at index), adds them per hour, site, type and install to
// rollup_installs, and recomputes rollup_hourly and rollup_daily for the
// hours and days they touched; it is incremental and idempotent (the
// watermark moves in the same transaction). Deletions are not seen by it:
// the dashboard calls Service.Deleter (or ForgetInstall/RecomputeInstall),
// which rebuilds the install's rows from its remaining events.
type Rollup struct {
	Store *store.DB
	Now   func() time.Time
	// Lag keeps the last moments out of a run (default 2 minutes): events
	// whose received_at is set but whose group commit has not landed yet
	// are picked up by the next run instead of being skipped.
	Lag time.Duration
	// Retention prunes per-install rollup rows older than this (0: keep);
	// use the raw event retention. Hourly and daily aggregates are kept.
	Retention time.Duration
	// K: past the retention period, aggregate rows of fewer than K distinct
	// installs are deleted too (default DefaultK).
	K int
}

// RunOnce does one pass.
func (r *Rollup) RunOnce(ctx context.Context) (store.RollupStats, error) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	lag := r.Lag
	if lag == 0 {
		lag = 2 * time.Minute
	}
	st, err := r.Store.RollupOnce(ctx, now().Add(-lag))
	if err != nil {
		return st, err
	}
	if r.Retention > 0 {
		cutoff := now().Add(-r.Retention)
		if _, err := r.Store.PruneRollupInstalls(ctx, cutoff); err != nil {
			return st, err
		}
		k := r.K
		if k <= 0 {
			k = DefaultK
		}
		if _, err := r.Store.PruneSmallAggregates(ctx, cutoff, k); err != nil {
			return st, err
		}
	}
	return st, nil
}

// Run runs the analytics jobs until ctx ends: rollups every interval, the
// incremental recommendation update every interval, and the intent model's
// retraining every hour. Failures are logged and retried at the next tick.
func (s *Service) Run(ctx context.Context, r *Rollup, interval time.Duration) {
	if interval <= 0 {
		interval = time.Minute
	}
	log := s.log()
	var lastIntent time.Time
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		retrainIntent := s.now().Sub(lastIntent) > time.Hour
		if st, err := r.RunOnce(ctx); err != nil {
			log.Error("analytics rollup", "err", err)
		} else if st.Rows > 0 {
			log.Info("analytics rollup", "rows", st.Rows, "hours", st.Hours, "days", st.Days)
			s.Invalidate()
			// Events of sessions already over arrived (queued devices,
			// back-filled history): the incremental update would skip
			// them, so retrain both models.
			s.reco.mu.Lock()
			late := st.MinHour*store.HourMS < s.reco.upto
			s.reco.mu.Unlock()
			if late {
				s.reco.markStale()
				retrainIntent = true
			}
		}
		if n, err := s.UpdateReco(ctx); err != nil {
			log.Error("analytics recommendations", "err", err)
		} else if n > 0 {
			log.Debug("analytics recommendations updated", "sessions", n)
		}
		if retrainIntent {
			if m, err := s.TrainIntent(ctx); err != nil {
				log.Error("analytics intent model", "err", err)
			} else {
				lastIntent = s.now()
				log.Info("analytics intent model trained", slog.Int("train", m.Report.Train), slog.Int("test", m.Report.Test), slog.Float64("auc", m.Report.AUC))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
