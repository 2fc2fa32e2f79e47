package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/money"
)

var _ vitrine.RewardStore = (*DB)(nil)

// isUnique reports a unique-constraint violation on either engine.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") || strings.Contains(s, "duplicate key value")
}

// post writes a balanced ledger transaction inside tx. It refuses
// unbalanced postings; a repeated idempotency key returns the first
// transaction's id and false.
func post(ctx context.Context, tx *sql.Tx, key, kind string, at time.Time, legs ...vitrine.Posting) (string, bool, error) {
	sum := map[string]money.Amount{}
	for _, l := range legs {
		sum[l.Amount.Currency] += l.Amount.Amount
	}
	for cur, s := range sum {
		if s != 0 {
			return "", false, fmt.Errorf("ledger: %s postings of %q sum to %s, not zero", cur, key, s)
		}
	}
	var existing string
	err := tx.QueryRowContext(ctx, `SELECT id FROM ledger_txns WHERE idempotency_key = $1`, key).Scan(&existing)
	if err == nil {
		return existing, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", false, fmt.Errorf("ledger: %w", err)
	}
	id := ids.New("txn")
	if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_txns (id, idempotency_key, kind, created_at) VALUES ($1, $2, $3, $4)`, id, key, kind, ms(at)); err != nil {
		return "", false, fmt.Errorf("ledger: %w", err)
	}
	for _, l := range legs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_postings (txn_id, account, amount, currency) VALUES ($1, $2, $3, $4)`,
			id, l.Account, int64(l.Amount.Amount), l.Amount.Currency); err != nil {
			return "", false, fmt.Errorf("ledger: %w", err)
		}
	}
	return id, true, nil
}

func balance(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, account, currency string) (money.Money, error) {
	var a int64
	err := q.QueryRowContext(ctx, `SELECT coalesce(sum(amount), 0) FROM ledger_postings WHERE account = $1 AND currency = $2`, account, currency).Scan(&a)
	return money.Money{Amount: money.Amount(a), Currency: currency}, err
}

// CreateCampaign validates and stores a campaign and funds its budget.
func (db *DB) CreateCampaign(ctx context.Context, c vitrine.Campaign) (vitrine.Campaign, error) {
	switch {
	case strings.TrimSpace(c.Name) == "" || len(c.Name) > 200:
		return c, vitrine.Errorf(vitrine.EINVALID, "name is required (at most 200 bytes)")
	case !money.IsCurrency(c.Reward.Currency) || c.Reward.Amount <= 0:
		return c, vitrine.Errorf(vitrine.EINVALID, "reward must be a positive amount in an ISO 4217 currency")
	case c.Budget.Currency != c.Reward.Currency || c.Budget.Amount < c.Reward.Amount:
		return c, vitrine.Errorf(vitrine.EINVALID, "budget must be in the reward's currency and cover at least one reward")
	case !c.EndsAt.After(c.StartsAt):
		return c, vitrine.Errorf(vitrine.EINVALID, "ends_at must be after starts_at")
	case c.MinActiveDays < 1 || c.MinActiveDays > 365:
		return c, vitrine.Errorf(vitrine.EINVALID, "min_active_days must be 1..365")
	case c.MinPageViews < 0 || c.MinPageViews > 100000:
		return c, vitrine.Errorf(vitrine.EINVALID, "min_page_views must be 0..100000")
	}
	now := db.Now().UTC().Truncate(time.Millisecond)
	c.ID, c.CreatedAt = ids.New("cmp"), now
	c.StartsAt, c.EndsAt = c.StartsAt.UTC().Truncate(time.Millisecond), c.EndsAt.UTC().Truncate(time.Millisecond)
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return c, fmt.Errorf("create campaign: %w", err)
	}
	defer tx.Rollback()
	nio := 0
	if c.NewInstallsOnly {
		nio = 1
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO campaigns (id, name, reward_amount, reward_currency, budget_amount, starts_at, ends_at, new_installs_only, min_active_days, min_page_views, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		c.ID, c.Name, int64(c.Reward.Amount), c.Reward.Currency, int64(c.Budget.Amount), ms(c.StartsAt), ms(c.EndsAt), nio, c.MinActiveDays, c.MinPageViews, ms(now)); err != nil {
		return c, fmt.Errorf("create campaign: %w", err)
	}
	neg := c.Budget
	neg.Amount = -neg.Amount
	if _, _, err := post(ctx, tx, "fund:"+c.ID, "fund", now,
		vitrine.Posting{Account: vitrine.AccountFunding, Amount: neg},
		vitrine.Posting{Account: vitrine.CampaignAccount(c.ID), Amount: c.Budget}); err != nil {
		return c, err
	}
	return c, tx.Commit()
}

const selectCampaign = `SELECT id, name, reward_amount, reward_currency, budget_amount, starts_at, ends_at, new_installs_only, min_active_days, min_page_views, created_at FROM campaigns`

func scanCampaign(sc interface{ Scan(...any) error }) (vitrine.Campaign, error) {
	var c vitrine.Campaign
	var ra, ba, st, en, cr int64
	var nio int
	err := sc.Scan(&c.ID, &c.Name, &ra, &c.Reward.Currency, &ba, &st, &en, &nio, &c.MinActiveDays, &c.MinPageViews, &cr)
	c.Reward.Amount, c.Budget = money.Amount(ra), money.Money{Amount: money.Amount(ba), Currency: c.Reward.Currency}
	c.StartsAt, c.EndsAt, c.CreatedAt, c.NewInstallsOnly = fromMS(st), fromMS(en), fromMS(cr), nio == 1
	return c, err
}

// Campaigns lists campaigns, newest first.
func (db *DB) Campaigns(ctx context.Context) ([]vitrine.Campaign, error) {
	rows, err := db.r.QueryContext(ctx, selectCampaign+` ORDER BY starts_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	defer rows.Close()
	out := []vitrine.Campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("list campaigns: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ActiveCampaign returns the campaign running at t that started last.
func (db *DB) ActiveCampaign(ctx context.Context, t time.Time) (vitrine.Campaign, error) {
	c, err := scanCampaign(db.r.QueryRowContext(ctx, selectCampaign+` WHERE starts_at <= $1 AND ends_at > $1 ORDER BY starts_at DESC, id LIMIT 1`, ms(t)))
	if errors.Is(err, sql.ErrNoRows) {
		return c, vitrine.Errorf(vitrine.ENOTFOUND, "no campaign is running")
	}
	if err != nil {
		return c, fmt.Errorf("read campaign: %w", err)
	}
	return c, nil
}

// IssueLinkCode makes a one-time link code; only its hash is stored.
func (db *DB) IssueLinkCode(ctx context.Context, storeAccountID string, ttl time.Duration) (string, error) {
	if strings.TrimSpace(storeAccountID) == "" || len(storeAccountID) > 100 {
		return "", vitrine.Errorf(vitrine.EINVALID, "store_account_id is required (at most 100 bytes)")
	}
	if ttl <= 0 || ttl > 24*time.Hour {
		return "", vitrine.Errorf(vitrine.EINVALID, "a link code lives between 1 second and 24 hours")
	}
	code := linkCode()
	_, err := db.w.ExecContext(ctx, `INSERT INTO link_codes (code_hash, store_account_id, expires_at) VALUES ($1, $2, $3)`,
		ids.HashToken(normalizeCode(code)), storeAccountID, ms(db.Now().Add(ttl)))
	if err != nil {
		return "", fmt.Errorf("issue link code: %w", err)
	}
	return code, nil
}

// linkCode returns a code a person can type: 12 characters from an alphabet
// without look-alikes, in groups of four (about 60 bits).
func linkCode() string {
	const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	t := ids.Token()
	var b strings.Builder
	for i := 0; i < 12; i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(alphabet[int(t[i])%len(alphabet)])
	}
	return b.String()
}

func normalizeCode(s string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
}

// LinkInstall consumes a link code.
func (db *DB) LinkInstall(ctx context.Context, installID, code string) (string, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("link install: %w", err)
	}
	defer tx.Rollback()
	var account string
	var expires int64
	var used sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT store_account_id, expires_at, used_at FROM link_codes WHERE code_hash = $1`, ids.HashToken(normalizeCode(code))).Scan(&account, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return "", vitrine.Errorf(vitrine.EINVALID, "this link code is not valid: check it, or ask the store for a new one")
	}
	if err != nil {
		return "", fmt.Errorf("link install: %w", err)
	}
	now := db.Now()
	if used.Valid {
		return "", vitrine.Errorf(vitrine.EINVALID, "this link code was already used: ask the store for a new one")
	}
	if ms(now) >= expires {
		return "", vitrine.Errorf(vitrine.EINVALID, "this link code has expired: ask the store for a new one")
	}
	var cur string
	err = tx.QueryRowContext(ctx, `SELECT store_account_id FROM install_accounts WHERE install_id = $1`, installID).Scan(&cur)
	if err == nil && cur != account {
		return "", vitrine.Errorf(vitrine.ECONFLICT, "this install is already linked to another store account")
	}
	res, err := tx.ExecContext(ctx, `UPDATE link_codes SET used_at = $1, used_by = $2 WHERE code_hash = $3 AND used_at IS NULL`, ms(now), installID, ids.HashToken(normalizeCode(code)))
	if err != nil {
		return "", fmt.Errorf("link install: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", vitrine.Errorf(vitrine.EINVALID, "this link code was already used: ask the store for a new one")
	}
	if cur == "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO install_accounts (install_id, store_account_id, linked_at) VALUES ($1, $2, $3)`, installID, account, ms(now)); err != nil {
			return "", fmt.Errorf("link install: %w", err)
		}
	}
	return account, tx.Commit()
}

// LinkedAccount returns the store account of an install, or ENOTFOUND.
func (db *DB) LinkedAccount(ctx context.Context, installID string) (string, error) {
	var a string
	err := db.r.QueryRowContext(ctx, `SELECT store_account_id FROM install_accounts WHERE install_id = $1`, installID).Scan(&a)
	if errors.Is(err, sql.ErrNoRows) {
		return "", vitrine.Errorf(vitrine.ENOTFOUND, "this install is not linked to a store account")
	}
	return a, err
}

// EvaluateReward applies the active campaign's rule to an install.
func (db *DB) EvaluateReward(ctx context.Context, installID string, now time.Time) (*vitrine.Reward, vitrine.RewardProgress, error) {
	var prog vitrine.RewardProgress
	c, err := db.ActiveCampaign(ctx, now)
	if vitrine.ErrorCode(err) == vitrine.ENOTFOUND {
		// A reward from a campaign that has ended stays visible.
		r, err := db.rewardOfInstall(ctx, db.r, "", installID)
		if err != nil || r == nil {
			prog.Reason = "no campaign is running"
			return nil, prog, err
		}
		prog.Earned, prog.Reward, prog.CampaignID = true, r, r.CampaignID
		return r, prog, nil
	}
	if err != nil {
		return nil, prog, err
	}
	prog.CampaignID, prog.NeededDays = c.ID, c.MinActiveDays
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, prog, fmt.Errorf("evaluate reward: %w", err)
	}
	defer tx.Rollback()
	if db.Dialect == Postgres {
		// Grants of one campaign are serialised: the budget check and the
		// uniqueness checks below see every earlier grant.
		if _, err := tx.ExecContext(ctx, `SELECT id FROM campaigns WHERE id = $1 FOR UPDATE`, c.ID); err != nil {
			return nil, prog, fmt.Errorf("evaluate reward: %w", err)
		}
	}
	if r, err := db.rewardOfInstall(ctx, tx, c.ID, installID); err != nil || r != nil {
		prog.Earned, prog.Reward, prog.Eligible = r != nil, r, r != nil
		return r, prog, err
	}
	var created int64
	if err := tx.QueryRowContext(ctx, `SELECT created_at FROM installs WHERE id = $1`, installID).Scan(&created); err != nil {
		return nil, prog, fmt.Errorf("evaluate reward: %w", err)
	}
	if c.NewInstallsOnly && created < ms(c.StartsAt) {
		prog.Reason = "this campaign is for installs made after it started"
		return nil, prog, nil
	}
	var account string
	if err := tx.QueryRowContext(ctx, `SELECT store_account_id FROM install_accounts WHERE install_id = $1`, installID).Scan(&account); errors.Is(err, sql.ErrNoRows) {
		prog.Reason = "link this install to your store account first"
	} else if err != nil {
		return nil, prog, fmt.Errorf("evaluate reward: %w", err)
	}
	var taken int
	if account != "" {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM rewards WHERE campaign_id = $1 AND store_account_id = $2`, c.ID, account).Scan(&taken); err != nil {
			return nil, prog, fmt.Errorf("evaluate reward: %w", err)
		}
		if taken > 0 {
			prog.Reason = "this store account already received this campaign's reward"
			return nil, prog, nil
		}
	}
	// Active days: distinct UTC days, by server receipt time, with at least
	// MinPageViews page views, since the campaign started.
	rows, err := tx.QueryContext(ctx, `SELECT received_at / 86400000 AS day, count(*) FROM events
		WHERE install_id = $1 AND type = 'page_view' AND received_at >= $2 AND received_at < $3
		GROUP BY received_at / 86400000`, installID, ms(c.StartsAt), ms(c.EndsAt))
	if err != nil {
		return nil, prog, fmt.Errorf("evaluate reward: count active days: %w", err)
	}
	for rows.Next() {
		var day, n int64
		if err := rows.Scan(&day, &n); err != nil {
			rows.Close()
			return nil, prog, fmt.Errorf("evaluate reward: %w", err)
		}
		if n >= int64(max(c.MinPageViews, 1)) {
			prog.ActiveDays++
		}
	}
	rows.Close()
	if account == "" {
		return nil, prog, nil
	}
	if prog.ActiveDays < c.MinActiveDays {
		prog.Reason = fmt.Sprintf("%d of %d active days so far", prog.ActiveDays, c.MinActiveDays)
		return nil, prog, nil
	}
	left, err := balance(ctx, tx, vitrine.CampaignAccount(c.ID), c.Reward.Currency)
	if err != nil {
		return nil, prog, fmt.Errorf("evaluate reward: %w", err)
	}
	if left.Amount < c.Reward.Amount {
		prog.Reason = "this campaign's budget is spent"
		return nil, prog, nil
	}
	at := now.UTC().Truncate(time.Millisecond)
	neg := c.Reward
	neg.Amount = -neg.Amount
	txn, _, err := post(ctx, tx, "reward:"+c.ID+":"+account, "reward", at,
		vitrine.Posting{Account: vitrine.CampaignAccount(c.ID), Amount: neg},
		vitrine.Posting{Account: vitrine.ShopperAccount(account), Amount: c.Reward})
	if err != nil {
		return nil, prog, err
	}
	r := &vitrine.Reward{ID: ids.New("rwd"), CampaignID: c.ID, StoreAccountID: account, InstallID: installID, Amount: c.Reward, GrantedAt: at}
	if _, err := tx.ExecContext(ctx, `INSERT INTO rewards (id, campaign_id, store_account_id, install_id, amount, currency, txn_id, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		r.ID, c.ID, account, installID, int64(c.Reward.Amount), c.Reward.Currency, txn, ms(at)); err != nil {
		if isUnique(err) {
			prog.Reason = "already rewarded"
			return nil, prog, nil
		}
		return nil, prog, fmt.Errorf("evaluate reward: %w", err)
	}
	if err := tx.Commit(); err != nil {
		if isUnique(err) {
			prog.Reason = "already rewarded"
			return nil, prog, nil
		}
		return nil, prog, fmt.Errorf("evaluate reward: %w", err)
	}
	prog.Eligible, prog.Earned, prog.Reward, prog.Reason = true, true, r, ""
	return r, prog, nil
}

func (db *DB) rewardOfInstall(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, campaignID, installID string) (*vitrine.Reward, error) {
	var r vitrine.Reward
	var amount, at int64
	query := `SELECT id, campaign_id, store_account_id, amount, currency, granted_at FROM rewards WHERE install_id = $1 AND ($2 = '' OR campaign_id = $2) ORDER BY granted_at DESC LIMIT 1`
	err := q.QueryRowContext(ctx, query, installID, campaignID).Scan(&r.ID, &r.CampaignID, &r.StoreAccountID, &amount, &r.Amount.Currency, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read reward: %w", err)
	}
	r.InstallID, r.Amount.Amount, r.GrantedAt = installID, money.Amount(amount), fromMS(at)
	return &r, nil
}

// Balance sums an account's postings (in its single currency).
func (db *DB) Balance(ctx context.Context, account string) (money.Money, error) {
	var cur string
	err := db.r.QueryRowContext(ctx, `SELECT currency FROM ledger_postings WHERE account = $1 LIMIT 1`, account).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return money.Money{Currency: "USD"}, nil
	}
	if err != nil {
		return money.Money{}, fmt.Errorf("read balance: %w", err)
	}
	return balance(ctx, db.r, account, cur)
}

// Redeem turns a store account's whole balance into a store-credit code.
// The same idempotency key returns the same redemption.
func (db *DB) Redeem(ctx context.Context, storeAccountID, key string) (vitrine.Redemption, error) {
	var r vitrine.Redemption
	if key == "" || len(key) > 100 {
		return r, vitrine.Errorf(vitrine.EINVALID, "an idempotency key of 1..100 bytes is required")
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return r, fmt.Errorf("redeem: %w", err)
	}
	defer tx.Rollback()
	var amount, at int64
	err = tx.QueryRowContext(ctx, `SELECT id, amount, currency, code, created_at FROM redemptions WHERE idempotency_key = $1 AND store_account_id = $2`, key, storeAccountID).
		Scan(&r.ID, &amount, &r.Amount.Currency, &r.Code, &at)
	if err == nil {
		r.StoreAccountID, r.Amount.Amount, r.CreatedAt = storeAccountID, money.Amount(amount), fromMS(at)
		return r, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("redeem: %w", err)
	}
	if db.Dialect == Postgres {
		// Serialise redemptions of one account.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "redeem:"+storeAccountID); err != nil {
			return r, fmt.Errorf("redeem: %w", err)
		}
	}
	var cur string
	if err := tx.QueryRowContext(ctx, `SELECT currency FROM ledger_postings WHERE account = $1 LIMIT 1`, vitrine.ShopperAccount(storeAccountID)).Scan(&cur); errors.Is(err, sql.ErrNoRows) {
		return r, vitrine.Errorf(vitrine.ECONFLICT, "nothing to redeem: the balance is zero")
	} else if err != nil {
		return r, fmt.Errorf("redeem: %w", err)
	}
	bal, err := balance(ctx, tx, vitrine.ShopperAccount(storeAccountID), cur)
	if err != nil {
		return r, fmt.Errorf("redeem: %w", err)
	}
	if bal.Amount <= 0 {
		return r, vitrine.Errorf(vitrine.ECONFLICT, "nothing to redeem: the balance is zero")
	}
	now := db.Now().UTC().Truncate(time.Millisecond)
	neg := bal
	neg.Amount = -neg.Amount
	txn, _, err := post(ctx, tx, "redeem:"+storeAccountID+":"+key, "redeem", now,
		vitrine.Posting{Account: vitrine.ShopperAccount(storeAccountID), Amount: neg},
		vitrine.Posting{Account: vitrine.AccountRedeemed, Amount: bal})
	if err != nil {
		return r, err
	}
	r = vitrine.Redemption{ID: ids.New("rdm"), StoreAccountID: storeAccountID, Amount: bal, Code: "VTR-" + linkCode(), CreatedAt: now}
	if _, err := tx.ExecContext(ctx, `INSERT INTO redemptions (id, store_account_id, amount, currency, code, idempotency_key, txn_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		r.ID, storeAccountID, int64(bal.Amount), bal.Currency, r.Code, key, txn, ms(now)); err != nil {
		return r, fmt.Errorf("redeem: %w", err)
	}
	return r, tx.Commit()
}

// TrialBalance sums all postings per currency.
func (db *DB) TrialBalance(ctx context.Context) (map[string]money.Amount, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT currency, sum(amount) FROM ledger_postings GROUP BY currency`)
	if err != nil {
		return nil, fmt.Errorf("trial balance: %w", err)
	}
	defer rows.Close()
	out := map[string]money.Amount{}
	for rows.Next() {
		var c string
		var s int64
		if err := rows.Scan(&c, &s); err != nil {
			return nil, err
		}
		out[c] = money.Amount(s)
	}
	return out, rows.Err()
}
