package match

import (
	"strings"
	"unicode"
)

// unitAliases maps unit spellings to one canonical unit. A number followed by
// one of these (joined, hyphenated or as the next token) becomes one token:
// "55-inch", `55"`, "55 in" -> "55in"; "128 GB" -> "128gb".
var unitAliases = map[string]string{
	"in": "in", "inch": "in", "inches": "in", "inchs": "in",
	"ft": "ft", "feet": "ft", "foot": "ft",
	"mm": "mm", "cm": "cm", "m": "m", "meter": "m", "meters": "m",
	"gb": "gb", "gig": "gb", "gigabyte": "gb", "gigabytes": "gb",
	"mb": "mb", "megabyte": "mb", "megabytes": "mb",
	"tb": "tb", "terabyte": "tb", "kb": "kb",
	"ghz": "ghz", "mhz": "mhz", "hz": "hz", "khz": "khz",
	"w": "w", "watt": "w", "watts": "w", "kw": "kw",
	"v": "v", "volt": "v", "volts": "v", "mah": "mah", "ah": "ah",
	"mp": "mp", "megapixel": "mp", "megapixels": "mp",
	"x": "x", "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb", "oz": "oz",
	"rpm": "rpm", "ms": "ms", "db": "db", "mbps": "mbps", "gbps": "gbps",
	"pk": "pk", "pack": "pk", "pcs": "pk", "user": "user", "users": "user",
	"port": "port", "ports": "port", "cup": "cup", "cups": "cup",
	"qt": "qt", "quart": "qt", "gal": "gal", "gallon": "gal",
	"p": "p", "i": "i", "k": "k", "bit": "bit", "ch": "ch", "channel": "ch",
	"yr": "yr", "year": "yr", "years": "yr", "hr": "hr", "hour": "hr", "hours": "hr",
	"min": "min", "sec": "sec", "ppm": "ppm", "dpi": "dpi", "nm": "nm",
}

// synonyms maps spellings of one word to one form.
var synonyms = map[string]string{
	"macintosh": "mac", "osx": "mac", "windows": "win", "professional": "pro", "prof": "pro",
	"upg": "upgrade", "upgrd": "upgrade", "std": "standard", "dlx": "deluxe", "lic": "license",
	"licence": "license", "ed": "edition", "first": "1st", "second": "2nd", "third": "3rd",
	"fourth": "4th", "fifth": "5th", "vers": "version", "svr": "server",
	"blk": "black", "wht": "white", "slvr": "silver",
}

// normWord applies synonyms and strips a plural "s" from alphabetic words of
// more than three letters ("teachers" -> "teacher", but not "glass").
func normWord(t string) string {
	if s, ok := synonyms[t]; ok {
		return s
	}
	if n := len(t); n > 3 && t[n-1] == 's' && t[n-2] != 's' && t[n-2] != 'u' && t[n-2] != 'i' && t[n-2] != 'y' {
		for i := 0; i < n; i++ {
			if t[i] < 'a' || t[i] > 'z' {
				return t
			}
		}
		return t[:n-1]
	}
	return t
}

// stopWords are dropped from token lists.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "for": true,
	"with": true, "of": true, "to": true, "in": true, "on": true, "by": true,
	"from": true, "at": true, "is": true, "&": true,
	// Trademark marks, often split off as "( r )" or "( tm )".
	"r": true, "tm": true, "reg": true,
}

// Tokenize lower-cases s and splits it into word tokens. Hyphenated or dotted
// model numbers are joined ("WH-1000XM5" -> "wh1000xm5"), numbers with units
// are normalised into one token (`55"`, "55-inch", "55 in" -> "55in";
// "128 GB" -> "128gb"), numeric fractions and thread sizes keep their
// punctuation ("1/4-20", "33-1/3") and stop words are dropped.
func Tokenize(s string) []string {
	raw := rawTokens(s)
	out := make([]string, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		t := raw[i]
		if isNumber(t) && i+1 < len(raw) {
			if u, ok := unitAliases[raw[i+1]]; ok && u != "x" && u != "i" && u != "p" && u != "k" {
				out = append(out, t+u)
				i++
				continue
			}
		}
		if stopWords[t] || t == "v" || t == "ver" || t == "version" {
			continue
		}
		out = append(out, normWord(versionToken(t)))
	}
	return out
}

// joinSplitDecimals undoes the tokenisation of already tokenised text that
// separated a decimal point from its digits: "v10 .5" -> "v10.5".
func joinSplitDecimals(s string) string {
	if !strings.Contains(s, " .") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && isDigit(s[i-1]) && i+2 < len(s) && s[i+1] == '.' && isDigit(s[i+2]) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// versionToken normalises version numbers: "v10.5" -> "10.5", "v4" -> "4",
// "4.0" -> "4", "10.50" stays.
func versionToken(t string) string {
	if len(t) > 1 && t[0] == 'v' && isNumber(t[1:]) {
		t = t[1:]
	}
	if isNumber(t) && strings.HasSuffix(t, ".0") {
		t = strings.TrimSuffix(t, ".0")
	}
	return t
}

// rawTokens splits a lower-cased s into chunks and normalises each chunk.
func rawTokens(s string) []string {
	s = joinSplitDecimals(strings.ToLower(s))
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = appendChunk(out, cur.String())
			cur.Reset()
		}
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(r)
		case r == '.' || r == '-' || r == '/':
			cur.WriteRune(r)
		case r == '"' || r == '”' || r == '″' || (r == '\'' && i+1 < len(rs) && rs[i+1] == '\''):
			// Inch mark after a number: 55" -> 55in.
			c := cur.String()
			if c != "" && isDigit(c[len(c)-1]) {
				cur.WriteString("in")
			} else if c == "" && len(out) > 0 && isNumber(out[len(out)-1]) {
				out[len(out)-1] += "in"
			}
			if r == '\'' {
				i++
			}
			flush()
		default:
			flush()
		}
	}
	flush()
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isNumber reports whether t is a plain number ("12", "2.4").
func isNumber(t string) bool {
	if t == "" || !isDigit(t[0]) || !isDigit(t[len(t)-1]) {
		return false
	}
	dots := 0
	for i := 0; i < len(t); i++ {
		switch {
		case isDigit(t[i]):
		case t[i] == '.':
			dots++
		default:
			return false
		}
	}
	return dots <= 1
}

// hasLetterDigit reports whether t contains both a letter and a digit.
func hasLetterDigit(t string) (letter, digit bool) {
	for _, r := range t {
		if unicode.IsDigit(r) {
			digit = true
		} else if unicode.IsLetter(r) {
			letter = true
		}
	}
	return
}

// isFraction reports whether t is made of digits, '/' and '-' and contains a
// '/' ("1/4-20", "33-1/3", "10/100").
func isFraction(t string) bool {
	slash := false
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case isDigit(c) || c == '-':
		case c == '/':
			slash = true
		default:
			return false
		}
	}
	return slash && isDigit(t[0]) && isDigit(t[len(t)-1])
}

// appendChunk normalises one chunk of letters, digits and . - / and appends
// the resulting tokens.
func appendChunk(out []string, c string) []string {
	c = strings.Trim(c, ".-/")
	if c == "" {
		return out
	}
	if isNumber(c) || isFraction(c) {
		return append(out, c)
	}
	if strings.ContainsRune(c, '/') {
		for _, p := range strings.Split(c, "/") {
			out = appendChunk(out, p)
		}
		return out
	}
	if !strings.ContainsAny(c, ".-") {
		return append(out, unitToken(c))
	}
	parts := strings.FieldsFunc(c, func(r rune) bool { return r == '.' || r == '-' })
	letter, digit := hasLetterDigit(c)
	if letter && digit {
		// Model number or number with unit: join the parts, keeping a dot
		// between two digits ("usb-2.0" -> "usb2.0", "wh-1000xm5" -> "wh1000xm5").
		var b strings.Builder
		for i := 0; i < len(c); i++ {
			ch := c[i]
			if ch == '-' || ch == '.' {
				if ch == '.' && i > 0 && i+1 < len(c) && isDigit(c[i-1]) && isDigit(c[i+1]) {
					b.WriteByte('.')
				}
				continue
			}
			b.WriteByte(ch)
		}
		return append(out, unitToken(b.String()))
	}
	if digit && !letter {
		// "1-800", "2-3": digits only; keep the joined form too short to matter.
		return append(out, parts...)
	}
	for _, p := range parts {
		out = append(out, unitToken(p))
	}
	return out
}

// unitToken normalises a number directly followed by a unit ("55inch" ->
// "55in", "300watts" -> "300w"); other tokens are returned unchanged.
func unitToken(t string) string {
	i := 0
	for i < len(t) && (isDigit(t[i]) || t[i] == '.') {
		i++
	}
	if i == 0 || i == len(t) || !isNumber(t[:i]) {
		return t
	}
	if u, ok := unitAliases[t[i:]]; ok {
		return t[:i] + u
	}
	return t
}

// numericUnit splits a numeric token into value and unit: "128gb" -> ("128",
// "gb"), "2007" -> ("2007", ""), "1/4-20" -> ("1/4-20", ""). ok is false for
// tokens that are not numeric.
func numericUnit(t string) (val, unit string, ok bool) {
	if isNumber(t) || isFraction(t) {
		return t, "", true
	}
	i := 0
	for i < len(t) && (isDigit(t[i]) || t[i] == '.') {
		i++
	}
	if i == 0 || i == len(t) || !isNumber(t[:i]) {
		return "", "", false
	}
	if u, ok := unitAliases[t[i:]]; ok && u == t[i:] {
		return t[:i], u, true
	}
	return "", "", false
}

// ordinalSuffix reports tokens like "1st", "2nd", "3rd", "4th".
func isOrdinal(t string) bool {
	for _, s := range []string{"st", "nd", "rd", "th"} {
		if strings.HasSuffix(t, s) && isNumber(t[:len(t)-2]) {
			return true
		}
	}
	return false
}

// isCodeToken reports whether t looks like a model number: letters and digits
// mixed (at least 3 characters, not a number with a unit or an ordinal), or a
// run of 5 or more digits.
func isCodeToken(t string) bool {
	if len(t) < 3 {
		return false
	}
	letter, digit := hasLetterDigit(t)
	if !digit {
		return false
	}
	if !letter {
		return len(t) >= 5 && !strings.ContainsAny(t, "./-")
	}
	if _, _, ok := numericUnit(t); ok {
		return false
	}
	if isOrdinal(t) {
		return false
	}
	return true
}

// codeStem removes a short trailing letter suffix (often a colour or region
// variant: "am53bk" -> "am53", "pslx350h" -> "pslx350") when at least four
// characters including a digit remain; otherwise it returns t.
func codeStem(t string) string {
	i := len(t)
	for i > 0 && t[i-1] >= 'a' && t[i-1] <= 'z' {
		i--
	}
	if i == len(t) || len(t)-i > 3 || i < 4 {
		return t
	}
	return t[:i]
}

// squash keeps only the letters and digits of a lower-cased s.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
