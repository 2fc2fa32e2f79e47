package money

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"
	"sync"
	"time"
)

// Rates is an exchange-rate table against one base currency: for each
// currency, how many of its units one unit of the base buys. A Rates is
// immutable once loaded and safe for concurrent use.
type Rates struct {
	base  string
	date  string
	note  string
	rates map[string]*big.Rat // the base itself maps to 1
}

// maxRatesSize bounds what LoadRates reads.
const maxRatesSize = 1 << 20

// ratesFile is the JSON form read by LoadRates.
type ratesFile struct {
	Base  string          `json:"base"`
	Date  string          `json:"date"`
	Note  string          `json:"note"`
	Rates json.RawMessage `json:"rates"`
}

// LoadRates reads a rates table in JSON:
//
//	{"base": "USD", "date": "2026-11-01", "note": "optional text",
//	 "rates": {"EUR": "0.92", "JPY": "151.3"}}
//
// base is an ISO 4217 code; date is the day the rates are for (YYYY-MM-DD);
// rates maps ISO 4217 codes to the number of units one unit of base buys,
// written as a positive plain decimal (a JSON string, or a JSON number read
// as its text, never as a float). The base may be listed, with rate 1.
// Unknown fields, duplicate codes and trailing data are errors, each naming
// the key at fault.
func LoadRates(r io.Reader) (*Rates, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRatesSize+1))
	if err != nil {
		return nil, fmt.Errorf("money: rates: %w", err)
	}
	if len(data) > maxRatesSize {
		return nil, fmt.Errorf("money: rates: larger than %d bytes", maxRatesSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f ratesFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("money: rates: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("money: rates: unexpected data after the JSON object")
	}
	if !IsCurrency(f.Base) {
		return nil, fmt.Errorf("money: rates: \"base\": %q is not an ISO 4217 currency code", f.Base)
	}
	if _, err := time.Parse(time.DateOnly, f.Date); err != nil {
		return nil, fmt.Errorf("money: rates: \"date\": %q is not a date like 2026-11-01", f.Date)
	}
	if len(f.Rates) == 0 || string(f.Rates) == "null" {
		return nil, errors.New("money: rates: \"rates\" is missing")
	}
	t := &Rates{base: f.Base, date: f.Date, note: f.Note, rates: map[string]*big.Rat{f.Base: big.NewRat(1, 1)}}
	if err := t.readRates(f.Rates); err != nil {
		return nil, fmt.Errorf("money: rates: %w", err)
	}
	if len(t.rates) < 2 {
		return nil, errors.New("money: rates: \"rates\" lists no currency besides the base")
	}
	return t, nil
}

// readRates walks the "rates" object token by token, to catch duplicate keys.
func (t *Rates) readRates(raw json.RawMessage) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("\"rates\": %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("\"rates\": want an object of currency codes to decimal strings")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("\"rates\": %w", err)
		}
		code := tok.(string) // object keys are strings
		tok, err = dec.Token()
		if err != nil {
			return fmt.Errorf("\"rates\": %q: %w", code, err)
		}
		var text string
		switch v := tok.(type) {
		case string:
			text = v
		case json.Number:
			text = v.String()
		default:
			return fmt.Errorf("\"rates\": %q: want a decimal string such as \"0.92\"", code)
		}
		if !IsCurrency(code) {
			return fmt.Errorf("\"rates\": %q is not an ISO 4217 currency code (upper case, such as \"EUR\")", code)
		}
		if seen[code] {
			return fmt.Errorf("\"rates\": %q is listed twice", code)
		}
		seen[code] = true
		rate, err := parseRate(text)
		if err != nil {
			return fmt.Errorf("\"rates\": %q: %w", code, err)
		}
		if code == t.base {
			if rate.Cmp(big.NewRat(1, 1)) != 0 {
				return fmt.Errorf("\"rates\": %q is the base currency, its rate must be 1, not %s", code, text)
			}
			continue
		}
		t.rates[code] = rate
	}
	return nil
}

// parseRate reads a positive plain decimal ("0.92", "151.3", "1").
func parseRate(s string) (*big.Rat, error) {
	intPart, frac, _ := strings.Cut(s, ".")
	ok := intPart != "" && len(s) <= 40 && !strings.Contains(frac, ".")
	for _, c := range intPart + frac {
		if c < '0' || c > '9' {
			ok = false
		}
	}
	if !ok {
		return nil, fmt.Errorf("%q is not a plain decimal number such as \"0.92\"", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal number", s)
	}
	if r.Sign() <= 0 {
		return nil, fmt.Errorf("rate %q must be positive", s)
	}
	return r, nil
}

//go:embed rates.json
var defaultRatesJSON []byte

var defaultRates = sync.OnceValue(func() *Rates {
	r, err := LoadRates(bytes.NewReader(defaultRatesJSON))
	if err != nil {
		panic("money: embedded rates.json: " + err.Error())
	}
	return r
})

// DefaultRates returns the table embedded from rates.json: about 40 major
// currencies against USD. Its rates are approximate (rounded mid-market
// values around its Date, not refreshed from a live source) and serve
// estimates, display and tests; deployments that convert money for real
// should configure their own table and read it with LoadRates. The same
// immutable table is returned on every call.
func DefaultRates() *Rates { return defaultRates() }

// Date returns the day the rates are for, as YYYY-MM-DD.
func (r *Rates) Date() string { return r.date }

// Base returns the ISO 4217 code the rates are expressed against.
func (r *Rates) Base() string { return r.base }

// Note returns the table's free-text note (its source or caveats), or "".
func (r *Rates) Note() string { return r.note }

// Currencies returns the codes the table can convert between, sorted.
func (r *Rates) Currencies() []string {
	out := make([]string, 0, len(r.rates))
	for c := range r.rates {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Convert converts m into the currency to, through the base currency, with
// exact rational arithmetic; the result is rounded to the target currency's
// number of decimals (its ISO 4217 exponent), half away from zero. Money
// already in to is returned unchanged (not rounded). Both currencies must be
// in the table.
func (r *Rates) Convert(m Money, to string) (Money, error) {
	if r == nil {
		return Money{}, errors.New("money: convert: no rates table")
	}
	if !IsCurrency(to) {
		return Money{}, fmt.Errorf("money: convert %s: target %q is not an ISO 4217 currency code", m, to)
	}
	from, ok := r.rates[m.Currency]
	if !ok {
		return Money{}, fmt.Errorf("money: convert %s to %s: no %s rate in the table of %s", m, to, currencyName(m.Currency), r.date)
	}
	if m.Currency == to {
		return m, nil
	}
	toRate, ok := r.rates[to]
	if !ok {
		return Money{}, fmt.Errorf("money: convert %s to %s: no %s rate in the table of %s", m, to, to, r.date)
	}
	// value in to's minor units = amount/Scale * toRate/from * 10^exp
	exp := Exponent(to)
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)
	num := new(big.Int).Mul(big.NewInt(int64(m.Amount)), toRate.Num())
	num.Mul(num, from.Denom())
	num.Mul(num, pow)
	den := new(big.Int).Mul(big.NewInt(Scale), toRate.Denom())
	den.Mul(den, from.Num())

	neg := num.Sign() < 0
	num.Abs(num)
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Lsh(rem, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1)) // half away from zero
	}
	// back to Amount units: minor units * 10^(ScaleDigits-exp)
	q.Mul(q, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(ScaleDigits-exp)), nil))
	if !q.IsInt64() || q.Int64() > int64(maxAmount) {
		return Money{}, fmt.Errorf("money: convert %s to %s: result too large", m, to)
	}
	a := Amount(q.Int64())
	if neg {
		a = -a
	}
	return Money{Amount: a, Currency: to}, nil
}

func currencyName(code string) string {
	if code == "" {
		return "(no currency)"
	}
	return code
}
