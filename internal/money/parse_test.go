package money

import (
	"errors"
	"strings"
	"testing"
)

func TestParseText(t *testing.T) {
	const (
		nbsp  = "\u00a0"
		nnbsp = "\u202f"
		thin  = "\u2009"
	)
	type want struct {
		amount, cur, from string
		high              string // "" when not a range
	}
	for _, tc := range []struct {
		in, hint string
		want     want
		err      error // nil: must succeed
	}{
		// European: "." groups, "," decimal.
		{in: "1.299,00 €", want: want{"1299", "EUR", "symbol", ""}},
		{in: "1.299,00" + nbsp + "€", want: want{"1299", "EUR", "symbol", ""}},
		{in: "€ 1.299,00", want: want{"1299", "EUR", "symbol", ""}},
		{in: "1.299 €", want: want{"1299", "EUR", "symbol", ""}},
		{in: "1.299,-", want: want{"1299", "", "", ""}},
		{in: "1.299,- €", want: want{"1299", "EUR", "symbol", ""}},
		{in: "1.299,– €", want: want{"1299", "EUR", "symbol", ""}},
		{in: "49,-- €", want: want{"49", "EUR", "symbol", ""}},
		{in: "12,50 EUR", want: want{"12.5", "EUR", "code", ""}},
		{in: "12,50 eur", want: want{"12.5", "EUR", "code", ""}},
		{in: "12,5 €", want: want{"12.5", "EUR", "symbol", ""}},
		{in: "12€50", want: want{"12.5", "EUR", "symbol", ""}},
		{in: "1.234.567,89 €", want: want{"1234567.89", "EUR", "symbol", ""}},
		{in: "Now only 1.299,00 € incl. VAT", want: want{"1299", "EUR", "symbol", ""}},
		{in: "Jetzt nur 19,99 € inkl. 19% MwSt.", want: want{"19.99", "EUR", "symbol", ""}},
		{in: "19,99 Euro", want: want{"19.99", "EUR", "word", ""}},
		{in: "3 euros", want: want{"3", "EUR", "word", ""}},
		{in: ",99 €", want: want{"0.99", "EUR", "symbol", ""}},
		{in: "0,99 €", want: want{"0.99", "EUR", "symbol", ""}},
		{in: "R$ 1.299,90", want: want{"1299.9", "BRL", "symbol", ""}},
		{in: "R$1.299", want: want{"1299", "BRL", "symbol", ""}},
		{in: "1.299,99 lei", want: want{"1299.99", "RON", "symbol", ""}},
		{in: "1.299,99 lei", hint: "MDL", want: want{"1299.99", "MDL", "hint", ""}},
		{in: "Rp 15.000", want: want{"15000", "IDR", "symbol", ""}},
		{in: "1.299 TL", want: want{"1299", "TRY", "symbol", ""}},
		{in: "₺1.299,90", want: want{"1299.9", "TRY", "symbol", ""}},

		// English: "," groups, "." decimal.
		{in: "$1,299.00", want: want{"1299", "USD", "symbol", ""}},
		{in: "$1,299", want: want{"1299", "USD", "symbol", ""}},
		{in: "$24.99", want: want{"24.99", "USD", "symbol", ""}},
		{in: "Price: $24.99", want: want{"24.99", "USD", "symbol", ""}},
		{in: "From $19.99", want: want{"19.99", "USD", "symbol", ""}},
		{in: "Only $19.99!", want: want{"19.99", "USD", "symbol", ""}},
		{in: "It costs $5.", want: want{"5", "USD", "symbol", ""}},
		{in: "US$ 5", want: want{"5", "USD", "symbol", ""}},
		{in: "US$5.99", want: want{"5.99", "USD", "symbol", ""}},
		{in: "5 $US", want: want{"5", "USD", "symbol", ""}},
		{in: "C$ 12.99", want: want{"12.99", "CAD", "symbol", ""}},
		{in: "CA$12.99", want: want{"12.99", "CAD", "symbol", ""}},
		{in: "A$ 49.95", want: want{"49.95", "AUD", "symbol", ""}},
		{in: "NZ$20", want: want{"20", "NZD", "symbol", ""}},
		{in: "HK$1,299", want: want{"1299", "HKD", "symbol", ""}},
		{in: "S$ 15.90", want: want{"15.9", "SGD", "symbol", ""}},
		{in: "USD 1,299.00", want: want{"1299", "USD", "code", ""}},
		{in: "1,299.00 USD", want: want{"1299", "USD", "code", ""}},
		{in: "USD1299", want: want{"1299", "USD", "code", ""}},
		{in: "12.50 usd", want: want{"12.5", "USD", "code", ""}},
		{in: "EUR 12.50", want: want{"12.5", "EUR", "code", ""}},
		{in: "£1,049.99", want: want{"1049.99", "GBP", "symbol", ""}},
		{in: "£5", hint: "EGP", want: want{"5", "EGP", "hint", ""}},
		{in: "20 dollars", want: want{"20", "USD", "word", ""}},
		{in: "20 dollars", hint: "AUD", want: want{"20", "AUD", "hint", ""}},
		{in: "$1,234,567.89", want: want{"1234567.89", "USD", "symbol", ""}},
		{in: "$0.99", want: want{"0.99", "USD", "symbol", ""}},
		{in: "$.99", want: want{"0.99", "USD", "symbol", ""}},
		{in: "$1.5", want: want{"1.5", "USD", "symbol", ""}},
		{in: "$12.3456", want: want{"12.3456", "USD", "symbol", ""}},
		{in: "$12.500000", want: want{"12.5", "USD", "symbol", ""}},

		// The ambiguous lone separator followed by three digits.
		{in: "$1.299", want: want{"1299", "USD", "symbol", ""}},
		{in: "1,299", want: want{"1299", "", "", ""}},
		{in: "1,299 €", want: want{"1299", "EUR", "symbol", ""}},
		{in: "0.299", want: want{"0.299", "", "", ""}},
		{in: "0,299 €", want: want{"0.299", "EUR", "symbol", ""}},
		{in: "1234.567", want: want{"1234.567", "", "", ""}},
		{in: "KWD 1.299", want: want{"1.299", "KWD", "code", ""}},
		{in: "1,299 BHD", want: want{"1.299", "BHD", "code", ""}},
		{in: "1.299", hint: "JOD", want: want{"1.299", "JOD", "hint", ""}},
		{in: "1.299", hint: "EUR", want: want{"1299", "EUR", "hint", ""}},

		// Swiss.
		{in: "CHF 1'299.–", want: want{"1299", "CHF", "code", ""}},
		{in: "CHF 1'299.-", want: want{"1299", "CHF", "code", ""}},
		{in: "CHF 1’299.50", want: want{"1299.5", "CHF", "code", ""}},
		{in: "Fr. 49.90", want: want{"49.9", "CHF", "symbol", ""}},
		{in: "SFr. 1'049.–", want: want{"1049", "CHF", "symbol", ""}},
		{in: "1'299.50", hint: "CHF", want: want{"1299.5", "CHF", "hint", ""}},

		// Space grouping: normal, no-break, narrow no-break, thin.
		{in: "1 299,00 zł", want: want{"1299", "PLN", "symbol", ""}},
		{in: "1" + nnbsp + "299,00" + nbsp + "zł", want: want{"1299", "PLN", "symbol", ""}},
		{in: "1" + thin + "299,00 €", want: want{"1299", "EUR", "symbol", ""}},
		{in: "1" + nbsp + "299" + nbsp + "999,00 Ft", want: want{"1299999", "HUF", "symbol", ""}},
		{in: "2 990 Kč", want: want{"2990", "CZK", "symbol", ""}},
		{in: "2 990,50 Kč", want: want{"2990.5", "CZK", "symbol", ""}},
		{in: "1 299 руб.", want: want{"1299", "RUB", "symbol", ""}},
		{in: "1 299 ₽", want: want{"1299", "RUB", "symbol", ""}},
		{in: "1 299 р.", want: want{"1299", "RUB", "symbol", ""}},
		{in: "12 345 678,90 €", want: want{"12345678.9", "EUR", "symbol", ""}},
		{in: "1 299.00 USD", want: want{"1299", "USD", "code", ""}},
		{in: "299 грн", want: want{"299", "UAH", "symbol", ""}},

		// Nordic "kr".
		{in: "1 299 kr", want: want{"1299", "SEK", "symbol", ""}},
		{in: "kr 1 299", hint: "NOK", want: want{"1299", "NOK", "hint", ""}},
		{in: "1.299 kr.", hint: "DKK", want: want{"1299", "DKK", "hint", ""}},
		{in: "1.299,95 kr.", hint: "DKK", want: want{"1299.95", "DKK", "hint", ""}},
		{in: "kr 499", hint: "ISK", want: want{"499", "ISK", "hint", ""}},
		{in: "kr 499", hint: "EUR", want: want{"499", "SEK", "symbol", ""}}, // hint kr cannot mean
		{in: "499 kr NOK", want: want{"499", "NOK", "code", ""}},
		{in: "199 SEK", want: want{"199", "SEK", "code", ""}},

		// Asia.
		{in: "¥1,299", want: want{"1299", "JPY", "symbol", ""}},
		{in: "¥1,299", hint: "CNY", want: want{"1299", "CNY", "hint", ""}},
		{in: "￥1,299", want: want{"1299", "JPY", "symbol", ""}},
		{in: "１，２９９円", want: want{"1299", "JPY", "symbol", ""}},
		{in: "税込1,299円", want: want{"1299", "JPY", "symbol", ""}},
		{in: "1,299元", want: want{"1299", "CNY", "symbol", ""}},
		{in: "₩1,299,000", want: want{"1299000", "KRW", "symbol", ""}},
		{in: "1,299,000원", hint: "KRW", want: want{"1299000", "KRW", "hint", ""}},
		{in: "₹1,29,999", want: want{"129999", "INR", "symbol", ""}},
		{in: "₹1,29,999.00", want: want{"129999", "INR", "symbol", ""}},
		{in: "₹ 12,34,56,789.50", want: want{"123456789.5", "INR", "symbol", ""}},
		{in: "Rs. 1,499", want: want{"1499", "INR", "symbol", ""}},
		{in: "Rs.1,499", hint: "PKR", want: want{"1499", "PKR", "hint", ""}},
		{in: "฿1,290", want: want{"1290", "THB", "symbol", ""}},
		{in: "ราคา 1,290 บาท", want: want{"1290", "THB", "symbol", ""}},
		{in: "₫1.290.000", want: want{"1290000", "VND", "symbol", ""}},
		{in: "RM 49.90", want: want{"49.9", "MYR", "symbol", ""}},
		{in: "₱1,299.00", want: want{"1299", "PHP", "symbol", ""}},
		{in: "₪ 99.90", want: want{"99.9", "ILS", "symbol", ""}},

		// Americas.
		{in: "$ 1.299.000", hint: "CLP", want: want{"1299000", "CLP", "hint", ""}},
		{in: "$1.299,50", hint: "ARS", want: want{"1299.5", "ARS", "hint", ""}},
		{in: "MX$ 1,299.00", want: want{"1299", "MXN", "symbol", ""}},
		{in: "S/ 59.90", want: want{"59.9", "PEN", "symbol", ""}},
		{in: "$5 CAD", want: want{"5", "CAD", "code", ""}},

		// Hint only, no marker.
		{in: "1299", want: want{"1299", "", "", ""}},
		{in: "1299", hint: "eur", want: want{"1299", "EUR", "hint", ""}},
		{in: "24.99", hint: "USD", want: want{"24.99", "USD", "hint", ""}},
		{in: "€5", hint: "USD", want: want{"5", "EUR", "symbol", ""}},
		{in: "Price in EUR: 12,50", want: want{"12.5", "EUR", "code", ""}},
		{in: "Total (€): 12,50", want: want{"12.5", "EUR", "symbol", ""}},

		// Ranges.
		{in: "$10 - $20", want: want{"10", "USD", "symbol", "20"}},
		{in: "$10-$20", want: want{"10", "USD", "symbol", "20"}},
		{in: "$10 to $20", want: want{"10", "USD", "symbol", "20"}},
		{in: "10–20 €", want: want{"10", "EUR", "symbol", "20"}},
		{in: "10 € — 20 €", want: want{"10", "EUR", "symbol", "20"}},
		{in: "1.299,00 € - 1.499,00 €", want: want{"1299", "EUR", "symbol", "1499"}},
		{in: "von 10 bis 20 €", want: want{"10", "EUR", "symbol", "20"}},
		{in: "de 10 à 20 €", want: want{"10", "EUR", "symbol", "20"}},
		{in: "¥1,000〜¥2,000", want: want{"1000", "JPY", "symbol", "2000"}},
		{in: "10 000 – 20 000 Ft", want: want{"10000", "HUF", "symbol", "20000"}},
		{in: "$10 - $10", want: want{"10", "USD", "symbol", "10"}},
		{in: "From $19.99 to $29.99", want: want{"19.99", "USD", "symbol", "29.99"}},
		{in: "10,- – 20,-", want: want{"10", "", "", "20"}},
		{in: "10,-–20,- €", want: want{"10", "EUR", "symbol", "20"}},
		{in: "CHF 10.- - 20.-", want: want{"10", "CHF", "code", "20"}},

		// Quantities and percentages are skipped.
		{in: "Save 20% - now $19.99", want: want{"19.99", "USD", "symbol", ""}},
		{in: "128GB $499", want: want{"499", "USD", "symbol", ""}},
		{in: "2x $5", want: want{"5", "USD", "symbol", ""}},
		{in: "Sony KDL-55X900 $999", want: want{"999", "USD", "symbol", ""}},
		{in: "Size S/M $20", want: want{"20", "USD", "symbol", ""}},

		// Errors.
		{in: "", err: ErrNoAmount},
		{in: "Price on request", err: ErrNoAmount},
		{in: "€", err: ErrNoAmount},
		{in: "20% off", err: ErrNoAmount},
		{in: "128GB", err: ErrNoAmount},
		{in: "Was $30 now $20", err: ErrNotRange},
		{in: "$10 $20", err: ErrNotRange},
		{in: "2 x $10", err: ErrNotRange},
		{in: "$10 - $20 - $30", err: ErrNotRange},
		{in: "$20 - $10", err: ErrNotRange},
		{in: "10 20", err: ErrNotRange},
		{in: "€10 USD", err: ErrCurrencyConflict},
		{in: "C$ 5 EUR", err: ErrCurrencyConflict},
		{in: "$10 - 20 €", err: ErrCurrencyConflict},
		{in: "1.29999 €", err: ErrSyntax},
		{in: "$1.23456", err: ErrSyntax},
		{in: "1.299.99 €", err: ErrSyntax},
		{in: "1,2345,678", err: ErrSyntax},
		{in: "1,299.999.00", err: ErrSyntax},
		{in: "-5 €", err: ErrSyntax},
		{in: "-$5", err: ErrSyntax},
		{in: "$99999999999999999999", err: ErrSyntax},
	} {
		name := tc.in
		if tc.hint != "" {
			name += " hint=" + tc.hint
		}
		t.Run(name, func(t *testing.T) {
			p, err := ParseText(tc.in, tc.hint)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("ParseText(%q, %q) = %+v, %v; want error %v", tc.in, tc.hint, p, err, tc.err)
				}
				if !strings.Contains(err.Error(), "money: price") {
					t.Errorf("error %q does not name the price", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseText(%q, %q): %v", tc.in, tc.hint, err)
			}
			wantAmt, err := ParseAmount(tc.want.amount)
			if err != nil {
				t.Fatal(err)
			}
			wantHigh := wantAmt
			if tc.want.high != "" {
				if wantHigh, err = ParseAmount(tc.want.high); err != nil {
					t.Fatal(err)
				}
			}
			got := p
			if got.Money.Amount != wantAmt || got.Money.Currency != tc.want.cur || got.CurrencyFrom != tc.want.from ||
				got.IsRange != (tc.want.high != "") || got.High != wantHigh {
				t.Errorf("ParseText(%q, %q) = {%s %q from=%q range=%v high=%s}; want {%s %q from=%q range=%v high=%s}",
					tc.in, tc.hint, got.Money.Amount, got.Money.Currency, got.CurrencyFrom, got.IsRange, got.High,
					wantAmt, tc.want.cur, tc.want.from, tc.want.high != "", wantHigh)
			}
		})
	}
}

func TestParseTextBadHint(t *testing.T) {
	if _, err := ParseText("$5", "dollars"); err == nil || !strings.Contains(err.Error(), "hint") {
		t.Fatalf("ParseText with hint %q: err = %v, want an error about the hint", "dollars", err)
	}
}

func FuzzParseText(f *testing.F) {
	for _, s := range []string{
		"1.299,00 €", "$1,299.00", "CHF 1'299.–", "1 299,00 zł", "1.299,-", "US$ 5", "R$ 1.299,90",
		"2 990 Kč", "1 299 руб.", "¥1,299", "₹1,29,999", "12,50 EUR", "EUR 12.50", "$10 - $20",
		"10–20 €", "12€50", ",99", "-5", "20%", "1\u202f299,00\u00a0€", "税込1,299円", "kr. 1.299,-",
	} {
		f.Add(s, "")
		f.Add(s, "CAD")
	}
	f.Fuzz(func(t *testing.T, s, hint string) {
		p, err := ParseText(s, hint)
		if err != nil {
			return
		}
		m := p.Money
		if m.Amount < 0 {
			t.Fatalf("ParseText(%q, %q) = negative %s", s, hint, m.Amount)
		}
		if m.Currency != "" && !IsCurrency(m.Currency) {
			t.Fatalf("ParseText(%q, %q): currency %q is not ISO 4217", s, hint, m.Currency)
		}
		if (m.Currency == "") != (p.CurrencyFrom == "") {
			t.Fatalf("ParseText(%q, %q): currency %q decided from %q", s, hint, m.Currency, p.CurrencyFrom)
		}
		if p.High < m.Amount || !p.IsRange && p.High != m.Amount {
			t.Fatalf("ParseText(%q, %q): low %s high %s range=%v", s, hint, m.Amount, p.High, p.IsRange)
		}
		// The result, written plainly, reads back the same.
		back, err := ParseText(m.Amount.Format(ScaleDigits)+" "+m.Currency, m.Currency)
		if err != nil || back.Money != m {
			t.Fatalf("ParseText(%q, %q) = %v, which reads back as %v, %v", s, hint, m, back.Money, err)
		}
	})
}
