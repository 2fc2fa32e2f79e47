package ident

import (
	"errors"
	"testing"
)

func TestNormalizeGTIN(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"4006381333931", "04006381333931", true}, // EAN-13
		{"036000291452", "00036000291452", true},  // UPC-A
		{"0 36000 29145 2", "00036000291452", true},
		{"96385074", "00000096385074", true},       // GTIN-8
		{"10012345678902", "10012345678902", true}, // GTIN-14
		{"9780306406157", "09780306406157", true},  // ISBN-13
		{"4006381333932", "", false},               // bad check digit
		{"40063813339", "", false},                 // 11 digits
		{"00000000000000", "", false},              // all zeros
		{"40063813339a1", "", false},               // letter
		{"", "", false},
	} {
		got, err := NormalizeGTIN(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("NormalizeGTIN(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrGTIN) {
			t.Errorf("NormalizeGTIN(%q) error %v does not wrap ErrGTIN", tc.in, err)
		}
	}
}

func TestShortGTIN(t *testing.T) {
	for in, want := range map[string]string{
		"00036000291452": "036000291452",
		"04006381333931": "4006381333931",
		"00000096385074": "96385074",
		"10012345678902": "10012345678902",
	} {
		if got := ShortGTIN(in); got != want {
			t.Errorf("ShortGTIN(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizeGTIN(f *testing.F) {
	for _, s := range []string{"4006381333931", "036000291452", "96385074", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := NormalizeGTIN(s)
		if err != nil {
			return
		}
		if len(g) != 14 {
			t.Fatalf("len(%q) = %d", g, len(g))
		}
		again, err := NormalizeGTIN(g)
		if err != nil || again != g {
			t.Fatalf("not idempotent: %q -> %q, %v", g, again, err)
		}
	})
}
