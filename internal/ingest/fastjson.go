package ingest

import (
	"strconv"
	"unicode/utf8"

	"github.com/vitrine/vitrine/internal/compare"
)

// decodeFast reads a batch in the plain form devices send: an object with
// only "events", an array of 1 to MaxEvents objects whose keys are the
// exact lower-case field names, each at most once, with string values
// without escapes, dwell_ms a non-negative integer, facts an object of the
// same kind. It gives exactly what encoding/json (strictDecode into
// wireEvent) gives for such a body, at a fraction of the cost; for anything
// else (escapes, null, other keys or spellings, errors of any kind) it
// returns false and Parse uses encoding/json, which stays the reference for
// every error message. TestDecodeFastAgrees and FuzzDecodeFast compare the
// two.
//
// The strings of the events share the memory of one copy of body.
func decodeFast(body []byte) ([]wireEvent, bool) {
	d := fastDec{s: string(body)}
	if !d.byte('{') || !d.key("events") || !d.byte('[') {
		return nil, false
	}
	evs := make([]wireEvent, 0, 64)
	for {
		if len(evs) == MaxEvents {
			return nil, false
		}
		evs = append(evs, wireEvent{})
		if !d.event(&evs[len(evs)-1]) {
			return nil, false
		}
		c, ok := d.next()
		if !ok {
			return nil, false
		}
		if c == ']' {
			break
		}
		if c != ',' {
			return nil, false
		}
	}
	if !d.byte('}') {
		return nil, false
	}
	d.ws()
	return evs, d.i == len(d.s)
}

type fastDec struct {
	s string
	i int
}

func (d *fastDec) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// next skips white space and returns the next byte, consumed.
func (d *fastDec) next() (byte, bool) {
	d.ws()
	if d.i >= len(d.s) {
		return 0, false
	}
	d.i++
	return d.s[d.i-1], true
}

func (d *fastDec) byte(c byte) bool {
	b, ok := d.next()
	return ok && b == c
}

// key reads "name" and the colon after it, for one expected name.
func (d *fastDec) key(name string) bool {
	k, ok := d.str()
	return ok && k == name && d.byte(':')
}

// str reads a string without escapes or control characters; bytes above
// 0x7f must be valid UTF-8 (encoding/json would replace invalid ones).
func (d *fastDec) str() (string, bool) {
	if !d.byte('"') {
		return "", false
	}
	start, high := d.i, false
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			s := d.s[start:d.i]
			d.i++
			if high && !utf8.ValidString(s) {
				return "", false
			}
			return s, true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= 0x80:
			high = true
		}
		d.i++
	}
	return "", false
}

func (d *fastDec) strp() (*string, bool) {
	s, ok := d.str()
	if !ok {
		return nil, false
	}
	return &s, true
}

// uint reads a non-negative JSON integer of at most 18 digits.
func (d *fastDec) uint() (int64, bool) {
	d.ws()
	start := d.i
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	n := d.i - start
	if n == 0 || n > 18 || (n > 1 && d.s[start] == '0') {
		return 0, false
	}
	if d.i < len(d.s) {
		switch d.s[d.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	v, err := strconv.ParseInt(d.s[start:d.i], 10, 64)
	return v, err == nil
}

// object reads {"k":v,...}, calling field for each key; field reads the
// value and returns false to give up.
func (d *fastDec) object(field func(k string) bool) bool {
	if !d.byte('{') {
		return false
	}
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return true
	}
	for {
		k, ok := d.str()
		if !ok || !d.byte(':') || !field(k) {
			return false
		}
		c, ok := d.next()
		if !ok {
			return false
		}
		if c == '}' {
			return true
		}
		if c != ',' {
			return false
		}
	}
}

// Bits of the fields seen in an event, to give up on a repeated key.
const (
	fID = 1 << iota
	fType
	fTS
	fURL
	fReferrer
	fDwell
	fFrom
	fTo
	fFacts
	fDomain
	fProductID
	fStatus
)

func (d *fastDec) event(w *wireEvent) bool {
	seen := 0
	return d.object(func(k string) bool {
		// Each field: its bit, and where its value goes (a string, or an
		// optional string).
		var bit int
		var str *string
		var opt **string
		switch k {
		case "id":
			bit, str = fID, &w.ID
		case "type":
			bit, str = fType, &w.Type
		case "ts":
			bit, str = fTS, &w.TS
		case "url":
			bit, opt = fURL, &w.URL
		case "referrer_domain":
			bit, opt = fReferrer, &w.ReferrerDomain
		case "from":
			bit, opt = fFrom, &w.From
		case "to":
			bit, opt = fTo, &w.To
		case "domain":
			bit, opt = fDomain, &w.Domain
		case "product_id":
			bit, opt = fProductID, &w.ProductID
		case "status":
			bit, opt = fStatus, &w.Status
		case "dwell_ms":
			bit = fDwell
		case "facts":
			bit = fFacts
		default:
			return false
		}
		if seen&bit != 0 {
			return false // a repeated key
		}
		seen |= bit
		var ok bool
		switch {
		case str != nil:
			*str, ok = d.str()
		case opt != nil:
			*opt, ok = d.strp()
		case bit == fDwell:
			var v int64
			v, ok = d.uint()
			w.DwellMS = &v
		default: // facts
			w.Facts = new(compare.Facts)
			ok = d.facts(w.Facts)
		}
		return ok
	})
}

func (d *fastDec) facts(f *compare.Facts) bool {
	seen := map[string]bool{}
	var ok bool
	return d.object(func(k string) bool {
		if seen[k] {
			return false
		}
		seen[k] = true
		var dst *string
		switch k {
		case "title":
			dst = &f.Title
		case "brand":
			dst = &f.Brand
		case "gtin":
			dst = &f.GTIN
		case "mpn":
			dst = &f.MPN
		case "sku":
			dst = &f.SKU
		case "price":
			dst = &f.Price
		case "currency":
			dst = &f.Currency
		case "availability":
			dst = &f.Availability
		case "condition":
			dst = &f.Condition
		case "image":
			dst = &f.Image
		case "description":
			dst = &f.Description
		case "price_is_range":
			d.ws()
			switch {
			case len(d.s)-d.i >= 4 && d.s[d.i:d.i+4] == "true":
				f.PriceIsRange, d.i = true, d.i+4
			case len(d.s)-d.i >= 5 && d.s[d.i:d.i+5] == "false":
				f.PriceIsRange, d.i = false, d.i+5
			default:
				return false
			}
			return true
		case "variants":
			f.Variants = map[string]string{}
			return d.object(func(name string) bool {
				if _, dup := f.Variants[name]; dup {
					return false
				}
				v, ok := d.str()
				f.Variants[name] = v
				return ok
			})
		default:
			return false
		}
		*dst, ok = d.str()
		return ok
	})
}
