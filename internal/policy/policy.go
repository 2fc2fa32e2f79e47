// Package policy is the panel's collection policy: what may be collected,
// how URLs are scrubbed on the device, which sites are never collected, how
// long raw events are kept, and what it is all for. The same document is
// served to the extension's collector (GET /v1/policy), re-checked by the
// server on ingestion, and rendered into the consent notice and the public
// /privacy page, so what shoppers are told cannot drift from what happens.
package policy

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
)

//go:embed policy.json
var defaultJSON []byte

// SegmentRule replaces URL path segments that look personal.
type SegmentRule struct {
	Name    string `json:"name"`
	Pattern string `json:"pattern,omitempty"`
	// Builtin names a rule written in code (identically in Go and in the
	// extension) instead of a pattern: "token".
	Builtin   string `json:"builtin,omitempty"`
	MinLength int    `json:"min_length,omitempty"`
	// CaseInsensitive applies the pattern ignoring case (Go: (?i), JavaScript: the i flag).
	CaseInsensitive bool   `json:"case_insensitive,omitempty"`
	Replacement     string `json:"replacement"`

	re   *regexp.Regexp
	scan func(string) bool // the same test as re, as a byte scan (fast.go), or nil
}

// Scrub says how URLs are scrubbed before they leave the device.
type Scrub struct {
	QueryAllowlist []string      `json:"query_allowlist"`
	DropFragment   bool          `json:"drop_fragment"`
	MaxURLLength   int           `json:"max_url_length"`
	SegmentRules   []SegmentRule `json:"segment_rules"`
}

// Policy is the collection policy.
type Policy struct {
	NoticeVersion  string              `json:"notice_version"`
	RetentionDays  int                 `json:"retention_days"`
	Scopes         []vitrine.Scope     `json:"scopes"`
	Scrub          Scrub               `json:"scrub"`
	Sensitive      map[string][]string `json:"sensitive"`
	NeverCollected []string            `json:"never_collected"`
	Purposes       []string            `json:"purposes"`
	// ValuePerEvent estimates what one event of each type is worth, with
	// "currency": the dashboard shows shoppers the estimate and its formula.
	ValuePerEvent map[string]string `json:"value_per_event"`
	ValueBasis    string            `json:"value_basis"`

	// sensitiveIdx maps each listed domain to the index of its first
	// category in SensitiveCategories; built by Parse.
	sensitiveIdx map[string]int
}

// SensitiveCategories are the categories that are never collected.
var SensitiveCategories = []string{"banking", "health", "government", "adult", "webmail"}

// Default returns the built-in policy.
func Default() *Policy {
	p, err := Parse(strings.NewReader(string(defaultJSON)))
	if err != nil {
		panic("policy: built-in policy.json: " + err.Error())
	}
	return p
}

// Parse reads and validates a policy document.
func Parse(r io.Reader) (*Policy, error) {
	var p Policy
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	if p.NoticeVersion == "" {
		return nil, fmt.Errorf("policy: notice_version is required")
	}
	if p.RetentionDays < 1 || p.RetentionDays > 3650 {
		return nil, fmt.Errorf("policy: retention_days %d: want 1..3650", p.RetentionDays)
	}
	for _, s := range p.Scopes {
		if !s.Valid() {
			return nil, fmt.Errorf("policy: unknown scope %q", s)
		}
	}
	for i := range p.Scrub.SegmentRules {
		r := &p.Scrub.SegmentRules[i]
		if r.Builtin != "" {
			if r.Builtin != "token" || r.Pattern != "" {
				return nil, fmt.Errorf("policy: segment rule %q: builtin must be \"token\" and have no pattern", r.Name)
			}
			continue
		}
		if strings.Contains(r.Pattern, "(?") && !strings.Contains(r.Pattern, "(?:") {
			return nil, fmt.Errorf("policy: segment rule %q: inline flags are not portable to JavaScript, use case_insensitive", r.Name)
		}
		if err := compileRule(r); err != nil {
			return nil, fmt.Errorf("policy: segment rule %q: %w", r.Name, err)
		}
	}
	if !money.IsCurrency(p.ValuePerEvent["currency"]) {
		return nil, fmt.Errorf("policy: value_per_event.currency must be an ISO 4217 code")
	}
	for k, v := range p.ValuePerEvent {
		if k == "currency" {
			continue
		}
		if _, ok := vitrine.ScopeOf(vitrine.EventType(k)); !ok {
			return nil, fmt.Errorf("policy: value_per_event: unknown event type %q", k)
		}
		if a, err := money.ParseAmount(v); err != nil || a < 0 {
			return nil, fmt.Errorf("policy: value_per_event.%s %q is not a decimal amount", k, v)
		}
	}
	for _, c := range SensitiveCategories {
		if len(p.Sensitive[c]) == 0 {
			return nil, fmt.Errorf("policy: sensitive category %q has no domains", c)
		}
	}
	for c := range p.Sensitive {
		if !contains(SensitiveCategories, c) {
			return nil, fmt.Errorf("policy: unknown sensitive category %q", c)
		}
	}
	p.sensitiveIdx = map[string]int{}
	for i, c := range SensitiveCategories {
		for _, d := range p.Sensitive[c] {
			d = strings.TrimPrefix(strings.ToLower(d), "*.")
			if j, ok := p.sensitiveIdx[d]; !ok || i < j {
				p.sensitiveIdx[d] = i
			}
		}
	}
	return &p, nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// SensitiveCategory returns the category of a host that must never be
// collected, or "". A pattern "*.gov" matches gov's subdomains and "gov"
// itself; a plain domain matches itself and its subdomains. The lookup walks
// the host's parent domains in an index built by Parse (it is on the
// ingestion hot path), so it costs a few map lookups, not a scan of the list.
func (p *Policy) SensitiveCategory(host string) string {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	best := -1
	for {
		if i, ok := p.sensitiveIdx[h]; ok && (best < 0 || i < best) {
			best = i
		}
		dot := strings.IndexByte(h, '.')
		if dot < 0 {
			break
		}
		h = h[dot+1:]
	}
	if best < 0 {
		return ""
	}
	return SensitiveCategories[best]
}

// ScrubSegment returns the replacement for a path segment that looks
// personal, or the segment itself.
func (p *Policy) ScrubSegment(seg string) string {
	for _, r := range p.Scrub.SegmentRules {
		if len(seg) < r.MinLength {
			continue
		}
		if (r.Builtin == "token" && looksLikeToken(seg)) || (r.Builtin == "" && r.matches(seg)) {
			return r.Replacement
		}
	}
	return seg
}

// looksLikeToken: some part of the segment, split on '-', '.' and '~', is
// at least 16 characters of letters, digits and '_' with both a letter and a
// digit (session ids, JWT pieces, reset codes), while slugs made of words
// ("samsung-65-inch-qn90c") and short product codes ("B08N5WRWNW") are not.
func looksLikeToken(seg string) bool {
	for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '.' || r == '~' }) {
		if len(part) < 16 {
			continue
		}
		letter, digit, ok := false, false, true
		for _, c := range part {
			switch {
			case c >= '0' && c <= '9':
				digit = true
			case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
				letter = true
			case c == '_':
			default:
				ok = false
			}
		}
		if ok && letter && digit {
			return true
		}
	}
	return false
}

// EventValue is one line of the value estimate.
type EventValue struct {
	Type  string
	Count int64
	Each  money.Money
	Total money.Money
}

// EstimateValue applies the value table to event counts by type; the lines
// are the formula's inputs, shown to the shopper with the sum.
func (p *Policy) EstimateValue(byType map[string]int64) ([]EventValue, money.Money) {
	cur := p.ValuePerEvent["currency"]
	sum := money.Money{Currency: cur}
	var lines []EventValue
	for _, t := range []string{"page_view", "link_click", "product_view", "comparison_shown", "comparison_clicked"} {
		each, _ := money.ParseAmount(p.ValuePerEvent[t])
		n := byType[t]
		line := EventValue{Type: t, Count: n, Each: money.Money{Amount: each, Currency: cur}, Total: money.Money{Amount: each * money.Amount(n), Currency: cur}}
		sum.Amount += line.Total.Amount
		lines = append(lines, line)
	}
	return lines, sum
}
