package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
)

var _ vitrine.DashboardStore = (*DB)(nil)

// EventSummary counts an install's events by type, day and site.
func (db *DB) EventSummary(ctx context.Context, installID string) (vitrine.EventSummary, error) {
	s := vitrine.EventSummary{ByType: map[string]int64{}, ByDay: []vitrine.Count{}, BySite: []vitrine.Count{}}
	var first, last *int64
	if err := db.r.QueryRowContext(ctx, `SELECT count(*), min(occurred_at), max(occurred_at) FROM events WHERE install_id = $1`, installID).Scan(&s.Total, &first, &last); err != nil {
		return s, fmt.Errorf("event summary: %w", err)
	}
	if first != nil {
		s.First, s.Last = fromMS(*first), fromMS(*last)
	}
	group := func(q string, fn func(k string, n int64)) error {
		rows, err := db.r.QueryContext(ctx, q, installID)
		if err != nil {
			return fmt.Errorf("event summary: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				return fmt.Errorf("event summary: %w", err)
			}
			fn(k, n)
		}
		return rows.Err()
	}
	if err := group(`SELECT type, count(*) FROM events WHERE install_id = $1 GROUP BY type`, func(k string, n int64) { s.ByType[k] = n }); err != nil {
		return s, err
	}
	if err := group(`SELECT domain, count(*) FROM events WHERE install_id = $1 GROUP BY domain ORDER BY count(*) DESC, domain`, func(k string, n int64) {
		s.BySite = append(s.BySite, vitrine.Count{Key: k, Count: n})
	}); err != nil {
		return s, err
	}
	days := map[int64]int64{}
	var order []int64
	if err := group(`SELECT CAST(occurred_at / 86400000 AS TEXT), count(*) FROM events WHERE install_id = $1 GROUP BY occurred_at / 86400000 ORDER BY occurred_at / 86400000 DESC`, func(k string, n int64) {
		var d int64
		fmt.Sscan(k, &d)
		days[d] = n
		order = append(order, d)
	}); err != nil {
		return s, err
	}
	for _, d := range order {
		s.ByDay = append(s.ByDay, vitrine.Count{Key: time.UnixMilli(d * 86400000).UTC().Format("2006-01-02"), Count: days[d]})
	}
	return s, nil
}

func eventWhere(installID string, f vitrine.EventFilter) (string, []any) {
	where := []string{"install_id = $1"}
	args := []any{installID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Domain != "" {
		add("domain = ?", f.Domain)
	}
	if !f.From.IsZero() {
		add("occurred_at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		add("occurred_at < ?", ms(f.To))
	}
	if f.EventID != "" {
		add("id = ?", f.EventID)
	}
	return strings.Join(where, " AND "), args
}

// ListEvents returns an install's events, newest first.
func (db *DB) ListEvents(ctx context.Context, installID string, f vitrine.EventFilter) ([]vitrine.Event, error) {
	where, args := eventWhere(installID, f)
	q := selectEvent + ` WHERE ` + where + ` ORDER BY occurred_at DESC, id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	out := []vitrine.Event{}
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("list events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeleteEvents deletes matching events in one transaction, checks that none
// remain, and stores a receipt without the deleted details.
func (db *DB) DeleteEvents(ctx context.Context, installID, kind string, f vitrine.EventFilter) (vitrine.DeletionReceipt, error) {
	var r vitrine.DeletionReceipt
	switch kind {
	case vitrine.DeleteAll:
		f = vitrine.EventFilter{}
		r.Request = "all your data"
	case vitrine.DeleteSite:
		if f.Domain == "" {
			return r, vitrine.Errorf(vitrine.EINVALID, "choose a site to delete")
		}
		f = vitrine.EventFilter{Domain: f.Domain}
		r.Request = "everything from " + f.Domain
	case vitrine.DeleteRange:
		if f.From.IsZero() || f.To.IsZero() || !f.To.After(f.From) {
			return r, vitrine.Errorf(vitrine.EINVALID, "choose a date range whose end is after its start")
		}
		f = vitrine.EventFilter{From: f.From, To: f.To}
		r.Request = "everything from " + f.From.UTC().Format("2006-01-02") + " to " + f.To.Add(-time.Millisecond).UTC().Format("2006-01-02")
	case vitrine.DeleteEvent:
		if !ids.ValidUUID(f.EventID) {
			return r, vitrine.Errorf(vitrine.EINVALID, "event id %q is not an event id", f.EventID)
		}
		f = vitrine.EventFilter{EventID: f.EventID}
		r.Request = "event " + f.EventID
	default:
		return r, vitrine.Errorf(vitrine.EINVALID, "unknown deletion %q (want all, site, range or event)", kind)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return r, fmt.Errorf("delete events: %w", err)
	}
	defer tx.Rollback()
	where, args := eventWhere(installID, f)
	res, err := tx.ExecContext(ctx, `DELETE FROM events WHERE `+where, args...)
	if err != nil {
		return r, fmt.Errorf("delete events: %w", err)
	}
	n, _ := res.RowsAffected()
	if kind == vitrine.DeleteEvent && n == 0 {
		return r, vitrine.Errorf(vitrine.ENOTFOUND, "you have no event %s", f.EventID)
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE `+where, args...).Scan(&r.Remaining); err != nil {
		return r, fmt.Errorf("delete events: verify: %w", err)
	}
	now := db.Now().UTC().Truncate(time.Millisecond)
	r.ID, r.Kind, r.At = ids.New("del"), kind, now
	r.Counts = map[string]int64{"events": n}
	counts, _ := json.Marshal(r.Counts)
	h := sha256.Sum256([]byte(installID + "\x00" + r.Request))
	if _, err := tx.ExecContext(ctx, `INSERT INTO deletions (id, install_id, kind, request_hash, counts, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		r.ID, installID, kind, hex.EncodeToString(h[:]), string(counts), ms(now)); err != nil {
		return r, fmt.Errorf("delete events: receipt: %w", err)
	}
	return r, tx.Commit()
}

// Deletions lists an install's deletion receipts, newest first.
func (db *DB) Deletions(ctx context.Context, installID string) ([]vitrine.DeletionReceipt, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, kind, counts, at FROM deletions WHERE install_id = $1 ORDER BY at DESC, id`, installID)
	if err != nil {
		return nil, fmt.Errorf("deletions: %w", err)
	}
	defer rows.Close()
	out := []vitrine.DeletionReceipt{}
	for rows.Next() {
		var r vitrine.DeletionReceipt
		var counts string
		var at int64
		if err := rows.Scan(&r.ID, &r.Kind, &counts, &at); err != nil {
			return nil, fmt.Errorf("deletions: %w", err)
		}
		json.Unmarshal([]byte(counts), &r.Counts)
		r.At = fromMS(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ExpireEvents deletes events received before `before`, in batches so a
// large backlog does not hold the write lock for long.
func (db *DB) ExpireEvents(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res, err := db.w.ExecContext(ctx, `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < $1 LIMIT 5000)`, ms(before))
		if err != nil {
			return total, fmt.Errorf("expire events: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
		if n < 5000 {
			return total, nil
		}
	}
}
