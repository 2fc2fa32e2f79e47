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

// HistorySummary sums up a price history at a moment.
type HistorySummary struct {
	Current    money.Money          `json:"current"`
	Low30Days  money.Money          `json:"low_30_days"`
	AllTimeLow money.Money          `json:"all_time_low"`
	High       money.Money          `json:"all_time_high"`
	Points     int                  `json:"points"`
	Since      time.Time            `json:"since"`
	Avail      vitrine.Availability `json:"availability"`
}

// Summarize computes the summary of a non-empty history at now. The 30-day
// low counts the point in force 30 days ago as well as later ones.
func Summarize(h []vitrine.PricePoint, now time.Time) HistorySummary {
	last := h[len(h)-1]
	s := HistorySummary{Current: last.Price, Low30Days: last.Price, AllTimeLow: h[0].Price, High: h[0].Price, Points: len(h), Since: h[0].At, Avail: last.Availability}
	from := now.Add(-30 * 24 * time.Hour)
	for i, p := range h {
		if p.Price.Amount < s.AllTimeLow.Amount {
			s.AllTimeLow = p.Price
		}
		if p.Price.Amount > s.High.Amount {
			s.High = p.Price
		}
		inForce := !p.At.Before(from) || (i+1 < len(h) && h[i+1].At.After(from)) || i+1 == len(h)
		if inForce && p.Price.Amount < s.Low30Days.Amount {
			s.Low30Days = p.Price
		}
	}
	return s
}

func (s *Server) handleProductHistory(w http.ResponseWriter, r *http.Request) {
	h, err := s.Store.History(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := struct {
		ProductID string               `json:"product_id"`
		Points    []vitrine.PricePoint `json:"points"`
		Summary   *HistorySummary      `json:"summary,omitempty"`
	}{ProductID: r.PathValue("id"), Points: h}
	if len(h) > 0 {
		sum := Summarize(h, time.Now())
		out.Summary = &sum
	}
	writeJSON(w, http.StatusOK, out)
}
