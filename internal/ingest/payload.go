package ingest

import (
	"encoding/json"
	"strconv"

	"github.com/vitrine/vitrine/internal/compare"
)

// The stored payloads, written by hand: the same bytes json.Marshal gives
// for pageViewPayload, linkClickPayload, productViewPayload and
// comparisonPayload (TestPayloadsMatchMarshal, FuzzPayloads), without
// reflection.

// appendJSONString appends s as json.Marshal writes it: printable ASCII
// other than the characters it escapes goes as it is; any other string is
// left to json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func (p *pageViewPayload) appendJSON(b []byte) []byte {
	b = append(b, `{"url":`...)
	b = appendJSONString(b, p.URL)
	b = append(b, `,"referrer_domain":`...)
	b = appendJSONString(b, p.ReferrerDomain)
	b = append(b, `,"dwell_ms":`...)
	b = strconv.AppendInt(b, p.DwellMS, 10)
	return append(b, '}')
}

func (p *linkClickPayload) appendJSON(b []byte) []byte {
	b = append(b, `{"from":`...)
	b = appendJSONString(b, p.From)
	b = append(b, `,"to":`...)
	b = appendJSONString(b, p.To)
	return append(b, '}')
}

func (p *comparisonPayload) appendJSON(b []byte) []byte {
	b = append(b, `{"domain":`...)
	b = appendJSONString(b, p.Domain)
	b = append(b, `,"product_id":`...)
	b = appendJSONString(b, p.ProductID)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, p.Status)
	return append(b, '}')
}

func (p *productViewPayload) appendJSON(b []byte) []byte {
	b = append(b, `{"url":`...)
	b = appendJSONString(b, p.URL)
	b = append(b, `,"facts":`...)
	b = appendFacts(b, &p.Facts)
	return append(b, '}')
}

// appendFacts writes compare.Facts with its omitempty fields in field
// order; facts with variants (a map) go through json.Marshal.
func appendFacts(b []byte, f *compare.Facts) []byte {
	if len(f.Variants) > 0 {
		q, err := json.Marshal(f)
		if err != nil {
			return append(b, "{}"...) // not reached: Facts always encodes
		}
		return append(b, q...)
	}
	b = append(b, '{')
	first := true
	field := func(name, v string) {
		if v == "" {
			return
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
		b = appendJSONString(b, v)
	}
	field("title", f.Title)
	field("brand", f.Brand)
	field("gtin", f.GTIN)
	field("mpn", f.MPN)
	field("sku", f.SKU)
	field("price", f.Price)
	field("currency", f.Currency)
	if f.PriceIsRange {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `"price_is_range":true`...)
	}
	field("availability", f.Availability)
	field("condition", f.Condition)
	field("image", f.Image)
	field("description", f.Description)
	return append(b, '}')
}
