package ident

import (
	"strings"
	"testing"
	"unicode"
)

func TestNormalizeBrand(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Sony Corporation", "sony"},
		{"Hewlett-Packard Co.", "hewlett packard"},
		{"Procter & Gamble", "procter and gamble"},
		{"Procter&Gamble Co.", "procter and gamble"},
		{"Apple, Inc.", "apple"},
		{"Apple Inc", "apple"},
		{"SAMSUNG", "samsung"},
		{"  Bang   &  Olufsen  ", "bang and olufsen"},
		{"Nestlé S.A.", "nestle"},
		{"Nestlé S. A.", "nestle"},
		{"Nestle\u0301", "nestle"}, // decomposed accent
		{"L'Oréal", "loreal"},
		{"Levi’s", "levis"},
		{"Müller GmbH & Co. KG", "muller"},
		{"Robert Bosch GmbH", "robert bosch"},
		{"Siemens AG", "siemens"},
		{"Brother Industries, Ltd.", "brother industries"},
		{"Canon Co., Ltd.", "canon"},
		{"LEGO A/S", "lego"},
		{"Ferrero S.p.A.", "ferrero"},
		{"Philips N.V.", "philips"},
		{"Fabryka Sp. z o.o.", "fabryka"},
		{"Nintendo Co., Ltd", "nintendo"},
		{"Unilever PLC", "unilever"},
		{"Acme LLC", "acme"},
		{"Smith & Co.", "smith"},
		{"Panasonic Holdings Corporation", "panasonic holdings"},
		{"A.P.C.", "apc"},
		{"Dr. Martens", "dr martens"},
		{"Dr.Martens", "dr martens"},
		{"U.S. Polo Assn.", "us polo assn"},
		{"Škoda", "skoda"},
		{"Øster", "oster"},
		{"Straße", "strasse"},
		{"Łódź Ltd", "lodz"},
		{"ＳＯＮＹ", "sony"},
		{"Яндекс", "яндекс"},
		{"3M Company", "3m"},
		{"Company", "company"},                     // never empty
		{"Limited", "limited"},                     // never empty
		{"Co Ltd", "co"},                           // the first word stays
		{"The Company Store", "the company store"}, // only at the end
		{"Co-op", "co op"},
		{"", ""},
		{"---", ""},
	} {
		if got := NormalizeBrand(tc.in); got != tc.want {
			t.Errorf("NormalizeBrand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeMPN(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"WH-1000XM5/B", "WH1000XM5B"},
		{"wh-1000xm5", "WH1000XM5"},
		{"KDL 55.X900", "KDL55X900"},
		{"DMC_FZ200", "DMCFZ200"},
		{" sm-g991b ", "SMG991B"},
		{"MQ2Y3LL/A", "MQ2Y3LLA"},
		{"ＷＨ－１０００ＸＭ５", "WH1000XM5"},
		{"Ré-42", "RE42"},
		{"(A)#12*", "A12"},
		{"", ""},
	} {
		if got := NormalizeMPN(tc.in); got != tc.want {
			t.Errorf("NormalizeMPN(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLooksLikeModelNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"WH1000XM5", true},
		{"WH-1000XM5", true},
		{"KDL-55X900", true},
		{"DMC-FZ200", true},
		{"SM-G991B", true},
		{"MQ2Y3LL/A", true},
		{"55X900", true},
		{"A7III", true},
		{"B07XJ8C8F5", true},
		{"S21", true},
		{"EOS-R5", true},
		{"128GB", false},
		{"1TB", false},
		{"55in", false},
		{"55\"", false},
		{"4K", false},
		{"8K", false},
		{"1080p", false},
		{"2.5GHz", false},
		{"5000mAh", false},
		{"24-70mm", false},
		{"1920x1080", false},
		{"2x4", false},
		{"10x", false},
		{"2nd", false},
		{"21st", false},
		{"2024", false},
		{"USB-C", false},
		{"MP3", false},
		{"DDR5", false},
		{"Wi-Fi6", false},
		{"IP68", false},
		{"H.264", false},
		{"X1", false},
		{"-WH1000", false},
		{"WH1000-", false},
		{"WH 1000", false},
		{"WH1000XM5,", false},
		{"Ré42", false},
		{"", false},
	} {
		if got := LooksLikeModelNumber(tc.in); got != tc.want {
			t.Errorf("LooksLikeModelNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzNormalizeBrand(f *testing.F) {
	for _, s := range []string{"Sony Corporation", "Hewlett-Packard Co.", "Procter & Gamble", "S.A.", "Co Ltd", "Ǆ", "İ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := NormalizeBrand(s)
		if again := NormalizeBrand(b); again != b {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, b, again)
		}
		if b != strings.TrimSpace(b) || strings.Contains(b, "  ") {
			t.Fatalf("NormalizeBrand(%q) = %q: stray spaces", s, b)
		}
		for _, r := range b {
			if r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("NormalizeBrand(%q) = %q: has %q", s, b, r)
			}
		}
	})
}

func FuzzNormalizeMPN(f *testing.F) {
	for _, s := range []string{"WH-1000XM5/B", "kdl 55.x900", "ＷＨ", "ß", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := NormalizeMPN(s)
		if again := NormalizeMPN(m); again != m {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, m, again)
		}
		for _, r := range m {
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				t.Fatalf("NormalizeMPN(%q) = %q: has %q", s, m, r)
			}
		}
		if LooksLikeModelNumber(s) && !LooksLikeModelNumber(m) {
			t.Fatalf("LooksLikeModelNumber(%q) but not of its normal form %q", s, m)
		}
	})
}
