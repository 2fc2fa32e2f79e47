package httpapi

import (
	"net/http"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/compare"
)

func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) {
	if s.Compare == nil {
		s.writeError(w, r, vitrine.Errorf(vitrine.EUNAVAILABLE, "comparison is not enabled on this server"))
		return
	}
	var req compare.Request
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := compare.Validate(&req); err != nil {
		s.writeError(w, r, err)
		return
	}
	resp, err := s.Compare.Compare(r.Context(), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.compares.Inc(resp.Status, resp.MatchedBy)
	writeJSON(w, http.StatusOK, resp)
}
