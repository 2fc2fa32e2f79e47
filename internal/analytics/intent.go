package analytics

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/store"
)

// IntentHorizon is how soon after a session an order makes it a buying
// session: the label of purchase intent.
const IntentHorizon = 48 * time.Hour

// Label marks, for each order, the latest session of the ordering install
// (or of an install linked to the order's store account) that started
// before the order and ended at most IntentHorizon before it.
func Label(sessions []Session, orders []store.Order, accounts map[string][]string) []bool {
	labels := make([]bool, len(sessions))
	by := map[string][]int{} // install -> session indices, by start
	for i := range sessions {
		by[sessions[i].InstallID] = append(by[sessions[i].InstallID], i)
	}
	for _, idx := range by {
		sort.Slice(idx, func(a, b int) bool { return sessions[idx[a]].Start < sessions[idx[b]].Start })
	}
	h := IntentHorizon.Milliseconds()
	for _, o := range orders {
		var cands []string
		if o.InstallID != "" {
			cands = append(cands, o.InstallID)
		}
		if o.StoreAccountID != "" {
			cands = append(cands, accounts[o.StoreAccountID]...)
		}
		at := o.OrderedAt.UnixMilli()
		best, bestStart := -1, int64(-1)
		for _, in := range cands {
			idx := by[in]
			j := sort.Search(len(idx), func(k int) bool { return sessions[idx[k]].Start > at })
			if j == 0 {
				continue
			}
			s := &sessions[idx[j-1]]
			if at-s.End <= h && s.Start > bestStart {
				best, bestStart = idx[j-1], s.Start
			}
		}
		if best >= 0 {
			labels[best] = true
		}
	}
	return labels
}

// IntentReport evaluates the purchase-intent model on a time-based split:
// trained on the earliest 70% of sessions (by start), tested on the later
// ones whose label window is over, against the majority baseline (the
// training base rate for every session, so AUC 0.5).
type IntentReport struct {
	Sessions         int                `json:"sessions"`
	Train            int                `json:"train_sessions"`
	Test             int                `json:"test_sessions"`
	TrainPositives   int                `json:"train_positives"`
	TestPositives    int                `json:"test_positives"`
	SplitAt          time.Time          `json:"split_at"`
	AUC              float64            `json:"auc"`
	BaselineAUC      float64            `json:"baseline_auc"`
	LogLoss          float64            `json:"log_loss"`
	BaselineLogLoss  float64            `json:"baseline_log_loss"`
	Brier            float64            `json:"brier"`
	BaselineBrier    float64            `json:"baseline_brier"`
	Accuracy         float64            `json:"accuracy"`
	BaselineAccuracy float64            `json:"baseline_accuracy"`
	ECE              float64            `json:"expected_calibration_error"`
	Reliability      []Bin              `json:"reliability"`
	Weights          map[string]float64 `json:"weights"` // per standard deviation of each feature
	Suppressed       Suppressed         `json:"suppressed"`
}

// IntentModel is a trained model with its evaluation.
type IntentModel struct {
	Model  *Logistic
	Report IntentReport
}

// TrainIntent splits sessions by time, fits the logistic regression on the
// earlier part and evaluates on the later part; then it refits on every
// labelled session for serving. now bounds complete label windows. k
// suppresses reliability bins with fewer distinct installs.
func TrainIntent(sessions []Session, labels []bool, now time.Time, k int) *IntentModel {
	rep := IntentReport{Sessions: len(sessions), Suppressed: Suppressed{K: k}, Weights: map[string]float64{}}
	order := make([]int, len(sessions))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return sessions[order[a]].Start < sessions[order[b]].Start })
	complete := func(s *Session) bool { return now.UnixMilli()-s.End >= IntentHorizon.Milliseconds() }
	var all []int
	for _, i := range order {
		if complete(&sessions[i]) {
			all = append(all, i)
		}
	}
	if len(all) < 20 {
		return &IntentModel{Model: FitLogistic(FeatureNames, nil, nil, 1), Report: rep}
	}
	cut := sessions[all[len(all)*7/10]].Start
	rep.SplitAt = time.UnixMilli(cut).UTC()
	var xtr, xte [][]float64
	var ytr, yte []bool
	var teInstall []string
	for _, i := range all {
		s := &sessions[i]
		if s.Start < cut {
			xtr, ytr = append(xtr, s.Features()), append(ytr, labels[i])
		} else {
			xte, yte = append(xte, s.Features()), append(yte, labels[i])
			teInstall = append(teInstall, s.InstallID)
		}
	}
	rep.Train, rep.Test = len(xtr), len(xte)
	for _, y := range ytr {
		if y {
			rep.TrainPositives++
		}
	}
	for _, y := range yte {
		if y {
			rep.TestPositives++
		}
	}
	m := FitLogistic(FeatureNames, xtr, ytr, 1)
	probs := make([]float64, len(xte))
	base := make([]float64, len(xte))
	rate := float64(rep.TrainPositives) / float64(max(1, rep.Train))
	var correct, baseCorrect int
	for i, x := range xte {
		probs[i] = m.Predict(x)
		base[i] = rate
		if (probs[i] >= 0.5) == yte[i] {
			correct++
		}
		if (rate >= 0.5) == yte[i] {
			baseCorrect++
		}
	}
	rep.AUC, rep.BaselineAUC = AUC(probs, yte), AUC(base, yte)
	rep.LogLoss, rep.BaselineLogLoss = LogLoss(probs, yte), LogLoss(base, yte)
	rep.Brier, rep.BaselineBrier = Brier(probs, yte), Brier(base, yte)
	if len(xte) > 0 {
		rep.Accuracy, rep.BaselineAccuracy = float64(correct)/float64(len(xte)), float64(baseCorrect)/float64(len(xte))
	}
	bins, ece := Reliability(probs, yte, 10)
	rep.ECE = ece
	// k-anonymity on the reliability table: each bin describes the
	// sessions of its installs.
	binInstalls := make([]map[string]bool, len(bins))
	for i := range binInstalls {
		binInstalls[i] = map[string]bool{}
	}
	for i, p := range probs {
		b := max(0, min(int(p*float64(len(bins))), len(bins)-1))
		binInstalls[b][teInstall[i]] = true
	}
	type binRow struct {
		b Bin
		n int64
	}
	var rows []binRow
	for i, b := range bins {
		if b.Count > 0 {
			rows = append(rows, binRow{b, int64(len(binInstalls[i]))})
		}
	}
	kept, dropped := Suppress(rows, k, func(r binRow) int64 { return r.n })
	rep.Suppressed.Rows = dropped
	for _, r := range kept {
		rep.Reliability = append(rep.Reliability, r.b)
	}
	for j, n := range FeatureNames {
		rep.Weights[n] = m.Weights[j]
	}
	// Serve a model fitted on every complete session.
	var xall [][]float64
	var yall []bool
	for _, i := range all {
		xall, yall = append(xall, sessions[i].Features()), append(yall, labels[i])
	}
	return &IntentModel{Model: FitLogistic(FeatureNames, xall, yall, 1), Report: rep}
}

// TrainIntent trains the intent model on the last 28 days and keeps it
// for LiveIntent.
func (s *Service) TrainIntent(ctx context.Context) (*IntentModel, error) {
	now := s.now()
	d, err := s.Load(ctx, Window{From: now.Add(-28 * 24 * time.Hour), To: now})
	if err != nil {
		return nil, err
	}
	m := TrainIntent(d.Sessions, Label(d.Sessions, d.Orders, d.Accounts), now, s.k())
	s.intentM.Lock()
	s.intent = m
	s.intentM.Unlock()
	return m, nil
}

// IntentModel returns the current intent model, training it when none is.
func (s *Service) IntentModel(ctx context.Context) (*IntentModel, error) {
	s.intentM.Lock()
	m := s.intent
	s.intentM.Unlock()
	if m != nil {
		return m, nil
	}
	return s.TrainIntent(ctx)
}

// LiveScore is the purchase-intent score of an install's current session.
type LiveScore struct {
	Live     bool               `json:"live"` // a session is going on (last event less than 30 minutes ago)
	Score    *float64           `json:"score"`
	Since    *time.Time         `json:"session_start,omitempty"`
	Features map[string]float64 `json:"features,omitempty"`
}

// LiveIntent scores the install's session going on now.
func (s *Service) LiveIntent(ctx context.Context, installID string) (LiveScore, error) {
	var out LiveScore
	m, err := s.IntentModel(ctx)
	if err != nil {
		return out, err
	}
	cat, err := s.Catalog(ctx)
	if err != nil {
		return out, err
	}
	now := s.now()
	evs, err := s.DB.ListEvents(ctx, installID, vitrine.EventFilter{From: now.Add(-31 * 24 * time.Hour), To: now.Add(time.Minute)})
	if err != nil {
		return out, err
	}
	slices.Reverse(evs) // oldest first
	views := make([]View, len(evs))
	for i := range evs {
		views[i] = cat.ToView(&evs[i])
	}
	ss := Sessionize(views)
	if len(ss) == 0 {
		return out, nil
	}
	last := ss[len(ss)-1]
	if now.UnixMilli()-last.End >= SessionGap.Milliseconds() {
		return out, nil
	}
	x := last.Features()
	p := m.Model.Predict(x)
	start := time.UnixMilli(last.Start).UTC()
	out = LiveScore{Live: true, Score: &p, Since: &start, Features: map[string]float64{}}
	for j, n := range FeatureNames {
		out.Features[n] = x[j]
	}
	return out, nil
}
