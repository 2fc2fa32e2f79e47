package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/analytics"
	"github.com/vitrine/vitrine/internal/ingest"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
)

// analyst wraps an analyst handler: role analyst or admin (API token, or
// browser session with CSRF for state changes); answers 503 when the
// server runs without analytics.
func (s *Server) analyst(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.Auth.Require(r, vitrine.RoleAnalyst, vitrine.RoleAdmin); err != nil {
			s.writeError(w, r, err)
			return
		}
		if s.Analytics == nil {
			s.writeError(w, r, vitrine.Errorf(vitrine.EUNAVAILABLE, "analytics is not enabled on this server"))
			return
		}
		h(w, r)
	}
}

// withAnalytics answers 503 when the server runs without analytics.
func (s *Server) withAnalytics(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.Analytics == nil {
			s.writeError(w, r, vitrine.Errorf(vitrine.EUNAVAILABLE, "analytics is not enabled on this server"))
			return
		}
		h(w, r)
	}
}

// onlyParams refuses query parameters other than allowed.
func onlyParams(r *http.Request, allowed ...string) error {
	for name := range r.URL.Query() {
		ok := false
		for _, a := range allowed {
			ok = ok || name == a
		}
		if !ok {
			return vitrine.Errorf(vitrine.EINVALID, "unknown query parameter %q (allowed: %s)", name, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// reportParams reads from, to and format (json or csv).
func (s *Server) reportParams(r *http.Request) (analytics.Window, bool, error) {
	if err := onlyParams(r, "from", "to", "format"); err != nil {
		return analytics.Window{}, false, err
	}
	csv := false
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
	case "csv":
		csv = true
	default:
		return analytics.Window{}, false, vitrine.Errorf(vitrine.EINVALID, "format=%q: want json or csv", f)
	}
	win, err := analytics.ParseWindow(r, time.Now())
	return win, csv, err
}

type tabler interface{ Table() analytics.Table }

// report serves one report as JSON or CSV.
func report[T tabler](s *Server, name string, get func(r *http.Request, w analytics.Window) (T, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		win, csv, err := s.reportParams(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		rep, err := get(r, win)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if csv {
			analytics.ServeCSV(w, name, rep.Table())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"from": win.From, "to": win.To, "report": rep})
	}
}

func (s *Server) handleCompetitors() http.HandlerFunc {
	return report(s, "competitors", func(r *http.Request, w analytics.Window) (analytics.CompetitorReport, error) {
		return s.Analytics.Competitors(r.Context(), w)
	})
}

func (s *Server) handlePriceGaps() http.HandlerFunc {
	return report(s, "price-gaps", func(r *http.Request, w analytics.Window) (analytics.PriceGapReport, error) {
		return s.Analytics.PriceGaps(r.Context(), w)
	})
}

func (s *Server) handleFunnel() http.HandlerFunc {
	return report(s, "funnel", func(r *http.Request, w analytics.Window) (analytics.FunnelReport, error) {
		return s.Analytics.Funnel(r.Context(), w)
	})
}

func (s *Server) handleCohorts() http.HandlerFunc {
	return report(s, "cohorts", func(r *http.Request, _ analytics.Window) (analytics.CohortReport, error) {
		return s.Analytics.Cohorts(r.Context())
	})
}

type experimentsReport []analytics.ExperimentResult

func (e experimentsReport) Table() analytics.Table { return analytics.ExperimentsTable(e) }

func (s *Server) handleExperimentResults() http.HandlerFunc {
	return report(s, "experiments", func(r *http.Request, w analytics.Window) (experimentsReport, error) {
		rs, err := s.Analytics.ExperimentResults(r.Context(), w)
		return experimentsReport(rs), err
	})
}

func (s *Server) handleIntentReport(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r, "retrain"); err != nil {
		s.writeError(w, r, err)
		return
	}
	var m *analytics.IntentModel
	var err error
	if r.URL.Query().Get("retrain") == "1" {
		m, err = s.Analytics.TrainIntent(r.Context())
	} else {
		m, err = s.Analytics.IntentModel(r.Context())
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"report": m.Report, "recommendations": s.Analytics.RecoStatus()})
}

// handleCreateOrder records an order reported by the store.
func (s *Server) handleCreateOrder(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OrderID        string       `json:"order_id"`
		StoreAccountID string       `json:"store_account_id"`
		InstallID      string       `json:"install_id"`
		ProductID      string       `json:"product_id"`
		Amount         *money.Money `json:"amount"`
		OrderedAt      time.Time    `json:"ordered_at"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Amount == nil {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, `field amount is required, like {"amount":"19.99","currency":"USD"}`))
		return
	}
	now := time.Now()
	if req.OrderedAt.After(now.Add(5 * time.Minute)) {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "ordered_at is in the future"))
		return
	}
	o := store.Order{ID: strings.TrimSpace(req.OrderID), StoreAccountID: strings.TrimSpace(req.StoreAccountID), InstallID: strings.TrimSpace(req.InstallID),
		ProductID: strings.TrimSpace(req.ProductID), Amount: *req.Amount, OrderedAt: req.OrderedAt.UTC(), ReceivedAt: now.UTC()}
	inserted, err := s.Analytics.DB.InsertOrder(r.Context(), o)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusCreated
	if !inserted {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]any{"order_id": o.ID, "duplicate": !inserted})
}

// handleRecommendations answers store products viewed next by panel
// shoppers after the given ones. Public: the request carries only store
// product ids, nothing about the shopper.
func (s *Server) handleRecommendations(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r, "session", "k"); err != nil {
		s.writeError(w, r, err)
		return
	}
	k, err := queryInt(r, "k", 5, 1, 50)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var session []string
	for _, p := range strings.Split(r.URL.Query().Get("session"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			if len(p) > 200 {
				s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "session: product ids are at most 200 bytes"))
				return
			}
			session = append(session, p)
		}
	}
	if len(session) == 0 {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "session is required: comma-separated store product ids, most recent last"))
		return
	}
	if len(session) > 50 {
		session = session[len(session)-50:]
	}
	recs, err := s.Analytics.Recommend(r.Context(), session, k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"recommendations": recs})
}

// handleIntent answers the purchase-intent score of the install's current session.
func (s *Server) handleIntent(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	sc, err := s.Analytics.LiveIntent(r.Context(), in.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sc)
}

// handleExperiments answers the install's variant of each display experiment.
func (s *Server) handleExperiments(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	var exps []analytics.Experiment
	for name := range s.Analytics.Assignments(in.ID) {
		e, _ := s.Analytics.Experiment(name)
		exps = append(exps, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"assignments": s.Analytics.Assignments(in.ID), "experiments": exps})
}

// handleExposures records that the comparison bar was shown in the
// install's variants. Exposures need the product_views consent, like the
// comparison_shown events they go with.
func (s *Server) handleExposures(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	var req struct {
		Exposures []struct {
			ID         string `json:"id"`
			Experiment string `json:"experiment"`
			Variant    string `json:"variant"`
			ProductID  string `json:"product_id"`
			Domain     string `json:"domain"`
			TS         string `json:"ts"`
		} `json:"exposures"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(req.Exposures) == 0 || len(req.Exposures) > 500 {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "exposures: send 1 to 500"))
		return
	}
	if s.Consent != nil {
		st, err := s.Consent.ConsentState(r.Context(), in.ID)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if !st.Active()[vitrine.ScopeProductViews] {
			s.writeError(w, r, vitrine.Errorf(vitrine.EFORBIDDEN, "no active consent for product_views: exposures are not recorded"))
			return
		}
	}
	now := time.Now().UTC()
	type refusal struct {
		Index  int    `json:"index"`
		Reason string `json:"reason"`
	}
	refused := []refusal{}
	var xs []store.Exposure
	for i, x := range req.Exposures {
		e, ok := s.Analytics.Experiment(x.Experiment)
		ts, terr := time.Parse(time.RFC3339Nano, x.TS)
		switch {
		case !ingest.ValidUUIDv7(x.ID):
			refused = append(refused, refusal{i, "id must be a UUIDv7"})
		case !ok:
			refused = append(refused, refusal{i, "unknown experiment"})
		case analytics.Assign(e, in.ID) != x.Variant:
			refused = append(refused, refusal{i, "variant is not this install's assignment"})
		case terr != nil || ts.After(now.Add(5*time.Minute)) || ts.Before(now.Add(-30*24*time.Hour)):
			refused = append(refused, refusal{i, "ts must be an RFC 3339 time within the last 30 days"})
		case len(x.ProductID) > 200 || len(x.Domain) > 253:
			refused = append(refused, refusal{i, "product_id or domain too long"})
		default:
			xs = append(xs, store.Exposure{ID: strings.ToLower(x.ID), InstallID: in.ID, Experiment: x.Experiment, Variant: x.Variant,
				ProductID: x.ProductID, Domain: strings.ToLower(x.Domain), OccurredAt: ts.UTC(), ReceivedAt: now})
		}
	}
	n, err := s.Analytics.DB.InsertExposures(r.Context(), xs)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"accepted": n, "duplicate": len(xs) - n, "refused": len(refused), "refusals": refused})
}

// reportQuery documents the query parameters of every report.
var reportQuery = []param{
	{"from", "query", "string", "first day, YYYY-MM-DD (default: 28 days ago)", false},
	{"to", "query", "string", "last day, YYYY-MM-DD, inclusive (default: today)", false},
	{"format", "query", "string", "json (default) or csv", false},
}

// withInstallAnalytics answers 503 for install routes when the server runs without analytics.
func (s *Server) withInstallAnalytics(h func(w http.ResponseWriter, r *http.Request, in vitrine.Install)) func(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	return func(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
		if s.Analytics == nil {
			s.writeError(w, r, vitrine.Errorf(vitrine.EUNAVAILABLE, "analytics is not enabled on this server"))
			return
		}
		h(w, r, in)
	}
}
