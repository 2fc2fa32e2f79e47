package extract

import (
	"strings"

	"github.com/vitrine/vitrine/internal/ident"
	"github.com/vitrine/vitrine/internal/money"
)

// normGTIN returns s as a 14-digit GTIN, or "" when it is not a valid GTIN-8,
// -12, -13 or -14 (check digit included). An ISBN-10 is converted to its
// ISBN-13 (978 prefix) first. A "urn:gtin:"/"gtin:" style prefix is dropped.
func normGTIN(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	if s == "" {
		return ""
	}
	if g, ok := isbn10ToGTIN(s); ok {
		s = g
	}
	g, err := ident.NormalizeGTIN(s)
	if err != nil {
		return ""
	}
	return g
}

// isbn10ToGTIN converts a valid ISBN-10 ("0-306-40615-2", "080442957X") to
// its 13-digit form.
func isbn10ToGTIN(s string) (string, bool) {
	var d []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', (c == 'X' || c == 'x') && len(d) == 9:
			d = append(d, c)
		case c == '-' || c == ' ':
		default:
			return "", false
		}
	}
	if len(d) != 10 {
		return "", false
	}
	sum := 0
	for i, c := range d {
		v := int(c - '0')
		if c == 'X' || c == 'x' {
			v = 10
		}
		sum += v * (10 - i)
	}
	if sum%11 != 0 {
		return "", false
	}
	body := "978" + string(d[:9])
	t := 0
	for i := 0; i < 12; i++ {
		v := int(body[i] - '0')
		if i%2 == 1 {
			v *= 3
		}
		t += v
	}
	return body + string(rune('0'+(10-t%10)%10)), true
}

// lastSegment returns the part of a schema.org enumeration value after the
// last '/', '#' or ':' ("https://schema.org/InStock" -> "InStock").
func lastSegment(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexAny(s, "/#:"); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// squash lower-cases s and removes spaces, hyphens and underscores.
func squash(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(s))
}

// availabilities maps squashed availability values (schema.org
// ItemAvailability names and OpenGraph words) to ours.
var availabilities = map[string]string{
	"instock": "in_stock", "limitedavailability": "in_stock", "onlineonly": "in_stock",
	"instoreonly": "in_stock", "available": "in_stock", "availablefororder": "in_stock",
	"outofstock": "out_of_stock", "soldout": "out_of_stock", "discontinued": "out_of_stock",
	"oos": "out_of_stock", "unavailable": "out_of_stock",
	"preorder": "preorder", "presale": "preorder",
	"backorder": "backorder",
}

// normAvailability maps an availability value to in_stock, out_of_stock,
// preorder or backorder; unknown values give "".
func normAvailability(s string) string {
	return availabilities[squash(lastSegment(s))]
}

// conditions maps squashed condition values to ours.
var conditions = map[string]string{
	"newcondition": "new", "new": "new",
	"usedcondition": "used", "used": "used", "damagedcondition": "used",
	"refurbishedcondition": "refurbished", "refurbished": "refurbished",
}

// normCondition maps an item condition to new, used or refurbished.
func normCondition(s string) string {
	return conditions[squash(lastSegment(s))]
}

// normCurrency returns s upper-cased when it is an ISO 4217 code, else "".
func normCurrency(s string) string {
	c := strings.ToUpper(strings.TrimSpace(s))
	if money.IsCurrency(c) {
		return c
	}
	return ""
}

// readPrice reads a price value. Machine-readable values (JSON numbers,
// strings: JSON-LD and content attributes) are read as a plain decimal
// first; text written for people (textValue) and strings that are not a
// plain decimal ("1.299,00") are read by the locale-aware parser with cur as
// the hint. It returns the amount in canonical form ("1299.00") and the
// currency the text named, if any; zero, negative and unreadable prices give "".
func readPrice(v any, cur string) (amount, currency string) {
	for _, x := range list(v) {
		var s string
		human := false
		switch t := x.(type) {
		case jsonNumber:
			s = string(t)
		case string:
			s = strings.TrimSpace(t)
		case textValue:
			s, human = collapse(string(t)), true
		case map[string]any:
			s = scalar(t)
		default:
			continue
		}
		if s == "" {
			continue
		}
		if !human {
			if a, err := money.ParseAmount(s); err == nil {
				if a <= 0 {
					return "", ""
				}
				return a.String(), ""
			}
		}
		a, c, _, ok := parseHumanPrice(s, cur)
		if !ok || a <= 0 {
			return "", ""
		}
		return a.String(), c
	}
	return "", ""
}

// sameAmount reports whether two canonical amounts are equal.
func sameAmount(a, b string) bool {
	x, err1 := money.ParseAmount(a)
	y, err2 := money.ParseAmount(b)
	return err1 == nil && err2 == nil && x == y
}

// formatPrice renders a canonical amount with the currency's usual number
// of decimals ("1299.00" USD, "129800" JPY).
func formatPrice(amount, cur string) string {
	a, err := money.ParseAmount(amount)
	if err != nil {
		return amount
	}
	return a.Format(money.Exponent(cur))
}
