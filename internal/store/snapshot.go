package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
)

// CatalogVersion returns the number of committed imports.
func (db *DB) CatalogVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.r.QueryRowContext(ctx, `SELECT version FROM catalog_meta WHERE id = 1`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read catalog version: %w", err)
	}
	return v, nil
}

// CatalogSince calls fn for every product changed by an import after version
// `after` (all products for 0), in id order, with its whole price history,
// all read from one consistent snapshot. It returns the version of that
// snapshot, to pass as `after` next time.
func (db *DB) CatalogSince(ctx context.Context, after int64, fn func(vitrine.Item, []vitrine.PricePoint) error) (int64, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.r.BeginTx(ctx, opts)
	if err != nil {
		return 0, fmt.Errorf("read catalog: %w", err)
	}
	defer tx.Rollback()
	var v int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM catalog_meta WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read catalog version: %w", err)
	}
	if v == after {
		return v, nil
	}
	// One stream (drivers allow one open result per transaction): each
	// product row repeated once per history point, in id then time order.
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.title, p.description, p.brand, p.gtin, p.mpn, p.sku, p.category, p.product_type,
		p.link, p.image_link, p.condition, p.item_group_id, p.extra,
		p.price_amount, p.price_currency, p.sale_amount, p.sale_currency, p.sale_start_at, p.sale_end_at,
		p.availability, p.updated_at, h.at, h.amount, h.currency, h.availability
		FROM products p LEFT JOIN price_history h ON h.product_id = p.id
		WHERE p.version > $1 ORDER BY p.id, h.at, h.id`, after)
	if err != nil {
		return 0, fmt.Errorf("read catalog: %w", err)
	}
	defer rows.Close()
	var cur vitrine.Item
	var pts []vitrine.PricePoint
	have := false
	for rows.Next() {
		var at, amount sql.NullInt64
		var currency, avail sql.NullString
		it, err := scanItem(rowScanner{rows, []any{&at, &amount, &currency, &avail}})
		if err != nil {
			return 0, fmt.Errorf("read catalog: %w", err)
		}
		if have && it.ID != cur.ID {
			if err := fn(cur, pts); err != nil {
				return 0, err
			}
			pts = nil
		}
		cur, have = it, true
		if at.Valid {
			pts = append(pts, vitrine.PricePoint{At: fromMS(at.Int64), Price: money.Money{Amount: money.Amount(amount.Int64), Currency: currency.String}, Availability: vitrine.Availability(avail.String)})
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read catalog: %w", err)
	}
	if have {
		if err := fn(cur, pts); err != nil {
			return 0, err
		}
	}
	return v, nil
}

// rowScanner appends extra destinations to a scanItem call.
type rowScanner struct {
	rows  *sql.Rows
	extra []any
}

func (r rowScanner) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra...)...) }
