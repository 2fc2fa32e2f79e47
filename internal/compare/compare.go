// Package compare answers "does the store sell the product on this page, and
// at what price?" from an in-memory copy of the catalog: identifiers first
// (GTIN, brand + MPN, model number), then the learned text matcher, with a
// calibrated confidence and the option to abstain. The copy follows the
// database: only products changed by an import since the last look are
// reloaded, within seconds.
package compare

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ident"
	"github.com/vitrine/vitrine/internal/money"
)

// Source is the database side the catalog copy is loaded from.
type Source interface {
	CatalogVersion(ctx context.Context) (int64, error)
	CatalogSince(ctx context.Context, after int64, fn func(vitrine.Item, []vitrine.PricePoint) error) (int64, error)
}

// TextMatcher finds catalog products for free-text facts, with calibrated
// match probabilities. Implementations are safe for concurrent use.
type TextMatcher interface {
	// Upsert adds or replaces catalog products.
	Upsert(items []vitrine.Item)
	// Match returns up to k candidates, best first.
	Match(q Facts, k int) []Scored
	// Threshold is the probability below which the matcher abstains.
	Threshold() float64
}

// Scored is a catalog product with its match probability.
type Scored struct {
	ID   string
	Prob float64
	// Ambiguous: the page does not tell this product from another with
	// the same title (match.LiveCandidate.Ambiguous).
	Ambiguous bool
}

// Facts are what the extension extracted from a page, as plain strings.
type Facts struct {
	Title        string            `json:"title,omitempty"`
	Brand        string            `json:"brand,omitempty"`
	GTIN         string            `json:"gtin,omitempty"`
	MPN          string            `json:"mpn,omitempty"`
	SKU          string            `json:"sku,omitempty"`
	Price        string            `json:"price,omitempty"`
	Currency     string            `json:"currency,omitempty"`
	PriceIsRange bool              `json:"price_is_range,omitempty"`
	Availability string            `json:"availability,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Image        string            `json:"image,omitempty"`
	Description  string            `json:"description,omitempty"`
	Variants     map[string]string `json:"variants,omitempty"`
}

// Request is the body of POST /v1/compare. Only the page's host name is
// sent, never the rest of its URL.
type Request struct {
	Domain   string `json:"domain"`
	Facts    Facts  `json:"facts"`
	Currency string `json:"currency,omitempty"` // the shopper's currency, for the comparison
}

// Offer is the store's matching offer.
type Offer struct {
	ProductID    string               `json:"product_id"`
	Title        string               `json:"title"`
	Brand        string               `json:"brand,omitempty"`
	Link         string               `json:"link,omitempty"`
	ImageLink    string               `json:"image_link,omitempty"`
	Price        money.Money          `json:"price"`
	RegularPrice *money.Money         `json:"regular_price,omitempty"` // when on sale
	Availability vitrine.Availability `json:"availability"`
	Condition    vitrine.Condition    `json:"condition,omitempty"`
}

// Comparison sets the page's price against the store's.
type Comparison struct {
	PagePrice      money.Money `json:"page_price"`
	StorePrice     money.Money `json:"store_price"`
	Difference     money.Money `json:"difference"` // page minus store: positive when the store is cheaper
	Percent        string      `json:"percent"`    // |difference| / page price, one decimal
	StoreIsCheaper bool        `json:"store_is_cheaper"`
	Same           bool        `json:"same_price"`
	Converted      bool        `json:"converted"`
	RatesDate      string      `json:"rates_date,omitempty"`
}

// History is the price history summary shown with the offer.
type History struct {
	vitrine.HistorySummary
	Points []Point `json:"points"`
}

// Point is one point of the sparkline.
type Point struct {
	At    time.Time   `json:"at"`
	Price money.Money `json:"price"`
}

// Alternative is another possible match.
type Alternative struct {
	ProductID  string      `json:"product_id"`
	Title      string      `json:"title"`
	Price      money.Money `json:"price"`
	Confidence float64     `json:"confidence"`
	Link       string      `json:"link,omitempty"`
}

// Response is the answer of POST /v1/compare.
type Response struct {
	Status       string        `json:"status"` // match, no_match, own_site
	Store        StoreInfo     `json:"store"`
	Offer        *Offer        `json:"offer,omitempty"`
	Confidence   float64       `json:"confidence,omitempty"`
	Strength     string        `json:"strength,omitempty"`   // exact, likely, possible
	MatchedBy    string        `json:"matched_by,omitempty"` // gtin, mpn, model, text
	Comparison   *Comparison   `json:"comparison,omitempty"`
	NoComparison string        `json:"no_comparison,omitempty"` // why there is no comparison
	History      *History      `json:"history,omitempty"`
	Alternatives []Alternative `json:"alternatives"`
}

// StoreInfo names the store.
type StoreInfo struct {
	Name     string   `json:"name"`
	Domains  []string `json:"domains,omitempty"`
	Currency string   `json:"currency,omitempty"`
}

// entry is one product loaded by a refresh.
type entry struct {
	item    vitrine.Item
	history []vitrine.PricePoint
}

// Service holds the catalog copy and answers comparisons.
type Service struct {
	Source  Source
	Matcher TextMatcher // nil: identifiers only
	Rates   *money.Rates
	Store   StoreInfo
	Logger  *slog.Logger
	Now     func() time.Time
	// MaxHistoryPoints bounds the sparkline.
	MaxHistoryPoints int

	mu      sync.RWMutex
	version int64
	loaded  bool
	cat     memCatalog
}

// Refresh loads what changed since the last refresh and returns how many
// products it (re)loaded.
func (s *Service) Refresh(ctx context.Context) (int, error) {
	s.mu.RLock()
	after, loaded := s.version, s.loaded
	s.mu.RUnlock()
	if loaded {
		v, err := s.Source.CatalogVersion(ctx)
		if err != nil {
			return 0, err
		}
		if v == after {
			return 0, nil
		}
	}
	var batch []entry
	v, err := s.Source.CatalogSince(ctx, after, func(it vitrine.Item, h []vitrine.PricePoint) error {
		it.Description = "" // not needed to answer; keeps the copy small
		it.AdditionalImageLinks = nil
		batch = append(batch, entry{item: it, history: h})
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("refresh catalog: %w", err)
	}
	if s.Matcher != nil && len(batch) > 0 {
		items := make([]vitrine.Item, len(batch))
		for i := range batch {
			items[i] = batch[i].item
		}
		s.Matcher.Upsert(items)
	}
	// Applied in chunks, so that requests are not held up for long.
	for lo := 0; lo < len(batch); lo += refreshChunk {
		s.mu.Lock()
		for i := lo; i < min(lo+refreshChunk, len(batch)); i++ {
			s.cat.put(batch[i].item, batch[i].history)
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	s.version, s.loaded = v, true
	s.mu.Unlock()
	return len(batch), nil
}

// refreshChunk bounds how many products one write-lock hold applies.
const refreshChunk = 4096

// Follow refreshes every interval until ctx ends, logging failures.
func (s *Service) Follow(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.Refresh(ctx)
			if err != nil && ctx.Err() == nil {
				s.logger().Warn("catalog refresh failed", "err", err)
			} else if n > 0 {
				s.logger().Info("catalog refreshed", "products", n)
			}
		}
	}
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// Size returns the number of products held.
func (s *Service) Size() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cat.Len()
}

// Limits on request fields.
const (
	maxField = 1000
	maxTitle = 500
)

// Validate checks a request and normalises it; errors are EINVALID with
// the field named.
func Validate(req *Request) error {
	d := strings.ToLower(strings.TrimSpace(req.Domain))
	d = strings.TrimSuffix(d, ".")
	if d == "" {
		return vitrine.Errorf(vitrine.EINVALID, "field domain is required: the page's host name, like shop.example")
	}
	if !validHost(d) {
		return vitrine.Errorf(vitrine.EINVALID, "field domain %q is not a host name (send the host only, not a URL)", req.Domain)
	}
	req.Domain = d
	f := &req.Facts
	for name, v := range map[string]string{"brand": f.Brand, "gtin": f.GTIN, "mpn": f.MPN, "sku": f.SKU, "price": f.Price,
		"currency": f.Currency, "availability": f.Availability, "condition": f.Condition, "image": f.Image} {
		if len(v) > maxField {
			return vitrine.Errorf(vitrine.EINVALID, "field facts.%s is longer than %d bytes", name, maxField)
		}
		if !utf8.ValidString(v) {
			return vitrine.Errorf(vitrine.EINVALID, "field facts.%s is not valid UTF-8", name)
		}
	}
	if len(f.Title) > maxTitle || !utf8.ValidString(f.Title) {
		return vitrine.Errorf(vitrine.EINVALID, "field facts.title must be valid text of at most %d bytes", maxTitle)
	}
	if len(f.Description) > 5000 {
		f.Description = f.Description[:5000]
	}
	if len(f.Variants) > 10 {
		return vitrine.Errorf(vitrine.EINVALID, "field facts.variants has %d entries, at most 10 are allowed", len(f.Variants))
	}
	for k, v := range f.Variants {
		if len(k) > 50 || len(v) > 100 {
			return vitrine.Errorf(vitrine.EINVALID, "field facts.variants: names are limited to 50 bytes and values to 100")
		}
	}
	if f.Title == "" && f.GTIN == "" && f.MPN == "" {
		return vitrine.Errorf(vitrine.EINVALID, "facts need at least one of title, gtin or mpn")
	}
	if f.Currency != "" {
		f.Currency = strings.ToUpper(f.Currency)
		if !money.IsCurrency(f.Currency) {
			return vitrine.Errorf(vitrine.EINVALID, "field facts.currency %q is not an ISO 4217 code", f.Currency)
		}
	}
	if f.Price != "" {
		a, err := money.ParseAmount(strings.TrimSpace(f.Price))
		if err != nil || a < 0 {
			return vitrine.Errorf(vitrine.EINVALID, "field facts.price %q: want a plain decimal such as \"129.99\"", f.Price)
		}
		if f.Currency == "" {
			return vitrine.Errorf(vitrine.EINVALID, "field facts.price needs facts.currency")
		}
	}
	if req.Currency != "" {
		req.Currency = strings.ToUpper(req.Currency)
		if !money.IsCurrency(req.Currency) {
			return vitrine.Errorf(vitrine.EINVALID, "field currency %q is not an ISO 4217 code", req.Currency)
		}
	}
	return nil
}

func validHost(h string) bool {
	if net.ParseIP(strings.Trim(h, "[]")) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c >= 0x80) {
				return false
			}
		}
	}
	return true
}

// ownSite reports whether domain is one of the store's domains or below one.
func (s *Service) ownSite(domain string) bool {
	for _, d := range s.Store.Domains {
		d = strings.ToLower(d)
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// Compare answers a validated request.
func (s *Service) Compare(ctx context.Context, req Request) (Response, error) {
	resp := Response{Status: "no_match", Store: s.Store, Alternatives: []Alternative{}}
	if s.ownSite(req.Domain) {
		resp.Status = "own_site"
		return resp, nil
	}
	s.mu.RLock()
	loaded := s.loaded
	s.mu.RUnlock()
	if !loaded {
		return resp, vitrine.Errorf(vitrine.EUNAVAILABLE, "the catalog is still loading, try again in a few seconds")
	}
	best, history, conf, by, alts := s.find(req.Facts)
	if best == nil {
		return resp, nil
	}
	now := s.now()
	resp.Status, resp.Confidence, resp.MatchedBy = "match", round3(conf), by
	resp.Strength = strength(by, conf)
	it := best
	price := it.Offer.EffectivePrice(now)
	resp.Offer = &Offer{ProductID: it.ID, Title: it.Title, Brand: it.Brand, Link: it.Link, ImageLink: it.ImageLink,
		Price: price, Availability: it.Offer.Availability, Condition: it.Condition}
	if price != it.Offer.Price {
		p := it.Offer.Price
		resp.Offer.RegularPrice = &p
	}
	resp.Comparison, resp.NoComparison = s.comparison(req, price)
	if len(history) > 0 {
		h := &History{HistorySummary: vitrine.SummarizeHistory(history, now)}
		pts := history
		if max := s.maxPoints(); len(pts) > max {
			pts = pts[len(pts)-max:]
		}
		for _, p := range pts {
			h.Points = append(h.Points, Point{At: p.At, Price: p.Price})
		}
		resp.History = h
	}
	s.mu.RLock()
	for _, a := range alts {
		if len(resp.Alternatives) >= 3 || a.ID == it.ID {
			continue
		}
		if n, ok := s.cat.lookup(a.ID); ok {
			e := s.cat.get(n)
			resp.Alternatives = append(resp.Alternatives, Alternative{ProductID: a.ID, Title: e.Title,
				Price: e.Offer.EffectivePrice(now), Confidence: round3(a.Prob), Link: e.Link})
		}
	}
	s.mu.RUnlock()
	return resp, nil
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) maxPoints() int {
	if s.MaxHistoryPoints <= 0 {
		return 60
	}
	return s.MaxHistoryPoints
}

func strength(by string, conf float64) string {
	switch {
	case by == "gtin" || by == "mpn":
		return "exact"
	case conf >= 0.85:
		return "likely"
	}
	return "possible"
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// find looks a product up by identifiers, then by text, and returns it with
// its price history.
func (s *Service) find(f Facts) (*product, []vitrine.PricePoint, float64, string, []Scored) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	found := func(n uint32) (*product, []vitrine.PricePoint) {
		p := s.cat.get(n)
		return &p, s.cat.history(n)
	}
	if g, err := ident.NormalizeGTIN(f.GTIN); err == nil {
		if n, ok := s.pick(keyGTIN, g, f); ok {
			p, h := found(n)
			return p, h, 0.99, "gtin", nil
		}
	}
	m := ident.NormalizeMPN(f.MPN)
	if b := ident.NormalizeBrand(f.Brand); m != "" && b != "" {
		if n, ok := s.pick(keyBrandMPN, b+"|"+m, f); ok {
			p, h := found(n)
			return p, h, 0.97, "mpn", nil
		}
	}
	// A distinctive model number alone, when the brands do not disagree.
	if m != "" && len(m) >= 5 && ident.LooksLikeModelNumber(f.MPN) {
		if n, ok := s.pick(keyMPN, m, f); ok {
			if p := s.cat.get(n); brandsAgree(f.Brand, p.Brand) {
				return &p, s.cat.history(n), 0.93, "model", nil
			}
		}
	}
	if s.Matcher == nil || f.Title == "" {
		return nil, nil, 0, "", nil
	}
	// The matcher has its own lock: do not hold ours while it works.
	s.mu.RUnlock()
	cands := s.Matcher.Match(f, 5)
	s.mu.RLock()
	// An ambiguous best candidate (the page names no model and another
	// product has its title) is no answer: a random sibling would be a
	// wrong offer as often as not.
	if len(cands) == 0 || cands[0].Prob < s.Matcher.Threshold() || cands[0].Ambiguous {
		return nil, nil, 0, "", nil
	}
	n, ok := s.cat.lookup(cands[0].ID)
	if !ok {
		return nil, nil, 0, "", nil
	}
	p, h := found(n)
	return p, h, cands[0].Prob, "text", cands[1:]
}

func brandsAgree(a, b string) bool {
	na, nb := ident.NormalizeBrand(a), ident.NormalizeBrand(b)
	return na == "" || nb == "" || na == nb
}

// pick chooses among products sharing an identifier key of kind k: the
// variant whose attributes match the page's, else the first in stock, else
// the first (by product id). Call with the read lock held.
func (s *Service) pick(k int, key string, f Facts) (uint32, bool) {
	type cand struct {
		n  uint32
		id string
	}
	var es []cand
	s.cat.each(k, key, func(n uint32) { es = append(es, cand{n, s.cat.idOf(n)}) })
	if len(es) == 0 {
		return 0, false
	}
	slices.SortFunc(es, func(a, b cand) int { return strings.Compare(a.id, b.id) })
	if len(f.Variants) > 0 {
		bestScore, best := 0, -1
		for i, e := range es {
			score := 0
			for k, v := range f.Variants {
				for _, av := range s.cat.attribute(e.n, strings.ToLower(k)) {
					if strings.EqualFold(strings.TrimSpace(av), strings.TrimSpace(v)) {
						score++
					}
				}
			}
			if score > bestScore {
				bestScore, best = score, i
			}
		}
		if best >= 0 {
			return es[best].n, true
		}
	}
	for _, e := range es {
		if s.cat.availability(e.n) == vitrine.InStock {
			return e.n, true
		}
	}
	return es[0].n, true
}

// comparison sets the page price against the store price, in the shopper's
// currency when given, else the page's. A "from" price is not compared.
func (s *Service) comparison(req Request, store money.Money) (*Comparison, string) {
	f := req.Facts
	if f.Price == "" {
		return nil, "the page shows no price"
	}
	if f.PriceIsRange {
		return nil, "the page shows a price range, not one price"
	}
	a, _ := money.ParseAmount(strings.TrimSpace(f.Price))
	page := money.Money{Amount: a, Currency: f.Currency}
	if page.Amount == 0 {
		return nil, "the page price is zero"
	}
	display := req.Currency
	if display == "" {
		display = page.Currency
	}
	c := &Comparison{}
	conv := func(m money.Money) (money.Money, bool) {
		if m.Currency == display {
			return m, true
		}
		if s.Rates == nil {
			return m, false
		}
		out, err := s.Rates.Convert(m, display)
		if err != nil {
			return m, false
		}
		c.Converted, c.RatesDate = true, s.Rates.Date()
		return out, true
	}
	var ok1, ok2 bool
	c.PagePrice, ok1 = conv(page)
	c.StorePrice, ok2 = conv(store)
	if !ok1 || !ok2 {
		return nil, fmt.Sprintf("no exchange rate between %s and %s", page.Currency, store.Currency)
	}
	c.Difference = money.Money{Amount: c.PagePrice.Amount - c.StorePrice.Amount, Currency: display}
	c.StoreIsCheaper = c.Difference.Amount > 0
	c.Same = c.Difference.Amount == 0
	c.Percent = percent(c.Difference.Amount, c.PagePrice.Amount)
	return c, ""
}

// percent returns |d| / base * 100 with one decimal, rounded half up, exactly.
func percent(d, base money.Amount) string {
	if d < 0 {
		d = -d
	}
	tenths := (int64(d)*1000*2/int64(base) + 1) / 2
	return fmt.Sprintf("%d.%d", tenths/10, tenths%10)
}
