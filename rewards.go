package vitrine

import (
	"context"
	"time"

	"github.com/vitrine/vitrine/internal/money"
)

// Campaign pays panel members a reward once they qualify.
type Campaign struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Reward   money.Money `json:"reward"`
	Budget   money.Money `json:"budget"`
	StartsAt time.Time   `json:"starts_at"`
	EndsAt   time.Time   `json:"ends_at"`
	// NewInstallsOnly: only installs registered on or after StartsAt qualify.
	NewInstallsOnly bool `json:"new_installs_only"`
	// The qualifying rule: panel consent for page views active, and at least
	// MinPageViews page views received on each of MinActiveDays distinct
	// days (UTC, by server receipt time, never by client timestamps).
	MinActiveDays int       `json:"min_active_days"`
	MinPageViews  int       `json:"min_page_views"`
	CreatedAt     time.Time `json:"created_at"`
}

// Active reports whether the campaign runs at t.
func (c Campaign) Active(t time.Time) bool { return !t.Before(c.StartsAt) && t.Before(c.EndsAt) }

// Reward is a campaign reward granted to a store account through an install.
type Reward struct {
	ID             string      `json:"id"`
	CampaignID     string      `json:"campaign_id"`
	StoreAccountID string      `json:"store_account_id"`
	InstallID      string      `json:"-"`
	Amount         money.Money `json:"amount"`
	GrantedAt      time.Time   `json:"granted_at"`
}

// Redemption turns a shopper's balance into a store-credit code.
type Redemption struct {
	ID             string      `json:"id"`
	StoreAccountID string      `json:"store_account_id"`
	Amount         money.Money `json:"amount"`
	Code           string      `json:"code"`
	CreatedAt      time.Time   `json:"created_at"`
}

// Posting is one leg of a ledger transaction; the legs of a transaction sum
// to zero per currency.
type Posting struct {
	Account string      `json:"account"`
	Amount  money.Money `json:"amount"`
}

// Ledger account names.
const (
	AccountFunding  = "store:funding"  // where campaign budgets come from
	AccountRedeemed = "store:redeemed" // balances turned into store credit
	accountCampaign = "campaign:"      // + campaign id: the remaining budget
	accountShopper  = "shopper:"       // + store account id: the shopper's balance
)

// CampaignAccount names a campaign's budget account.
func CampaignAccount(id string) string { return accountCampaign + id }

// ShopperAccount names a store account's balance.
func ShopperAccount(storeAccountID string) string { return accountShopper + storeAccountID }

// RewardStore keeps campaigns, account links and the ledger.
type RewardStore interface {
	CreateCampaign(ctx context.Context, c Campaign) (Campaign, error)
	Campaigns(ctx context.Context) ([]Campaign, error)
	// ActiveCampaign returns the campaign running at t, or ENOTFOUND.
	ActiveCampaign(ctx context.Context, t time.Time) (Campaign, error)

	// IssueLinkCode makes a one-time code that links an install to a store account.
	IssueLinkCode(ctx context.Context, storeAccountID string, ttl time.Duration) (string, error)
	// LinkInstall consumes a code; the install is then linked to its account.
	LinkInstall(ctx context.Context, installID, code string) (storeAccountID string, err error)
	LinkedAccount(ctx context.Context, installID string) (string, error)

	// EvaluateReward grants the campaign's reward to the install's linked
	// account when the rule is met and none was granted before to this
	// account or this install (idempotent; safe under concurrency).
	EvaluateReward(ctx context.Context, installID string, now time.Time) (*Reward, RewardProgress, error)
	Balance(ctx context.Context, account string) (money.Money, error)
	// Redeem moves the whole balance of a store account to store credit
	// under an idempotency key and returns the code.
	Redeem(ctx context.Context, storeAccountID, idempotencyKey string) (Redemption, error)
	// TrialBalance sums every account per currency; it must be zero.
	TrialBalance(ctx context.Context) (map[string]money.Amount, error)
}

// RewardProgress tells a shopper where they stand.
type RewardProgress struct {
	CampaignID string  `json:"campaign_id,omitempty"`
	Eligible   bool    `json:"eligible"`
	Reason     string  `json:"reason,omitempty"` // why not eligible
	ActiveDays int     `json:"active_days"`
	NeededDays int     `json:"needed_days"`
	Earned     bool    `json:"earned"`
	Reward     *Reward `json:"reward,omitempty"`
}
