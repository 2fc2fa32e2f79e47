package compare

import (
	"strings"
	"sync/atomic"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/match"
)

// LiveMatcher adapts the live product matcher (internal/match) to
// TextMatcher: catalog items become match records (title, brand, MPN as the
// model number, category, price) and page facts become the query record.
type LiveMatcher struct {
	m        *match.Matcher
	currency atomic.Value // string: the catalog's price currency
}

// NewLiveMatcher returns a TextMatcher scoring with model m; nil m uses the
// built-in live model.
func NewLiveMatcher(m *match.Model) (*LiveMatcher, error) {
	if m == nil {
		var err error
		if m, err = match.BuiltinLive(); err != nil {
			return nil, err
		}
	}
	return &LiveMatcher{m: match.NewMatcher(m)}, nil
}

// BuiltinTextMatcher returns the live matcher with the built-in live model.
func BuiltinTextMatcher() (TextMatcher, error) {
	l, err := NewLiveMatcher(nil)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Matcher is the underlying live matcher.
func (l *LiveMatcher) Matcher() *match.Matcher { return l.m }

// Upsert adds or replaces catalog products.
func (l *LiveMatcher) Upsert(items []vitrine.Item) {
	recs := make([]match.Record, len(items))
	for i := range items {
		it := &items[i]
		recs[i] = ItemRecord(*it)
		if it.Offer.Price.Currency != "" && l.currency.Load() == nil {
			l.currency.Store(it.Offer.Price.Currency)
		}
	}
	l.m.Upsert(recs)
}

// ItemRecord maps a catalog item to a match record.
func ItemRecord(it vitrine.Item) match.Record {
	r := match.Record{ID: it.ID, Title: it.Title, Brand: it.Brand, ModelNo: it.MPN, Category: it.Category, Description: it.Description}
	if r.Category == "" {
		r.Category = it.ProductType
	}
	if it.Offer.Price.Currency != "" {
		r.Price = it.Offer.Price.Text()
	}
	return r
}

// FactsRecord maps page facts to a match record. The page price is used
// only when it is in the catalog's currency (the price feature compares
// plain numbers).
func FactsRecord(f Facts, catalogCurrency string) match.Record {
	r := match.Record{ID: "page", Title: f.Title, Brand: f.Brand, ModelNo: f.MPN}
	if f.Price != "" && !f.PriceIsRange && strings.EqualFold(f.Currency, catalogCurrency) {
		r.Price = strings.TrimSpace(f.Price)
	}
	return r
}

// Match returns up to k candidates, best first.
func (l *LiveMatcher) Match(q Facts, k int) []Scored {
	cur, _ := l.currency.Load().(string)
	cs := l.m.Match(FactsRecord(q, cur), k)
	out := make([]Scored, len(cs))
	for i, c := range cs {
		out[i] = Scored{ID: c.ID, Prob: c.Prob, Ambiguous: c.Ambiguous}
	}
	return out
}

// Threshold is the probability below which the matcher abstains.
func (l *LiveMatcher) Threshold() float64 { return l.m.Threshold() }
