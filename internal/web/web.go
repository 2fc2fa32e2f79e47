// Package web renders Vitrine's own HTML pages: the store's demo shop
// (its own site, where the extension never shows a comparison), the public
// privacy notice, and, later, the shopper's dashboard and the operator's
// pages. Templates are embedded; every value is escaped by html/template.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/authn"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/policy"
)

//go:embed templates/*.html
var templateFS embed.FS

var funcs = template.FuncMap{
	"price": func(m money.Money) string { return m.String() },
	"date":  func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"time":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"join":  strings.Join,
	"exact": func(m money.Money) string { return m.Amount.String() + " " + m.Currency },
	"str":   func(b []byte) string { return string(b) },
}

var templates = template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))

// Site serves the store's own pages.
type Site struct {
	Catalog   vitrine.CatalogStore
	Rewards   vitrine.RewardStore
	Policy    *policy.Policy
	StoreName string
	Logger    *slog.Logger
	Now       func() time.Time
	// DemoAccount is the store account of the demo shopper (/shop/account).
	DemoAccount string

	shopper *Shopper
	auth    *authn.Authn
}

func (s *Site) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// render writes a page; a template failure is logged and answered 500
// without details.
func (s *Site) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		if s.Logger != nil {
			s.Logger.Error("render page", "template", name, "err", err)
		}
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'none'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (s *Site) notFound(w http.ResponseWriter, what string) {
	s.render(w, http.StatusNotFound, "notfound.html", map[string]any{"Store": s.StoreName, "What": what})
}
