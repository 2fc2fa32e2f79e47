package web

import (
	"net/http"
	"strings"
)

// handlePrivacy renders the public notice from the collection policy, the
// same document the extension's collector runs on, in English or French.
func (s *Site) handlePrivacy(w http.ResponseWriter, r *http.Request) {
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "en"
		if strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "fr") {
			lang = "fr"
		}
	}
	n, err := s.Policy.Notice(lang, s.StoreName)
	if err != nil {
		lang = "en"
		n, _ = s.Policy.Notice(lang, s.StoreName)
	}
	var cats []map[string]any
	for _, c := range []string{"banking", "health", "government", "adult", "webmail"} {
		cats = append(cats, map[string]any{"Name": c, "Domains": s.Policy.Sensitive[c]})
	}
	s.render(w, http.StatusOK, "privacy.html", map[string]any{"Store": s.StoreName, "Lang": lang, "Notice": n, "Policy": s.Policy, "Categories": cats})
}
