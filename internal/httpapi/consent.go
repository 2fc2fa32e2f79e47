package httpapi

import (
	"net/http"
	"strings"

	"github.com/vitrine/vitrine"
)

func (s *Server) handlePolicy(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Policy)
}

func (s *Server) handleNotice(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "en"
	}
	n, err := s.Policy.Notice(lang, s.StoreInfo.Name)
	if err != nil {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "lang: %v", err))
		return
	}
	writeJSON(w, http.StatusOK, n)
}

func (s *Server) handleGetConsent(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	st, err := s.Consent.ConsentState(r.Context(), in.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h, err := s.Consent.ConsentHistory(r.Context(), in.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": st, "active": activeList(st), "history": h})
}

func activeList(st vitrine.ConsentState) []vitrine.Scope {
	out := []vitrine.Scope{}
	for _, sc := range vitrine.Scopes {
		if st.Active()[sc] {
			out = append(out, sc)
		}
	}
	return out
}

// handlePostConsent records a consent change. Joining or adding scopes needs
// the current notice (version and language): its hash goes into the record.
// A request with Sec-GPC: 1 cannot give new consent; it can still pause,
// revoke or withdraw.
func (s *Server) handlePostConsent(w http.ResponseWriter, r *http.Request, in vitrine.Install) {
	var req struct {
		Action        vitrine.ConsentAction `json:"action"`
		Scopes        []vitrine.Scope       `json:"scopes"`
		NoticeVersion string                `json:"notice_version"`
		Lang          string                `json:"lang"`
	}
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	gpc := strings.TrimSpace(r.Header.Get("Sec-GPC")) == "1"
	if req.Action == vitrine.ConsentGrant && gpc {
		s.writeError(w, r, vitrine.Errorf(vitrine.EFORBIDDEN, "this request carries Sec-GPC: 1 (Global Privacy Control), so it cannot give consent to share browsing data; turn GPC off for this extension's request if you do want to join"))
		return
	}
	if len(req.Scopes) > len(vitrine.Scopes) {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "field scopes lists %d scopes, there are only %d", len(req.Scopes), len(vitrine.Scopes)))
		return
	}
	lang := req.Lang
	if lang == "" {
		lang = "en"
	}
	notice, err := s.Policy.Notice(lang, s.StoreInfo.Name)
	if err != nil {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "field lang: %v", err))
		return
	}
	if req.Action == vitrine.ConsentGrant && req.NoticeVersion != notice.Version {
		s.writeError(w, r, vitrine.Errorf(vitrine.ECONFLICT, "the notice you showed is version %q but the current one is %q: show the current notice (GET /v1/notice) and ask again", req.NoticeVersion, notice.Version))
		return
	}
	st, err := s.Consent.RecordConsent(r.Context(), vitrine.ConsentRecord{
		InstallID: in.ID, Action: req.Action, Scopes: req.Scopes,
		NoticeVersion: notice.Version, NoticeHash: notice.Hash, GPC: gpc,
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.OnConsentChange != nil {
		s.OnConsentChange(in.ID)
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": st, "active": activeList(st), "notice_hash": notice.Hash})
}
