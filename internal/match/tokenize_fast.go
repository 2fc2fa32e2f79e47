package match

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// tokenizer tokenises like Tokenize without allocating per token: the
// strings it returns are substrings of a lower-cased copy of the input kept
// in its byte arena, or of constants. It is part of the per-call scratch
// state of the live matcher (see liveScratch).
//
// The arena is append-only between resets, so a string handed out is never
// overwritten while it may be read: when the arena grows, earlier strings
// keep pointing into the previous (immutable, garbage-collected) array. After
// reset, every string handed out before is invalid: callers must drop them
// (the scratch state clears its maps and slices) before the next use.
type tokenizer struct {
	buf []byte
	raw []string // raw tokens of the current input
}

// reset invalidates every string handed out so far.
func (z *tokenizer) reset() { z.buf = z.buf[:0] }

// str returns the arena bytes from start as a string.
func (z *tokenizer) str(start int) string {
	if start == len(z.buf) {
		return ""
	}
	return unsafe.String(&z.buf[start], len(z.buf)-start)
}

// concat returns a+b, built in the arena.
func (z *tokenizer) concat(a, b string) string {
	start := len(z.buf)
	z.buf = append(z.buf, a...)
	z.buf = append(z.buf, b...)
	return z.str(start)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || isDigit(c) }

// appendTokens appends Tokenize(s) to dst.
func (z *tokenizer) appendTokens(dst []string, s string) []string {
	raw := z.rawTokens(s)
	for i := 0; i < len(raw); i++ {
		t := raw[i]
		if isNumber(t) && i+1 < len(raw) {
			if u, ok := unitAliases[raw[i+1]]; ok && u != "x" && u != "i" && u != "p" && u != "k" {
				dst = append(dst, z.concat(t, u))
				i++
				continue
			}
		}
		if stopWords[t] || t == "v" || t == "ver" || t == "version" {
			continue
		}
		dst = append(dst, normWord(versionToken(t)))
	}
	return dst
}

// lower returns strings.ToLower(s), built in the arena (s itself when it
// has no upper-case ASCII letter and is ASCII).
func (z *tokenizer) lower(s string) string {
	ascii, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		ascii = ascii && c < utf8.RuneSelf
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if ascii && !upper {
		return s
	}
	start := len(z.buf)
	if ascii {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			z.buf = append(z.buf, c)
		}
		return z.str(start)
	}
	// As strings.Map(unicode.ToLower, s): invalid bytes become U+FFFD.
	for _, r := range s {
		z.buf = utf8.AppendRune(z.buf, unicode.ToLower(r))
	}
	return z.str(start)
}

// rawTokens is rawTokens(s); the result is valid until the next call.
func (z *tokenizer) rawTokens(s string) []string {
	l := z.lower(s)
	if strings.Contains(l, " .") {
		// As joinSplitDecimals.
		start := len(z.buf)
		for i := 0; i < len(l); i++ {
			if l[i] == ' ' && i > 0 && isDigit(l[i-1]) && i+2 < len(l) && l[i+1] == '.' && isDigit(l[i+2]) {
				continue
			}
			z.buf = append(z.buf, l[i])
		}
		l = z.str(start)
	}
	out := z.raw[:0]
	cur := -1 // start of the current chunk in l, -1 when empty
	flush := func(end int) {
		if cur >= 0 {
			out = z.appendChunk(out, l[cur:end])
			cur = -1
		}
	}
	for i := 0; i < len(l); {
		r, w := rune(l[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(l[i:])
		}
		switch {
		case r < utf8.RuneSelf && (isLowerAlnum(byte(r)) || r == '.' || r == '-' || r == '/'),
			r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if cur < 0 {
				cur = i
			}
		case r == '"' || r == '”' || r == '″' || r == '\'' && i+1 < len(l) && l[i+1] == '\'':
			// Inch mark after a number: 55" -> 55in.
			if cur >= 0 && isDigit(l[i-1]) {
				out = z.appendChunk(out, z.concat(l[cur:i], "in"))
				cur = -1
			} else if cur < 0 && len(out) > 0 && isNumber(out[len(out)-1]) {
				out[len(out)-1] = z.concat(out[len(out)-1], "in")
			}
			flush(i)
			if r == '\'' {
				i++ // the second quote
			}
		default:
			flush(i)
		}
		i += w
	}
	flush(len(l))
	z.raw = out
	return out
}

// appendChunk is appendChunk with the joined forms built in the arena.
func (z *tokenizer) appendChunk(out []string, c string) []string {
	c = strings.Trim(c, ".-/")
	if c == "" {
		return out
	}
	if isNumber(c) || isFraction(c) {
		return append(out, c)
	}
	if strings.IndexByte(c, '/') >= 0 {
		for {
			i := strings.IndexByte(c, '/')
			if i < 0 {
				return z.appendChunk(out, c)
			}
			out = z.appendChunk(out, c[:i])
			c = c[i+1:]
		}
	}
	if !strings.ContainsAny(c, ".-") {
		return append(out, z.unitToken(c))
	}
	letter, digit := hasLetterDigit(c)
	if letter && digit {
		// Model number or number with unit: join the parts, keeping a dot
		// between two digits ("usb-2.0" -> "usb2.0", "wh-1000xm5" -> "wh1000xm5").
		start := len(z.buf)
		for i := 0; i < len(c); i++ {
			ch := c[i]
			if ch == '-' || ch == '.' {
				if ch == '.' && i > 0 && i+1 < len(c) && isDigit(c[i-1]) && isDigit(c[i+1]) {
					z.buf = append(z.buf, '.')
				}
				continue
			}
			z.buf = append(z.buf, ch)
		}
		return append(out, z.unitToken(z.str(start)))
	}
	// The non-empty parts between dots and hyphens.
	for i := 0; i < len(c); {
		for i < len(c) && (c[i] == '.' || c[i] == '-') {
			i++
		}
		j := i
		for j < len(c) && c[j] != '.' && c[j] != '-' {
			j++
		}
		if j > i {
			if digit && !letter {
				out = append(out, c[i:j])
			} else {
				out = append(out, z.unitToken(c[i:j]))
			}
		}
		i = j
	}
	return out
}

// unitToken is unitToken with the result built in the arena.
func (z *tokenizer) unitToken(t string) string {
	i := 0
	for i < len(t) && (isDigit(t[i]) || t[i] == '.') {
		i++
	}
	if i == 0 || i == len(t) || !isNumber(t[:i]) {
		return t
	}
	if u, ok := unitAliases[t[i:]]; ok {
		if u == t[i:] {
			return t
		}
		return z.concat(t[:i], u)
	}
	return t
}

// squash is squash(strings.Join(parts, " ")), built in the arena.
func (z *tokenizer) squash(parts ...string) string {
	start := len(z.buf)
	for _, p := range parts {
		for i := 0; i < len(p); {
			if c := p[i]; c < utf8.RuneSelf {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				if isLowerAlnum(c) {
					z.buf = append(z.buf, c)
				}
				i++
				continue
			}
			r, w := utf8.DecodeRuneInString(p[i:])
			// As squash: lower-cased first (invalid bytes become U+FFFD,
			// which is neither letter nor digit).
			if r = unicode.ToLower(r); unicode.IsLetter(r) || unicode.IsDigit(r) {
				z.buf = utf8.AppendRune(z.buf, r)
			}
			i += w
		}
	}
	return z.str(start)
}
