package extract

import (
	"strings"

	"github.com/vitrine/vitrine/internal/money"
)

// parseHumanPrice reads price text written for people ("1.299,00 €",
// "$1,299.00", "CHF 1'299.–") with money.ParseText. hint is the ISO 4217
// code the page is known to use, or "". It returns the amount (the low end
// of a range), the currency ("" when the text names none and there is no
// hint), whether the text is a range, and whether it could be read.
func parseHumanPrice(s, hint string) (amount money.Amount, currency string, isRange, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, "", false, false
	}
	if !money.IsCurrency(hint) {
		hint = ""
	}
	p, err := money.ParseText(s, hint)
	if err != nil {
		return 0, "", false, false
	}
	return p.Money.Amount, p.Money.Currency, p.IsRange, true
}

// hasCurrencyMarker reports whether price text names its currency itself
// (a sign, code or word), rather than relying on a hint.
func hasCurrencyMarker(s string) bool {
	p, err := money.ParseText(s, "")
	return err == nil && p.Money.Currency != ""
}

// regionCurrencies maps the region of <html lang> ("en-CA") and
// langCurrencies a bare language ("nb") to the currency their pages usually
// mean by an ambiguous sign ("$", "kr", "¥"). It is only a hint for
// money.ParseText, which ignores it when the sign cannot stand for it.
var (
	regionCurrencies = map[string]string{
		"us": "USD", "ca": "CAD", "au": "AUD", "nz": "NZD", "mx": "MXN", "sg": "SGD", "hk": "HKD",
		"gb": "GBP", "in": "INR", "br": "BRL", "ar": "ARS", "cl": "CLP", "co": "COP",
		"se": "SEK", "no": "NOK", "dk": "DKK", "is": "ISK", "cn": "CNY", "jp": "JPY", "tw": "TWD",
		"ch": "CHF", "pl": "PLN", "cz": "CZK", "ru": "RUB",
	}
	langCurrencies = map[string]string{
		"sv": "SEK", "nb": "NOK", "nn": "NOK", "no": "NOK", "da": "DKK", "ja": "JPY", "zh": "CNY",
		"pl": "PLN", "cs": "CZK", "ru": "RUB",
	}
)

// langCurrency returns the hint currency for an html lang value
// ("en-CA" -> "CAD", "nb" -> "NOK"), or "".
func langCurrency(lang string) string {
	parts := strings.Split(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-")), "-")
	if len(parts) >= 2 {
		if c, ok := regionCurrencies[parts[len(parts)-1]]; ok {
			return c
		}
	}
	return langCurrencies[parts[0]]
}
