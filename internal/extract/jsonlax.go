package extract

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonNumber is a JSON number kept as its source text, so that prices are
// never converted to floating point.
type jsonNumber string

// maxJSONDepth bounds nesting in parseLaxJSON; deeper documents are refused.
const maxJSONDepth = 64

// errJSON is wrapped by every parseLaxJSON error.
var errJSON = errors.New("json-ld")

// parseLaxJSON parses the text of a <script type="application/ld+json">
// block, tolerating the mistakes found on real shops (see RULES.md, "Tolerant
// JSON"):
//
//   - HTML comment markers (<!-- -->), CDATA markers and a byte order mark
//     around the value, a trailing semicolon;
//   - trailing commas in objects and arrays;
//   - raw control characters (newlines, tabs) inside strings, kept as is;
//   - unknown escapes such as \' (the escaped character is kept);
//   - several values one after another ({...}{...}), returned as an array.
//
// Objects become map[string]any (a repeated key: the last one wins), arrays
// []any, strings string, numbers jsonNumber, true/false bool, null nil.
func parseLaxJSON(src string) (any, error) {
	p := &laxParser{s: src}
	var vals []any
	for {
		p.skipJunk()
		if p.i >= len(p.s) {
			break
		}
		v, err := p.value(0)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	switch len(vals) {
	case 0:
		return nil, fmt.Errorf("%w: empty script", errJSON)
	case 1:
		return vals[0], nil
	}
	return vals, nil
}

type laxParser struct {
	s string
	i int
}

func (p *laxParser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: offset %d: %s", errJSON, p.i, fmt.Sprintf(format, args...))
}

// skipJunk skips white space, comment and CDATA markers, semicolons and a BOM
// between top-level values.
func (p *laxParser) skipJunk() {
	for p.i < len(p.s) {
		p.skipSpace()
		rest := p.s[p.i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			p.i += 4
		case strings.HasPrefix(rest, "-->"):
			p.i += 3
		case strings.HasPrefix(rest, "//<![CDATA["):
			p.i += 11
		case strings.HasPrefix(rest, "<![CDATA["):
			p.i += 9
		case strings.HasPrefix(rest, "//]]>"):
			p.i += 5
		case strings.HasPrefix(rest, "]]>"):
			p.i += 3
		case strings.HasPrefix(rest, "\uFEFF"):
			p.i += 3
		case rest != "" && rest[0] == ';':
			p.i++
		default:
			return
		}
	}
}

func (p *laxParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.i++
		default:
			return
		}
	}
}

func (p *laxParser) value(depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, p.errorf("nested deeper than %d", maxJSONDepth)
	}
	p.skipSpace()
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.str()
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	case strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return true, nil
	case strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return false, nil
	case strings.HasPrefix(p.s[p.i:], "null"):
		p.i += 4
		return nil, nil
	default:
		return nil, p.errorf("unexpected %q", c)
	}
}

func (p *laxParser) object(depth int) (any, error) {
	p.i++ // {
	m := map[string]any{}
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			return nil, p.errorf("unterminated object")
		}
		if p.s[p.i] == '}' {
			p.i++
			return m, nil
		}
		if p.s[p.i] == ',' { // trailing or doubled comma
			p.i++
			continue
		}
		if p.s[p.i] != '"' {
			return nil, p.errorf("want a quoted key, got %q", p.s[p.i])
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.errorf("want ':' after key %q", k)
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		m[k] = v
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			continue
		}
		return nil, p.errorf("want ',' or '}' in object")
	}
}

func (p *laxParser) array(depth int) (any, error) {
	p.i++ // [
	a := []any{}
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			return nil, p.errorf("unterminated array")
		}
		if p.s[p.i] == ']' {
			p.i++
			return a, nil
		}
		if p.s[p.i] == ',' {
			p.i++
			continue
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.skipSpace()
		if p.i < len(p.s) && (p.s[p.i] == ',' || p.s[p.i] == ']') {
			continue
		}
		return nil, p.errorf("want ',' or ']' in array")
	}
}

func (p *laxParser) str() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return "", p.errorf("unterminated string")
			}
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					b.WriteByte('u') // "\u" not followed by four hex digits
					continue
				}
				if r >= 0xD800 && r < 0xDC00 && strings.HasPrefix(p.s[p.i:], `\u`) {
					save := p.i
					p.i += 2
					if r2, ok := p.hex4(); ok && r2 >= 0xDC00 && r2 < 0xE000 {
						r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
					} else {
						p.i = save
					}
				}
				if r >= 0xD800 && r < 0xE000 {
					r = utf8.RuneError
				}
				b.WriteRune(r)
			default:
				// '"', '\\', '/' and unknown escapes such as \' keep the character.
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *laxParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

func (p *laxParser) number() (any, error) {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.i++
			continue
		}
		break
	}
	return jsonNumber(p.s[start:p.i]), nil
}
