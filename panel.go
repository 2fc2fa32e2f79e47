package vitrine

import (
	"context"
	"encoding/json"
	"time"
)

// Scope is one kind of panel data a shopper can consent to share.
type Scope string

const (
	ScopePageViews    Scope = "page_views"
	ScopeLinkClicks   Scope = "link_clicks"
	ScopeProductViews Scope = "product_views"
)

// Scopes lists every scope, in display order.
var Scopes = []Scope{ScopePageViews, ScopeLinkClicks, ScopeProductViews}

// Valid reports whether s is a defined scope.
func (s Scope) Valid() bool {
	for _, x := range Scopes {
		if s == x {
			return true
		}
	}
	return false
}

// ConsentAction is one change of consent, recorded append-only.
type ConsentAction string

const (
	ConsentGrant    ConsentAction = "grant"    // join or add scopes
	ConsentRevoke   ConsentAction = "revoke"   // remove scopes
	ConsentPause    ConsentAction = "pause"    // stop sharing for now, scopes kept
	ConsentResume   ConsentAction = "resume"   // resume after a pause
	ConsentWithdraw ConsentAction = "withdraw" // leave the panel: all scopes off
)

// ConsentRecord is one entry of an install's consent history. NoticeHash is
// the SHA-256 of the exact notice text the shopper was shown.
type ConsentRecord struct {
	ID            int64         `json:"id"`
	InstallID     string        `json:"-"`
	Action        ConsentAction `json:"action"`
	Scopes        []Scope       `json:"scopes"`
	NoticeVersion string        `json:"notice_version"`
	NoticeHash    string        `json:"notice_hash"`
	At            time.Time     `json:"at"`
	GPC           bool          `json:"gpc,omitempty"` // the request carried Sec-GPC: 1
}

// ConsentState is the effect of an install's consent history.
type ConsentState struct {
	Scopes        []Scope   `json:"scopes"` // consented scopes (kept while paused)
	Paused        bool      `json:"paused"`
	Member        bool      `json:"member"` // joined and not withdrawn
	NoticeVersion string    `json:"notice_version,omitempty"`
	Since         time.Time `json:"since,omitzero"`
}

// Active returns the scopes under which events may be collected now.
func (c ConsentState) Active() map[Scope]bool {
	m := map[Scope]bool{}
	if !c.Member || c.Paused {
		return m
	}
	for _, s := range c.Scopes {
		m[s] = true
	}
	return m
}

// ConsentStore keeps consent records.
type ConsentStore interface {
	// RecordConsent appends a record and returns the new state. Invalid
	// transitions (resume without pause, grant of no scope...) are EINVALID.
	RecordConsent(ctx context.Context, rec ConsentRecord) (ConsentState, error)
	ConsentState(ctx context.Context, installID string) (ConsentState, error)
	ConsentHistory(ctx context.Context, installID string) ([]ConsentRecord, error)
}

// EventType names a panel event.
type EventType string

const (
	EventPageView          EventType = "page_view"
	EventLinkClick         EventType = "link_click"
	EventProductView       EventType = "product_view"
	EventComparisonShown   EventType = "comparison_shown"
	EventComparisonClicked EventType = "comparison_clicked"
)

// ScopeOf returns the consent scope an event type needs. The extension's
// own comparison events happen on product pages: product_views.
func ScopeOf(t EventType) (Scope, bool) {
	switch t {
	case EventPageView:
		return ScopePageViews, true
	case EventLinkClick:
		return ScopeLinkClicks, true
	case EventProductView, EventComparisonShown, EventComparisonClicked:
		return ScopeProductViews, true
	}
	return "", false
}

// Event is one panel event as stored: validated, scrubbed on the device,
// with the server's receipt time.
type Event struct {
	ID         string          `json:"id"` // UUIDv7 made on the device
	InstallID  string          `json:"-"`
	Type       EventType       `json:"type"`
	Scope      Scope           `json:"scope"`
	OccurredAt time.Time       `json:"ts"`          // device clock
	ReceivedAt time.Time       `json:"received_at"` // server clock
	Domain     string          `json:"domain"`
	Payload    json.RawMessage `json:"payload"` // the type's fields, canonical JSON
}
