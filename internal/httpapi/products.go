package httpapi

import (
	"net/http"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
)

func (s *Server) handleListProducts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for name := range q {
		switch name {
		case "q", "brand", "gtin", "limit", "cursor":
		default:
			s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "unknown query parameter %q (allowed: q, brand, gtin, limit, cursor)", name))
			return
		}
	}
	limit, err := queryInt(r, "limit", 50, 1, vitrine.MaxPageSize)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := vitrine.ProductFilter{Query: q.Get("q"), Brand: q.Get("brand"), GTIN: q.Get("gtin"), Limit: limit, Cursor: q.Get("cursor")}
	if len(f.Query) > 200 || len(f.Brand) > 200 {
		s.writeError(w, r, vitrine.Errorf(vitrine.EINVALID, "q and brand are limited to 200 bytes"))
		return
	}
	page, err := s.Store.Items(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) handleGetProduct(w http.ResponseWriter, r *http.Request) {
	it, err := s.Store.Item(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	type out struct {
		vitrine.Item
		EffectivePrice money.Money `json:"effective_price"`
	}
	writeJSON(w, http.StatusOK, out{Item: it, EffectivePrice: it.Offer.EffectivePrice(time.Now())})
}

func (s *Server) handleProductHistory(w http.ResponseWriter, r *http.Request) {
	h, err := s.Store.History(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		ProductID string                  `json:"product_id"`
		Points    []vitrine.PricePoint    `json:"points"`
		Summary   *vitrine.HistorySummary `json:"summary,omitempty"`
	}{ProductID: r.PathValue("id"), Points: h}
	if len(h) > 0 {
		sum := vitrine.SummarizeHistory(h, time.Now())
		out.Summary = &sum
	}
	writeJSON(w, http.StatusOK, out)
}
