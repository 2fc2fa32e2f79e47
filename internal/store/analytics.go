package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
)

// Rollup levels: hours and days are Unix milliseconds divided by these.
const (
	HourMS = int64(time.Hour / time.Millisecond)
	DayMS  = 24 * HourMS
	// WeekOffsetHours shifts hours so that weeks start on Monday 00:00 UTC
	// (the Unix epoch was a Thursday): week = (hour + WeekOffsetHours) / 168.
	WeekOffsetHours = 72
)

// RollupRow is one aggregate row: events of a type on a site in one hour
// or day, and the distinct installs that sent them.
type RollupRow struct {
	Bucket   int64  `json:"bucket"` // hour or day number
	Domain   string `json:"domain"`
	Type     string `json:"type"`
	Events   int64  `json:"events"`
	Installs int64  `json:"installs"`
}

// RollupStats says what one rollup pass did.
type RollupStats struct {
	Rows      int   // (hour, site, type, install) rows added to
	Hours     int   // hours recomputed
	Days      int   // days recomputed
	Watermark int64 // events received at or before it are rolled up
	// MinHour is the earliest hour the pass touched (-1 when none): late
	// or back-filled events touch hours long past.
	MinHour int64
}

// RollupOnce folds the events received after the watermark and at or
// before upto into the rollups: it adds them to rollup_installs, then
// recomputes rollup_hourly and rollup_daily for the hours and days they
// touched, and moves the watermark to upto, all in one transaction. upto
// should lag the clock (by a minute or two) so that events still queued for
// a group commit, whose received_at is already set, are not skipped.
func (db *DB) RollupOnce(ctx context.Context, upto time.Time) (RollupStats, error) {
	st := RollupStats{MinHour: -1}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return st, fmt.Errorf("rollup: %w", err)
	}
	defer tx.Rollback()
	var wm int64
	if err := tx.QueryRowContext(ctx, `SELECT watermark FROM rollup_state WHERE id = 1`).Scan(&wm); err != nil {
		return st, fmt.Errorf("rollup: %w", err)
	}
	to := ms(upto)
	st.Watermark = wm
	if to <= wm {
		return st, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT occurred_at / 3600000, domain, type, install_id, count(*) FROM events
		WHERE received_at > $1 AND received_at <= $2 GROUP BY occurred_at / 3600000, domain, type, install_id`, wm, to)
	if err != nil {
		return st, fmt.Errorf("rollup: read events: %w", err)
	}
	var adds [][]any
	hours := map[int64]bool{}
	for rows.Next() {
		var h, n int64
		var d, t, in string
		if err := rows.Scan(&h, &d, &t, &in, &n); err != nil {
			rows.Close()
			return st, fmt.Errorf("rollup: read events: %w", err)
		}
		adds = append(adds, []any{h, d, t, in, n})
		hours[h] = true
		if st.MinHour < 0 || h < st.MinHour {
			st.MinHour = h
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("rollup: read events: %w", err)
	}
	if err := db.addInstallRows(ctx, tx, adds); err != nil {
		return st, err
	}
	st.Rows = len(adds)
	st.Hours, st.Days, err = db.recomputeHours(ctx, tx, hours)
	if err != nil {
		return st, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rollup_state SET watermark = $1 WHERE id = 1`, to); err != nil {
		return st, fmt.Errorf("rollup: %w", err)
	}
	st.Watermark = to
	return st, tx.Commit()
}

// addInstallRows adds event counts to rollup_installs (hour, domain, type,
// install_id, events), in multi-row upserts.
func (db *DB) addInstallRows(ctx context.Context, tx *sql.Tx, adds [][]any) error {
	const per = 400
	for start := 0; start < len(adds); start += per {
		end := min(start+per, len(adds))
		var b strings.Builder
		b.WriteString(`INSERT INTO rollup_installs (hour, domain, type, install_id, events) VALUES `)
		args := make([]any, 0, (end-start)*5)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(db.Dialect, len(args)+1, 5) + ")")
			args = append(args, adds[i]...)
		}
		b.WriteString(` ON CONFLICT (hour, domain, type, install_id) DO UPDATE SET events = rollup_installs.events + excluded.events`)
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("rollup: write: %w", err)
		}
	}
	return nil
}

// recomputeHours rebuilds rollup_hourly for the hours and rollup_daily for
// their days from rollup_installs.
func (db *DB) recomputeHours(ctx context.Context, tx *sql.Tx, hours map[int64]bool) (int, int, error) {
	days := map[int64]bool{}
	for h := range hours {
		days[h/24] = true
		if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_hourly WHERE hour = $1`, h); err != nil {
			return 0, 0, fmt.Errorf("rollup: hourly: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rollup_hourly (hour, domain, type, events, installs)
			SELECT hour, domain, type, sum(events), count(*) FROM rollup_installs WHERE hour = $1 GROUP BY hour, domain, type`, h); err != nil {
			return 0, 0, fmt.Errorf("rollup: hourly: %w", err)
		}
	}
	for d := range days {
		if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_daily WHERE day = $1`, d); err != nil {
			return 0, 0, fmt.Errorf("rollup: daily: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rollup_daily (day, domain, type, events, installs)
			SELECT CAST($1 AS BIGINT), domain, type, sum(events), count(DISTINCT install_id) FROM rollup_installs
			WHERE hour >= $2 AND hour < $3 GROUP BY domain, type`, d, d*24, d*24+24); err != nil {
			return 0, 0, fmt.Errorf("rollup: daily: %w", err)
		}
	}
	return len(hours), len(days), nil
}

// RecomputeInstallRollups rebuilds one install's rollup rows from its raw
// events that remain (up to the watermark; later ones are folded in by the
// next RollupOnce), then the hourly and daily rows of every hour the
// install had rows in, before or after. Call it after deleting some or all
// of an install's events: the aggregates then no longer count what was
// deleted. It returns the number of hours recomputed.
func (db *DB) RecomputeInstallRollups(ctx context.Context, installID string) (int64, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("recompute rollups: %w", err)
	}
	defer tx.Rollback()
	n, err := db.recomputeInstall(ctx, tx, installID)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

func (db *DB) recomputeInstall(ctx context.Context, tx *sql.Tx, installID string) (int64, error) {
	var wm int64
	if err := tx.QueryRowContext(ctx, `SELECT watermark FROM rollup_state WHERE id = 1`).Scan(&wm); err != nil {
		return 0, fmt.Errorf("recompute rollups: %w", err)
	}
	hours := map[int64]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT hour FROM rollup_installs WHERE install_id = $1`, installID)
	if err != nil {
		return 0, fmt.Errorf("recompute rollups: %w", err)
	}
	for rows.Next() {
		var h int64
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return 0, fmt.Errorf("recompute rollups: %w", err)
		}
		hours[h] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("recompute rollups: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_installs WHERE install_id = $1`, installID); err != nil {
		return 0, fmt.Errorf("recompute rollups: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT occurred_at / 3600000, domain, type, install_id, count(*) FROM events
		WHERE install_id = $1 AND received_at <= $2 GROUP BY occurred_at / 3600000, domain, type, install_id`, installID, wm)
	if err != nil {
		return 0, fmt.Errorf("recompute rollups: %w", err)
	}
	var adds [][]any
	for rows.Next() {
		var h, n int64
		var d, t, in string
		if err := rows.Scan(&h, &d, &t, &in, &n); err != nil {
			rows.Close()
			return 0, fmt.Errorf("recompute rollups: %w", err)
		}
		adds = append(adds, []any{h, d, t, in, n})
		hours[h] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("recompute rollups: %w", err)
	}
	if err := db.addInstallRows(ctx, tx, adds); err != nil {
		return 0, err
	}
	if _, _, err := db.recomputeHours(ctx, tx, hours); err != nil {
		return 0, err
	}
	return int64(len(hours)), nil
}

// ForgetInstallAnalytics removes an install from analytics after all its
// events were deleted: its experiment exposures are deleted, its orders
// keep the store's record but lose the link to the install, and its rollup
// rows are rebuilt from what remains (nothing, after a full deletion).
// It returns the number of rows changed.
func (db *DB) ForgetInstallAnalytics(ctx context.Context, installID string) (int64, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("forget install: %w", err)
	}
	defer tx.Rollback()
	var total int64
	for _, q := range []string{
		`DELETE FROM experiment_exposures WHERE install_id = $1`,
		`UPDATE orders SET install_id = '' WHERE install_id = $1`,
	} {
		res, err := tx.ExecContext(ctx, q, installID)
		if err != nil {
			return 0, fmt.Errorf("forget install: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	n, err := db.recomputeInstall(ctx, tx, installID)
	if err != nil {
		return 0, err
	}
	return total + n, tx.Commit()
}

// PruneRollupInstalls deletes per-install rollup rows of hours before a
// time (retention: the aggregate rows are kept).
func (db *DB) PruneRollupInstalls(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, `DELETE FROM rollup_installs WHERE hour < $1`, ms(before)/HourMS)
	if err != nil {
		return 0, fmt.Errorf("prune rollups: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// PruneSmallAggregates deletes hourly and daily aggregate rows older than
// `before` that count fewer than k distinct installs. Once the raw events
// and the per-install rows of a period are gone, only what the k-anonymity
// rule allows to be shown is kept for it.
func (db *DB) PruneSmallAggregates(ctx context.Context, before time.Time, k int) (int64, error) {
	var total int64
	for _, q := range []struct {
		sql  string
		unit int64
	}{
		{`DELETE FROM rollup_hourly WHERE hour < $1 AND installs < $2`, HourMS},
		{`DELETE FROM rollup_daily WHERE day < $1 AND installs < $2`, DayMS},
	} {
		res, err := db.w.ExecContext(ctx, q.sql, ms(before)/q.unit, k)
		if err != nil {
			return total, fmt.Errorf("prune aggregates: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// HourlyRollups returns rollup_hourly rows of hours in [from, to).
func (db *DB) HourlyRollups(ctx context.Context, from, to time.Time) ([]RollupRow, error) {
	return db.rollupRows(ctx, `SELECT hour, domain, type, events, installs FROM rollup_hourly WHERE hour >= $1 AND hour < $2 ORDER BY hour, domain, type`,
		ms(from)/HourMS, (ms(to)+HourMS-1)/HourMS)
}

// DailyRollups returns rollup_daily rows of days in [from, to).
func (db *DB) DailyRollups(ctx context.Context, from, to time.Time) ([]RollupRow, error) {
	return db.rollupRows(ctx, `SELECT day, domain, type, events, installs FROM rollup_daily WHERE day >= $1 AND day < $2 ORDER BY day, domain, type`,
		ms(from)/DayMS, (ms(to)+DayMS-1)/DayMS)
}

func (db *DB) rollupRows(ctx context.Context, q string, args ...any) ([]RollupRow, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read rollups: %w", err)
	}
	defer rows.Close()
	out := []RollupRow{}
	for rows.Next() {
		var r RollupRow
		if err := rows.Scan(&r.Bucket, &r.Domain, &r.Type, &r.Events, &r.Installs); err != nil {
			return nil, fmt.Errorf("read rollups: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DomainTotals returns, per site, the events and the exact number of
// distinct installs over the hours in [from, to), from rollup_installs.
func (db *DB) DomainTotals(ctx context.Context, from, to time.Time) ([]RollupRow, error) {
	return db.rollupRows(ctx, `SELECT 0, domain, '', sum(events), count(DISTINCT install_id) FROM rollup_installs
		WHERE hour >= $1 AND hour < $2 GROUP BY domain ORDER BY sum(events) DESC, domain`, ms(from)/HourMS, (ms(to)+HourMS-1)/HourMS)
}

// InstallWeek is an install active in a week (weeks start Monday, UTC).
type InstallWeek struct {
	InstallID string
	Week      int64
}

// ActiveWeeks lists the weeks in which each install sent events, from the
// rollups (so it outlives raw event retention).
func (db *DB) ActiveWeeks(ctx context.Context) ([]InstallWeek, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT DISTINCT install_id, (hour + 72) / 168 FROM rollup_installs`)
	if err != nil {
		return nil, fmt.Errorf("active weeks: %w", err)
	}
	defer rows.Close()
	var out []InstallWeek
	for rows.Next() {
		var w InstallWeek
		if err := rows.Scan(&w.InstallID, &w.Week); err != nil {
			return nil, fmt.Errorf("active weeks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// FirstConsents returns, per install, the time of its first consent grant.
func (db *DB) FirstConsents(ctx context.Context) (map[string]time.Time, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT install_id, min(at) FROM consent_records WHERE action = 'grant' GROUP BY install_id`)
	if err != nil {
		return nil, fmt.Errorf("first consents: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var in string
		var at int64
		if err := rows.Scan(&in, &at); err != nil {
			return nil, fmt.Errorf("first consents: %w", err)
		}
		out[in] = fromMS(at)
	}
	return out, rows.Err()
}

// ScanEvents calls fn for every event that occurred in [from, to) whose
// type is one of types (all types when empty), by install then time.
func (db *DB) ScanEvents(ctx context.Context, from, to time.Time, types []vitrine.EventType, fn func(e *vitrine.Event) error) error {
	q := `SELECT id, install_id, type, scope, occurred_at, received_at, domain, payload FROM events WHERE occurred_at >= $1 AND occurred_at < $2`
	args := []any{ms(from), ms(to)}
	if len(types) > 0 {
		var ph []string
		for _, t := range types {
			args = append(args, string(t))
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		q += ` AND type IN (` + strings.Join(ph, ", ") + `)`
	}
	q += ` ORDER BY install_id, occurred_at, id`
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("scan events: %w", err)
	}
	defer rows.Close()
	var e vitrine.Event
	for rows.Next() {
		var typ, scope, payload string
		var occ, rec int64
		if err := rows.Scan(&e.ID, &e.InstallID, &typ, &scope, &occ, &rec, &e.Domain, &payload); err != nil {
			return fmt.Errorf("scan events: %w", err)
		}
		e.Type, e.Scope, e.OccurredAt, e.ReceivedAt, e.Payload = vitrine.EventType(typ), vitrine.Scope(scope), fromMS(occ), fromMS(rec), json.RawMessage(payload)
		if err := fn(&e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Order is a purchase reported by the store.
type Order struct {
	ID             string      `json:"order_id"`
	StoreAccountID string      `json:"store_account_id,omitempty"`
	InstallID      string      `json:"install_id,omitempty"`
	ProductID      string      `json:"product_id"`
	Amount         money.Money `json:"amount"`
	OrderedAt      time.Time   `json:"ordered_at"`
	ReceivedAt     time.Time   `json:"received_at"`
}

// InsertOrder stores an order; an order id already stored is left as it
// was and reported with inserted false (the store may retry).
func (db *DB) InsertOrder(ctx context.Context, o Order) (bool, error) {
	switch {
	case strings.TrimSpace(o.ID) == "" || len(o.ID) > 200:
		return false, vitrine.Errorf(vitrine.EINVALID, "order_id is required (at most 200 bytes)")
	case o.StoreAccountID == "" && o.InstallID == "":
		return false, vitrine.Errorf(vitrine.EINVALID, "store_account_id or install_id is required")
	case len(o.StoreAccountID) > 200 || len(o.InstallID) > 200:
		return false, vitrine.Errorf(vitrine.EINVALID, "store_account_id and install_id are at most 200 bytes")
	case strings.TrimSpace(o.ProductID) == "" || len(o.ProductID) > 200:
		return false, vitrine.Errorf(vitrine.EINVALID, "product_id is required (at most 200 bytes)")
	case !money.IsCurrency(o.Amount.Currency) || o.Amount.Amount < 0:
		return false, vitrine.Errorf(vitrine.EINVALID, `amount must be a non-negative amount with an ISO 4217 currency, like {"amount":"19.99","currency":"USD"}`)
	case o.OrderedAt.IsZero():
		return false, vitrine.Errorf(vitrine.EINVALID, "ordered_at is required (RFC 3339)")
	}
	res, err := db.w.ExecContext(ctx, `INSERT INTO orders (id, store_account_id, install_id, product_id, amount, currency, ordered_at, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
		o.ID, o.StoreAccountID, o.InstallID, o.ProductID, int64(o.Amount.Amount), o.Amount.Currency, ms(o.OrderedAt), ms(o.ReceivedAt))
	if err != nil {
		return false, fmt.Errorf("insert order: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Orders returns the orders placed in [from, to), oldest first.
func (db *DB) Orders(ctx context.Context, from, to time.Time) ([]Order, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, store_account_id, install_id, product_id, amount, currency, ordered_at, received_at
		FROM orders WHERE ordered_at >= $1 AND ordered_at < $2 ORDER BY ordered_at, id`, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("orders: %w", err)
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		var o Order
		var amount, at, rec int64
		if err := rows.Scan(&o.ID, &o.StoreAccountID, &o.InstallID, &o.ProductID, &amount, &o.Amount.Currency, &at, &rec); err != nil {
			return nil, fmt.Errorf("orders: %w", err)
		}
		o.Amount.Amount, o.OrderedAt, o.ReceivedAt = money.Amount(amount), fromMS(at), fromMS(rec)
		out = append(out, o)
	}
	return out, rows.Err()
}

// AccountInstalls maps each store account to its linked installs.
func (db *DB) AccountInstalls(ctx context.Context) (map[string][]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT store_account_id, install_id FROM install_accounts ORDER BY store_account_id, install_id`)
	if err != nil {
		return nil, fmt.Errorf("account installs: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var a, in string
		if err := rows.Scan(&a, &in); err != nil {
			return nil, fmt.Errorf("account installs: %w", err)
		}
		out[a] = append(out[a], in)
	}
	return out, rows.Err()
}

// Exposure is one display of a comparison bar in an experiment's variant.
type Exposure struct {
	ID         string    `json:"id"`
	InstallID  string    `json:"-"`
	Experiment string    `json:"experiment"`
	Variant    string    `json:"variant"`
	ProductID  string    `json:"product_id,omitempty"`
	Domain     string    `json:"domain,omitempty"`
	OccurredAt time.Time `json:"ts"`
	ReceivedAt time.Time `json:"received_at"`
}

// InsertExposures stores exposures, deduplicated by id; it returns how
// many were new.
func (db *DB) InsertExposures(ctx context.Context, xs []Exposure) (int, error) {
	if len(xs) == 0 {
		return 0, nil
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("insert exposures: %w", err)
	}
	defer tx.Rollback()
	n := 0
	for _, x := range xs {
		res, err := tx.ExecContext(ctx, `INSERT INTO experiment_exposures (id, install_id, experiment, variant, product_id, domain, occurred_at, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
			x.ID, x.InstallID, x.Experiment, x.Variant, x.ProductID, x.Domain, ms(x.OccurredAt), ms(x.ReceivedAt))
		if err != nil {
			return 0, fmt.Errorf("insert exposures: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 1 {
			n++
		}
	}
	return n, tx.Commit()
}

// Exposures returns the exposures of an experiment in [from, to), by install then time.
func (db *DB) Exposures(ctx context.Context, experiment string, from, to time.Time) ([]Exposure, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, install_id, experiment, variant, product_id, domain, occurred_at, received_at
		FROM experiment_exposures WHERE experiment = $1 AND occurred_at >= $2 AND occurred_at < $3 ORDER BY install_id, occurred_at, id`,
		experiment, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("exposures: %w", err)
	}
	defer rows.Close()
	var out []Exposure
	for rows.Next() {
		var x Exposure
		var at, rec int64
		if err := rows.Scan(&x.ID, &x.InstallID, &x.Experiment, &x.Variant, &x.ProductID, &x.Domain, &at, &rec); err != nil {
			return nil, fmt.Errorf("exposures: %w", err)
		}
		x.OccurredAt, x.ReceivedAt = fromMS(at), fromMS(rec)
		out = append(out, x)
	}
	return out, rows.Err()
}

// CatalogKey is what analytics needs of a catalog product to match page
// facts to it and compare prices: identifiers, and the last effective price.
type CatalogKey struct {
	ID, Title, Link, Brand, GTIN, MPN string
	Price                             money.Money
}

// CatalogKeys returns every product's identifiers and current price.
func (db *DB) CatalogKeys(ctx context.Context) ([]CatalogKey, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, title, link, brand, gtin, mpn, last_amount, last_currency FROM products ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("catalog keys: %w", err)
	}
	defer rows.Close()
	var out []CatalogKey
	for rows.Next() {
		var k CatalogKey
		var amount int64
		if err := rows.Scan(&k.ID, &k.Title, &k.Link, &k.Brand, &k.GTIN, &k.MPN, &amount, &k.Price.Currency); err != nil {
			return nil, fmt.Errorf("catalog keys: %w", err)
		}
		k.Price.Amount = money.Amount(amount)
		out = append(out, k)
	}
	return out, rows.Err()
}

// DailyTotals returns, per day in [from, to), all events and the exact
// number of distinct installs that sent them (Bucket is the day number).
func (db *DB) DailyTotals(ctx context.Context, from, to time.Time) ([]RollupRow, error) {
	return db.rollupRows(ctx, `SELECT hour / 24, '', '', sum(events), count(DISTINCT install_id) FROM rollup_installs
		WHERE hour >= $1 AND hour < $2 GROUP BY hour / 24 ORDER BY hour / 24`, ms(from)/HourMS, (ms(to)+HourMS-1)/HourMS)
}
