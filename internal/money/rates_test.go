package money

import (
	"strings"
	"testing"
)

const testRates = `{"base":"USD","date":"2026-11-01","rates":{
	"EUR":"0.92","JPY":"150","KWD":"0.3075","GBP":0.8,"CLF":"0.025","USD":"1"}}`

func mustMoney(t *testing.T, s string) Money {
	t.Helper()
	m, err := ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadRates(t *testing.T) {
	r, err := LoadRates(strings.NewReader(testRates))
	if err != nil {
		t.Fatal(err)
	}
	if r.Date() != "2026-11-01" || r.Base() != "USD" {
		t.Errorf("Date, Base = %q, %q", r.Date(), r.Base())
	}
	if got := strings.Join(r.Currencies(), ","); got != "CLF,EUR,GBP,JPY,KWD,USD" {
		t.Errorf("Currencies = %s", got)
	}
}

func TestLoadRatesErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"base":"USD","date":"2026-11-01","rates":{"EURO":"0.92"}}`, `"EURO" is not an ISO 4217`},
		{`{"base":"USD","date":"2026-11-01","rates":{"eur":"0.92"}}`, `"eur" is not an ISO 4217`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":"-0.92"}}`, `"EUR": "-0.92" is not a plain decimal`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":"0"}}`, `"EUR": rate "0" must be positive`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":"0.000"}}`, `"EUR": rate "0.000" must be positive`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":"9e-1"}}`, `"EUR": "9e-1" is not a plain decimal`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":"1/3"}}`, `"EUR": "1/3" is not a plain decimal`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":"0.9.1"}}`, `"EUR": "0.9.1" is not a plain decimal`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":""}}`, `"EUR": "" is not a plain decimal`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":true}}`, `"EUR": want a decimal string`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":"0.9","EUR":"0.91"}}`, `"EUR" is listed twice`},
		{`{"base":"USD","date":"2026-11-01","rates":{"USD":"2","EUR":"0.9"}}`, `"USD" is the base currency`},
		{`{"base":"USD","date":"2026-11-01","rates":{}}`, `no currency besides the base`},
		{`{"base":"USD","date":"2026-11-01","rates":[]}`, `want an object`},
		{`{"base":"USD","date":"2026-11-01"}`, `"rates" is missing`},
		{`{"base":"US","date":"2026-11-01","rates":{"EUR":"0.9"}}`, `"base": "US" is not`},
		{`{"date":"2026-11-01","rates":{"EUR":"0.9"}}`, `"base": "" is not`},
		{`{"base":"USD","date":"1 Nov 2026","rates":{"EUR":"0.9"}}`, `"date": "1 Nov 2026" is not a date`},
		{`{"base":"USD","rates":{"EUR":"0.9"}}`, `"date": "" is not a date`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":"0.9"},"source":"x"}`, `unknown field "source"`},
		{`{"base":"USD","date":"2026-11-01","rates":{"EUR":"0.9"}} {}`, `after the JSON object`},
		{`currency,per_usd`, `invalid character`},
		{``, `EOF`},
	} {
		_, err := LoadRates(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadRates(%s): err = %v; want it to contain %s", tc.in, err, tc.want)
		}
	}
}

func TestConvert(t *testing.T) {
	r, err := LoadRates(strings.NewReader(testRates))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, to, want string }{
		{"100 USD", "EUR", "92.00 EUR"},
		{"100 EUR", "USD", "108.70 USD"}, // 108.6956...
		{"100 EUR", "JPY", "16304 JPY"},  // 16304.347...
		{"0.01 USD", "JPY", "2 JPY"},     // 1.5 rounds away from zero
		{"0.03 USD", "JPY", "5 JPY"},     // 4.5
		{"1 JPY", "USD", "0.01 USD"},     // 0.00666...
		{"0.0001 USD", "EUR", "0.00 EUR"},
		{"100 USD", "KWD", "30.750 KWD"},
		{"1 KWD", "USD", "3.25 USD"}, // 3.2520...
		{"10 GBP", "EUR", "11.50 EUR"},
		{"1 USD", "CLF", "0.0250 CLF"},
		{"0 EUR", "JPY", "0 JPY"},
		{"19.99 EUR", "GBP", "17.38 GBP"}, // 17.3826...
		{"12.3456 EUR", "EUR", "12.35 EUR"},
	} {
		m := mustMoney(t, tc.in)
		got, err := r.Convert(m, tc.to)
		if err != nil {
			t.Errorf("Convert(%s, %s): %v", tc.in, tc.to, err)
			continue
		}
		if got.String() != tc.want {
			t.Errorf("Convert(%s, %s) = %s; want %s", tc.in, tc.to, got, tc.want)
		}
	}
	// Same currency: unchanged, not rounded.
	m := mustMoney(t, "12.3456 EUR")
	if got, _ := r.Convert(m, "EUR"); got != m {
		t.Errorf("Convert to its own currency = %v, want %v unchanged", got, m)
	}
	// Negative amounts round half away from zero too.
	if got, _ := r.Convert(Money{Amount: -100, Currency: "USD"}, "JPY"); got.String() != "-2 JPY" {
		t.Errorf("Convert(-0.01 USD, JPY) = %s, want -2 JPY", got)
	}
}

func TestConvertErrors(t *testing.T) {
	r, err := LoadRates(strings.NewReader(testRates))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		m    Money
		to   string
		want string
	}{
		{Money{Amount: 1, Currency: "CHF"}, "USD", "no CHF rate"},
		{Money{Amount: 1, Currency: "USD"}, "CHF", "no CHF rate"},
		{Money{Amount: 1, Currency: "USD"}, "eur", "not an ISO 4217"},
		{Money{Amount: 1}, "USD", "no (no currency) rate"},
		{Money{Amount: maxAmount, Currency: "USD"}, "JPY", "too large"},
	} {
		_, err := r.Convert(tc.m, tc.to)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Convert(%v, %s): err = %v; want %q", tc.m, tc.to, err, tc.want)
		}
	}
	var nilRates *Rates
	if _, err := nilRates.Convert(Money{Amount: 1, Currency: "USD"}, "EUR"); err == nil {
		t.Error("Convert on a nil table succeeded")
	}
}

func TestDefaultRates(t *testing.T) {
	r := DefaultRates()
	if r.Base() != "USD" || r.Date() == "" || r.Note() == "" {
		t.Fatalf("DefaultRates: base %q date %q note %q", r.Base(), r.Date(), r.Note())
	}
	if n := len(r.Currencies()); n < 30 {
		t.Errorf("DefaultRates has %d currencies, want at least 30", n)
	}
	for _, c := range []string{"EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK", "INR", "BRL", "CNY"} {
		got, err := r.Convert(mustMoney(t, "100 USD"), c)
		if err != nil || got.Amount <= 0 {
			t.Errorf("DefaultRates().Convert(100 USD, %s) = %v, %v", c, got, err)
		}
	}
	if DefaultRates() != r {
		t.Error("DefaultRates returns a new table on each call")
	}
}

func FuzzLoadRates(f *testing.F) {
	f.Add(testRates)
	f.Add(`{"base":"EUR","date":"2026-01-01","rates":{"USD":1.08}}`)
	f.Add(`{"base":"USD","date":"2026-11-01","rates":{"EUR":"0.9","EUR":"0.91"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := LoadRates(strings.NewReader(s))
		if err != nil {
			return
		}
		cs := r.Currencies()
		if len(cs) < 2 || !IsCurrency(r.Base()) {
			t.Fatalf("LoadRates(%q): base %q, currencies %v", s, r.Base(), cs)
		}
		for _, from := range cs {
			for _, to := range cs {
				m := Money{Amount: 123456, Currency: from}
				got, err := r.Convert(m, to)
				if err != nil && strings.Contains(err.Error(), "too large") {
					continue // a huge rate
				}
				if err != nil || got.Currency != to || got.Amount < 0 {
					t.Fatalf("Convert(%v, %s) = %v, %v", m, to, got, err)
				}
			}
		}
	})
}
