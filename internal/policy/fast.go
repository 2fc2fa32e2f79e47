package policy

import (
	"regexp"
	"strings"
)

// Segment matchers without regular expressions: the patterns of the
// built-in policy (policy.json), written as byte scans. A rule whose
// pattern and flags are exactly one of these uses the scan; any other
// pattern (an operator's own policy) uses its regular expression. The scans
// decide only ASCII segments: a segment with other bytes goes to the
// regular expression, whose case folding (the Kelvin sign matches k under
// (?i), for one) they do not copy. TestSegmentMatchersAgree and
// FuzzSegmentMatchers compare each scan with its regular expression.
var segmentMatchers = map[string]func(string) bool{
	`^[^@/]+@[^@/]+\.[^@/]+$`: matchEmail,
	`(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`:                           matchUUID,
	`(?i)^(order|ord|invoice|inv|receipt|cmd|commande|bestellung)[-_:]?[a-z0-9-]*[0-9][a-z0-9-]*$`: matchOrderID,
	`^[0-9][0-9_.-]{5,}$`: matchLongNumber,
}

// matcherKey is the key of a rule in segmentMatchers: its pattern, with
// "(?i)" in front when it ignores case.
func matcherKey(r *SegmentRule) string {
	if r.CaseInsensitive {
		return "(?i)" + r.Pattern
	}
	return r.Pattern
}

// compileRule sets a pattern rule's regular expression and, when its
// pattern is a known one, its scan.
func compileRule(r *SegmentRule) error {
	key := matcherKey(r)
	re, err := regexp.Compile(key)
	if err != nil {
		return err
	}
	r.re = re
	r.scan = segmentMatchers[key]
	return nil
}

// matches applies a pattern rule to a segment.
func (r *SegmentRule) matches(seg string) bool {
	if r.scan != nil && isASCII(seg) {
		return r.scan(seg)
	}
	return r.re != nil && r.re.MatchString(seg)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// ^[^@/]+@[^@/]+\.[^@/]+$
func matchEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || strings.IndexByte(s, '/') >= 0 {
		return false
	}
	rest := s[at+1:]
	if strings.IndexByte(rest, '@') >= 0 {
		return false
	}
	// A dot with at least one byte before it and one after it.
	for i := 1; i < len(rest)-1; i++ {
		if rest[i] == '.' {
			return true
		}
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// (?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$
func matchUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

var orderPrefixes = []string{"order", "ord", "invoice", "inv", "receipt", "cmd", "commande", "bestellung"}

// (?i)^(order|ord|invoice|inv|receipt|cmd|commande|bestellung)[-_:]?[a-z0-9-]*[0-9][a-z0-9-]*$
func matchOrderID(s string) bool {
	for _, p := range orderPrefixes {
		if len(s) < len(p) || !strings.EqualFold(s[:len(p)], p) {
			continue
		}
		rest := s[len(p):]
		if orderTail(rest) {
			return true
		}
		if rest != "" && (rest[0] == '-' || rest[0] == '_' || rest[0] == ':') && orderTail(rest[1:]) {
			return true
		}
	}
	return false
}

// orderTail: [a-z0-9-]*[0-9][a-z0-9-]* ignoring case.
func orderTail(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-':
		default:
			return false
		}
	}
	return digit
}

// ^[0-9][0-9_.-]{5,}$
func matchLongNumber(s string) bool {
	if len(s) < 6 || s[0] < '0' || s[0] > '9' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// plainURLByte: the bytes QuickScrubbed accepts in a path, a query key or
// a query value as they are: unreserved characters (RFC 3986), which
// net/url neither escapes nor unescapes, and which no scrub step changes.
func plainURLByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// QuickScrubbed reports, without parsing the URL in full, that raw is
// collectable and already in the form ScrubURL gives (ScrubURL(raw) ==
// raw), and returns its host. It decides only the common shape: "http://"
// or "https://", a lower-case host name without a port, a path of
// unreserved characters whose segments no rule replaces, and an optional
// query of allowlisted key=value pairs in ScrubURL's order. For anything
// else it returns false, which means "not decided": ask ScrubURL. The
// ingestion hot path calls it before ScrubURL; TestQuickScrubbedAgrees and
// FuzzQuickScrubbed check that it never accepts what ScrubURL would change
// or refuse.
func (p *Policy) QuickScrubbed(raw string) (string, bool) {
	var rest string
	switch {
	case strings.HasPrefix(raw, "https://"):
		rest = raw[len("https://"):]
	case strings.HasPrefix(raw, "http://"):
		rest = raw[len("http://"):]
	default:
		return "", false
	}
	if max := p.Scrub.MaxURLLength; max > 0 && len(raw) > max {
		return "", false
	}
	// Host: lower-case letters, digits, dots and hyphens, up to the path.
	h := 0
	for h < len(rest) && rest[h] != '/' {
		c := rest[h]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return "", false
		}
		h++
	}
	if h == 0 || h == len(rest) {
		return "", false // no host, or no path (ScrubURL adds "/")
	}
	host := rest[:h]
	if p.SensitiveCategory(host) != "" {
		return "", false
	}
	path, query := rest[h:], ""
	if q := strings.IndexByte(path, '?'); q >= 0 {
		path, query = path[:q], path[q+1:]
		if query == "" {
			return "", false
		}
	}
	if strings.HasPrefix(path, "//") {
		return "", false
	}
	// Path: unreserved bytes and slashes; no segment a rule would replace.
	start := 1
	for i := 1; i <= len(path); i++ {
		if i < len(path) && path[i] != '/' {
			if !plainURLByte(path[i]) {
				return "", false
			}
			continue
		}
		if seg := path[start:i]; seg != "" && p.ScrubSegment(seg) != seg {
			return "", false
		}
		start = i + 1
	}
	// Query: key=value pairs, keys allowlisted and in sorted order.
	prev := ""
	for query != "" {
		pair := query
		if amp := strings.IndexByte(query, '&'); amp >= 0 {
			pair, query = query[:amp], query[amp+1:]
			if query == "" {
				return "", false
			}
		} else {
			query = ""
		}
		eq := strings.IndexByte(pair, '=')
		if eq <= 0 {
			return "", false
		}
		key, val := pair[:eq], pair[eq+1:]
		for i := 0; i < len(key); i++ {
			if !plainURLByte(key[i]) {
				return "", false
			}
		}
		for i := 0; i < len(val); i++ {
			if !plainURLByte(val[i]) {
				return "", false
			}
		}
		if key < prev || !contains(p.Scrub.QueryAllowlist, strings.ToLower(key)) {
			return "", false
		}
		prev = key
	}
	return host, true
}
