package money

import (
	"sort"
	"strings"
	"unicode"
)

// marker is a currency sign, abbreviation, ISO code or name that ParseText
// recognises next to an amount. codes lists the currencies it can stand for;
// codes[0] is the one chosen when neither the text nor the hint narrows it.
type marker struct {
	text   []rune // lower-case form matched case-insensitively
	kind   string // FromSymbol, FromCode or FromWord
	codes  []string
	strong bool // recognised even when not next to the amount
}

// dollarCodes are the currencies written with a bare "$" (or called
// "dollars"/"pesos" on their own pages); USD is the default.
var dollarCodes = []string{
	"USD", "CAD", "AUD", "NZD", "MXN", "HKD", "SGD", "TWD", "ARS", "CLP", "COP", "UYU",
	"DOP", "CUP", "BSD", "BBD", "BZD", "BMD", "BND", "KYD", "FJD", "GYD", "JMD", "LRD",
	"NAD", "SBD", "SRD", "TTD", "XCD", "NIO", "SVC", "PAB", "TOP", "WST",
}

var (
	pesoCodes   = []string{"MXN", "ARS", "CLP", "COP", "UYU", "DOP", "CUP", "PHP"}
	poundCodes  = []string{"GBP", "EGP", "GIP", "FKP", "SHP", "LBP", "SYP", "SSP"}
	yenCodes    = []string{"JPY", "CNY"}
	kronaCodes  = []string{"SEK", "NOK", "DKK", "ISK"}
	rupeeCodes  = []string{"INR", "PKR", "LKR", "NPR", "MUR", "SCR"}
	francCodes  = []string{"CHF", "XOF", "XAF", "XPF", "CDF", "GNF", "RWF", "BIF", "DJF", "KMF"}
	rubleCodes  = []string{"RUB", "BYN"}
	leuCodes    = []string{"RON", "MDL"}
	cfaCodes    = []string{"XOF", "XAF"}
	riyalCodes  = []string{"SAR", "QAR", "OMR", "YER"}
	dirhamCodes = []string{"AED", "MAD"}
)

// markerTable lists the recognised signs, abbreviations and names, by kind.
var markerTable = []struct {
	kind  string
	codes []string
	texts []string
}{
	{FromSymbol, dollarCodes, []string{"$"}},
	{FromSymbol, []string{"USD"}, []string{"US$", "U$S", "$US", "U.S.$"}},
	{FromSymbol, []string{"CAD", "NIO"}, []string{"C$"}},
	{FromSymbol, []string{"CAD"}, []string{"CA$", "CAN$", "$CA", "$CAN"}},
	{FromSymbol, []string{"AUD"}, []string{"A$", "AU$", "$AU"}},
	{FromSymbol, []string{"NZD"}, []string{"NZ$"}},
	{FromSymbol, []string{"HKD"}, []string{"HK$"}},
	{FromSymbol, []string{"SGD"}, []string{"S$"}},
	{FromSymbol, []string{"TWD"}, []string{"NT$"}},
	{FromSymbol, []string{"MXN"}, []string{"MX$", "MEX$"}},
	{FromSymbol, []string{"BRL"}, []string{"R$"}},
	{FromSymbol, []string{"DOP"}, []string{"RD$"}},
	{FromSymbol, []string{"COP"}, []string{"COL$"}},
	{FromSymbol, []string{"EUR"}, []string{"€"}},
	{FromSymbol, poundCodes, []string{"£"}},
	{FromSymbol, yenCodes, []string{"¥"}},
	{FromSymbol, []string{"CNY"}, []string{"元", "RMB"}},
	{FromSymbol, []string{"JPY"}, []string{"円", "JP¥"}},
	{FromSymbol, []string{"CNY"}, []string{"CN¥"}},
	{FromSymbol, []string{"INR"}, []string{"₹"}},
	{FromSymbol, rupeeCodes, []string{"Rs", "Rs.", "₨"}},
	{FromSymbol, []string{"PLN"}, []string{"zł"}},
	{FromSymbol, []string{"CZK"}, []string{"Kč"}},
	{FromSymbol, kronaCodes, []string{"kr", "kr."}},
	{FromSymbol, rubleCodes, []string{"руб", "руб.", "р."}},
	{FromSymbol, []string{"RUB"}, []string{"₽"}},
	{FromSymbol, []string{"UAH"}, []string{"₴", "грн", "грн."}},
	{FromSymbol, []string{"BGN"}, []string{"лв", "лв."}},
	{FromSymbol, francCodes, []string{"Fr.", "SFr."}},
	{FromSymbol, cfaCodes, []string{"FCFA", "CFA"}},
	{FromSymbol, []string{"HUF"}, []string{"Ft"}},
	{FromSymbol, leuCodes, []string{"lei"}},
	{FromSymbol, []string{"TRY"}, []string{"₺", "TL"}},
	{FromSymbol, []string{"KRW", "KPW"}, []string{"₩"}},
	{FromSymbol, []string{"ILS"}, []string{"₪"}},
	{FromSymbol, []string{"THB"}, []string{"฿", "บาท"}},
	{FromSymbol, []string{"VND"}, []string{"₫"}},
	{FromSymbol, []string{"PHP"}, []string{"₱"}},
	{FromSymbol, []string{"NGN"}, []string{"₦"}},
	{FromSymbol, []string{"KZT"}, []string{"₸"}},
	{FromSymbol, []string{"GEL"}, []string{"₾"}},
	{FromSymbol, []string{"CRC"}, []string{"₡"}},
	{FromSymbol, []string{"PYG"}, []string{"₲"}},
	{FromSymbol, []string{"BDT"}, []string{"৳"}},
	{FromSymbol, []string{"LAK"}, []string{"₭"}},
	{FromSymbol, []string{"MNT"}, []string{"₮"}},
	{FromSymbol, []string{"MYR"}, []string{"RM"}},
	{FromSymbol, []string{"IDR"}, []string{"Rp"}},
	{FromSymbol, []string{"PEN"}, []string{"S/", "S/."}},
	{FromWord, []string{"EUR"}, []string{"euro", "euros", "евро"}},
	{FromWord, dollarCodes, []string{"dollar", "dollars", "dólar", "dólares"}},
	{FromWord, pesoCodes, []string{"peso", "pesos"}},
	{FromWord, poundCodes, []string{"pound", "pounds"}},
	{FromWord, []string{"JPY"}, []string{"yen"}},
	{FromWord, []string{"CNY"}, []string{"yuan"}},
	{FromWord, rupeeCodes, []string{"rupee", "rupees"}},
	{FromWord, francCodes, []string{"franc", "francs", "franken"}},
	{FromWord, []string{"PLN"}, []string{"złoty", "zloty", "złotych", "zlotych"}},
	{FromWord, []string{"CZK"}, []string{"koruna", "korun"}},
	{FromWord, []string{"HUF"}, []string{"forint"}},
	{FromWord, []string{"BRL"}, []string{"reais"}},
	{FromWord, rubleCodes, []string{"ruble", "rubles", "rouble", "roubles", "рубль", "рубля", "рублей"}},
	{FromWord, []string{"SEK", "ISK"}, []string{"krona", "kronor"}},
	{FromWord, []string{"NOK", "DKK"}, []string{"krone", "kroner"}},
	{FromWord, []string{"TRY"}, []string{"lira", "liras"}},
	{FromWord, []string{"KRW", "KPW"}, []string{"won"}},
	{FromWord, []string{"ILS"}, []string{"shekel", "shekels"}},
	{FromWord, []string{"THB"}, []string{"baht"}},
	{FromWord, []string{"MYR"}, []string{"ringgit"}},
	{FromWord, []string{"IDR"}, []string{"rupiah"}},
	{FromWord, []string{"UAH"}, []string{"hryvnia", "hryvnias"}},
	{FromWord, []string{"BGN"}, []string{"leva"}},
	{FromWord, []string{"ZAR"}, []string{"rand"}},
	{FromWord, riyalCodes, []string{"riyal", "riyals"}},
	{FromWord, dirhamCodes, []string{"dirham", "dirhams"}},
}

// lowerCaseCodes are the ISO codes also recognised in lower or mixed case
// ("12.50 eur"). Other codes count only in upper case, because many are
// words ("all", "top", "pen", "try").
var lowerCaseCodes = map[string]bool{
	"USD": true, "EUR": true, "GBP": true, "CHF": true, "JPY": true, "CNY": true, "CAD": true,
	"AUD": true, "NZD": true, "SEK": true, "NOK": true, "DKK": true, "ISK": true, "PLN": true,
	"CZK": true, "HUF": true, "RON": true, "BGN": true, "RUB": true, "UAH": true, "INR": true,
	"BRL": true, "MXN": true, "HKD": true, "SGD": true, "KRW": true, "ZAR": true, "ILS": true,
	"AED": true, "TWD": true, "THB": true, "IDR": true, "MYR": true, "PHP": true, "VND": true,
}

// wordLikeCodes are ISO codes that are also common English words or
// abbreviations; away from the amount they are not taken as a currency.
var wordLikeCodes = map[string]bool{
	"ALL": true, "AMD": true, "BAM": true, "BOB": true, "CAD": true, "CUP": true, "GEL": true,
	"MAD": true, "MOP": true, "PEN": true, "SOS": true, "TOP": true, "TRY": true, "LAK": true,
	"ERN": true, "GIP": true, "MUR": true, "SAR": true, "NAD": true, "TND": true,
}

// markers is markerTable flattened and sorted longest text first, so that
// "US$" wins over "$" and "kr." over "kr".
var markers = func() []marker {
	var ms []marker
	for _, e := range markerTable {
		for _, t := range e.texts {
			strong := false
			for _, r := range t {
				if unicode.Is(unicode.Sc, r) {
					strong = true
				}
			}
			ms = append(ms, marker{text: []rune(strings.ToLower(t)), kind: e.kind, codes: e.codes, strong: strong})
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return len(ms[i].text) > len(ms[j].text) })
	return ms
}()

// matchMarker returns the longest marker at low[i:] that stands on its own:
// a marker starting (ending) with a letter must not be preceded (followed)
// by a letter.
func matchMarker(low []rune, i int) (marker, int, bool) {
	for _, m := range markers {
		n := len(m.text)
		if i+n > len(low) {
			continue
		}
		ok := true
		for k := 0; k < n; k++ {
			if low[i+k] != m.text[k] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if isWordRune(m.text[0]) && i > 0 && isWordRune(low[i-1]) {
			continue
		}
		if isWordRune(m.text[n-1]) && i+n < len(low) && isWordRune(low[i+n]) {
			continue
		}
		return m, n, true
	}
	return marker{}, 0, false
}

// codeMarker reports whether word (a run of letters as written) is an ISO
// 4217 code: upper case for every code, lower or mixed case for the common
// ones.
func codeMarker(word []rune) (marker, bool) {
	if len(word) != 3 {
		return marker{}, false
	}
	s := string(word)
	up := strings.ToUpper(s)
	if !IsCurrency(up) {
		return marker{}, false
	}
	if s != up && !lowerCaseCodes[up] {
		return marker{}, false
	}
	return marker{text: []rune(strings.ToLower(s)), kind: FromCode, codes: []string{up}, strong: s == up && !wordLikeCodes[up]}, true
}

// isWordRune reports whether r belongs to a space-separated word: a letter
// or combining mark of a script other than Han, kana, Hangul, Thai, Lao,
// Khmer and Myanmar, which are written without spaces between words.
func isWordRune(r rune) bool {
	if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
		return false
	}
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}
