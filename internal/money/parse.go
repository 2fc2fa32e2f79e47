package money

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// How ParseText decided the currency, as reported in Parsed.CurrencyFrom.
const (
	// FromSymbol: a sign or local abbreviation next to the amount ("$", "€", "R$", "kr", "zł", "руб.").
	FromSymbol = "symbol"
	// FromCode: an ISO 4217 code next to the amount ("EUR", "usd").
	FromCode = "code"
	// FromWord: a currency name next to the amount ("euros", "dollars", "złoty").
	FromWord = "word"
	// FromHint: the caller's hint, either because the text has no currency
	// marker or because its marker is ambiguous ("$", "kr", "¥", "£", "Rs")
	// and the hint is one of the currencies it can stand for.
	FromHint = "hint"
)

// Errors wrapped by ParseText (besides ErrSyntax for a malformed number).
var (
	// ErrNoAmount: the text has no digits, or only percentages and quantities ("20%", "128GB").
	ErrNoAmount = errors.New("no amount")
	// ErrNotRange: the text has two or more amounts that do not form a range ("Was $30 now $20").
	ErrNotRange = errors.New("more than one amount and not a range")
	// ErrCurrencyConflict: the markers next to the amount name different currencies ("€10 USD").
	ErrCurrencyConflict = errors.New("conflicting currencies")
)

// Parsed is a price read from text by ParseText.
type Parsed struct {
	Money        Money  // amount (the low end of a range) and ISO 4217 code; "" when none could be determined and no hint was given
	IsRange      bool   // the text is a range ("$10 - $20"); Money holds the low end
	High         Amount // the high end of a range; equal to Money.Amount when IsRange is false
	CurrencyFrom string // FromSymbol, FromCode, FromWord, FromHint, or "" when Currency is ""
}

// ParseText reads a price as shop pages write it, anywhere in the world:
// "1.299,00 €", "$1,299.00", "CHF 1'299.–", "1 299,00 zł", "₹1,29,999",
// "R$ 1.299,90", "Now only 1.299,00 € incl. VAT", "$10 - $20". The result is
// exact (never a float) and never negative. hint is an ISO 4217 code (or "")
// telling the currency of the page; it is used when the text has no currency
// marker, and to resolve ambiguous ones.
//
// The rules, in order:
//
//   - Text is normalised: any Unicode space (no-break, narrow no-break, thin)
//     is a space; ’ ʼ ′ are apostrophes; – — − are dashes; full-width and
//     Arabic-Indic digits are digits.
//   - A number is a run of digits with grouping/decimal separators ".", ",",
//     "'" between digits. A single space between digits is a thousands
//     separator only when the number's first group has 1 to 3 digits and the
//     next group has exactly 3 ("2 990 Kč", "1 299,00 zł"). A trailing ".-",
//     ",–", ",--" is a zero fraction ("1.299,-", "1'299.–"). "12€50" is 12.50 €.
//   - Numbers followed by "%" and numbers glued to letters ("128GB", "x2",
//     "4K") are quantities, not amounts, and are skipped. Other words around
//     the amount ("Price:", "From", "incl. VAT") are ignored: callers decide
//     what "from" or "per month" mean.
//   - One amount is a price; two amounts with exactly one connector between
//     them ("-", "–", "~", "to", "bis", "à", "a", "hasta", "до"...) are a range,
//     whose low end must not exceed its high end; anything else is an error.
//     A minus sign glued to the first amount ("-5 €") is an error: a discount
//     is not a price.
//   - The currency comes from the markers next to the amount(s) (separated by
//     spaces at most): signs and abbreviations, ISO codes (upper case; lower
//     case for about 35 common ones), names. When none is next to the amount,
//     currency signs ("$", "€") and upper-case codes elsewhere in the text are
//     used. All markers must agree; an ambiguous one is narrowed by the
//     others ("$5 CAD" is CAD), then by the hint ("$" with hint CAD, "kr" with
//     hint NOK, "¥" with hint CNY), else it takes its usual currency ("$" USD,
//     "kr" SEK, "¥" JPY, "£" GBP, "Rs" INR, "Fr." CHF). A hint that the marker
//     cannot stand for is ignored ("€5" with hint USD is EUR).
//   - Separators: when both "." and "," occur, the last one is the decimal
//     point. A separator occurring twice or more is grouping ("1.299.999").
//     Apostrophes and spaces always group. A single "." or "," after an
//     apostrophe or space grouping is the decimal point ("1 299,00").
//   - A single "." or "," alone is the decimal point, except when exactly
//     three digits follow it, the digits before it are 1 to 3 and not all
//     zero, and the currency does not have three decimals: then it groups
//     thousands. So "1.299 €" and "$1.299" are 1299, "0.299" is 0.299,
//     "KWD 1.299" is 1.299, "1234.567" is 1234.567, "12,50" is 12.50.
//   - Grouped digits must be well formed: a first group of 1-3 digits, a
//     last group of 3, and groups between all of 3 (or all of 2: Indian
//     "1,29,999"). At most four decimals (Scale) are accepted, besides
//     trailing zeros.
func ParseText(s string, hint string) (Parsed, error) {
	hint = strings.ToUpper(strings.TrimSpace(hint))
	if hint != "" && !IsCurrency(hint) {
		return Parsed{}, fmt.Errorf("money: price %s: hint %q is not an ISO 4217 currency code", quoteShort(s), hint)
	}
	p, err := parseText(s, hint)
	if err != nil {
		return Parsed{}, fmt.Errorf("money: price %s: %w", quoteShort(s), err)
	}
	return p, nil
}

// quoteShort quotes s for an error message, cutting it to 80 runes.
func quoteShort(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		return fmt.Sprintf("%q...", string(r[:80]))
	}
	return fmt.Sprintf("%q", s)
}

type tokKind uint8

const (
	tokNum     tokKind = iota
	tokCur             // a currency marker
	tokDash            // a range connector: dash, tilde or a word such as "to"
	tokPercent         // "%"
	tokWord            // any other run of letters
	tokOther           // any other rune
)

type token struct {
	kind       tokKind
	start, end int // rune offsets in the normalised text
	num        rawNumber
	mk         marker
	nospace    bool // a word of a script written without spaces (Han, kana, Thai...)
	r          rune // tokOther, tokDash: the rune
}

// rawNumber is a number as written: digit groups and the separators between them.
type rawNumber struct {
	text     string
	groups   []string
	seps     []rune // len(seps) == len(groups)-1
	zeroFrac bool   // ended with ".-" or ",–"
	decimal  bool   // the last separator is known to be the decimal point ("12€50")
}

// rangeWords connect the two ends of a range.
var rangeWords = map[string]bool{
	"to": true, "bis": true, "a": true, "à": true, "au": true, "até": true, "hasta": true,
	"tot": true, "til": true, "till": true, "do": true, "до": true, "through": true,
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// normalize maps the many spellings of spaces, apostrophes, dashes and
// digits to one each, and drops invisible characters.
func normalize(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			r = '0' + r - '０'
		case r >= '\u0660' && r <= '\u0669':
			r = '0' + r - '\u0660'
		case r >= '\u06F0' && r <= '\u06F9':
			r = '0' + r - '\u06F0'
		case r == '\u00AD' || r >= '\u200B' && r <= '\u200F' || r == '\u2060' || r == '\uFEFF':
			continue // soft hyphen, zero-width and direction marks
		case unicode.IsSpace(r):
			r = ' '
		}
		switch r {
		case '，':
			r = ','
		case '．', '\u066B':
			r = '.'
		case '’', 'ʼ', '′', '‘', '\u066C':
			r = '\''
		case '–', '—', '‒', '−', '‐', '‑', '―', '﹣', '－':
			r = '-'
		case '〜', '～':
			r = '~'
		case '￥':
			r = '¥'
		case '＄':
			r = '$'
		case '￡':
			r = '£'
		}
		out = append(out, r)
	}
	return out
}

// lex splits normalised text into tokens; spaces separate tokens and are dropped.
func lex(rs []rune) []token {
	low := make([]rune, len(rs))
	for i, r := range rs {
		low[i] = unicode.ToLower(r)
	}
	var toks []token
	n := len(rs)
	for i := 0; i < n; {
		r := rs[i]
		if r == ' ' {
			i++
			continue
		}
		if isDigit(r) || (r == '.' || r == ',') && i+1 < n && isDigit(rs[i+1]) && (i == 0 || !isDigit(rs[i-1])) {
			num, j := lexNumber(rs, i)
			toks = append(toks, token{kind: tokNum, start: i, end: j, num: num})
			i = j
			continue
		}
		if m, l, ok := matchMarker(low, i); ok {
			toks = append(toks, token{kind: tokCur, start: i, end: i + l, mk: m})
			i += l
			continue
		}
		switch {
		case r == '-' || r == '~':
			j := i + 1
			for j < n && rs[j] == r {
				j++
			}
			toks = append(toks, token{kind: tokDash, start: i, end: j, r: r})
			i = j
		case r == '%' || r == '٪':
			toks = append(toks, token{kind: tokPercent, start: i, end: i + 1, r: r})
			i++
		case isWordRune(r):
			j := i + 1
			for j < n && isWordRune(rs[j]) {
				j++
			}
			word := rs[i:j]
			t := token{kind: tokWord, start: i, end: j}
			if m, ok := codeMarker(word); ok {
				t.kind, t.mk = tokCur, m
			} else if rangeWords[string(low[i:j])] {
				t.kind = tokDash
			}
			toks = append(toks, t)
			i = j
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			// Scripts written without spaces: one rune at a time, so that a
			// marker such as 円 or บาท is found inside a run of letters.
			toks = append(toks, token{kind: tokWord, start: i, end: i + 1, nospace: true})
			i++
		default:
			toks = append(toks, token{kind: tokOther, start: i, end: i + 1, r: r})
			i++
		}
	}
	return mergeEuroDecimal(toks)
}

// digitsEnd returns the end of the run of digits starting at i.
func digitsEnd(rs []rune, i int) int {
	for i < len(rs) && isDigit(rs[i]) {
		i++
	}
	return i
}

// lexNumber reads a number starting at i (a digit, or "." or "," followed by one).
func lexNumber(rs []rune, i int) (rawNumber, int) {
	start := i
	var num rawNumber
	n := len(rs)
	if rs[i] == '.' || rs[i] == ',' {
		num.groups = append(num.groups, "")
		num.seps = append(num.seps, rs[i])
		i++
	}
	j := digitsEnd(rs, i)
	num.groups = append(num.groups, string(rs[i:j]))
	i = j
	for i < n {
		c := rs[i]
		if (c == '.' || c == ',' || c == '\'') && i+1 < n && isDigit(rs[i+1]) {
			j := digitsEnd(rs, i+1)
			num.seps = append(num.seps, c)
			num.groups = append(num.groups, string(rs[i+1:j]))
			i = j
			continue
		}
		if c == ' ' && spaceGroups(num, rs, i) {
			num.seps = append(num.seps, ' ')
			num.groups = append(num.groups, string(rs[i+1:i+4]))
			i += 4
			continue
		}
		if (c == '.' || c == ',') && i+1 < n && rs[i+1] == '-' && (i+2 >= n || !isDigit(rs[i+2])) {
			num.zeroFrac = true
			i += 2
			if i < n && rs[i] == '-' && (i+1 >= n || !isDigit(rs[i+1])) {
				i++ // ",--"
			}
		}
		break
	}
	num.text = string(rs[start:i])
	return num, i
}

// spaceGroups reports whether the space at rs[i] separates thousands: only
// spaces so far, a first group of 1-3 digits, and exactly three digits next.
func spaceGroups(num rawNumber, rs []rune, i int) bool {
	for _, s := range num.seps {
		if s != ' ' {
			return false
		}
	}
	if g := num.groups[0]; len(num.groups) == 1 && (len(g) < 1 || len(g) > 3) {
		return false
	}
	if i+4 > len(rs) {
		return false
	}
	for k := i + 1; k < i+4; k++ {
		if !isDigit(rs[k]) {
			return false
		}
	}
	return i+4 == len(rs) || !isDigit(rs[i+4])
}

// mergeEuroDecimal turns "12€50" (French usage: the sign as decimal point)
// into the number 12.50 followed by the € marker.
func mergeEuroDecimal(toks []token) []token {
	for k := 0; k+2 < len(toks); k++ {
		a, c, b := toks[k], toks[k+1], toks[k+2]
		if a.kind != tokNum || c.kind != tokCur || b.kind != tokNum ||
			a.end != c.start || c.end != b.start || string(c.mk.text) != "€" ||
			len(a.num.seps) != 0 || a.num.zeroFrac || len(b.num.seps) != 0 || b.num.zeroFrac ||
			len(b.num.groups[0]) != 2 {
			continue
		}
		a.num.groups = []string{a.num.groups[0], b.num.groups[0]}
		a.num.seps = []rune{'€'}
		a.num.decimal = true
		a.num.text += "€" + b.num.text
		toks[k] = a
		toks = append(toks[:k+2], toks[k+3:]...)
	}
	return toks
}

// isQuantity reports whether the number at toks[k] is not an amount: a
// percentage, or glued to a word ("128GB", "x2") or to "#", "×", "№".
func isQuantity(toks []token, k int) bool {
	t := toks[k]
	if k+1 < len(toks) && toks[k+1].kind == tokPercent {
		return true
	}
	glued := func(o token) bool {
		switch o.kind {
		case tokWord:
			return !o.nospace
		case tokOther:
			return o.r == '#' || o.r == '×' || o.r == '№'
		}
		return false
	}
	if k > 0 && toks[k-1].end == t.start && glued(toks[k-1]) {
		return true
	}
	return k+1 < len(toks) && toks[k+1].start == t.end && glued(toks[k+1])
}

func parseText(s, hint string) (Parsed, error) {
	rs := normalize(s)
	toks := lex(rs)

	var price []int
	numbers := 0
	for k, t := range toks {
		if t.kind != tokNum {
			continue
		}
		numbers++
		if !isQuantity(toks, k) {
			price = append(price, k)
		}
	}
	switch {
	case numbers == 0:
		return Parsed{}, fmt.Errorf("%w: no digits", ErrNoAmount)
	case len(price) == 0:
		return Parsed{}, fmt.Errorf("%w: only percentages or quantities", ErrNoAmount)
	case len(price) > 2:
		return Parsed{}, fmt.Errorf("%w: %d amounts", ErrNotRange, len(price))
	}

	// A minus glued to the first amount, or to its glued sign: "-5", "-$5".
	j := price[0] - 1
	at := toks[price[0]].start
	if j >= 0 && toks[j].kind == tokCur && toks[j].end == at {
		at = toks[j].start
		j--
	}
	if j >= 0 && toks[j].kind == tokDash && toks[j].r == '-' && toks[j].end == at {
		return Parsed{}, fmt.Errorf("%w: a negative amount (a discount?) is not a price", ErrSyntax)
	}

	if len(price) == 2 {
		connectors := 0
		for k := price[0] + 1; k < price[1]; k++ {
			switch toks[k].kind {
			case tokCur:
			case tokDash:
				connectors++
			default:
				connectors = 2
			}
		}
		if connectors != 1 {
			return Parsed{}, fmt.Errorf("%w: %q and %q", ErrNotRange, toks[price[0]].num.text, toks[price[1]].num.text)
		}
	}

	// Markers next to the amounts, in text order; else strong ones anywhere.
	next := make([]bool, len(toks))
	adjacent := false
	for _, k := range price {
		for j := k - 1; j >= 0 && toks[j].kind == tokCur; j-- {
			next[j], adjacent = true, true
		}
		for j := k + 1; j < len(toks) && toks[j].kind == tokCur; j++ {
			next[j], adjacent = true, true
		}
	}
	var found []token
	for k, t := range toks {
		if t.kind == tokCur && (next[k] || !adjacent && t.mk.strong) {
			found = append(found, t)
		}
	}
	code, from, err := resolveCurrency(rs, found, hint)
	if err != nil {
		return Parsed{}, err
	}

	exp := 2
	if code != "" {
		exp = Exponent(code)
	}
	lo, err := toks[price[0]].num.amount(exp)
	if err != nil {
		return Parsed{}, err
	}
	p := Parsed{Money: Money{Amount: lo, Currency: code}, High: lo, CurrencyFrom: from}
	if len(price) == 2 {
		hi, err := toks[price[1]].num.amount(exp)
		if err != nil {
			return Parsed{}, err
		}
		if hi < lo {
			return Parsed{}, fmt.Errorf("%w: range %q to %q runs downwards", ErrNotRange, toks[price[0]].num.text, toks[price[1]].num.text)
		}
		p.IsRange, p.High = true, hi
	}
	return p, nil
}

// resolveCurrency intersects the currencies the markers can stand for and
// picks one: the only one left, else the hint if it is among them, else the
// usual currency of the first marker.
func resolveCurrency(rs []rune, found []token, hint string) (code, from string, err error) {
	if len(found) == 0 {
		if hint != "" {
			return hint, FromHint, nil
		}
		return "", "", nil
	}
	cands := found[0].mk.codes
	from = found[0].mk.kind
	for _, t := range found[1:] {
		cands = intersect(cands, t.mk.codes)
		if t.mk.kind == FromCode || t.mk.kind == FromSymbol && from == FromWord {
			from = t.mk.kind
		}
	}
	if len(cands) == 0 {
		var names []string
		for _, t := range found {
			names = append(names, fmt.Sprintf("%q", string(rs[t.start:t.end])))
		}
		return "", "", fmt.Errorf("%w: %s", ErrCurrencyConflict, strings.Join(names, ", "))
	}
	if len(cands) == 1 {
		return cands[0], from, nil
	}
	if hint != "" && contains(cands, hint) {
		return hint, FromHint, nil
	}
	for _, t := range found {
		if contains(cands, t.mk.codes[0]) {
			return t.mk.codes[0], from, nil
		}
	}
	return cands[0], from, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// intersect returns the elements of a that are also in b, in a's order.
func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// amount interprets the number for a currency with exp decimals.
func (n rawNumber) amount(exp int) (Amount, error) {
	intGroups, intSeps, frac := n.split(exp)
	if err := checkGrouping(intGroups, intSeps); err != nil {
		return 0, fmt.Errorf("%w: %q: %v", ErrSyntax, n.text, err)
	}
	if len(frac) > ScaleDigits && strings.Trim(frac[ScaleDigits:], "0") != "" {
		return 0, fmt.Errorf("%w: %q has %d decimal places, at most %d are supported", ErrSyntax, n.text, len(frac), ScaleDigits)
	}
	digits := strings.Join(intGroups, "")
	if digits == "" {
		digits = "0"
	}
	if frac != "" {
		digits += "." + frac
	}
	a, err := ParseAmount(digits)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", n.text, err)
	}
	return a, nil
}

// split decides which separator, if any, is the decimal point, and returns
// the integer groups with their separators, and the fraction digits.
func (n rawNumber) split(exp int) (intGroups []string, intSeps []rune, frac string) {
	g, s := n.groups, n.seps
	if n.zeroFrac || len(s) == 0 {
		return g, s, ""
	}
	last := s[len(s)-1]
	decimal := n.decimal
	if !decimal && (last == '.' || last == ',') {
		other := '.'
		if last == '.' {
			other = ','
		}
		count, hasOther, hasSpace := 0, false, false
		for _, c := range s {
			switch c {
			case last:
				count++
			case other:
				hasOther = true
			default:
				hasSpace = true
			}
		}
		switch {
		case count > 1:
			decimal = false // "1.299.999": grouping
		case hasOther || hasSpace || g[0] == "":
			decimal = true // "1.299,00", "1 299,00", "1'299.50", ",99"
		default:
			// A lone separator: three digits after it mean thousands,
			// unless the currency has three decimals or the integer part
			// cannot be a first group ("0.299", "1234.567").
			f := g[len(g)-1]
			decimal = len(f) != 3 || exp == 3 || len(g[0]) > 3 || strings.Trim(g[0], "0") == ""
		}
	}
	if !decimal {
		return g, s, ""
	}
	return g[:len(g)-1], s[:len(s)-1], g[len(g)-1]
}

// checkGrouping validates thousands groups: one kind of separator, a first
// group of 1-3 digits, a last group of 3, and middle groups all of 3 or all
// of 2 (Indian lakh/crore grouping).
func checkGrouping(groups []string, seps []rune) error {
	if len(groups) <= 1 {
		return nil
	}
	for _, c := range seps {
		if c != seps[0] {
			return fmt.Errorf("mixed grouping separators %q and %q", seps[0], c)
		}
	}
	if l := len(groups[0]); l < 1 || l > 3 {
		return fmt.Errorf("first digit group %q has %d digits, want 1 to 3", groups[0], l)
	}
	if l := groups[len(groups)-1]; len(l) != 3 {
		return fmt.Errorf("digit group %q after a thousands separator has %d digits, want 3", l, len(l))
	}
	mid := groups[1 : len(groups)-1]
	if len(mid) == 0 {
		return nil
	}
	w := len(mid[0])
	if w != 2 && w != 3 {
		return fmt.Errorf("digit group %q has %d digits, want 3 (or 2 in Indian grouping)", mid[0], w)
	}
	for _, m := range mid {
		if len(m) != w {
			return fmt.Errorf("digit groups of unequal sizes (%q)", m)
		}
	}
	return nil
}
