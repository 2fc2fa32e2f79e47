package analytics

import (
	"math"
	"time"

	"github.com/vitrine/vitrine"
)

// SessionGap is the inactivity that ends a session.
const SessionGap = 30 * time.Minute

// Session is an install's events with no gap of SessionGap or more.
type Session struct {
	InstallID    string
	Start, End   int64 // Unix ms of the first and last event
	Events       int
	PageViews    int
	DwellMS      int64
	ProductViews int
	Shown        int
	Clicked      int
	Domains      int
	Products     []string // store products viewed or compared, in order, repeats collapsed
	// MaxSaving is the largest relative saving with us over the session's
	// priced product views (negative: we were dearer every time); MeanGap
	// their mean. Both 0 when no view had comparable prices.
	MaxSaving, MeanGap float64
	Priced             int
	// Return is the number of earlier sessions of the install in the 30
	// days before this one.
	Return int
}

// Sessionize splits views (grouped by install, each install's in time
// order, as ScanEvents gives them) into sessions.
func Sessionize(views []View) []Session {
	var out []Session
	gap := SessionGap.Milliseconds()
	var cur *Session
	var domains map[string]bool
	var history []int64 // starts of the install's earlier sessions
	for i := range views {
		v := &views[i]
		if cur == nil || v.InstallID != cur.InstallID || v.At-cur.End >= gap {
			if cur != nil {
				finish(cur, len(domains))
				out = append(out, *cur)
				if v.InstallID != cur.InstallID {
					history = history[:0]
				}
			}
			cur = &Session{InstallID: v.InstallID, Start: v.At, End: v.At, MaxSaving: math.Inf(-1)}
			domains = map[string]bool{}
			month := int64(30 * 24 * time.Hour / time.Millisecond)
			for _, s := range history {
				if v.At-s <= month {
					cur.Return++
				}
			}
			history = append(history, v.At)
		}
		cur.End = v.At
		cur.Events++
		if v.Domain != "" {
			domains[v.Domain] = true
		}
		switch v.Type {
		case vitrine.EventPageView:
			cur.PageViews++
			cur.DwellMS += v.DwellMS
		case vitrine.EventProductView:
			cur.ProductViews++
			if v.HasGap() {
				s := v.Saving()
				cur.MaxSaving = math.Max(cur.MaxSaving, s)
				cur.MeanGap += s
				cur.Priced++
			}
		case vitrine.EventComparisonShown:
			if v.Shown {
				cur.Shown++
			}
		case vitrine.EventComparisonClicked:
			cur.Clicked++
		}
		if v.ProductID != "" && (len(cur.Products) == 0 || cur.Products[len(cur.Products)-1] != v.ProductID) {
			cur.Products = append(cur.Products, v.ProductID)
		}
	}
	if cur != nil {
		finish(cur, len(domains))
		out = append(out, *cur)
	}
	return out
}

func finish(s *Session, domains int) {
	s.Domains = domains
	if s.Priced == 0 {
		s.MaxSaving, s.MeanGap = 0, 0
	} else {
		s.MeanGap /= float64(s.Priced)
	}
}

// FeatureNames name the purchase-intent features, in Features order.
var FeatureNames = []string{"log_events", "log_dwell_s", "product_views", "comparisons_shown", "comparisons_clicked",
	"max_saving", "mean_price_gap", "log_return_visits", "domains"}

// Features returns a session's purchase-intent features.
func (s *Session) Features() []float64 {
	clip := func(x float64) float64 { return math.Max(-1, math.Min(1, x)) }
	return []float64{
		math.Log1p(float64(s.Events)),
		math.Log1p(float64(s.DwellMS) / 1000),
		float64(s.ProductViews),
		float64(s.Shown),
		float64(s.Clicked),
		clip(s.MaxSaving),
		clip(s.MeanGap),
		math.Log1p(float64(s.Return)),
		float64(s.Domains),
	}
}
