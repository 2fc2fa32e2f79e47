package vitrine

import (
	"context"
	"time"

	"github.com/vitrine/vitrine/internal/money"
)

// Install is one installation of the browser extension. Its secret token is
// shown once, at registration; the store keeps only a hash.
type Install struct {
	ID         string    `json:"install_id"`
	Browser    string    `json:"browser"`
	Version    string    `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
}

// AlertSettings are a shopper's controls against alert noise.
type AlertSettings struct {
	// MinDropBasisPoints: an alert needs the price to be at least this far
	// (in 1/100 of a percent) below the last alerted price, or below the
	// store price when the watch was set.
	MinDropBasisPoints int `json:"min_drop_basis_points"`
	// DailyCap bounds the alerts delivered to one install in 24 hours.
	DailyCap int `json:"daily_cap"`
}

// DefaultAlertSettings apply to new installs.
var DefaultAlertSettings = AlertSettings{MinDropBasisPoints: 0, DailyCap: 5}

// Watch is a target-price watch on a catalog product.
type Watch struct {
	ID          string      `json:"id"`
	InstallID   string      `json:"-"`
	ProductID   string      `json:"product_id"`
	Title       string      `json:"title"`
	Link        string      `json:"link"`
	TargetPrice money.Money `json:"target_price"`
	// BasePrice is the store's effective price when the watch was set.
	BasePrice    money.Money  `json:"base_price"`
	CurrentPrice money.Money  `json:"current_price"`
	LastAlert    *money.Money `json:"last_alert_price,omitempty"`
	CreatedAt    time.Time    `json:"created_at"`
}

// Alert tells a shopper that a watched price reached its target.
type Alert struct {
	ID          string      `json:"id"`
	WatchID     string      `json:"watch_id"`
	ProductID   string      `json:"product_id"`
	Title       string      `json:"title"`
	Link        string      `json:"link"`
	Price       money.Money `json:"price"`
	TargetPrice money.Money `json:"target_price"`
	CreatedAt   time.Time   `json:"created_at"`
}

// List is a shopper's named list of catalog products.
type List struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Items     []ListItem `json:"items"`
	CreatedAt time.Time  `json:"created_at"`
}

// ListItem is a product on a list, with its current price.
type ListItem struct {
	ProductID string      `json:"product_id"`
	Title     string      `json:"title"`
	Link      string      `json:"link"`
	ImageLink string      `json:"image_link,omitempty"`
	Price     money.Money `json:"price"`
	AddedAt   time.Time   `json:"added_at"`
}

// Limits on what one install may keep.
const (
	MaxWatchesPerInstall = 200
	MaxListsPerInstall   = 50
	MaxItemsPerList      = 500
	MaxListNameLen       = 80
)

// ShopperStore keeps installs, watches, lists and alerts.
type ShopperStore interface {
	// CreateInstall registers an install and returns it with its secret token.
	CreateInstall(ctx context.Context, browser, version string) (Install, string, error)
	// AuthenticateInstall returns the install owning token, or EUNAUTHORIZED.
	AuthenticateInstall(ctx context.Context, token string) (Install, error)

	Watches(ctx context.Context, installID string) ([]Watch, error)
	// CreateWatch sets (or replaces) the install's watch on a product.
	CreateWatch(ctx context.Context, installID, productID string, target money.Money) (Watch, error)
	DeleteWatch(ctx context.Context, installID, watchID string) error

	AlertSettings(ctx context.Context, installID string) (AlertSettings, error)
	SetAlertSettings(ctx context.Context, installID string, s AlertSettings) error
	// DeliverAlerts finds the watches whose price reached the target, applies
	// the noise controls, records and returns the alerts, each only once.
	DeliverAlerts(ctx context.Context, installID string) ([]Alert, error)

	Lists(ctx context.Context, installID string) ([]List, error)
	CreateList(ctx context.Context, installID, name string) (List, error)
	DeleteList(ctx context.Context, installID, listID string) error
	AddListItem(ctx context.Context, installID, listID, productID string) error
	RemoveListItem(ctx context.Context, installID, listID, productID string) error
}
