// Package ident validates and normalises product identifiers: GTIN (UPC,
// EAN, GTIN-14), ISBN, brands and manufacturer part numbers.
package ident

import (
	"errors"
	"fmt"
	"strings"
)

// ErrGTIN is wrapped by every GTIN validation error.
var ErrGTIN = errors.New("invalid GTIN")

// NormalizeGTIN validates a GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13, ISBN-13)
// or GTIN-14 by its check digit and returns it in one form: 14 digits,
// left-padded with zeros. Spaces and hyphens are ignored.
func NormalizeGTIN(s string) (string, error) {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == ' ' || c == '-':
		default:
			return "", fmt.Errorf("%w %q: unexpected character %q", ErrGTIN, s, c)
		}
	}
	d := b.String()
	switch len(d) {
	case 8, 12, 13, 14:
	default:
		return "", fmt.Errorf("%w %q: %d digits, want 8, 12, 13 or 14", ErrGTIN, s, len(d))
	}
	d = strings.Repeat("0", 14-len(d)) + d
	if strings.Trim(d, "0") == "" {
		return "", fmt.Errorf("%w %q: all zeros", ErrGTIN, s)
	}
	if want := gtinCheckDigit(d[:13]); d[13] != want {
		return "", fmt.Errorf("%w %q: check digit is %c, want %c", ErrGTIN, s, d[13], want)
	}
	return d, nil
}

// gtinCheckDigit computes the GS1 mod-10 check digit of the digits given
// (all but the check digit): weights 3,1,3,1... from the right.
func gtinCheckDigit(body string) byte {
	sum := 0
	w := 3
	for i := len(body) - 1; i >= 0; i-- {
		sum += int(body[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// ShortGTIN returns the shortest usual form of a normalised GTIN-14: 13 digits
// (EAN-13) when the first digit is 0, 12 (UPC-A) when the first two are, else 14.
func ShortGTIN(g14 string) string {
	if len(g14) != 14 {
		return g14
	}
	switch {
	case strings.HasPrefix(g14, "000000"):
		return g14[6:] // GTIN-8
	case strings.HasPrefix(g14, "00"):
		return g14[2:]
	case g14[0] == '0':
		return g14[1:]
	}
	return g14
}
