package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/money"
)

var _ vitrine.ShopperStore = (*DB)(nil)

// CreateInstall registers an install; the token is returned once and only its hash is kept.
func (db *DB) CreateInstall(ctx context.Context, browser, version string) (vitrine.Install, string, error) {
	now := db.Now().UTC()
	in := vitrine.Install{ID: "ins_" + ids.UUIDv7(), Browser: browser, Version: version, CreatedAt: now.Truncate(time.Millisecond), LastSeenAt: now.Truncate(time.Millisecond)}
	token := ids.Token()
	d := vitrine.DefaultAlertSettings
	_, err := db.w.ExecContext(ctx, `INSERT INTO installs (id, token_hash, browser, version, min_drop_bp, daily_cap, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
		in.ID, ids.HashToken(token), browser, version, d.MinDropBasisPoints, d.DailyCap, ms(now))
	if err != nil {
		return in, "", fmt.Errorf("create install: %w", err)
	}
	return in, token, nil
}

// AuthenticateInstall finds the install of a token.
func (db *DB) AuthenticateInstall(ctx context.Context, token string) (vitrine.Install, error) {
	var in vitrine.Install
	var created, seen int64
	err := db.r.QueryRowContext(ctx, `SELECT id, browser, version, created_at, last_seen_at FROM installs WHERE token_hash = $1`, ids.HashToken(token)).
		Scan(&in.ID, &in.Browser, &in.Version, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return in, vitrine.Errorf(vitrine.EUNAUTHORIZED, "unknown or revoked install token")
	}
	if err != nil {
		return in, fmt.Errorf("authenticate install: %w", err)
	}
	in.CreatedAt, in.LastSeenAt = fromMS(created), fromMS(seen)
	return in, nil
}

// effectiveNow reads a product's title, link and effective price now.
func (db *DB) productNow(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, productID string) (vitrine.Item, money.Money, error) {
	it, err := scanItem(q.QueryRowContext(ctx, selectItem+` WHERE id = $1`, productID))
	if errors.Is(err, sql.ErrNoRows) {
		return it, money.Money{}, vitrine.Errorf(vitrine.ENOTFOUND, "product %q not found", productID)
	}
	if err != nil {
		return it, money.Money{}, fmt.Errorf("read product: %w", err)
	}
	return it, it.Offer.EffectivePrice(db.Now()), nil
}

// CreateWatch sets or replaces the install's watch on a product.
func (db *DB) CreateWatch(ctx context.Context, installID, productID string, target money.Money) (vitrine.Watch, error) {
	var w vitrine.Watch
	if target.Amount <= 0 {
		return w, vitrine.Errorf(vitrine.EINVALID, "target_price must be above zero")
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return w, fmt.Errorf("create watch: %w", err)
	}
	defer tx.Rollback()
	it, cur, err := db.productNow(ctx, tx, productID)
	if err != nil {
		return w, err
	}
	if target.Currency != cur.Currency {
		return w, vitrine.Errorf(vitrine.EINVALID, "target_price is in %s but the product is priced in %s", target.Currency, cur.Currency)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM watches WHERE install_id = $1 AND product_id <> $2`, installID, productID).Scan(&n); err != nil {
		return w, fmt.Errorf("create watch: %w", err)
	}
	if n >= vitrine.MaxWatchesPerInstall {
		return w, vitrine.Errorf(vitrine.ECONFLICT, "an install may watch at most %d products", vitrine.MaxWatchesPerInstall)
	}
	now := db.Now().UTC()
	w = vitrine.Watch{ID: ids.New("wat"), InstallID: installID, ProductID: productID, Title: it.Title, Link: it.Link,
		TargetPrice: target, BasePrice: cur, CurrentPrice: cur, CreatedAt: now.Truncate(time.Millisecond)}
	if _, err := tx.ExecContext(ctx, `DELETE FROM watches WHERE install_id = $1 AND product_id = $2`, installID, productID); err != nil {
		return w, fmt.Errorf("create watch: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO watches (id, install_id, product_id, target_amount, target_currency, base_amount, base_currency, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		w.ID, installID, productID, int64(target.Amount), target.Currency, int64(cur.Amount), cur.Currency, ms(now))
	if err != nil {
		return w, fmt.Errorf("create watch: %w", err)
	}
	return w, tx.Commit()
}

// Watches lists an install's watches with current prices, newest first.
func (db *DB) Watches(ctx context.Context, installID string) ([]vitrine.Watch, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, product_id, target_amount, target_currency, base_amount, base_currency, last_alert_amount, created_at
		FROM watches WHERE install_id = $1 ORDER BY created_at DESC, id`, installID)
	if err != nil {
		return nil, fmt.Errorf("list watches: %w", err)
	}
	var ws []vitrine.Watch
	for rows.Next() {
		var w vitrine.Watch
		var ta, ba int64
		var la sql.NullInt64
		var created int64
		if err := rows.Scan(&w.ID, &w.ProductID, &ta, &w.TargetPrice.Currency, &ba, &w.BasePrice.Currency, &la, &created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list watches: %w", err)
		}
		w.InstallID = installID
		w.TargetPrice.Amount, w.BasePrice.Amount, w.CreatedAt = money.Amount(ta), money.Amount(ba), fromMS(created)
		if la.Valid {
			w.LastAlert = &money.Money{Amount: money.Amount(la.Int64), Currency: w.TargetPrice.Currency}
		}
		ws = append(ws, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list watches: %w", err)
	}
	for i := range ws {
		it, cur, err := db.productNow(ctx, db.r, ws[i].ProductID)
		if err != nil {
			return nil, err
		}
		ws[i].Title, ws[i].Link, ws[i].CurrentPrice = it.Title, it.Link, cur
	}
	if ws == nil {
		ws = []vitrine.Watch{}
	}
	return ws, nil
}

// DeleteWatch removes one of the install's watches.
func (db *DB) DeleteWatch(ctx context.Context, installID, watchID string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM watches WHERE id = $1 AND install_id = $2`, watchID, installID)
	if err != nil {
		return fmt.Errorf("delete watch: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vitrine.Errorf(vitrine.ENOTFOUND, "watch %q not found", watchID)
	}
	return nil
}

// AlertSettings returns an install's noise controls.
func (db *DB) AlertSettings(ctx context.Context, installID string) (vitrine.AlertSettings, error) {
	var s vitrine.AlertSettings
	err := db.r.QueryRowContext(ctx, `SELECT min_drop_bp, daily_cap FROM installs WHERE id = $1`, installID).Scan(&s.MinDropBasisPoints, &s.DailyCap)
	if errors.Is(err, sql.ErrNoRows) {
		return s, vitrine.Errorf(vitrine.ENOTFOUND, "install not found")
	}
	return s, err
}

// SetAlertSettings changes an install's noise controls.
func (db *DB) SetAlertSettings(ctx context.Context, installID string, s vitrine.AlertSettings) error {
	if s.MinDropBasisPoints < 0 || s.MinDropBasisPoints > 9000 {
		return vitrine.Errorf(vitrine.EINVALID, "min_drop_percent must be between 0 and 90")
	}
	if s.DailyCap < 1 || s.DailyCap > 100 {
		return vitrine.Errorf(vitrine.EINVALID, "daily_cap must be between 1 and 100")
	}
	_, err := db.w.ExecContext(ctx, `UPDATE installs SET min_drop_bp = $1, daily_cap = $2 WHERE id = $3`, s.MinDropBasisPoints, s.DailyCap, installID)
	return err
}

// DeliverAlerts evaluates the install's watches now. A watch alerts when the
// effective price is at or below its target and at least the minimum drop
// below the last alerted price (or the price when the watch was set); at most
// DailyCap alerts are delivered per rolling 24 hours. Each alert is returned
// once: it is recorded, and the watch remembers the alerted price.
func (db *DB) DeliverAlerts(ctx context.Context, installID string) ([]vitrine.Alert, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("deliver alerts: %w", err)
	}
	defer tx.Rollback()
	if db.Dialect == Postgres {
		// One evaluation per install at a time, so the cap holds under concurrency.
		if _, err := tx.ExecContext(ctx, `SELECT id FROM installs WHERE id = $1 FOR UPDATE`, installID); err != nil {
			return nil, fmt.Errorf("deliver alerts: %w", err)
		}
	}
	var s vitrine.AlertSettings
	if err := tx.QueryRowContext(ctx, `SELECT min_drop_bp, daily_cap FROM installs WHERE id = $1`, installID).Scan(&s.MinDropBasisPoints, &s.DailyCap); err != nil {
		return nil, fmt.Errorf("deliver alerts: %w", err)
	}
	now := db.Now().UTC()
	var sent int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM alerts WHERE install_id = $1 AND created_at > $2`, installID, ms(now.Add(-24*time.Hour))).Scan(&sent); err != nil {
		return nil, fmt.Errorf("deliver alerts: %w", err)
	}
	type cand struct {
		id, product  string
		target, base money.Money
		lastAlert    sql.NullInt64
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, product_id, target_amount, target_currency, base_amount, base_currency, last_alert_amount FROM watches WHERE install_id = $1 ORDER BY created_at, id`, installID)
	if err != nil {
		return nil, fmt.Errorf("deliver alerts: %w", err)
	}
	var cs []cand
	for rows.Next() {
		var c cand
		var ta, ba int64
		if err := rows.Scan(&c.id, &c.product, &ta, &c.target.Currency, &ba, &c.base.Currency, &c.lastAlert); err != nil {
			rows.Close()
			return nil, fmt.Errorf("deliver alerts: %w", err)
		}
		c.target.Amount, c.base.Amount = money.Amount(ta), money.Amount(ba)
		cs = append(cs, c)
	}
	rows.Close()
	alerts := []vitrine.Alert{}
	for _, c := range cs {
		if sent >= s.DailyCap {
			break
		}
		it, cur, err := db.productNow(ctx, tx, c.product)
		if err != nil {
			return nil, err
		}
		if cur.Currency != c.target.Currency || cur.Amount > c.target.Amount || it.Offer.Availability == vitrine.OutOfStock {
			continue
		}
		ref := c.base.Amount
		if c.lastAlert.Valid {
			ref = money.Amount(c.lastAlert.Int64)
			if cur.Amount >= ref { // already told at this price or lower
				continue
			}
		}
		// Minimum drop against the reference, in basis points, exact in integers.
		if s.MinDropBasisPoints > 0 && int64(ref-cur.Amount)*10000 < int64(ref)*int64(s.MinDropBasisPoints) {
			continue
		}
		a := vitrine.Alert{ID: ids.New("alr"), WatchID: c.id, ProductID: c.product, Title: it.Title, Link: it.Link, Price: cur, TargetPrice: c.target, CreatedAt: now.Truncate(time.Millisecond)}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alerts (id, watch_id, install_id, product_id, amount, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			a.ID, c.id, installID, c.product, int64(cur.Amount), cur.Currency, ms(now)); err != nil {
			return nil, fmt.Errorf("deliver alerts: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE watches SET last_alert_amount = $1 WHERE id = $2`, int64(cur.Amount), c.id); err != nil {
			return nil, fmt.Errorf("deliver alerts: %w", err)
		}
		alerts = append(alerts, a)
		sent++
	}
	if _, err := tx.ExecContext(ctx, `UPDATE installs SET last_seen_at = $1 WHERE id = $2`, ms(now), installID); err != nil {
		return nil, fmt.Errorf("deliver alerts: %w", err)
	}
	return alerts, tx.Commit()
}

func validListName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", vitrine.Errorf(vitrine.EINVALID, "list name is empty")
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > vitrine.MaxListNameLen {
		return "", vitrine.Errorf(vitrine.EINVALID, "list name must be valid text of at most %d characters", vitrine.MaxListNameLen)
	}
	return name, nil
}

// CreateList creates a named list.
func (db *DB) CreateList(ctx context.Context, installID, name string) (vitrine.List, error) {
	var l vitrine.List
	name, err := validListName(name)
	if err != nil {
		return l, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return l, fmt.Errorf("create list: %w", err)
	}
	defer tx.Rollback()
	var n, same int
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN name = $2 THEN 1 ELSE 0 END), 0) FROM lists WHERE install_id = $1`, installID, name).Scan(&n, &same); err != nil {
		return l, fmt.Errorf("create list: %w", err)
	}
	if same > 0 {
		return l, vitrine.Errorf(vitrine.ECONFLICT, "a list named %q exists already", name)
	}
	if n >= vitrine.MaxListsPerInstall {
		return l, vitrine.Errorf(vitrine.ECONFLICT, "an install may keep at most %d lists", vitrine.MaxListsPerInstall)
	}
	now := db.Now().UTC()
	l = vitrine.List{ID: ids.New("lst"), Name: name, Items: []vitrine.ListItem{}, CreatedAt: now.Truncate(time.Millisecond)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO lists (id, install_id, name, created_at) VALUES ($1, $2, $3, $4)`, l.ID, installID, name, ms(now)); err != nil {
		return l, fmt.Errorf("create list: %w", err)
	}
	return l, tx.Commit()
}

// Lists returns the install's lists with their items and current prices.
func (db *DB) Lists(ctx context.Context, installID string) ([]vitrine.List, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT l.id, l.name, l.created_at, i.product_id, i.added_at
		FROM lists l LEFT JOIN list_items i ON i.list_id = l.id
		WHERE l.install_id = $1 ORDER BY l.created_at, l.id, i.added_at, i.product_id`, installID)
	if err != nil {
		return nil, fmt.Errorf("read lists: %w", err)
	}
	lists := []vitrine.List{}
	for rows.Next() {
		var id, name string
		var created int64
		var pid sql.NullString
		var added sql.NullInt64
		if err := rows.Scan(&id, &name, &created, &pid, &added); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read lists: %w", err)
		}
		if len(lists) == 0 || lists[len(lists)-1].ID != id {
			lists = append(lists, vitrine.List{ID: id, Name: name, CreatedAt: fromMS(created), Items: []vitrine.ListItem{}})
		}
		if pid.Valid {
			l := &lists[len(lists)-1]
			l.Items = append(l.Items, vitrine.ListItem{ProductID: pid.String, AddedAt: fromMS(added.Int64)})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read lists: %w", err)
	}
	for li := range lists {
		for ii := range lists[li].Items {
			it, cur, err := db.productNow(ctx, db.r, lists[li].Items[ii].ProductID)
			if err != nil {
				return nil, err
			}
			x := &lists[li].Items[ii]
			x.Title, x.Link, x.ImageLink, x.Price = it.Title, it.Link, it.ImageLink, cur
		}
	}
	return lists, nil
}

func (db *DB) ownList(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, installID, listID string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM lists WHERE id = $1 AND install_id = $2`, listID, installID).Scan(&n); err != nil {
		return fmt.Errorf("read list: %w", err)
	}
	if n == 0 {
		return vitrine.Errorf(vitrine.ENOTFOUND, "list %q not found", listID)
	}
	return nil
}

// DeleteList removes a list and its items.
func (db *DB) DeleteList(ctx context.Context, installID, listID string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM lists WHERE id = $1 AND install_id = $2`, listID, installID)
	if err != nil {
		return fmt.Errorf("delete list: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vitrine.Errorf(vitrine.ENOTFOUND, "list %q not found", listID)
	}
	return nil
}

// AddListItem adds a catalog product to a list; adding it twice is harmless.
func (db *DB) AddListItem(ctx context.Context, installID, listID, productID string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("add to list: %w", err)
	}
	defer tx.Rollback()
	if err := db.ownList(ctx, tx, installID, listID); err != nil {
		return err
	}
	if _, _, err := db.productNow(ctx, tx, productID); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM list_items WHERE list_id = $1`, listID).Scan(&n); err != nil {
		return fmt.Errorf("add to list: %w", err)
	}
	if n >= vitrine.MaxItemsPerList {
		return vitrine.Errorf(vitrine.ECONFLICT, "a list may hold at most %d products", vitrine.MaxItemsPerList)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO list_items (list_id, product_id, added_at) VALUES ($1, $2, $3) ON CONFLICT (list_id, product_id) DO NOTHING`, listID, productID, ms(db.Now())); err != nil {
		return fmt.Errorf("add to list: %w", err)
	}
	return tx.Commit()
}

// RemoveListItem removes a product from a list.
func (db *DB) RemoveListItem(ctx context.Context, installID, listID, productID string) error {
	if err := db.ownList(ctx, db.r, installID, listID); err != nil {
		return err
	}
	res, err := db.w.ExecContext(ctx, `DELETE FROM list_items WHERE list_id = $1 AND product_id = $2`, listID, productID)
	if err != nil {
		return fmt.Errorf("remove from list: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vitrine.Errorf(vitrine.ENOTFOUND, "product %q is not on list %q", productID, listID)
	}
	return nil
}
