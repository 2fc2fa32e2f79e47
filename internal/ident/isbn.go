package ident

import (
	"errors"
	"fmt"
	"strings"
)

// ErrISBN is wrapped by every ISBN validation error.
var ErrISBN = errors.New("invalid ISBN")

// isbnChars strips an optional "ISBN", "ISBN-10", "ISBN-13" or "ISBN:"
// label, then spaces and hyphens, and returns the digits (and X) upper-cased.
func isbnChars(s string) (string, error) {
	t := strings.TrimSpace(s)
	if len(t) >= 4 && strings.EqualFold(t[:4], "isbn") {
		t = t[4:]
		for _, label := range []string{"-10", "-13", "10", "13"} {
			if strings.HasPrefix(t, label) {
				t = t[len(label):]
				break
			}
		}
		t = strings.TrimLeft(t, " :")
	}
	var b strings.Builder
	for _, c := range t {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == 'X' || c == 'x':
			b.WriteByte('X')
		case c == ' ' || c == '-' || c == '\u00a0' || c == '\u2010' || c == '\u2011':
		default:
			return "", fmt.Errorf("%w %q: unexpected character %q", ErrISBN, s, c)
		}
	}
	return b.String(), nil
}

// ISBN10to13 validates an ISBN-10 (nine digits and a mod-11 check digit,
// 0-9 or X; spaces, hyphens and an "ISBN" label are ignored) and returns the
// equivalent ISBN-13: "978" + the nine digits + a new GS1 check digit.
func ISBN10to13(s string) (string, error) {
	d, err := isbnChars(s)
	if err != nil {
		return "", err
	}
	if len(d) != 10 {
		return "", fmt.Errorf("%w %q: %d characters, want 10 for an ISBN-10", ErrISBN, s, len(d))
	}
	return isbn10to13(s, d)
}

// isbn10to13 converts d, ten characters of an ISBN-10, checking it.
func isbn10to13(s, d string) (string, error) {
	if i := strings.IndexByte(d, 'X'); i >= 0 && i != 9 {
		return "", fmt.Errorf("%w %q: X can only be the check digit", ErrISBN, s)
	}
	sum := 0
	for i := 0; i < 10; i++ {
		v := 10
		if d[i] != 'X' {
			v = int(d[i] - '0')
		}
		sum += (10 - i) * v
	}
	if sum%11 != 0 {
		want := (11 - (sum-checkValue(d[9]))%11) % 11
		w := byte('0' + want)
		if want == 10 {
			w = 'X'
		}
		return "", fmt.Errorf("%w %q: check digit is %c, want %c", ErrISBN, s, d[9], w)
	}
	body := "978" + d[:9]
	return body + string(gtinCheckDigit(body)), nil
}

// checkValue is the value of an ISBN-10 check character.
func checkValue(c byte) int {
	if c == 'X' {
		return 10
	}
	return int(c - '0')
}

// NormalizeISBN validates an ISBN-10 or ISBN-13 and returns it as 13 digits
// without separators. Spaces, hyphens and a leading "ISBN", "ISBN-10:" or
// "ISBN-13:" label are ignored; an ISBN-10 may end in X (or x). An ISBN-13
// must start with 978 or 979 (not 9790, which is an ISMN for printed music)
// and carry a valid GS1 check digit.
func NormalizeISBN(s string) (string, error) {
	d, err := isbnChars(s)
	if err != nil {
		return "", err
	}
	switch len(d) {
	case 10:
		return isbn10to13(s, d)
	case 13:
	default:
		return "", fmt.Errorf("%w %q: %d characters, want 10 or 13", ErrISBN, s, len(d))
	}
	if strings.IndexByte(d, 'X') >= 0 {
		return "", fmt.Errorf("%w %q: X in an ISBN-13", ErrISBN, s)
	}
	switch {
	case strings.HasPrefix(d, "9790"):
		return "", fmt.Errorf("%w %q: 9790 starts an ISMN (printed music), not an ISBN", ErrISBN, s)
	case !strings.HasPrefix(d, "978") && !strings.HasPrefix(d, "979"):
		return "", fmt.Errorf("%w %q: an ISBN-13 starts with 978 or 979", ErrISBN, s)
	}
	if want := gtinCheckDigit(d[:12]); d[12] != want {
		return "", fmt.Errorf("%w %q: check digit is %c, want %c", ErrISBN, s, d[12], want)
	}
	return d, nil
}
