package ident

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeISBN(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"0306406152", "9780306406157", true},          // ISBN-10
		{"0-306-40615-2", "9780306406157", true},       // hyphenated
		{"ISBN 0-306-40615-2", "9780306406157", true},  // labelled
		{"ISBN-10: 0306406152", "9780306406157", true}, // labelled with kind
		{"isbn:0306406152", "9780306406157", true},     // lower-case label
		{"080442957X", "9780804429573", true},          // X check digit
		{"0-8044-2957-x", "9780804429573", true},       // lower-case x
		{"9780306406157", "9780306406157", true},       // ISBN-13
		{"978-0-306-40615-7", "9780306406157", true},   // hyphenated ISBN-13
		{"ISBN-13: 978-0-306-40615-7", "9780306406157", true},
		{"979-10-90636-07-1", "9791090636071", true},   // 979 prefix (France)
		{" 978 0 306 40615 7 ", "9780306406157", true}, // spaces
		{"0306406153", "", false},                      // bad ISBN-10 check digit
		{"9780306406158", "", false},                   // bad ISBN-13 check digit
		{"X306406152", "", false},                      // X not last
		{"97803064061X7", "", false},                   // X in an ISBN-13
		{"4006381333931", "", false},                   // an EAN-13, not a book
		{"9790230671187", "", false},                   // ISMN
		{"030640615", "", false},                       // 9 characters
		{"03064061521", "", false},                     // 11 characters
		{"0306406152a", "", false},                     // letter
		{"", "", false},
		{"ISBN", "", false},
	} {
		got, err := NormalizeISBN(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("NormalizeISBN(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrISBN) {
			t.Errorf("NormalizeISBN(%q) error %v does not wrap ErrISBN", tc.in, err)
		}
	}
}

func TestISBN10to13(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"0306406152", "9780306406157", true},
		{"0-19-853453-1", "9780198534532", true},
		{"080442957X", "9780804429573", true},
		{"155860832X", "9781558608320", true},
		{"9780306406157", "", false}, // already 13
		{"0306406150", "", false},
	} {
		got, err := ISBN10to13(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("ISBN10to13(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	// The error names the expected check digit.
	if _, err := ISBN10to13("0306406150"); err == nil || !strings.Contains(err.Error(), "want 2") {
		t.Errorf("ISBN10to13 bad check digit: err = %v, want it to name the right digit 2", err)
	}
	if _, err := ISBN10to13("0804429570"); err == nil || !strings.Contains(err.Error(), "want X") {
		t.Errorf("ISBN10to13 bad check digit: err = %v, want it to name X", err)
	}
}

func FuzzNormalizeISBN(f *testing.F) {
	for _, s := range []string{"0306406152", "080442957X", "978-0-306-40615-7", "ISBN 979-10-90636-07-1", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := NormalizeISBN(s)
		if err != nil {
			return
		}
		if len(g) != 13 || !strings.HasPrefix(g, "978") && !strings.HasPrefix(g, "979") {
			t.Fatalf("NormalizeISBN(%q) = %q", s, g)
		}
		if _, err := NormalizeGTIN(g); err != nil {
			t.Fatalf("NormalizeISBN(%q) = %q, not a valid GTIN: %v", s, g, err)
		}
		again, err := NormalizeISBN(g)
		if err != nil || again != g {
			t.Fatalf("not idempotent: %q -> %q, %v", g, again, err)
		}
	})
}
