package match

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestTokenize(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Sony WH-1000XM5 Headphones", []string{"sony", "wh1000xm5", "headphone"}},
		{`Samsung 55" 4K TV`, []string{"samsung", "55in", "4k", "tv"}},
		{"Samsung 55-inch TV", []string{"samsung", "55in", "tv"}},
		{"LG 55 in. OLED", []string{"lg", "55in", "oled"}},
		{"Samsung 55'' LED", []string{"samsung", "55in", "led"}},
		{"SanDisk 128 GB card", []string{"sandisk", "128gb", "card"}},
		{"SanDisk 128GB", []string{"sandisk", "128gb"}},
		{"1/4-20 thread screw", []string{"1/4-20", "thread", "screw"}},
		{"33-1/3 and 45 RPM", []string{"33-1/3", "45rpm"}},
		{"DVD-ROM drive", []string{"dvd", "rom", "drive"}},
		{"Linksys 10/100 switch", []string{"linksys", "10/100", "switch"}},
		{"pinnacle studio v10 .5", []string{"pinnacle", "studio", "10.5"}},
		{"PDF Converter v. 4.0", []string{"pdf", "converter", "4"}},
		{"Webroot (R) Spy Sweeper (TM)", []string{"webroot", "spy", "sweeper"}},
		{"Belkin F3H982-10 cable", []string{"belkin", "f3h98210", "cable"}},
		{"300 Watts, 2.4GHz", []string{"300w", "2.4ghz"}},
		{"Office for Students and Teachers (Macintosh)", []string{"office", "student", "teacher", "mac"}},
		{"Windows XP Professional Upg", []string{"win", "xp", "pro", "upgrade"}},
		{"", []string{}},
	}
	for _, tc := range cases {
		if got := Tokenize(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCodes(t *testing.T) {
	for tok, want := range map[string]bool{
		"wh1000xm5": true, "pslx350h": true, "kdl46v3000": true, "22070152": true,
		"128gb": false, "55in": false, "3rd": false, "2007": false, "sony": false, "x1": false,
	} {
		if got := isCodeToken(tok); got != want {
			t.Errorf("isCodeToken(%q) = %v, want %v", tok, got, want)
		}
	}
	for in, want := range map[string]string{"am53bk": "am53", "pslx350h": "pslx350", "kdl46v3000": "kdl46v3000", "ab1c": "ab1c"} {
		if got := codeStem(in); got != want {
			t.Errorf("codeStem(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Sony WH-1000XM5", `55" TV`, "1/4-20", "v10 .5", "caf\xe9", "--//..", "128 gb x 2", "''\"\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Tokenize(s)
		for _, tok := range toks {
			if tok == "" {
				t.Fatalf("empty token from %q", s)
			}
			if strings.IndexFunc(tok, unicode.IsSpace) >= 0 {
				t.Fatalf("token %q from %q has a space", tok, s)
			}
			if strings.IndexFunc(tok, func(r rune) bool { return r >= 'A' && r <= 'Z' }) >= 0 {
				t.Fatalf("token %q from %q is not lower case", tok, s)
			}
			if stopWords[tok] {
				t.Fatalf("stop word %q from %q", tok, s)
			}
		}
		if again := Tokenize(s); !slices.Equal(again, toks) {
			t.Fatalf("not deterministic on %q", s)
		}
	})
}
