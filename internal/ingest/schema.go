// Package ingest receives panel events: it validates batches against the
// event schema, authenticates installs and checks consent (both cached
// briefly), limits the rate per install, and hands valid events to a single
// writer that commits many requests' events in one transaction (group
// commit) and acknowledges each request only after that commit is durable.
//
// What is refused, and how:
//
//   - A body that cannot be read as a batch at all (not JSON, not an object
//     with an "events" array, unknown top-level field, empty, over 500 events
//     or 1 MiB) is answered 400 or 413 and nothing of it is stored.
//   - A batch that is a batch is answered 200, and each event that cannot be
//     stored is refused on its own, with its index, its id (when it has a
//     readable one) and the reason: a wrong or unknown field, an unknown
//     type, a bad timestamp, a URL that is not scrubbed, or a scope without
//     active consent. The other events of the batch are stored. We chose this
//     over refusing the whole batch because a device sends a queue that may
//     mix events of before and after a consent change, and a whole-batch
//     refusal would make it retry forever or drop good events; the device
//     drops the refused ones (they would be refused again) and keeps nothing.
package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/compare"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/policy"
)

// Limits of the event schema.
const (
	MaxEvents    = 500     // events in one request
	MaxBodyBytes = 1 << 20 // bytes in one request
	MaxURLLen    = 2048
	MaxDwellMS   = 86_400_000 // a day
	maxShort     = 200        // product ids, statuses
)

// wireEvent is an event as sent: the union of every type's fields. Pointers
// tell an absent field from a zero one.
type wireEvent struct {
	ID             string         `json:"id"`
	Type           string         `json:"type"`
	TS             string         `json:"ts"`
	URL            *string        `json:"url"`
	ReferrerDomain *string        `json:"referrer_domain"`
	DwellMS        *int64         `json:"dwell_ms"`
	From           *string        `json:"from"`
	To             *string        `json:"to"`
	Facts          *compare.Facts `json:"facts"`
	Domain         *string        `json:"domain"`
	ProductID      *string        `json:"product_id"`
	Status         *string        `json:"status"`
}

// The stored payloads: each type's fields in a fixed order.
type pageViewPayload struct {
	URL            string `json:"url"`
	ReferrerDomain string `json:"referrer_domain"`
	DwellMS        int64  `json:"dwell_ms"`
}

type linkClickPayload struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type productViewPayload struct {
	URL   string        `json:"url"`
	Facts compare.Facts `json:"facts"`
}

type comparisonPayload struct {
	Domain    string `json:"domain"`
	ProductID string `json:"product_id"`
	Status    string `json:"status"`
}

// Refusal says why one event of a batch was not stored.
type Refusal struct {
	ID     string `json:"id"`
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// Batch is a parsed request: the valid events (with their index in the
// request) and the refusals, in request order.
type Batch struct {
	Events   []vitrine.Event
	Index    []int
	Refusals []Refusal
	Total    int
}

// Rules are what Parse checks against: event times (not after
// Now+MaxFuture, not before Now-MaxAge) and the collection policy (URL
// scrubbing and sensitive sites).
type Rules struct {
	Now       time.Time
	MaxFuture time.Duration
	MaxAge    time.Duration
	Policy    *policy.Policy
	urls      *urlChecker
}

// Parse reads a request body. A body that is not a batch is an EINVALID or
// ETOOLARGE error; problems of single events are refusals in the Batch.
func Parse(body []byte, installID string, clk Rules) (Batch, error) {
	var b Batch
	if len(body) > MaxBodyBytes {
		return b, vitrine.Errorf(vitrine.ETOOLARGE, "request body of %d bytes is over the limit of %d bytes", len(body), MaxBodyBytes)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return b, vitrine.Errorf(vitrine.EINVALID, `request body is empty: want {"events":[...]}`)
	}
	if body[0] != '{' {
		return b, vitrine.Errorf(vitrine.EINVALID, `request body must be a JSON object {"events":[...]}`)
	}
	// Fast path: the whole batch is well-formed and every event decodes.
	var fast struct {
		Events []wireEvent `json:"events"`
	}
	var wire []wireEvent
	var raw []json.RawMessage
	if evs, ok := decodeFast(body); ok {
		wire = evs
	} else if err := strictDecode(body, &fast); err == nil {
		wire = fast.Events
	} else {
		// Slow path: find out whether the batch itself or some events are bad.
		var slow struct {
			Events []json.RawMessage `json:"events"`
		}
		if err := strictDecode(body, &slow); err != nil {
			return b, batchError(err)
		}
		raw = slow.Events
	}
	n := len(wire) + len(raw)
	if wire == nil && raw == nil {
		if !bytes.Contains(body, []byte(`"events"`)) {
			return b, vitrine.Errorf(vitrine.EINVALID, `field events is required: want {"events":[...]}`)
		}
		return b, vitrine.Errorf(vitrine.EINVALID, "field events must be an array of events")
	}
	if n == 0 {
		return b, vitrine.Errorf(vitrine.EINVALID, "field events is empty: send at least one event")
	}
	if n > MaxEvents {
		return b, vitrine.Errorf(vitrine.ETOOLARGE, "batch of %d events is over the limit of %d events", n, MaxEvents)
	}
	b.Total = n
	if clk.urls == nil || clk.urls.pol != clk.Policy {
		clk.urls = newURLChecker(clk.Policy)
	}
	b.Events = make([]vitrine.Event, 0, n)
	b.Index = make([]int, 0, n)
	// The payloads of the batch share one buffer (each is a capped slice of it).
	buf := make([]byte, 0, len(body))
	for i := 0; i < n; i++ {
		var w wireEvent
		if raw != nil {
			if err := strictDecode(raw[i], &w); err != nil {
				b.Refusals = append(b.Refusals, Refusal{ID: peekID(raw[i]), Index: i, Reason: eventDecodeReason(err)})
				continue
			}
		} else {
			w = wire[i]
		}
		e, reason := validate(&w, installID, clk, &buf)
		if reason != "" {
			id := ""
			if ids.ValidUUID(w.ID) {
				id = strings.ToLower(w.ID)
			}
			b.Refusals = append(b.Refusals, Refusal{ID: id, Index: i, Reason: reason})
			continue
		}
		b.Events = append(b.Events, e)
		b.Index = append(b.Index, i)
	}
	return b, nil
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}

func batchError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return vitrine.Errorf(vitrine.EINVALID, "malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return vitrine.Errorf(vitrine.EINVALID, `field %s: got JSON %s, want an array of events: {"events":[...]}`, orBody(typ.Field), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return vitrine.Errorf(vitrine.EINVALID, "malformed JSON: unexpected end of body")
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return vitrine.Errorf(vitrine.EINVALID, `%s: a batch is {"events":[...]}`, strings.TrimPrefix(err.Error(), "json: "))
	}
	return vitrine.Errorf(vitrine.EINVALID, "invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func orBody(f string) string {
	if f == "" {
		return "the body"
	}
	return f
}

func eventDecodeReason(err error) string {
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		if typ.Field == "" {
			return "an event must be a JSON object"
		}
		return fmt.Sprintf("field %s: got JSON %s, want %s", typ.Field, typ.Value, jsonKind(typ.Type.String()))
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func jsonKind(goType string) string {
	switch goType {
	case "string":
		return "a string"
	case "int64":
		return "an integer"
	case "bool":
		return "true or false"
	}
	if strings.HasPrefix(goType, "map[") || strings.Contains(goType, "Facts") {
		return "an object"
	}
	return goType
}

// peekID reads the id of an event that does not decode, for its refusal.
func peekID(raw json.RawMessage) string {
	var v struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	if s, ok := v.ID.(string); ok && ids.ValidUUID(s) {
		return strings.ToLower(s)
	}
	return ""
}

// ValidUUIDv7 reports whether s is a canonical UUID of version 7 and the
// RFC 9562 variant.
func ValidUUIDv7(s string) bool {
	if !ids.ValidUUID(s) || s[14] != '7' {
		return false
	}
	switch s[19] {
	case '8', '9', 'a', 'b', 'A', 'B':
		return true
	}
	return false
}

// validate checks one decoded event and builds what is stored. It returns a
// reason when the event is refused.
func validate(w *wireEvent, installID string, clk Rules, buf *[]byte) (vitrine.Event, string) {
	var e vitrine.Event
	if w.ID == "" {
		return e, "field id is required: a UUIDv7 made on the device"
	}
	if !ValidUUIDv7(w.ID) {
		return e, "field id must be a UUIDv7 (xxxxxxxx-xxxx-7xxx-[89ab]xxx-xxxxxxxxxxxx)"
	}
	t := vitrine.EventType(w.Type)
	scope, ok := vitrine.ScopeOf(t)
	if !ok {
		if w.Type == "" {
			return e, "field type is required"
		}
		return e, fmt.Sprintf("unknown event type %q: want page_view, link_click, product_view, comparison_shown or comparison_clicked", clip(w.Type))
	}
	if w.TS == "" {
		return e, "field ts is required: an RFC 3339 time such as 2026-11-01T12:00:00.000Z"
	}
	ts, err := time.Parse(time.RFC3339Nano, w.TS)
	if err != nil {
		return e, fmt.Sprintf("field ts %q is not an RFC 3339 time such as 2026-11-01T12:00:00.000Z", clip(w.TS))
	}
	if ts.After(clk.Now.Add(clk.MaxFuture)) {
		return e, fmt.Sprintf("field ts is more than %s in the future of the server's clock", clk.MaxFuture)
	}
	if ts.Before(clk.Now.Add(-clk.MaxAge)) {
		return e, fmt.Sprintf("field ts is more than %s in the past: too old to accept", clk.MaxAge)
	}
	e = vitrine.Event{ID: strings.ToLower(w.ID), InstallID: installID, Type: t, Scope: scope,
		OccurredAt: ts.UTC().Truncate(time.Millisecond), ReceivedAt: clk.Now.UTC().Truncate(time.Millisecond)}
	start := len(*buf)
	switch t {
	case vitrine.EventPageView:
		if r := only(w, "url", "referrer_domain", "dwell_ms"); r != "" {
			return e, r
		}
		if w.URL == nil {
			return e, "field url is required for page_view"
		}
		host, r := clk.urls.check("url", *w.URL)
		if r != "" {
			return e, r
		}
		p := pageViewPayload{URL: *w.URL}
		if w.ReferrerDomain != nil && *w.ReferrerDomain != "" {
			d := strings.ToLower(*w.ReferrerDomain)
			if !validHost(d) {
				return e, "field referrer_domain must be a host name only (no scheme, path or query), or empty"
			}
			if c := clk.urls.category(d); c != "" {
				return e, fmt.Sprintf("field referrer_domain is a %s site: never collected", c)
			}
			p.ReferrerDomain = d
		}
		if w.DwellMS != nil {
			if *w.DwellMS < 0 || *w.DwellMS > MaxDwellMS {
				return e, fmt.Sprintf("field dwell_ms must be between 0 and %d", MaxDwellMS)
			}
			p.DwellMS = *w.DwellMS
		}
		e.Domain, *buf = host, p.appendJSON(*buf)
	case vitrine.EventLinkClick:
		if r := only(w, "from", "to"); r != "" {
			return e, r
		}
		if w.From == nil || w.To == nil {
			return e, "fields from and to are required for link_click"
		}
		host, r := clk.urls.check("from", *w.From)
		if r != "" {
			return e, r
		}
		if _, r := clk.urls.check("to", *w.To); r != "" {
			return e, r
		}
		p := linkClickPayload{From: *w.From, To: *w.To}
		e.Domain, *buf = host, p.appendJSON(*buf)
	case vitrine.EventProductView:
		if r := only(w, "url", "facts"); r != "" {
			return e, r
		}
		if w.URL == nil || w.Facts == nil {
			return e, "fields url and facts are required for product_view"
		}
		host, r := clk.urls.check("url", *w.URL)
		if r != "" {
			return e, r
		}
		req := compare.Request{Domain: host, Facts: *w.Facts}
		if err := compare.Validate(&req); err != nil {
			return e, vitrine.ErrorMessage(err)
		}
		p := productViewPayload{URL: *w.URL, Facts: req.Facts}
		e.Domain, *buf = host, p.appendJSON(*buf)
	default: // comparison_shown, comparison_clicked
		if r := only(w, "domain", "product_id", "status"); r != "" {
			return e, r
		}
		if w.Domain == nil || w.ProductID == nil || w.Status == nil {
			return e, fmt.Sprintf("fields domain, product_id and status are required for %s", t)
		}
		d := strings.ToLower(*w.Domain)
		if !validHost(d) {
			return e, "field domain must be a host name only (no scheme, path or query)"
		}
		if c := clk.urls.category(d); c != "" {
			return e, fmt.Sprintf("field domain is a %s site: never collected", c)
		}
		if *w.ProductID == "" || len(*w.ProductID) > maxShort || !utf8.ValidString(*w.ProductID) {
			return e, fmt.Sprintf("field product_id must be valid text of 1 to %d bytes", maxShort)
		}
		if !token(*w.Status) {
			return e, "field status must be a word such as match, no_match or own_site"
		}
		p := comparisonPayload{Domain: d, ProductID: *w.ProductID, Status: *w.Status}
		e.Domain, *buf = d, p.appendJSON(*buf)
	}
	e.Payload = (*buf)[start:len(*buf):len(*buf)]
	return e, ""
}

// only refuses fields that do not belong to the event's type.
func only(w *wireEvent, allowed ...string) string {
	for _, f := range [...]struct {
		name    string
		present bool
	}{
		{"url", w.URL != nil}, {"referrer_domain", w.ReferrerDomain != nil}, {"dwell_ms", w.DwellMS != nil},
		{"from", w.From != nil}, {"to", w.To != nil}, {"facts", w.Facts != nil},
		{"domain", w.Domain != nil}, {"product_id", w.ProductID != nil}, {"status", w.Status != nil},
	} {
		if f.present && !slices.Contains(allowed, f.name) {
			return fmt.Sprintf("field %s does not belong to a %s event", f.name, w.Type)
		}
	}
	return ""
}

// urlChecker applies the collection policy to URLs (the policy indexes its
// sensitive-site list, so both checks below are cheap).
type urlChecker struct {
	pol *policy.Policy
}

func newURLChecker(pol *policy.Policy) *urlChecker { return &urlChecker{pol: pol} }

// category is the policy's sensitive category of a host, or "".
func (c *urlChecker) category(host string) string { return c.pol.SensitiveCategory(host) }

// check verifies that a URL is absolute http(s), short enough, of a site
// that may be collected, and exactly in the form the collection policy's
// scrubber gives (the device scrubs; the server refuses what is not
// scrubbed rather than storing it). It returns the URL's host.
func (c *urlChecker) check(field, raw string) (string, string) {
	if raw == "" {
		return "", fmt.Sprintf("field %s is empty", field)
	}
	if len(raw) > MaxURLLen {
		return "", fmt.Sprintf("field %s is longer than %d bytes", field, MaxURLLen)
	}
	// The common shape is decided by a byte scan (the policy's own, checked
	// against ScrubURL); anything else takes the full path below.
	if host, ok := c.pol.QuickScrubbed(raw); ok && validHost(host) {
		return host, ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", fmt.Sprintf("field %s must be an absolute http or https URL", field)
	}
	host := strings.ToLower(u.Hostname())
	if !validHost(host) {
		return "", fmt.Sprintf("field %s has an invalid host", field)
	}
	if cat := c.category(host); cat != "" {
		return "", fmt.Sprintf("field %s is a %s site: never collected", field, cat)
	}
	scrubbed, err := c.pol.ScrubURL(raw)
	if err != nil {
		return "", fmt.Sprintf("field %s cannot be collected: %v", field, err)
	}
	if scrubbed != raw {
		return "", fmt.Sprintf("field %s is not scrubbed (fragment, query parameter off the allowlist, or a path segment that looks personal): scrub it on the device", field)
	}
	return host, ""
}

func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if net.ParseIP(h) != nil {
		return true
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func token(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

// clip shortens user input quoted in a reason.
func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	return s
}
