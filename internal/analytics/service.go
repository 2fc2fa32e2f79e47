// Package analytics turns panel events into what the store learns and what
// shoppers are shown: sessions, rollups (raw -> hourly -> daily), reports for
// analysts (competitor sites, price gaps, the funnel to orders, panel
// retention by cohort), next-product recommendations, a purchase-intent
// score, and experiments on the comparison display.
//
// Privacy: every aggregate that leaves the server goes through Suppress,
// which drops groups of fewer than K distinct installs (default 10). Install
// ids never appear in a report. Deleting a shopper's events is reflected in
// the rollups at once (Service.ForgetInstall / Service.Deleter), in reports
// (they read the remaining events) and in the recommendation model (it is
// retrained without them at the next job run).
package analytics

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/store"
)

// Service computes reports and models over one database.
type Service struct {
	DB *store.DB
	// K is the k-anonymity threshold (default DefaultK).
	K int
	// StoreDomains are the store's own sites (marked in reports).
	StoreDomains []string
	// Experiments on the display (default DefaultExperiments).
	Experiments []Experiment
	Now         func() time.Time
	Logger      *slog.Logger
	// CacheTTL bounds how stale a report may be (default 30s).
	CacheTTL time.Duration

	mu      sync.Mutex
	cat     *Catalog
	catVer  int64
	data    map[[2]int64]*cached
	reco    recoState
	intent  *IntentModel
	intentM sync.Mutex
}

type cached struct {
	at time.Time
	d  *Dataset
}

func (s *Service) k() int {
	if s.K < 1 {
		return DefaultK
	}
	return s.K
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Service) experiments() []Experiment {
	if s.Experiments == nil {
		return DefaultExperiments
	}
	return s.Experiments
}

// Catalog returns the catalog index, reloaded when an import committed.
func (s *Service) Catalog(ctx context.Context) (*Catalog, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The version is read on every call (one row): a report asked right
	// after an import must match pages against the imported catalog. A
	// time-based cache here once served the empty catalog of a server's
	// first seconds to reports asked after its demo catalog was seeded.
	v, err := s.DB.CatalogVersion(ctx)
	if err != nil {
		return nil, err
	}
	if s.cat == nil || v != s.catVer {
		keys, err := s.DB.CatalogKeys(ctx)
		if err != nil {
			return nil, err
		}
		s.cat, s.catVer = NewCatalog(keys), v
	}
	return s.cat, nil
}

// Window is a report's time range [From, To).
type Window struct {
	From, To time.Time
}

// ParseWindow reads from= and to= (YYYY-MM-DD, to inclusive); the default
// is the 28 days up to now.
func ParseWindow(r *http.Request, now time.Time) (Window, error) {
	w := Window{From: now.Add(-28 * 24 * time.Hour).UTC().Truncate(24 * time.Hour), To: now.UTC()}
	q := r.URL.Query()
	if v := q.Get("from"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return w, vitrine.Errorf(vitrine.EINVALID, "from=%q is not a date like 2026-11-01", v)
		}
		w.From = t
	}
	if v := q.Get("to"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return w, vitrine.Errorf(vitrine.EINVALID, "to=%q is not a date like 2026-11-28", v)
		}
		w.To = t.Add(24 * time.Hour)
	}
	if !w.To.After(w.From) {
		return w, vitrine.Errorf(vitrine.EINVALID, "to must not be before from")
	}
	if w.To.Sub(w.From) > 400*24*time.Hour {
		return w, vitrine.Errorf(vitrine.EINVALID, "a report covers at most 400 days")
	}
	return w, nil
}

// Dataset is a window's events reduced to views, with the orders that may
// be attributed to them.
type Dataset struct {
	Window   Window
	Views    []View // by install, then time
	Sessions []Session
	Orders   []store.Order
	Accounts map[string][]string // store account -> installs
}

// AttributionWindow is how long before an order a comparison click counts.
const AttributionWindow = 7 * 24 * time.Hour

// Load reads a window's events, sessions and orders (cached for CacheTTL).
func (s *Service) Load(ctx context.Context, w Window) (*Dataset, error) {
	key := [2]int64{w.From.UnixMilli(), w.To.UnixMilli()}
	ttl := s.CacheTTL
	if ttl == 0 {
		ttl = 30 * time.Second
	}
	s.mu.Lock()
	if c, ok := s.data[key]; ok && s.now().Sub(c.at) < ttl {
		s.mu.Unlock()
		return c.d, nil
	}
	s.mu.Unlock()
	cat, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Window: w}
	err = s.DB.ScanEvents(ctx, w.From, w.To, nil, func(e *vitrine.Event) error {
		d.Views = append(d.Views, cat.ToView(e))
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.Sessions = Sessionize(d.Views)
	// Orders up to the attribution window after the end: a click in the
	// window may lead to an order a few days later.
	if d.Orders, err = s.DB.Orders(ctx, w.From, w.To.Add(AttributionWindow)); err != nil {
		return nil, err
	}
	if d.Accounts, err = s.DB.AccountInstalls(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.data == nil || len(s.data) > 32 {
		s.data = map[[2]int64]*cached{}
	}
	s.data[key] = &cached{at: s.now(), d: d}
	s.mu.Unlock()
	return d, nil
}

// Invalidate drops cached datasets (after a deletion or in tests).
func (s *Service) Invalidate() {
	s.mu.Lock()
	s.data = nil
	s.mu.Unlock()
}

// ForgetInstall reflects the deletion of all of an install's events:
// its exposures are deleted, its orders lose the link to it, its rollup
// rows are rebuilt from what remains (nothing), cached reports are dropped,
// and the recommendation model is retrained without it at the next job
// run. Call it after the events are deleted.
func (s *Service) ForgetInstall(ctx context.Context, installID string) (int64, error) {
	n, err := s.DB.ForgetInstallAnalytics(ctx, installID)
	if err != nil {
		return n, err
	}
	s.Invalidate()
	s.reco.markStale()
	return n, nil
}

// RecomputeInstall reflects the deletion of some of an install's events
// (one site, a date range, one event): its rollup rows are rebuilt from
// the events that remain.
func (s *Service) RecomputeInstall(ctx context.Context, installID string) (int64, error) {
	n, err := s.DB.RecomputeInstallRollups(ctx, installID)
	if err != nil {
		return n, err
	}
	s.Invalidate()
	s.reco.markStale()
	return n, nil
}

// Deleter has the signature of web.Shopper.Deleters: the dashboard calls it
// after deleting a shopper's events, and the receipt lists the rollup hours
// recomputed under "analytics".
func (s *Service) Deleter(r *http.Request, installID, kind string, _ vitrine.EventFilter) (string, int64, error) {
	var n int64
	var err error
	if kind == vitrine.DeleteAll {
		n, err = s.ForgetInstall(r.Context(), installID)
	} else {
		n, err = s.RecomputeInstall(r.Context(), installID)
	}
	if err != nil {
		return "analytics", n, fmt.Errorf("analytics: %w", err)
	}
	return "analytics", n, nil
}

// own reports whether a domain is one of the store's.
func (s *Service) own(domain string) bool {
	for _, d := range s.StoreDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// Click is a comparison click, the event orders are attributed to.
type Click struct {
	InstallID, ProductID string
	At                   int64
}

// Attribution links an order to the click it is attributed to.
type Attribution struct {
	Order     store.Order
	InstallID string // the clicking install, "" when not attributed
	ClickAt   int64
}

// Attribute attributes each order to the latest comparison click on the
// same product, in the AttributionWindow before the order, by the order's
// install or by any install linked to the order's store account.
func Attribute(orders []store.Order, clicks []Click, accounts map[string][]string) []Attribution {
	idx := map[string][]int64{} // install \x00 product -> click times
	for _, c := range clicks {
		k := c.InstallID + "\x00" + c.ProductID
		idx[k] = append(idx[k], c.At)
	}
	for _, ts := range idx {
		slices.Sort(ts)
	}
	win := AttributionWindow.Milliseconds()
	out := make([]Attribution, len(orders))
	for i, o := range orders {
		out[i].Order = o
		var cands []string
		if o.InstallID != "" {
			cands = append(cands, o.InstallID)
		}
		if o.StoreAccountID != "" {
			cands = append(cands, accounts[o.StoreAccountID]...)
		}
		at := o.OrderedAt.UnixMilli()
		for _, in := range cands {
			ts := idx[in+"\x00"+o.ProductID]
			// the latest click at or before the order
			j, _ := slices.BinarySearch(ts, at+1)
			if j == 0 {
				continue
			}
			t := ts[j-1]
			if at-t <= win && t > out[i].ClickAt {
				out[i].InstallID, out[i].ClickAt = in, t
			}
		}
	}
	return out
}

// clicks lists the comparison clicks of a dataset.
func (d *Dataset) clicks() []Click {
	var out []Click
	for i := range d.Views {
		v := &d.Views[i]
		if v.Type == vitrine.EventComparisonClicked && v.ProductID != "" {
			out = append(out, Click{v.InstallID, v.ProductID, v.At})
		}
	}
	return out
}
