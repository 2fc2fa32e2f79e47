package match

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tokenizerCases are strings that exercise every branch of Tokenize.
var tokenizerCases = []string{
	"", " ", "Sony WH-1000XM5 Wireless Headphones", `Samsung 55" Class 4K TV`, "55 in", "55-inch",
	"128 GB", "v10 .5 upgrade", "Version 4.0", "1/4-20 Bolt", "33-1/3 RPM", "10/100 Switch",
	"USB-2.0 Hub", "A.B.C", "..--//", "x-y-z", "1-800-FLOWERS", "2-3", "5'' Speaker", "5' cable",
	"it's", `"quoted"`, `12" x 8"`, "Café Crème 250ml", "ÄRGER straße", "Ｆｕｌｌｗｉｄｔｈ １２３",
	"12”", "12″ panel", "٣٤٥ arabic digits", "bad \xff\xfe bytes 12\xff in", "\xe2\x80", "MacBook Pro 13.3-inch",
	"Windows 7 Professional Upgrade (R)", "Adobe® Photoshop™ CS5", "teachers glasses boxes", "K-12 edu",
	"300watts 55inch 2.4ghz", "3 x 4", "a/b/c/1/2", "-5.", "v4", "v", "ver 2", "0.0 1.0 10.50",
	"İstanbul", "ǅemal", "KELVIN K", "ﬁle",
}

func TestTokenizerEqualsTokenize(t *testing.T) {
	var z tokenizer
	check := func(s string) {
		t.Helper()
		got := z.appendTokens(nil, s)
		if want := Tokenize(s); !slices.Equal(got, want) {
			t.Fatalf("tokens of %q: got %q, want %q", s, got, want)
		}
		if got, want := z.squash(s, s), squash(s+" "+s); got != want {
			t.Fatalf("squash of %q: got %q, want %q", s, got, want)
		}
	}
	for _, s := range tokenizerCases {
		check(s)
	}
	// Random strings over an alphabet of the characters that matter.
	alphabet := []rune("aAzZ09 .-/\"'”″xinGBvé€٣\uFFFD")
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 20000; n++ {
		rs := make([]rune, rng.IntN(16))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(rs)
		if rng.IntN(10) == 0 {
			s += "\xff"
		}
		check(s)
		if n%1000 == 0 {
			z.reset()
		}
	}
	for _, r := range synthCatalog(2000) {
		check(r.Title)
		check(reword(r).Title)
		check(r.ModelNo)
	}
	// Every field of the public benchmarks, when present.
	d, err := DataDir()
	if err != nil {
		return
	}
	for _, lk := range leipzigSets {
		for _, f := range []string{lk.catalog, lk.queries} {
			recs, err := LoadTable(filepath.Join(d, "product-matching", f))
			if err != nil {
				continue
			}
			for _, r := range recs {
				z.reset()
				for _, s := range []string{r.Title, r.Brand, r.ModelNo, r.Description} {
					check(s)
				}
			}
		}
	}
}

// Strings handed out stay valid while the arena grows.
func TestTokenizerStringsStable(t *testing.T) {
	var z tokenizer
	var got [][]string
	var in []string
	for i := 0; i < 500; i++ {
		s := strings.Repeat("WH-1000XM5 55\" 128 GB ", i%7+1)
		in = append(in, s)
		got = append(got, z.appendTokens(nil, s))
	}
	for i, s := range in {
		if want := Tokenize(s); !slices.Equal(got[i], want) {
			t.Fatalf("tokens of %q changed: %q, want %q", s, got[i], want)
		}
	}
}
