package analytics

import (
	"context"
	"sync"
	"time"

	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/reco"
)

// RecoDays is how far back the recommendation model learns from.
const RecoDays = 28

// recoState is the served recommendation model.
type recoState struct {
	mu        sync.Mutex
	model     reco.Model
	stale     bool
	upto      int64 // sessions ended at or before it are learned (Unix ms)
	allowed   map[string]bool
	trainedAt time.Time
	sessions  int
}

func (r *recoState) markStale() {
	r.mu.Lock()
	r.stale = true
	r.mu.Unlock()
}

// RecoStatus describes the served model.
type RecoStatus struct {
	Algorithm string    `json:"algorithm"`
	Sessions  int       `json:"sessions"`
	Items     int       `json:"items"`
	TrainedAt time.Time `json:"trained_at"`
}

// trainingSessions turns closed panel sessions into item sequences of
// store products; only products viewed by at least k distinct installs are
// kept, so a recommendation never rests on fewer than k shoppers' views of
// an item.
func trainingSessions(ss []Session, allowed map[string]bool) []reco.Session {
	var out []reco.Session
	for _, s := range ss {
		var items []string
		for _, p := range s.Products {
			if allowed[p] {
				items = append(items, p)
			}
		}
		if len(items) < 2 {
			continue
		}
		times := make([]float64, len(items))
		for i := range times {
			times[i] = float64(s.End) / 1000
		}
		out = append(out, reco.Session{ID: s.InstallID, Items: items, Times: times})
	}
	return out
}

// TrainReco trains internal/reco's default model from the panel sessions of
// the last RecoDays that are over.
func (s *Service) TrainReco(ctx context.Context) (RecoStatus, error) {
	now := s.now()
	d, err := s.Load(ctx, Window{From: now.Add(-RecoDays * 24 * time.Hour), To: now})
	if err != nil {
		return RecoStatus{}, err
	}
	upto := now.Add(-SessionGap).UnixMilli()
	installs := map[string]map[string]bool{}
	var closed []Session
	for _, ss := range d.Sessions {
		if ss.End > upto {
			continue
		}
		closed = append(closed, ss)
		for _, p := range ss.Products {
			if installs[p] == nil {
				installs[p] = map[string]bool{}
			}
			installs[p][ss.InstallID] = true
		}
	}
	allowed := map[string]bool{}
	for p, in := range installs {
		if Visible(int64(len(in)), s.k()) {
			allowed[p] = true
		}
	}
	train := trainingSessions(closed, allowed)
	m, err := reco.Train(reco.Default, nil, train)
	if err != nil {
		return RecoStatus{}, err
	}
	r := &s.reco
	r.mu.Lock()
	r.model, r.stale, r.upto, r.allowed, r.trainedAt, r.sessions = m, false, upto, allowed, now, len(train)
	r.mu.Unlock()
	return RecoStatus{Algorithm: m.Name(), Sessions: len(train), Items: len(allowed), TrainedAt: now}, nil
}

// UpdateReco learns the sessions that ended since the last update
// (incremental); it retrains from scratch when no model exists, after a
// deletion, or when the model is older than six hours (so new products can
// pass the k threshold and old sessions age out).
func (s *Service) UpdateReco(ctx context.Context) (int, error) {
	r := &s.reco
	r.mu.Lock()
	need := r.model == nil || r.stale || s.now().Sub(r.trainedAt) > 6*time.Hour
	upto := r.upto
	r.mu.Unlock()
	if need {
		st, err := s.TrainReco(ctx)
		return st.Sessions, err
	}
	now := s.now()
	newUpto := now.Add(-SessionGap).UnixMilli()
	// Sessions ending after upto may have started up to a day earlier.
	d, err := s.Load(ctx, Window{From: time.UnixMilli(upto).Add(-24 * time.Hour), To: now})
	if err != nil {
		return 0, err
	}
	var fresh []Session
	for _, ss := range d.Sessions {
		if ss.End > upto && ss.End <= newUpto {
			fresh = append(fresh, ss)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.upto != upto || r.model == nil {
		return 0, nil // retrained meanwhile
	}
	train := trainingSessions(fresh, r.allowed)
	for _, t := range train {
		r.model.Update(t)
	}
	r.upto = newUpto
	r.sessions += len(train)
	return len(train), nil
}

// Recommended is a store product recommended next.
type Recommended struct {
	ID    string      `json:"id"`
	Title string      `json:"title"`
	Price money.Money `json:"price"`
	Link  string      `json:"link,omitempty"`
	Score float64     `json:"score"`
}

// Recommend returns up to k store products likely to be viewed next after
// the session (store product ids, oldest first), never one of the session's.
func (s *Service) Recommend(ctx context.Context, session []string, k int) ([]Recommended, error) {
	r := &s.reco
	r.mu.Lock()
	m := r.model
	r.mu.Unlock()
	if m == nil {
		if _, err := s.TrainReco(ctx); err != nil {
			return nil, err
		}
		r.mu.Lock()
		m = r.model
		r.mu.Unlock()
	}
	cat, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	in := map[string]bool{}
	for _, p := range session {
		in[p] = true
	}
	out := []Recommended{}
	for _, sc := range m.Recommend(session, k+len(session)) {
		if in[sc.Item] {
			continue
		}
		p, ok := cat.Product(sc.Item)
		if !ok {
			continue // no longer in the catalog
		}
		out = append(out, Recommended{ID: p.ID, Title: p.Title, Price: p.Price, Link: p.Link, Score: sc.Score})
		if len(out) == k {
			break
		}
	}
	return out, nil
}

// RecoStatus describes the served model.
func (s *Service) RecoStatus() RecoStatus {
	r := &s.reco
	r.mu.Lock()
	defer r.mu.Unlock()
	st := RecoStatus{Sessions: r.sessions, Items: len(r.allowed), TrainedAt: r.trainedAt}
	if t, ok := r.model.(*reco.Trained); ok {
		st.Algorithm = t.Name()
	}
	return st
}
