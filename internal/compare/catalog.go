package compare

import (
	"slices"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/flat"
	"github.com/vitrine/vitrine/internal/ident"
	"github.com/vitrine/vitrine/internal/money"
)

// memCatalog is the service's copy of the catalog, reduced to the fields a
// comparison serves and held in pointer-free memory (package flat): a 1M
// product catalog as vitrine.Item values with their maps and histories is
// tens of millions of pointers the garbage collector would trace on every
// cycle. Products are numbered in arrival order; an updated product keeps
// its number. Not safe for concurrent use: the Service locks around it.
type memCatalog struct {
	entries []centry
	text    flat.Arena // each product's fields (textFields), and attributes
	byID    flat.Table // product id -> number
	keys    [nKeys]flat.Table
	hist    flat.Lists[hpoint] // by product number, oldest first
	strs    []string           // interned currencies, availabilities and conditions
	strIdx  map[string]uint16
	locs    []*time.Location // interned history time zones
	stale   int              // products rewritten since the text was last compacted
}

// Identifier keys a product is found by.
const (
	keyGTIN     = iota // normalised GTIN
	keyBrandMPN        // normalised brand | normalised MPN
	keyMPN             // a distinctive normalised MPN alone
	nKeys
)

// The product fields held in the text arena, in this order.
const (
	fID = iota
	fTitle
	fBrand
	fLink
	fImage
	fKeyGTIN // fKeyGTIN+k is the key of kind k
	fKeyBrandMPN
	fKeyMPN
	textFields
)

type centry struct {
	text         flat.Ref
	attrs        flat.Ref // attribute name, value pairs (nattr pairs)
	price, sale  money.Amount
	saleStart    int64 // Unix seconds, when flags&hasStart
	saleEnd      int64
	startNs      int32
	endNs        int32
	nattr        uint32
	cur, saleCur uint16 // interned currencies
	avail, cond  uint16 // interned availability and condition
	flags        uint8
}

const (
	hasSale = 1 << iota
	hasStart
	hasEnd
)

type hpoint struct {
	sec    int64
	amount money.Amount
	nsec   int32
	cur    uint16
	avail  uint16
	loc    uint8
}

// product is a decoded view of one product. Its strings share the arena's
// memory and stay valid after the lock is released.
type product struct {
	n                uint32
	ID, Title, Brand string
	Link, ImageLink  string
	Condition        vitrine.Condition
	Offer            vitrine.Offer
}

func (c *memCatalog) intern(s string) uint16 {
	if i, ok := c.strIdx[s]; ok {
		return i
	}
	if c.strIdx == nil {
		c.strIdx = map[string]uint16{}
	}
	if len(c.strs) > 0xFFFF {
		panic("compare: more than 65,536 distinct currency, availability and condition values")
	}
	i := uint16(len(c.strs))
	c.strs = append(c.strs, s)
	c.strIdx[s] = i
	return i
}

func (c *memCatalog) internLoc(l *time.Location) uint8 {
	if i := slices.Index(c.locs, l); i >= 0 {
		return uint8(i)
	}
	if len(c.locs) >= 255 {
		return 0 // more zones than any store has: report in the first one (same instant)
	}
	c.locs = append(c.locs, l)
	return uint8(len(c.locs) - 1)
}

func (c *memCatalog) idOf(n uint32) string { return c.text.String(c.entries[n].text) }

func (c *memCatalog) keyOf(k int) func(uint32) string {
	return func(n uint32) string {
		var f [textFields]string
		c.text.Strings(c.entries[n].text, f[:])
		return f[fKeyGTIN+k]
	}
}

// Len is the number of products held.
func (c *memCatalog) Len() int { return len(c.entries) }

// lookup returns the number of product id.
func (c *memCatalog) lookup(id string) (uint32, bool) { return c.byID.Get(id, c.idOf) }

func keysOf(it vitrine.Item) (k [nKeys]string) {
	k[keyGTIN] = it.GTIN
	if m := ident.NormalizeMPN(it.MPN); m != "" {
		if b := ident.NormalizeBrand(it.Brand); b != "" {
			k[keyBrandMPN] = b + "|" + m
		}
		if len(m) >= 5 && ident.LooksLikeModelNumber(it.MPN) {
			k[keyMPN] = m
		}
	}
	return k
}

// put adds a product or replaces the one with the same id.
func (c *memCatalog) put(it vitrine.Item, h []vitrine.PricePoint) {
	n, ok := c.lookup(it.ID)
	if ok {
		var f [textFields]string
		c.text.Strings(c.entries[n].text, f[:])
		for k := range nKeys {
			if f[fKeyGTIN+k] != "" {
				c.keys[k].Remove(f[fKeyGTIN+k], n)
			}
		}
		c.stale++
	} else {
		n = uint32(len(c.entries))
		c.entries = append(c.entries, centry{})
		c.hist.Extend(len(c.entries))
	}
	keys := keysOf(it)
	e := centry{
		text:  c.text.AddStrings(it.ID, it.Title, it.Brand, it.Link, it.ImageLink, keys[keyGTIN], keys[keyBrandMPN], keys[keyMPN]),
		price: it.Offer.Price.Amount, cur: c.intern(it.Offer.Price.Currency),
		avail: c.intern(string(it.Offer.Availability)), cond: c.intern(string(it.Condition)),
	}
	if o := it.Offer; o.SalePrice != nil {
		e.flags |= hasSale
		e.sale, e.saleCur = o.SalePrice.Amount, c.intern(o.SalePrice.Currency)
		if o.SaleStart != nil {
			e.flags |= hasStart
			e.saleStart, e.startNs = o.SaleStart.Unix(), int32(o.SaleStart.Nanosecond())
		}
		if o.SaleEnd != nil {
			e.flags |= hasEnd
			e.saleEnd, e.endNs = o.SaleEnd.Unix(), int32(o.SaleEnd.Nanosecond())
		}
	}
	if len(it.Attributes) > 0 {
		var kv []string
		for name, vs := range it.Attributes {
			for _, v := range vs {
				kv = append(kv, name, v)
			}
		}
		e.attrs, e.nattr = c.text.AddStrings(kv...), uint32(len(kv)/2)
	}
	c.entries[n] = e
	if !ok {
		c.byID.Add(it.ID, n)
	}
	for k := range nKeys {
		if keys[k] != "" {
			c.keys[k].Add(keys[k], n)
		}
	}
	c.hist.Filter(n, func(hpoint) bool { return false })
	for _, p := range h {
		c.hist.Append(n, hpoint{sec: p.At.Unix(), nsec: int32(p.At.Nanosecond()), loc: c.internLoc(p.At.Location()),
			amount: p.Price.Amount, cur: c.intern(p.Price.Currency), avail: c.intern(string(p.Availability))})
	}
	if c.stale > 1024 && c.stale > len(c.entries)/2 {
		c.compactText()
	}
}

// compactText rewrites the text arena without the replaced versions.
func (c *memCatalog) compactText() {
	var text flat.Arena
	for n := range c.entries {
		e := &c.entries[n]
		var f [textFields]string
		c.text.Strings(e.text, f[:])
		e.text = text.AddStrings(f[:]...)
		if e.nattr > 0 {
			kv := make([]string, 2*e.nattr)
			c.text.Strings(e.attrs, kv)
			e.attrs = text.AddStrings(kv...)
		}
	}
	c.text, c.stale = text, 0
}

// each calls fn with the number of every product holding key of kind k.
func (c *memCatalog) each(k int, key string, fn func(uint32)) {
	if key == "" {
		return
	}
	c.keys[k].Each(key, c.keyOf(k), func(n uint32) bool { fn(n); return true })
}

// get decodes product n (without its history).
func (c *memCatalog) get(n uint32) product {
	e := &c.entries[n]
	var f [textFields]string
	c.text.Strings(e.text, f[:])
	p := product{n: n, ID: f[fID], Title: f[fTitle], Brand: f[fBrand], Link: f[fLink], ImageLink: f[fImage],
		Condition: vitrine.Condition(c.strs[e.cond])}
	p.Offer = c.offer(e)
	return p
}

func (c *memCatalog) offer(e *centry) vitrine.Offer {
	o := vitrine.Offer{Price: money.Money{Amount: e.price, Currency: c.strs[e.cur]}, Availability: vitrine.Availability(c.strs[e.avail])}
	if e.flags&hasSale != 0 {
		o.SalePrice = &money.Money{Amount: e.sale, Currency: c.strs[e.saleCur]}
		if e.flags&hasStart != 0 {
			t := time.Unix(e.saleStart, int64(e.startNs))
			o.SaleStart = &t
		}
		if e.flags&hasEnd != 0 {
			t := time.Unix(e.saleEnd, int64(e.endNs))
			o.SaleEnd = &t
		}
	}
	return o
}

// availability of product n.
func (c *memCatalog) availability(n uint32) vitrine.Availability {
	return vitrine.Availability(c.strs[c.entries[n].avail])
}

// attribute returns the values of attribute name of product n.
func (c *memCatalog) attribute(n uint32, name string) []string {
	e := &c.entries[n]
	if e.nattr == 0 {
		return nil
	}
	kv := make([]string, 2*e.nattr)
	c.text.Strings(e.attrs, kv)
	var out []string
	for i := 0; i < len(kv); i += 2 {
		if kv[i] == name {
			out = append(out, kv[i+1])
		}
	}
	return out
}

// history returns the price history of product n, oldest first.
func (c *memCatalog) history(n uint32) []vitrine.PricePoint {
	ps := c.hist.List(n)
	if len(ps) == 0 {
		return nil
	}
	out := make([]vitrine.PricePoint, len(ps))
	for i, p := range ps {
		out[i] = vitrine.PricePoint{At: time.Unix(p.sec, int64(p.nsec)).In(c.locs[p.loc]),
			Price: money.Money{Amount: p.amount, Currency: c.strs[p.cur]}, Availability: vitrine.Availability(c.strs[p.avail])}
	}
	return out
}
