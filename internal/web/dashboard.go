package web

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/authn"
)

// Shopper holds what the dashboard needs beyond the Site.
type Shopper struct {
	Auth      *authn.Authn
	Dashboard vitrine.DashboardStore
	Consent   vitrine.ConsentStore
	Rewards   vitrine.RewardStore
	// OnConsentChange lets ingestion drop its cached consent at once.
	OnConsentChange func(installID string)
	// Deleters run after the database deletion (bus stream, aggregates);
	// each returns how many items it removed, named by store.
	Deleters []func(r *http.Request, installID, kind string, f vitrine.EventFilter) (string, int64, error)
}

// ShopperRoutes registers the shopper's dashboard.
func (s *Site) ShopperRoutes(mux *http.ServeMux, sh *Shopper) {
	s.shopper = sh
	mux.HandleFunc("GET /me/login", s.handleMeLogin)
	mux.HandleFunc("GET /me", s.handleMe)
	mux.HandleFunc("GET /me/export.json", s.handleExportJSON)
	mux.HandleFunc("GET /me/export.csv", s.handleExportCSV)
	mux.HandleFunc("POST /me/delete", s.handleMeDelete)
	mux.HandleFunc("POST /me/consent", s.handleMeConsent)
	mux.HandleFunc("POST /me/logout", s.handleMeLogout)
}

func (s *Site) meError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	msg := "Something went wrong on our side."
	switch vitrine.ErrorCode(err) {
	case vitrine.EUNAUTHORIZED:
		status, msg = http.StatusUnauthorized, vitrine.ErrorMessage(err)
	case vitrine.EFORBIDDEN:
		status, msg = http.StatusForbidden, vitrine.ErrorMessage(err)
	case vitrine.EINVALID:
		status, msg = http.StatusBadRequest, vitrine.ErrorMessage(err)
	case vitrine.ENOTFOUND:
		status, msg = http.StatusNotFound, vitrine.ErrorMessage(err)
	default:
		s.Logger.Error("dashboard", "err", err)
	}
	s.render(w, status, "me_error.html", map[string]any{"Store": s.StoreName, "Message": msg})
}

func (s *Site) handleMeLogin(w http.ResponseWriter, r *http.Request) {
	if _, err := s.shopper.Auth.OpenShopperSession(r.Context(), w, r.URL.Query().Get("t")); err != nil {
		s.meError(w, err)
		return
	}
	http.Redirect(w, r, "/me", http.StatusSeeOther)
}

func (s *Site) handleMeLogout(w http.ResponseWriter, r *http.Request) {
	if _, err := s.shopper.Auth.Shopper(r); err != nil {
		s.meError(w, err)
		return
	}
	s.shopper.Auth.Logout(w, r, authn.ShopperCookie)
	s.render(w, http.StatusOK, "me_error.html", map[string]any{"Store": s.StoreName, "Message": "You are signed out of your dashboard."})
}

// dayRange parses a YYYY-MM-DD day into [day, day+1).
func dayRange(d string) (time.Time, time.Time, error) {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return t, t, vitrine.Errorf(vitrine.EINVALID, "%q is not a date like 2026-11-28", d)
	}
	return t, t.Add(24 * time.Hour), nil
}

func (s *Site) handleMe(w http.ResponseWriter, r *http.Request) {
	sess, err := s.shopper.Auth.Shopper(r)
	if err != nil {
		s.meError(w, err)
		return
	}
	ctx, install := r.Context(), sess.Subject
	sum, err := s.shopper.Dashboard.EventSummary(ctx, install)
	if err != nil {
		s.meError(w, err)
		return
	}
	f := vitrine.EventFilter{Domain: r.URL.Query().Get("site"), Limit: 500}
	if d := r.URL.Query().Get("day"); d != "" {
		if f.From, f.To, err = dayRange(d); err != nil {
			s.meError(w, err)
			return
		}
	}
	evs, err := s.shopper.Dashboard.ListEvents(ctx, install, f)
	if err != nil {
		s.meError(w, err)
		return
	}
	state, err := s.shopper.Consent.ConsentState(ctx, install)
	if err != nil {
		s.meError(w, err)
		return
	}
	hist, err := s.shopper.Consent.ConsentHistory(ctx, install)
	if err != nil {
		s.meError(w, err)
		return
	}
	dels, err := s.shopper.Dashboard.Deletions(ctx, install)
	if err != nil {
		s.meError(w, err)
		return
	}
	data := map[string]any{"Store": s.StoreName, "CSRF": sess.CSRF, "Summary": sum, "Events": evs, "Filter": f, "Site": f.Domain, "Day": r.URL.Query().Get("day"),
		"State": state, "History": hist, "Deletions": dels, "Policy": s.Policy}
	lines, total := s.Policy.EstimateValue(sum.ByType)
	data["Value"], data["ValueTotal"] = lines, total
	if s.shopper.Rewards != nil {
		_, prog, err := s.shopper.Rewards.EvaluateReward(ctx, install, s.now())
		if err != nil {
			s.meError(w, err)
			return
		}
		data["Progress"] = prog
		if acct, err := s.shopper.Rewards.LinkedAccount(ctx, install); err == nil {
			bal, err := s.shopper.Rewards.Balance(ctx, vitrine.ShopperAccount(acct))
			if err != nil {
				s.meError(w, err)
				return
			}
			data["Account"], data["Balance"] = acct, bal
		}
	}
	s.render(w, http.StatusOK, "me.html", data)
}

// exportEvent is one event in an export, payload included as it is stored.
type exportEvent struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Scope      string          `json:"scope"`
	Domain     string          `json:"domain"`
	OccurredAt time.Time       `json:"occurred_at"`
	ReceivedAt time.Time       `json:"received_at"`
	Payload    json.RawMessage `json:"payload"`
}

func (s *Site) exportEvents(w http.ResponseWriter, r *http.Request) (string, []vitrine.Event, bool) {
	sess, err := s.shopper.Auth.Shopper(r)
	if err != nil {
		s.meError(w, err)
		return "", nil, false
	}
	evs, err := s.shopper.Dashboard.ListEvents(r.Context(), sess.Subject, vitrine.EventFilter{})
	if err != nil {
		s.meError(w, err)
		return "", nil, false
	}
	return sess.Subject, evs, true
}

func (s *Site) handleExportJSON(w http.ResponseWriter, r *http.Request) {
	install, evs, ok := s.exportEvents(w, r)
	if !ok {
		return
	}
	hist, err := s.shopper.Consent.ConsentHistory(r.Context(), install)
	if err != nil {
		s.meError(w, err)
		return
	}
	out := struct {
		ExportedAt time.Time               `json:"exported_at"`
		Events     []exportEvent           `json:"events"`
		Consent    []vitrine.ConsentRecord `json:"consent_history"`
	}{ExportedAt: s.now().UTC(), Events: []exportEvent{}, Consent: hist}
	for _, e := range evs {
		out.Events = append(out.Events, exportEvent{e.ID, string(e.Type), string(e.Scope), e.Domain, e.OccurredAt, e.ReceivedAt, e.Payload})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="vitrine-my-data.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}

func (s *Site) handleExportCSV(w http.ResponseWriter, r *http.Request) {
	_, evs, ok := s.exportEvents(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="vitrine-my-data.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "type", "scope", "domain", "occurred_at", "received_at", "payload"})
	for _, e := range evs {
		cw.Write([]string{e.ID, string(e.Type), string(e.Scope), csvSafe(e.Domain), e.OccurredAt.UTC().Format(time.RFC3339Nano), e.ReceivedAt.UTC().Format(time.RFC3339Nano), csvSafe(string(e.Payload))})
	}
	cw.Flush()
}

// csvSafe keeps spreadsheet programs from running a cell as a formula.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

func (s *Site) handleMeDelete(w http.ResponseWriter, r *http.Request) {
	sess, err := s.shopper.Auth.Shopper(r)
	if err != nil {
		s.meError(w, err)
		return
	}
	kind := r.PostFormValue("kind")
	var f vitrine.EventFilter
	switch kind {
	case vitrine.DeleteSite:
		f.Domain = strings.TrimSpace(r.PostFormValue("site"))
	case vitrine.DeleteRange:
		from, _, err1 := dayRange(r.PostFormValue("from"))
		_, to, err2 := dayRange(r.PostFormValue("to"))
		if err := errors.Join(err1, err2); err != nil {
			s.meError(w, vitrine.Errorf(vitrine.EINVALID, "choose both dates of the range"))
			return
		}
		f.From, f.To = from, to
	case vitrine.DeleteEvent:
		f.EventID = r.PostFormValue("event")
	}
	rec, err := s.shopper.Dashboard.DeleteEvents(r.Context(), sess.Subject, kind, f)
	if err != nil {
		s.meError(w, err)
		return
	}
	for _, d := range s.shopper.Deleters {
		name, n, err := d(r, sess.Subject, kind, f)
		if err != nil {
			s.meError(w, err)
			return
		}
		rec.Counts[name] += n
	}
	s.render(w, http.StatusOK, "me_receipt.html", map[string]any{"Store": s.StoreName, "Receipt": rec})
}

func (s *Site) handleMeConsent(w http.ResponseWriter, r *http.Request) {
	sess, err := s.shopper.Auth.Shopper(r)
	if err != nil {
		s.meError(w, err)
		return
	}
	action := vitrine.ConsentAction(r.PostFormValue("action"))
	switch action {
	case vitrine.ConsentPause, vitrine.ConsentResume, vitrine.ConsentWithdraw:
	default:
		s.meError(w, vitrine.Errorf(vitrine.EINVALID, "from the dashboard you can pause, resume or leave the panel; joining happens in the extension, where the notice is shown"))
		return
	}
	n, err := s.Policy.Notice("en", s.StoreName)
	if err != nil {
		s.meError(w, err)
		return
	}
	if _, err := s.shopper.Consent.RecordConsent(r.Context(), vitrine.ConsentRecord{InstallID: sess.Subject, Action: action, NoticeVersion: n.Version, NoticeHash: n.Hash,
		GPC: r.Header.Get("Sec-GPC") == "1"}); err != nil {
		s.meError(w, err)
		return
	}
	if s.shopper.OnConsentChange != nil {
		s.shopper.OnConsentChange(sess.Subject)
	}
	http.Redirect(w, r, "/me", http.StatusSeeOther)
}
