package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
)

var _ vitrine.ConsentStore = (*DB)(nil)

// replay computes the consent state from records in order, checking each
// transition. It is the single definition of what a history means.
func replay(state vitrine.ConsentState, rec vitrine.ConsentRecord) (vitrine.ConsentState, error) {
	switch rec.Action {
	case vitrine.ConsentGrant:
		if len(rec.Scopes) == 0 {
			return state, vitrine.Errorf(vitrine.EINVALID, "grant needs at least one scope")
		}
		if !state.Member {
			state = vitrine.ConsentState{}
		}
		for _, s := range rec.Scopes {
			if !slices.Contains(state.Scopes, s) {
				state.Scopes = append(state.Scopes, s)
			}
		}
		state.Member, state.NoticeVersion = true, rec.NoticeVersion
		if state.Since.IsZero() {
			state.Since = rec.At
		}
	case vitrine.ConsentRevoke:
		if !state.Member {
			return state, vitrine.Errorf(vitrine.EINVALID, "not a panel member: nothing to revoke")
		}
		if len(rec.Scopes) == 0 {
			return state, vitrine.Errorf(vitrine.EINVALID, "revoke needs at least one scope")
		}
		state.Scopes = slices.DeleteFunc(state.Scopes, func(s vitrine.Scope) bool { return slices.Contains(rec.Scopes, s) })
	case vitrine.ConsentPause:
		if !state.Member || state.Paused {
			return state, vitrine.Errorf(vitrine.EINVALID, "sharing is not active: nothing to pause")
		}
		state.Paused = true
	case vitrine.ConsentResume:
		if !state.Member || !state.Paused {
			return state, vitrine.Errorf(vitrine.EINVALID, "sharing is not paused: nothing to resume")
		}
		state.Paused = false
	case vitrine.ConsentWithdraw:
		if !state.Member {
			return state, vitrine.Errorf(vitrine.EINVALID, "not a panel member: nothing to withdraw")
		}
		state = vitrine.ConsentState{Scopes: []vitrine.Scope{}}
	default:
		return state, vitrine.Errorf(vitrine.EINVALID, "unknown consent action %q (want grant, revoke, pause, resume or withdraw)", rec.Action)
	}
	sortScopes(state.Scopes)
	return state, nil
}

func sortScopes(ss []vitrine.Scope) {
	slices.SortFunc(ss, func(a, b vitrine.Scope) int { return slices.Index(vitrine.Scopes, a) - slices.Index(vitrine.Scopes, b) })
}

// RecordConsent validates the transition against the history and appends it.
func (db *DB) RecordConsent(ctx context.Context, rec vitrine.ConsentRecord) (vitrine.ConsentState, error) {
	for _, s := range rec.Scopes {
		if !s.Valid() {
			return vitrine.ConsentState{}, vitrine.Errorf(vitrine.EINVALID, "unknown scope %q (want page_views, link_clicks or product_views)", s)
		}
	}
	if rec.NoticeVersion == "" || rec.NoticeHash == "" {
		return vitrine.ConsentState{}, vitrine.Errorf(vitrine.EINVALID, "a consent record needs the notice version and hash")
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return vitrine.ConsentState{}, fmt.Errorf("record consent: %w", err)
	}
	defer tx.Rollback()
	if db.Dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT id FROM installs WHERE id = $1 FOR UPDATE`, rec.InstallID); err != nil {
			return vitrine.ConsentState{}, fmt.Errorf("record consent: %w", err)
		}
	}
	hist, err := consentHistory(ctx, tx, rec.InstallID)
	if err != nil {
		return vitrine.ConsentState{}, err
	}
	state := vitrine.ConsentState{Scopes: []vitrine.Scope{}}
	for _, h := range hist {
		if state, err = replay(state, h); err != nil {
			return state, fmt.Errorf("consent history of %s is inconsistent: %w", rec.InstallID, err)
		}
	}
	now := db.Now().UTC().Truncate(time.Millisecond)
	rec.At = now
	state, err = replay(state, rec)
	if err != nil {
		return state, err
	}
	var scopes []string
	for _, s := range rec.Scopes {
		scopes = append(scopes, string(s))
	}
	gpc := 0
	if rec.GPC {
		gpc = 1
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO consent_records (install_id, action, scopes, notice_version, notice_hash, gpc, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		rec.InstallID, string(rec.Action), strings.Join(scopes, ","), rec.NoticeVersion, rec.NoticeHash, gpc, ms(now))
	if err != nil {
		return state, fmt.Errorf("record consent: %w", err)
	}
	return state, tx.Commit()
}

func consentHistory(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, installID string) ([]vitrine.ConsentRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, action, scopes, notice_version, notice_hash, gpc, at FROM consent_records WHERE install_id = $1 ORDER BY id`, installID)
	if err != nil {
		return nil, fmt.Errorf("read consent history: %w", err)
	}
	defer rows.Close()
	out := []vitrine.ConsentRecord{}
	for rows.Next() {
		var r vitrine.ConsentRecord
		var action, scopes string
		var gpc int
		var at int64
		if err := rows.Scan(&r.ID, &action, &scopes, &r.NoticeVersion, &r.NoticeHash, &gpc, &at); err != nil {
			return nil, fmt.Errorf("read consent history: %w", err)
		}
		r.InstallID, r.Action, r.GPC, r.At = installID, vitrine.ConsentAction(action), gpc == 1, fromMS(at)
		r.Scopes = []vitrine.Scope{}
		for _, s := range strings.Split(scopes, ",") {
			if s != "" {
				r.Scopes = append(r.Scopes, vitrine.Scope(s))
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ConsentHistory returns an install's consent records, oldest first.
func (db *DB) ConsentHistory(ctx context.Context, installID string) ([]vitrine.ConsentRecord, error) {
	return consentHistory(ctx, db.r, installID)
}

// ConsentState replays an install's history.
func (db *DB) ConsentState(ctx context.Context, installID string) (vitrine.ConsentState, error) {
	hist, err := consentHistory(ctx, db.r, installID)
	if err != nil {
		return vitrine.ConsentState{}, err
	}
	state := vitrine.ConsentState{Scopes: []vitrine.Scope{}}
	for _, h := range hist {
		if state, err = replay(state, h); err != nil {
			return state, fmt.Errorf("consent history of %s is inconsistent: %w", installID, err)
		}
	}
	return state, nil
}
