// Package money holds decimal amounts with ISO 4217 currencies. Money is never
// a float: an Amount is an integer count of ten-thousandths of the currency's
// major unit, which represents every ISO 4217 minor unit (exponent 0 to 4) exactly.
package money

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Scale is the number of Amount units in one major currency unit.
const Scale = 10000

// ScaleDigits is log10(Scale).
const ScaleDigits = 4

// Amount is a decimal amount in ten-thousandths of a major unit.
type Amount int64

// maxAmount bounds parsed amounts well inside int64 (about 9.2e14 major units).
const maxAmount = Amount(1<<63-1) / 10

// ErrSyntax is returned for text that is not a decimal amount.
var ErrSyntax = errors.New("not a decimal amount")

// ParseAmount parses a plain decimal in the C locale: an optional minus sign,
// digits, an optional point and at most four fraction digits ("15", "15.5",
// "-0.0001"). Grouping separators and exponents are refused.
func ParseAmount(s string) (Amount, error) {
	if s == "" {
		return 0, fmt.Errorf("%w: empty", ErrSyntax)
	}
	neg := false
	t := s
	if t[0] == '-' || t[0] == '+' {
		neg = t[0] == '-'
		t = t[1:]
	}
	intPart, frac, hasPoint := strings.Cut(t, ".")
	if intPart == "" && (!hasPoint || frac == "") {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	if len(frac) > ScaleDigits {
		// Accept trailing zeros beyond the scale ("1.500000").
		if strings.Trim(frac[ScaleDigits:], "0") != "" {
			return 0, fmt.Errorf("%w: %q has more than %d decimal places", ErrSyntax, s, ScaleDigits)
		}
		frac = frac[:ScaleDigits]
	}
	var v Amount
	for _, c := range intPart {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
		}
		if v > (maxAmount-9)/10 {
			return 0, fmt.Errorf("%w: %q is too large", ErrSyntax, s)
		}
		v = v*10 + Amount(c-'0')
	}
	if v > maxAmount/Scale {
		return 0, fmt.Errorf("%w: %q is too large", ErrSyntax, s)
	}
	v *= Scale
	mul := Amount(Scale / 10)
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: %q", ErrSyntax, s)
		}
		v += Amount(c-'0') * mul
		mul /= 10
	}
	if neg {
		v = -v
	}
	return v, nil
}

// FromMinor converts an integer count of minor units (cents) of a currency
// with the given exponent.
func FromMinor(minor int64, exponent int) Amount {
	a := Amount(minor)
	for i := exponent; i < ScaleDigits; i++ {
		a *= 10
	}
	return a
}

// String formats a with at least two and at most four decimals, trimming
// trailing zeros beyond the second ("15.00", "0.125", "-3.50").
func (a Amount) String() string { return a.format(2, true) }

// Format formats a with exactly the given number of decimals (0..4),
// rounding half away from zero.
func (a Amount) Format(decimals int) string { return a.Round(decimals).format(decimals, false) }

// Round rounds a to the given number of decimals, half away from zero.
func (a Amount) Round(decimals int) Amount {
	if decimals >= ScaleDigits {
		return a
	}
	if decimals < 0 {
		decimals = 0
	}
	unit := Amount(1)
	for i := decimals; i < ScaleDigits; i++ {
		unit *= 10
	}
	half := unit / 2
	if a >= 0 {
		return (a + half) / unit * unit
	}
	return -((-a + half) / unit * unit)
}

func (a Amount) format(minDecimals int, trim bool) string {
	neg := a < 0
	u := uint64(a)
	if neg {
		u = uint64(-a)
	}
	ip := u / Scale
	fp := u % Scale
	fs := fmt.Sprintf("%04d", fp)
	if trim {
		for len(fs) > minDecimals && fs[len(fs)-1] == '0' {
			fs = fs[:len(fs)-1]
		}
	} else {
		fs = fs[:minDecimals]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(strconv.FormatUint(ip, 10))
	if fs != "" {
		b.WriteByte('.')
		b.WriteString(fs)
	}
	return b.String()
}

// Money is an amount in a currency.
type Money struct {
	Amount   Amount
	Currency string // ISO 4217 alphabetic code
}

// New returns Money, checking the currency code.
func New(a Amount, currency string) (Money, error) {
	if !IsCurrency(currency) {
		return Money{}, fmt.Errorf("unknown currency %q (want an ISO 4217 code such as USD)", currency)
	}
	return Money{Amount: a, Currency: currency}, nil
}

// IsZero reports whether m is the zero value (no currency).
func (m Money) IsZero() bool { return m.Currency == "" && m.Amount == 0 }

// String formats m as "15.00 USD", with the currency's own number of decimals.
func (m Money) String() string {
	if m.Currency == "" {
		return m.Amount.String()
	}
	return m.Amount.Format(Exponent(m.Currency)) + " " + m.Currency
}

// Text formats only the amount with the currency's number of decimals ("15.00", "1500" for JPY).
func (m Money) Text() string { return m.Amount.Format(Exponent(m.Currency)) }

// Sub returns m - o; both must share a currency.
func (m Money) Sub(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("money: cannot subtract %s from %s", o.Currency, m.Currency)
	}
	return Money{Amount: m.Amount - o.Amount, Currency: m.Currency}, nil
}

// ParseMoney parses the Merchant Center price form "15.00 USD" (also "USD 15.00"
// and "15 usd"). The currency is required.
func ParseMoney(s string) (Money, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return Money{}, fmt.Errorf("price %q: want an amount and an ISO 4217 currency, like \"15.00 USD\"", s)
	}
	num, cur := f[0], strings.ToUpper(f[1])
	if IsCurrency(strings.ToUpper(f[0])) {
		num, cur = f[1], strings.ToUpper(f[0])
	}
	if !IsCurrency(cur) {
		return Money{}, fmt.Errorf("price %q: unknown currency %q (want an ISO 4217 code such as USD)", s, cur)
	}
	a, err := ParseAmount(num)
	if err != nil {
		return Money{}, fmt.Errorf("price %q: %w", s, err)
	}
	if a < 0 {
		return Money{}, fmt.Errorf("price %q: negative", s)
	}
	return Money{Amount: a, Currency: cur}, nil
}

// moneyJSON is the wire form: the amount as a decimal string, never a float.
type moneyJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// MarshalJSON encodes {"amount":"15.00","currency":"USD"}.
func (m Money) MarshalJSON() ([]byte, error) {
	return json.Marshal(moneyJSON{Amount: m.Text(), Currency: m.Currency})
}

// UnmarshalJSON decodes {"amount":"15.00","currency":"USD"}; the amount may
// also be a JSON number, which is read as its decimal text, never as a float.
func (m *Money) UnmarshalJSON(b []byte) error {
	var raw struct {
		Amount   json.RawMessage `json:"amount"`
		Currency string          `json:"currency"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("money: %w", err)
	}
	txt := strings.TrimSpace(string(raw.Amount))
	if strings.HasPrefix(txt, `"`) {
		if err := json.Unmarshal(raw.Amount, &txt); err != nil {
			return fmt.Errorf("money: amount: %w", err)
		}
	}
	a, err := ParseAmount(txt)
	if err != nil {
		return fmt.Errorf("money: amount: %w", err)
	}
	cur := strings.ToUpper(raw.Currency)
	if !IsCurrency(cur) {
		return fmt.Errorf("money: unknown currency %q", raw.Currency)
	}
	*m = Money{Amount: a, Currency: cur}
	return nil
}
