package feed

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// jsonlSource reads JSON Lines: one object per line, keys as attribute
// names. Blank lines are skipped; a line that is not a JSON object is a bad
// row, not a fatal error.
type jsonlSource struct {
	lr   lineReader
	name string
}

func newJSONLSource(br *bufio.Reader, name string) *jsonlSource {
	return &jsonlSource{lr: lineReader{br: br}, name: name}
}

func (s *jsonlSource) next() (int, fields, error) {
	for {
		b, n, tooLong, err := s.lr.next()
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, fmt.Errorf("%s: reading line %d: %w", s.name, s.lr.line+1, err)
		}
		if tooLong {
			return 0, nil, &RowError{Line: n, Reason: fmt.Sprintf("line is longer than %d bytes", MaxRowBytes)}
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		f, re := parseJSONObject(b)
		if re != nil {
			re.Line = n
			return 0, nil, re
		}
		return n, f, nil
	}
}

// parseJSONObject reads one line's object. A key given twice adds values,
// like a repeated column.
func parseJSONObject(b []byte) (fields, *RowError) {
	if !utf8.Valid(b) {
		return nil, &RowError{Reason: "line is not valid UTF-8 (the feed must be UTF-8 encoded)"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, &RowError{Reason: "invalid JSON: " + jsonReason(err)}
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, &RowError{Reason: "want a JSON object {...} on each line"}
	}
	f := make(fields)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, &RowError{Reason: "invalid JSON: " + jsonReason(err)}
		}
		key, _ := tok.(string) // object keys are always strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, &RowError{Reason: "invalid JSON: " + jsonReason(err)}
		}
		name := canonicalName(key)
		if re := addJSONValue(f, name, raw); re != nil {
			return nil, re
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, &RowError{Reason: "invalid JSON: " + jsonReason(err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &RowError{Reason: "invalid JSON: text after the object (one object per line)"}
	}
	return f, nil
}

func jsonReason(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of line"
	}
	return err.Error()
}

// addJSONValue adds one key's value: a string; a number or boolean (its
// literal text); null (absent); an array of those (repeated values); or, for
// price and sale_price, {"amount":"15.00","currency":"USD"}. Other objects
// are structured attributes (shipping...) and are dropped, unless the name
// is one the catalog maps.
func addJSONValue(f fields, name string, raw json.RawMessage) *RowError {
	if name == "" {
		return nil
	}
	isPrice := name == "price" || name == "sale_price"
	switch raw[0] {
	case '{':
		if isPrice {
			v, re := jsonMoney(name, raw)
			if re != nil {
				return re
			}
			f.add(name, v)
			return nil
		}
		if mapped[name] {
			return rowErr(name, "want a string, not an object")
		}
		return nil // structured attribute: dropped
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return rowErr(name, "invalid JSON: %v", err)
		}
		for _, e := range elems {
			if e[0] == '[' || (e[0] == '{' && !isPrice) {
				if !mapped[name] {
					return nil // structured attribute: dropped
				}
				return rowErr(name, "want strings in the array")
			}
			if re := addJSONValue(f, name, e); re != nil {
				return re
			}
		}
		return nil
	case 'n':
		return nil
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return rowErr(name, "invalid JSON string: %v", err)
		}
		f.add(name, s)
		return nil
	}
	// A number or a boolean: its literal text, never a float.
	if isPrice {
		return rowErr(name, "%s has no currency: want \"15.00 USD\" or {\"amount\":\"15.00\",\"currency\":\"USD\"}", raw)
	}
	f.add(name, string(raw))
	return nil
}

// jsonMoney turns {"amount":"15.00","currency":"USD"} (the amount may also be
// a JSON number, read as its decimal text) into "15.00 USD".
func jsonMoney(name string, raw json.RawMessage) (string, *RowError) {
	var m struct {
		Amount   json.RawMessage `json:"amount"`
		Currency string          `json:"currency"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return "", rowErr(name, "want {\"amount\":\"15.00\",\"currency\":\"USD\"}: %v", err)
	}
	amount := strings.TrimSpace(string(m.Amount))
	if strings.HasPrefix(amount, `"`) {
		if err := json.Unmarshal(m.Amount, &amount); err != nil {
			return "", rowErr(name, "amount: %v", err)
		}
	} else if amount == "null" {
		amount = ""
	}
	amount = strings.TrimSpace(amount)
	cur := strings.TrimSpace(m.Currency)
	if amount == "" || cur == "" || strings.ContainsFunc(amount+cur, unicode.IsSpace) {
		return "", rowErr(name, "want {\"amount\":\"15.00\",\"currency\":\"USD\"} with both members, got %s", raw)
	}
	return amount + " " + cur, nil
}
