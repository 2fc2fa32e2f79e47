package money

import (
	"testing"
)

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"15", "15.5", "-0.0001", ".5", "5.", "+3", "1.500000", "922337203685477", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			return
		}
		if a > maxAmount || a < -maxAmount {
			t.Fatalf("ParseAmount(%q) = %d, outside ±maxAmount", s, int64(a))
		}
		back, err := ParseAmount(a.String())
		if err != nil || back != a {
			t.Fatalf("ParseAmount(%q) = %s; ParseAmount(%q) = %s, %v", s, a, a.String(), back, err)
		}
	})
}

func FuzzAmountString(f *testing.F) {
	for _, v := range []int64{0, 1, -1, 9999, 10000, -123456789, int64(maxAmount), -int64(maxAmount)} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v int64) {
		a := Amount(v)
		if a > maxAmount || a < -maxAmount {
			return // ParseAmount refuses these by design
		}
		back, err := ParseAmount(a.String())
		if err != nil || back != a {
			t.Fatalf("Amount(%d).String() = %q; ParseAmount gives %d, %v", v, a.String(), int64(back), err)
		}
		for d := 0; d <= ScaleDigits; d++ {
			if rd := a.Round(d); rd > maxAmount || rd < -maxAmount {
				continue // rounding up past the largest parseable amount
			}
			r, err := ParseAmount(a.Format(d))
			if err != nil || r != a.Round(d) {
				t.Fatalf("Amount(%d).Format(%d) = %q; ParseAmount gives %d, %v; want %d", v, d, a.Format(d), int64(r), err, int64(a.Round(d)))
			}
		}
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"15.00 USD", "USD 15.00", "15 usd", "1500 JPY", "1.299 KWD", "-1 EUR", "15.00", "x y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		if m.Amount < 0 || !IsCurrency(m.Currency) {
			t.Fatalf("ParseMoney(%q) = %v", s, m)
		}
		// Money.String rounds to the currency's decimals; the exact form is
		// the amount's own String.
		exact := m.Amount.String() + " " + m.Currency
		back, err := ParseMoney(exact)
		if err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %v; ParseMoney(%q) = %v, %v", s, m, exact, back, err)
		}
		if m.Amount == m.Amount.Round(Exponent(m.Currency)) {
			back, err := ParseMoney(m.String())
			if err != nil || back != m {
				t.Fatalf("ParseMoney(%q) = %v; ParseMoney(%q) = %v, %v", s, m, m.String(), back, err)
			}
		}
	})
}
