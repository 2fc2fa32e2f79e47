package httpapi

import (
	"net/http"
	"strings"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
)

func (s *Server) handleConfig(w http.ResponseWriter, r *http.Request) {
	domains := s.StoreInfo.Domains
	if domains == nil {
		domains = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"store":   map[string]any{"name": s.StoreInfo.Name, "domains": domains, "currency": s.StoreInfo.Currency},
		"version": vitrine.Version,
	})
}

func (s *Server) handleCreateInstall(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Browser string `json:"browser"`
		Version string `json:"version"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	switch req.Browser {
	case "chrome", "firefox", "edge", "other":
	default:
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "field browser %q: want chrome, firefox, edge or other", req.Browser))
		return
	}
	if len(req.Version) > 32 {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "field version is longer than 32 bytes"))
		return
	}
	in, token, err := s.Shoppers.CreateInstall(r.Context(), req.Browser, req.Version)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"install_id": in.ID, "token": token, "created_at": in.CreatedAt})
}

// authed wraps a handler that needs the request's install.
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, in vitrine.Install)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, err := s.installOf(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="vitrine"`)
			s.writeError(w, r, err)
			return
		}
		h(w, r, in)
	}
}

func (s *Server) handleListWatches(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	ws, err := s.Shoppers.Watches(r.Context(), in.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"watches": ws})
}

func (s *Server) handleCreateWatch(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	var req struct {
		ProductID   string       `json:"product_id"`
		TargetPrice *money.Money `json:"target_price"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := requireText("product_id", req.ProductID, 200); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.TargetPrice == nil {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, `field target_price is required, like {"amount":"99.00","currency":"USD"}`))
		return
	}
	wt, err := s.Shoppers.CreateWatch(r.Context(), in.ID, req.ProductID, *req.TargetPrice)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, wt)
}

func (s *Server) handleDeleteWatch(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	if err := s.Shoppers.DeleteWatch(r.Context(), in.ID, r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	as, err := s.Shoppers.DeliverAlerts(r.Context(), in.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": as})
}

type alertSettingsJSON struct {
	MinDropPercent string `json:"min_drop_percent"`
	DailyCap       int    `json:"daily_cap"`
}

func (s *Server) handleGetAlertSettings(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	st, err := s.Shoppers.AlertSettings(r.Context(), in.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Basis points are hundredths of a percent: as a decimal percentage with two places.
	pct := money.Amount(st.MinDropBasisPoints * 100).Format(2)
	writeJSON(w, http.StatusOK, alertSettingsJSON{MinDropPercent: pct, DailyCap: st.DailyCap})
}

func (s *Server) handlePutAlertSettings(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	var req alertSettingsJSON
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	// The percentage is a decimal string with at most two decimals: exact basis points.
	a, err := money.ParseAmount(strings.TrimSpace(req.MinDropPercent))
	if err != nil || a < 0 || a%100 != 0 {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "field min_drop_percent %q: want a decimal percentage such as \"5\" or \"2.5\"", req.MinDropPercent))
		return
	}
	st := vitrine.AlertSettings{MinDropBasisPoints: int(a / 100), DailyCap: req.DailyCap}
	if err := s.Shoppers.SetAlertSettings(r.Context(), in.ID, st); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.handleGetAlertSettings(w, r, in)
}

func (s *Server) handleGetLists(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	ls, err := s.Shoppers.Lists(r.Context(), in.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"lists": ls})
}

func (s *Server) handleCreateList(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	var req struct {
		Name string `json:"name"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	l, err := s.Shoppers.CreateList(r.Context(), in.ID, req.Name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, l)
}

func (s *Server) handleDeleteList(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	if err := s.Shoppers.DeleteList(r.Context(), in.ID, r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleAddListItem(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	var req struct {
		ProductID string `json:"product_id"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := requireText("product_id", req.ProductID, 200); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Shoppers.AddListItem(r.Context(), in.ID, r.PathValue("id"), req.ProductID); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"list_id": r.PathValue("id"), "product_id": req.ProductID})
}

func (s *Server) handleRemoveListItem(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	if err := s.Shoppers.RemoveListItem(r.Context(), in.ID, r.PathValue("id"), r.PathValue("product_id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
