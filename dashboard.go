package vitrine

import (
	"context"
	"time"
)

// EventSummary is what a shopper shared, counted.
type EventSummary struct {
	Total  int64            `json:"total"`
	ByType map[string]int64 `json:"by_type"`
	ByDay  []Count          `json:"by_day"`  // newest first
	BySite []Count          `json:"by_site"` // most events first
	First  time.Time        `json:"first,omitzero"`
	Last   time.Time        `json:"last,omitzero"`
}

// Count is a labelled number.
type Count struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// EventFilter selects a shopper's events. Zero fields do not filter. Days
// are UTC dates of occurrence.
type EventFilter struct {
	Domain  string
	From    time.Time // inclusive
	To      time.Time // exclusive
	EventID string
	Limit   int
}

// Deletion kinds.
const (
	DeleteAll   = "all"
	DeleteSite  = "site"
	DeleteRange = "range"
	DeleteEvent = "event"
)

// DeletionReceipt proves a deletion: what was asked, what went from where,
// and the check that nothing matching remains.
type DeletionReceipt struct {
	ID        string           `json:"id"`
	Kind      string           `json:"kind"`
	Request   string           `json:"request"` // shown to the shopper, not stored
	Counts    map[string]int64 `json:"counts"`  // rows deleted, by store
	Remaining int64            `json:"remaining"`
	At        time.Time        `json:"at"`
}

// DashboardStore serves the shopper's dashboard.
type DashboardStore interface {
	EventSummary(ctx context.Context, installID string) (EventSummary, error)
	ListEvents(ctx context.Context, installID string, f EventFilter) ([]Event, error)
	// DeleteEvents deletes the install's events matching the kind's filter
	// and records a receipt. Deleting an event of another install is ENOTFOUND.
	DeleteEvents(ctx context.Context, installID, kind string, f EventFilter) (DeletionReceipt, error)
	Deletions(ctx context.Context, installID string) ([]DeletionReceipt, error)
	// ExpireEvents deletes events received before a time (retention).
	ExpireEvents(ctx context.Context, before time.Time) (int64, error)
}
