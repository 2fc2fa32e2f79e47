package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
)

// Routes registers the store's pages on mux.
func (s *Site) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /shop/{$}", s.handleShopHome)
	mux.HandleFunc("GET /shop/products/{id}", s.handleShopProduct)
	mux.HandleFunc("GET /shop/account", s.handleAccount)
	mux.HandleFunc("POST /shop/account/link-code", s.handleLinkCode)
	mux.HandleFunc("GET /privacy", s.handlePrivacy)
}

func (s *Site) handleShopHome(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if len(q) > 200 {
		q = q[:200]
	}
	page, err := s.Catalog.Items(r.Context(), vitrine.ProductFilter{Query: q, Limit: 60, Cursor: r.URL.Query().Get("after")})
	if err != nil && vitrine.ErrorCode(err) != vitrine.EINVALID {
		s.Logger.Error("shop listing", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	type card struct {
		vitrine.Item
		Price string
	}
	var cards []card
	for _, it := range page.Items {
		cards = append(cards, card{Item: it, Price: it.Offer.EffectivePrice(s.now()).String()})
	}
	s.render(w, http.StatusOK, "shop_home.html", map[string]any{"Store": s.StoreName, "Q": q, "Cards": cards, "Next": page.NextCursor})
}

func (s *Site) handleShopProduct(w http.ResponseWriter, r *http.Request) {
	it, err := s.Catalog.Item(r.Context(), r.PathValue("id"))
	if vitrine.ErrorCode(err) == vitrine.ENOTFOUND {
		s.notFound(w, "product")
		return
	}
	if err != nil {
		s.Logger.Error("shop product", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	now := s.now()
	price := it.Offer.EffectivePrice(now)
	avail := map[vitrine.Availability]string{vitrine.InStock: "InStock", vitrine.OutOfStock: "OutOfStock", vitrine.Preorder: "PreOrder", vitrine.Backorder: "BackOrder"}[it.Offer.Availability]
	ld := map[string]any{
		"@context": "https://schema.org", "@type": "Product", "name": it.Title, "sku": it.ID,
		"offers": map[string]any{"@type": "Offer", "price": price.Text(), "priceCurrency": price.Currency, "availability": "https://schema.org/" + avail},
	}
	if it.Brand != "" {
		ld["brand"] = map[string]any{"@type": "Brand", "name": it.Brand}
	}
	if it.GTIN != "" {
		ld["gtin"] = strings.TrimLeft(it.GTIN, "0")
		if len(it.GTIN) == 14 {
			ld["gtin14"] = it.GTIN
			delete(ld, "gtin")
		}
	}
	if it.MPN != "" {
		ld["mpn"] = it.MPN
	}
	b, _ := json.Marshal(ld)
	s.render(w, http.StatusOK, "shop_product.html", map[string]any{
		"Store": s.StoreName, "Item": it, "Price": price.String(), "OnSale": price != it.Offer.Price, "Regular": it.Offer.Price.String(),
		"JSONLD": template.JS(b), "Now": now.Format(time.RFC3339),
	})
}

func (s *Site) handleAccount(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "shop_account.html", map[string]any{"Store": s.StoreName, "Account": s.DemoAccount})
}

// handleLinkCode issues a one-time code linking an extension install to the
// demo shopper's store account. (A real store issues it from its own
// account pages through the admin API.)
func (s *Site) handleLinkCode(w http.ResponseWriter, r *http.Request) {
	if s.DemoAccount == "" || s.Rewards == nil {
		s.notFound(w, "page")
		return
	}
	code, err := s.Rewards.IssueLinkCode(r.Context(), s.DemoAccount, 15*time.Minute)
	if err != nil {
		s.Logger.Error("issue link code", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.render(w, http.StatusOK, "shop_account.html", map[string]any{"Store": s.StoreName, "Account": s.DemoAccount, "Code": code})
}
