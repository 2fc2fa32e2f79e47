package ident

import (
	"strings"
	"unicode"
)

// foldTable maps lower-case accented Latin letters to plain ASCII. It is a
// small table on purpose (no golang.org/x/text): the letters of European
// brand names.
var foldTable = func() map[rune]string {
	m := map[rune]string{}
	for plain, accented := range map[string]string{
		"a": "àáâãäåāăąǎ", "c": "çćĉċč", "d": "ďđð", "e": "èéêëēĕėęě", "g": "ĝğġģ",
		"h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀł", "n": "ñńņňŉ",
		"o": "òóôõöøōŏőǒ", "r": "ŕŗř", "s": "śŝşšșſ", "t": "ţťŧț", "u": "ùúûüũūŭůűųǔ",
		"w": "ŵ", "y": "ýÿŷ", "z": "źżž",
		"ae": "æ", "oe": "œ", "ss": "ß", "th": "þ", "ij": "ĳ",
	} {
		for _, r := range accented {
			m[r] = plain
		}
	}
	return m
}()

// fullWidth maps full-width ASCII letters and digits ("ＳＯＮＹ") to ASCII.
func fullWidth(r rune) rune {
	if r >= '！' && r <= '～' {
		return r - '！' + '!'
	}
	return r
}

// legalSuffixes are company-form words dropped from the end of a brand.
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true,
	"company": true, "cos": true, "ltd": true, "limited": true, "llc": true, "llp": true,
	"lp": true, "plc": true, "gmbh": true, "mbh": true, "ag": true, "kg": true, "kgaa": true,
	"ug": true, "se": true, "sa": true, "sas": true, "sarl": true, "sl": true, "srl": true,
	"spa": true, "bv": true, "nv": true, "oy": true, "oyj": true, "ab": true, "as": true,
	"asa": true, "aps": true, "kk": true, "pty": true, "pte": true, "pvt": true, "sdn": true,
	"bhd": true, "sro": true, "doo": true, "kft": true, "zrt": true, "spzoo": true,
	"cie": true,
}

// legalPhrases are multi-word company forms, dropped from the end as a
// whole; they are tried before legalSuffixes, longest first.
var legalPhrases = [][]string{
	{"and", "co", "kg"}, {"sp", "z", "oo"}, {"public", "limited", "company"},
	{"limited", "liability", "company"}, {"s", "p", "a"}, {"s", "r", "l"},
	{"and", "co"}, {"and", "company"}, {"and", "cie"}, {"kabushiki", "kaisha"},
	{"private", "limited"}, {"a", "s"}, {"s", "a"}, {"s", "l"}, {"b", "v"}, {"n", "v"},
}

// NormalizeBrand reduces a brand or manufacturer name to a comparison key:
// lower case; accents folded (é→e, ß→ss, ø→o) and combining marks dropped;
// full-width letters made ASCII; apostrophes dropped ("Levi's"→"levis");
// dots after single letters joined ("S.A."→"sa", "A.P.C."→"apc"); "&"
// written "and"; any other punctuation a space; spaces collapsed; and legal
// company forms dropped from the end ("Inc.", "Corporation", "Co., Ltd.",
// "GmbH & Co. KG", "S.p.A.", "Sp. z o.o.", "A/S"...), keeping at least one
// word. Letters of other scripts are kept, lower-cased.
//
//	"Sony Corporation"   -> "sony"
//	"Hewlett-Packard Co." -> "hewlett packard"
//	"Procter & Gamble"   -> "procter and gamble"
//
// The result only has letters, digits and single spaces, and NormalizeBrand
// of it is itself.
func NormalizeBrand(s string) string {
	var words []string
	var cur []rune
	seg := 0 // letters and digits since the word's start or its last dot
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
		seg = 0
	}
	for _, r := range s {
		r = unicode.ToLower(fullWidth(r))
		if f, ok := foldTable[r]; ok {
			cur = append(cur, []rune(f)...)
			seg += len(f)
			continue
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, r)
			seg++
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
			// combining accents and invisible format characters
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`' || r == '´':
			// "Levi's" -> "levis"
		case r == '.' && seg == 1 && unicode.IsLetter(cur[len(cur)-1]):
			seg = 0 // "S.A." -> "sa"
		case r == '&':
			flush()
			words = append(words, "and")
		default:
			flush()
		}
	}
	flush()
	return strings.Join(dropLegalForms(words), " ")
}

// dropLegalForms removes company forms from the end of words, keeping the first word.
func dropLegalForms(words []string) []string {
	for len(words) > 1 {
		n := len(words)
		dropped := false
		for _, p := range legalPhrases {
			if len(p) < n && equalWords(words[n-len(p):], p) {
				words = words[:n-len(p)]
				dropped = true
				break
			}
		}
		if dropped {
			continue
		}
		if !legalSuffixes[words[n-1]] {
			break
		}
		words = words[:n-1]
	}
	return words
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

// NormalizeMPN reduces a manufacturer part number to a comparison key:
// upper case, accents folded, full-width characters made ASCII, and every
// character other than A-Z and 0-9 removed ("WH-1000XM5/B" -> "WH1000XM5B",
// "kdl 55.x900" -> "KDL55X900"). Letters of other scripts are removed too.
func NormalizeMPN(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = fullWidth(r)
		if f, ok := foldTable[unicode.ToLower(r)]; ok {
			b.WriteString(strings.ToUpper(f))
			continue
		}
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// measureUnits are suffixes that make a number a measure or a count rather
// than a model number ("128GB", "55in", "1080p", "2nd").
var measureUnits = []string{
	"k", "m", "p", "i", "g", "b", "kb", "mb", "gb", "tb", "pb", "gbit", "mbit", "bit",
	"mah", "ah", "wh", "kwh", "w", "kw", "v", "kv", "mv", "a", "ma", "hz", "khz", "mhz", "ghz",
	"mm", "cm", "km", "in", "inch", "inches", "ft", "yd", "ml", "l", "cl", "dl", "kg", "mg",
	"lb", "lbs", "oz", "floz", "pcs", "pc", "pk", "pack", "ct", "count", "x", "db", "rpm",
	"kbps", "mbps", "gbps", "fps", "mp", "core", "cores", "yr", "yrs", "year", "years",
	"d", "h", "hr", "hrs", "min", "s", "sec", "ms", "st", "nd", "rd", "th", "lm", "dpi",
	"ppi", "btu", "psi", "nm", "um", "gsm", "ply", "t",
}

// standardNames are letter-digit tokens that name standards, codecs or
// ratings rather than products.
var standardNames = map[string]bool{
	"MP3": true, "MP4": true, "H264": true, "H265": true, "X264": true, "X265": true, "AV1": true,
	"VP9": true, "DDR3": true, "DDR4": true, "DDR5": true, "LPDDR4": true, "LPDDR4X": true,
	"LPDDR5": true, "LPDDR5X": true, "USB2": true, "USB3": true, "USB30": true, "USB31": true,
	"USB32": true, "USB4": true, "HDMI2": true, "HDMI20": true, "HDMI21": true, "WIFI5": true,
	"WIFI6": true, "WIFI6E": true, "WIFI7": true, "IP65": true, "IP66": true, "IP67": true,
	"IP68": true, "IPX4": true, "IPX5": true, "IPX6": true, "IPX7": true, "IPX8": true,
	"RJ11": true, "RJ45": true, "PCIE3": true, "PCIE4": true, "PCIE5": true, "X86": true,
	"X64": true, "ARM64": true, "DVBT2": true, "DVBS2": true, "BT50": true, "BT53": true,
}

// LooksLikeModelNumber reports whether a single token looks like a model
// or part number ("WH1000XM5", "KDL-55X900", "DMC-FZ200", "SM-G991B"). The
// rule:
//
//   - the token is ASCII letters and digits, with "-", "/", ".", "_" allowed
//     only between them;
//   - without separators it is 3 to 30 characters and has at least one letter
//     and at least one digit ("2024" and "USB-C" are not model numbers);
//   - it is not a measure or count: digits (a dimension written with a
//     lower-case x, such as "1920x1080", counts as digits) followed by
//     nothing or by one unit ("128GB", "55in", "4K", "1080p", "2.5GHz",
//     "24-70mm", "2nd"); "55X900", with a capital X, is a model number;
//   - it is not the name of a standard, codec or rating ("MP3", "DDR5",
//     "Wi-Fi6", "IP68", "H.264").
func LooksLikeModelNumber(token string) bool {
	if token == "" {
		return false
	}
	prevSep := true // no separator at the start
	for _, r := range token {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			prevSep = false
		case r == '-' || r == '/' || r == '.' || r == '_':
			if prevSep {
				return false
			}
			prevSep = true
		default:
			return false
		}
	}
	if prevSep {
		return false // separator at the end
	}
	n := NormalizeMPN(token)
	if len(n) < 3 || len(n) > 30 {
		return false
	}
	letters, digits := 0, 0
	for _, r := range n {
		if r >= '0' && r <= '9' {
			digits++
		} else {
			letters++
		}
	}
	if letters == 0 || digits == 0 || standardNames[n] {
		return false
	}
	// n without separators but in the token's own case: a dimension is
	// written with a lower-case "x" ("1920x1080"), while "55X900" is a model.
	var kept strings.Builder
	for _, r := range token {
		if r != '-' && r != '/' && r != '.' && r != '_' {
			kept.WriteRune(r)
		}
	}
	return !isMeasure(kept.String())
}

// isMeasure reports whether n (ASCII letters and digits) is digits,
// optionally lower-case "x" and digits again, then at most one unit (in any
// case).
func isMeasure(n string) bool {
	i := 0
	for {
		j := i
		for j < len(n) && n[j] >= '0' && n[j] <= '9' {
			j++
		}
		if j == i {
			return false // a letter where digits were expected
		}
		i = j
		if i+1 < len(n) && n[i] == 'x' && n[i+1] >= '0' && n[i+1] <= '9' {
			i++ // "1920x1080"
			continue
		}
		break
	}
	rest := strings.ToLower(n[i:])
	if rest == "" {
		return true
	}
	for _, u := range measureUnits {
		if rest == u {
			return true
		}
	}
	return false
}
