package demo

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
)

// DefaultBase is the base URL of a server started with the default address.
const DefaultBase = "http://127.0.0.1:8080"

// The fixed seed of the generator: the catalog is the same on every machine
// and every run.
const (
	seedHi = 0x56495452494e45 // "VITRINE"
	seedLo = 2019
)

// snapshotDays lists the ages in days of the catalog snapshots, oldest first;
// the last one is the catalog of today.
var snapshotDays = [...]int{90, 60, 35, 14, 4, 0}

const numSnapshots = len(snapshotDays)

// state is what one product looked like in one past snapshot.
type state struct {
	present bool
	price   money.Amount
	avail   vitrine.Availability
}

// entry is one product of the demo catalog: its state today and its states
// in the earlier snapshots.
type entry struct {
	item vitrine.Item // today's state; a sale has no dates here
	// saleFrom and saleTo are the sale's effective period in days relative
	// to now (saleFrom < 0 < saleTo), when item has a sale price.
	saleFrom, saleTo int
	past             [numSnapshots - 1]state
}

// Catalog returns the demo catalog with links to the default server address
// (DefaultBase). See CatalogFor.
func Catalog() []vitrine.Item { return CatalogFor(DefaultBase) }

// CatalogFor returns the demo catalog with product links and image links under
// base (for example "http://127.0.0.1:8080"): about 300 items in ten
// categories. It is deterministic: every call returns equal items, in the same
// order, freshly allocated. Sale prices have no start or end date, so they are
// always effective; CatalogAt dates them around a given time.
func CatalogFor(base string) []vitrine.Item { return CatalogAt(base, time.Time{}) }

// CatalogAt is CatalogFor with sale periods placed around now: each sale
// started a few days before now and ends one to two weeks after it. A zero now
// leaves sales undated, as CatalogFor does.
func CatalogAt(base string, now time.Time) []vitrine.Item {
	b := build(base)
	out := make([]vitrine.Item, len(b.entries))
	for i, e := range b.entries {
		out[i] = e.final(now)
	}
	return out
}

// final returns a copy of today's item, with the sale dated around now unless
// now is zero.
func (e *entry) final(now time.Time) vitrine.Item {
	it := cloneItem(e.item)
	if it.Offer.SalePrice != nil && !now.IsZero() {
		from := now.Add(time.Duration(e.saleFrom) * 24 * time.Hour)
		to := now.Add(time.Duration(e.saleTo) * 24 * time.Hour)
		it.Offer.SaleStart, it.Offer.SaleEnd = &from, &to
	}
	return it
}

// cloneItem returns a deep copy of it, sharing no maps, slices or pointers.
func cloneItem(it vitrine.Item) vitrine.Item {
	if it.Attributes != nil {
		m := make(map[string][]string, len(it.Attributes))
		for k, v := range it.Attributes {
			m[k] = slices.Clone(v)
		}
		it.Attributes = m
	}
	it.AdditionalImageLinks = slices.Clone(it.AdditionalImageLinks)
	if it.Offer.SalePrice != nil {
		p := *it.Offer.SalePrice
		it.Offer.SalePrice = &p
	}
	if it.Offer.SaleStart != nil {
		t := *it.Offer.SaleStart
		it.Offer.SaleStart = &t
	}
	if it.Offer.SaleEnd != nil {
		t := *it.Offer.SaleEnd
		it.Offer.SaleEnd = &t
	}
	return it
}

// builder generates the catalog.
type builder struct {
	rng     *rand.Rand
	base    string
	entries []entry
	ids     map[string]bool
	gtins   map[string]bool
	seqs    map[string]*gtinSeq // by brand or publisher
	prefix  map[string]bool     // company prefixes in use
}

// build generates the whole demo catalog. It is cheap (well under a
// millisecond per hundred items), so callers build afresh instead of sharing
// mutable state.
func build(base string) *builder {
	b := &builder{
		rng:    rand.New(rand.NewPCG(seedHi, seedLo)),
		base:   strings.TrimRight(base, "/"),
		ids:    map[string]bool{},
		gtins:  map[string]bool{},
		seqs:   map[string]*gtinSeq{},
		prefix: map[string]bool{},
	}
	b.televisions()
	b.laptops()
	b.phones()
	b.headphones()
	b.cameras()
	b.kitchen()
	b.powerTools()
	b.books()
	b.shoes()
	b.clothing()
	b.home()
	b.offers()
	b.history()
	return b
}

// add appends a new product to the catalog and returns it for the caller to
// complete. It assigns a GTIN from the brand's company prefix, the SKU, the
// links and the condition.
func (b *builder) add(id, brand, title, mpn string, cents int64) *vitrine.Item {
	return b.addGTIN(id, brand, title, mpn, b.gtin(brand), cents)
}

// addGTIN is add with a GTIN allocated by the caller. The returned pointer is
// valid until the next call.
func (b *builder) addGTIN(id, brand, title, mpn, gtin string, cents int64) *vitrine.Item {
	if b.ids[id] {
		panic("demo: duplicate id " + id)
	}
	b.ids[id] = true
	b.entries = append(b.entries, entry{item: vitrine.Item{
		Product: vitrine.Product{
			ID:        id,
			Title:     title,
			Brand:     brand,
			GTIN:      gtin,
			MPN:       mpn,
			SKU:       strings.ToUpper(id),
			Link:      b.base + "/shop/products/" + id,
			ImageLink: b.base + "/demo/img/" + id + ".svg",
			Condition: vitrine.ConditionNew,
		},
		Offer: vitrine.Offer{
			Price:        usd(cents),
			Availability: vitrine.InStock,
		},
	}})
	return &b.entries[len(b.entries)-1].item
}

// usd returns an amount of US dollars given in cents.
func usd(cents int64) money.Money {
	return money.Money{Amount: money.FromMinor(cents, 2), Currency: "USD"}
}

// cents returns a whole number of cents of a (rounding down sub-cent digits).
func cents(a money.Amount) int64 { return int64(a) / 100 }

// charm rounds a price in cents to the kind of price shops print: 7.99,
// 24.99, 449.99, 1,299.99.
func charm(c int64) int64 {
	var step int64
	switch {
	case c < 2000:
		step = 100
	case c < 10000:
		step = 500
	case c < 100000:
		step = 1000
	default:
		step = 5000
	}
	r := (c+step/2)/step*step - 1
	if r < 99 {
		r = 99
	}
	return r
}

// scale multiplies a price in cents by f and rounds it with charm.
func scale(c int64, f float64) int64 { return charm(int64(float64(c) * f)) }

// attrs builds an attribute map from key, value pairs.
func attrs(kv ...string) map[string][]string {
	m := make(map[string][]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = append(m[kv[i]], kv[i+1])
	}
	return m
}

// gtinSeq allocates GTINs under one company prefix.
type gtinSeq struct {
	prefix string // company prefix, including the GS1 country prefix
	length int    // 12 (UPC-A) or 13 (EAN-13, ISBN-13)
	next   int    // item reference counter
	start  int    // first item reference
}

// origin maps brands to the GS1 prefix of the country their GTINs usually
// carry; brands not listed get UPC-A codes, as US brands do.
var origin = map[string]string{
	"Samsung": "880", "LG": "880",
	"Sony": "454", "Canon": "496", "Nikon": "496", "Fujifilm": "454", "Panasonic": "490",
	"Makita": "490", "Audio-Technica": "499",
	"TCL": "693", "Hisense": "692", "DJI": "695", "Cosori": "694", "OnePlus": "697", "Lenovo": "693",
	"Bosch": "405", "Sennheiser": "404", "Metabo HPT": "498",
	"Jabra": "570", "De'Longhi": "801", "Dyson": "504", "Philips": "871",
	"ASUS": "471", "Acer": "471", "Le Creuset": "302", "adidas": "406", "IKEA": "730",
}

// gtin allocates the next GTIN of a brand, in the normalised 14-digit form.
func (b *builder) gtin(brand string) string {
	s := b.seqs[brand]
	if s == nil {
		s = b.newSeq(brand, origin[brand])
	}
	return b.nextGTIN(s)
}

// isbn allocates the next ISBN-13 of a publisher, as a 14-digit GTIN.
func (b *builder) isbn(publisher string) string {
	key := "isbn:" + publisher
	s := b.seqs[key]
	if s == nil {
		h := hash32(key)
		for {
			// 978-1-PPPPP-TTT-C: English-language group, 5-digit publisher.
			p := fmt.Sprintf("9781%05d", 60000+h%30000)
			if !b.prefix[p] {
				s = &gtinSeq{prefix: p, length: 13, start: int(h>>8) % 200}
				b.prefix[p] = true
				b.seqs[key] = s
				break
			}
			h++
		}
	}
	return b.nextGTIN(s)
}

// newSeq creates the GTIN sequence of a brand: an invented company prefix
// under the country prefix cc (EAN-13), or a UPC-A prefix when cc is "".
func (b *builder) newSeq(brand, cc string) *gtinSeq {
	h := hash32(brand)
	for {
		var s *gtinSeq
		if cc == "" {
			s = &gtinSeq{prefix: fmt.Sprintf("8%05d", h%100000), length: 12}
		} else {
			s = &gtinSeq{prefix: fmt.Sprintf("%s%04d", cc, h%10000), length: 13}
		}
		if !b.prefix[s.prefix] {
			s.start = int(h>>12) % 5000
			b.prefix[s.prefix] = true
			b.seqs[brand] = s
			return s
		}
		h++
	}
}

// nextGTIN returns the next code of s, normalised to 14 digits.
func (b *builder) nextGTIN(s *gtinSeq) string {
	refDigits := s.length - 1 - len(s.prefix)
	limit := 1
	for range refDigits {
		limit *= 10
	}
	for {
		// 37 is coprime with powers of ten: references do not repeat before
		// limit codes.
		ref := (s.start + s.next*37) % limit
		s.next++
		body := s.prefix + fmt.Sprintf("%0*d", refDigits, ref)
		code := strings.Repeat("0", 13-len(body)) + body
		code += string(checkDigit(code))
		if !b.gtins[code] {
			b.gtins[code] = true
			return code
		}
	}
}

// checkDigit computes the GS1 mod-10 check digit of the digits of body:
// weights 3, 1, 3, 1... from the right.
func checkDigit(body string) byte {
	sum, w := 0, 3
	for i := len(body) - 1; i >= 0; i-- {
		sum += int(body[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// hash32 is a stable hash of s.
func hash32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// offers sets today's availability and the sales.
func (b *builder) offers() {
	for i := range b.entries {
		e := &b.entries[i]
		o := &e.item.Offer
		if i == sentinel {
			continue // always in stock, never on sale
		}
		switch r := b.rng.IntN(100); {
		case r < 4:
			o.Availability = vitrine.OutOfStock
		case r < 6:
			o.Availability = vitrine.Backorder
		case r < 7:
			o.Availability = vitrine.Preorder
		}
		if o.Availability != vitrine.InStock || b.rng.IntN(100) >= 16 {
			continue
		}
		p := cents(o.Price.Amount)
		sale := scale(p, 0.72+0.02*float64(b.rng.IntN(9)))
		if sale >= p {
			continue
		}
		s := usd(sale)
		o.SalePrice = &s
		e.saleFrom = -1 - b.rng.IntN(6)
		e.saleTo = 3 + b.rng.IntN(12)
	}
}

// sentinel is the index of the product whose price changes in every
// snapshot: Seed reads its history to learn which snapshots a store holds.
const sentinel = 0

// history invents the earlier states of every product: most keep their price,
// some had a higher or lower one, a few were out of stock for a while, and
// some arrived after the first snapshot.
func (b *builder) history() {
	for i := range b.entries {
		e := &b.entries[i]
		cur := state{present: true, price: e.item.Offer.Price.Amount, avail: e.item.Offer.Availability}
		if cur.avail != vitrine.InStock && cur.avail != vitrine.OutOfStock {
			cur.avail = vitrine.InStock // preorders and backorders were in stock, or new
		}
		arrived := 0
		switch {
		case e.item.Offer.Availability == vitrine.Preorder:
			arrived = numSnapshots - 1 // not yet released: new in the feed
		case i != sentinel && b.rng.IntN(100) < 18:
			arrived = 1 + b.rng.IntN(numSnapshots-1)
		}
		for k := numSnapshots - 2; k >= 0; k-- {
			if k < arrived {
				e.past[k] = state{}
				continue
			}
			next := cur
			p := cents(cur.price)
			switch r := b.rng.IntN(100); {
			case i == sentinel:
				f := 1.06 + 0.04*float64(k%3)
				if k%2 == 1 {
					f = 0.93
				}
				next.price = money.FromMinor(changed(p, scale(p, f)), 2)
			case r < 6: // the price dropped since: it was higher
				next.price = money.FromMinor(changed(p, scale(p, 1.06+0.03*float64(b.rng.IntN(6)))), 2)
			case r < 9: // the price rose since: it was lower
				next.price = money.FromMinor(changed(p, scale(p, 0.86+0.02*float64(b.rng.IntN(5)))), 2)
			}
			if i != sentinel && b.rng.IntN(100) < 2 {
				if next.avail == vitrine.InStock {
					next.avail = vitrine.OutOfStock
				} else {
					next.avail = vitrine.InStock
				}
			}
			e.past[k] = next
			cur = next
		}
	}
}

// changed returns to unless rounding made it equal to from, in which case it
// moves it by a dollar.
func changed(from, to int64) int64 {
	if to == from {
		if from > 200 {
			return from - 100
		}
		return from + 100
	}
	return to
}
