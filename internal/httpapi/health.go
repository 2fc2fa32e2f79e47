package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/vitrine/vitrine"
)

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.Logger.Error("health check: database", "err", err)
		s.writeError(w, r, vitrine.Errorf(vitrine.EUNAVAILABLE, "database unavailable"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "version": vitrine.Version})
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.Metrics.Write(w)
}
