package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
)

var _ vitrine.AuthStore = (*DB)(nil)

// CreateUser stores a user; the email must be unique.
func (db *DB) CreateUser(ctx context.Context, email, role, passwordHash string) (vitrine.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	u := vitrine.User{ID: ids.New("usr"), Email: email, Role: role, CreatedAt: db.Now().UTC().Truncate(time.Millisecond)}
	if _, err := mail.ParseAddress(email); err != nil || strings.ContainsAny(email, "<> ") {
		return u, vitrine.Errorf(vitrine.EINVALID, "email %q is not an email address", email)
	}
	if role != vitrine.RoleAdmin && role != vitrine.RoleAnalyst {
		return u, vitrine.Errorf(vitrine.EINVALID, "role %q: want admin or analyst", role)
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)`, u.ID, email, role, passwordHash, ms(u.CreatedAt))
	if isUnique(err) {
		return u, vitrine.Errorf(vitrine.ECONFLICT, "a user with email %s exists already", email)
	}
	if err != nil {
		return u, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

func scanUser(row *sql.Row, extra ...any) (vitrine.User, error) {
	var u vitrine.User
	var created int64
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.Role, &created}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return u, vitrine.Errorf(vitrine.ENOTFOUND, "no such user")
	}
	u.CreatedAt = fromMS(created)
	return u, err
}

// UserByEmail returns a user and its password hash.
func (db *DB) UserByEmail(ctx context.Context, email string) (vitrine.User, string, error) {
	var hash string
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT id, email, role, created_at, password_hash FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))), &hash)
	return u, hash, err
}

// UserByID returns a user.
func (db *DB) UserByID(ctx context.Context, id string) (vitrine.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, `SELECT id, email, role, created_at FROM users WHERE id = $1`, id))
}

// SetAPIToken stores the hash of a user's API token (replacing any previous one).
func (db *DB) SetAPIToken(ctx context.Context, userID, tokenHash string) error {
	res, err := db.w.ExecContext(ctx, `UPDATE users SET api_token_hash = $1 WHERE id = $2`, tokenHash, userID)
	if err != nil {
		return fmt.Errorf("set API token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return vitrine.Errorf(vitrine.ENOTFOUND, "no such user")
	}
	return nil
}

// UserByAPIToken finds the user owning an API token hash.
func (db *DB) UserByAPIToken(ctx context.Context, tokenHash string) (vitrine.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT id, email, role, created_at FROM users WHERE api_token_hash = $1`, tokenHash))
	if vitrine.ErrorCode(err) == vitrine.ENOTFOUND {
		return u, vitrine.Errorf(vitrine.EUNAUTHORIZED, "unknown API token")
	}
	return u, err
}

// CreateSession starts a session; only the hash of its id is stored.
func (db *DB) CreateSession(ctx context.Context, kind, subject string, ttl time.Duration) (string, vitrine.Session, error) {
	id := ids.Token()
	now := db.Now().UTC()
	s := vitrine.Session{Kind: kind, Subject: subject, CSRF: ids.Token(), ExpiresAt: now.Add(ttl).Truncate(time.Millisecond)}
	_, err := db.w.ExecContext(ctx, `INSERT INTO sessions (id_hash, kind, subject, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		ids.HashToken(id), kind, subject, s.CSRF, ms(now), ms(s.ExpiresAt))
	if err != nil {
		return "", s, fmt.Errorf("create session: %w", err)
	}
	// Expired sessions are removed as new ones start.
	db.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, ms(now))
	return id, s, nil
}

// SessionByID returns a live session.
func (db *DB) SessionByID(ctx context.Context, id string) (vitrine.Session, error) {
	var s vitrine.Session
	var exp int64
	err := db.r.QueryRowContext(ctx, `SELECT kind, subject, csrf, expires_at FROM sessions WHERE id_hash = $1`, ids.HashToken(id)).Scan(&s.Kind, &s.Subject, &s.CSRF, &exp)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && exp <= ms(db.Now())) {
		return s, vitrine.Errorf(vitrine.EUNAUTHORIZED, "not signed in, or the session has expired")
	}
	if err != nil {
		return s, fmt.Errorf("read session: %w", err)
	}
	s.ExpiresAt = fromMS(exp)
	return s, nil
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, ids.HashToken(id))
	return err
}

// CreateLoginLink makes a one-time dashboard login secret for an install.
func (db *DB) CreateLoginLink(ctx context.Context, installID string, ttl time.Duration) (string, error) {
	token := ids.Token()
	_, err := db.w.ExecContext(ctx, `INSERT INTO login_links (token_hash, install_id, expires_at) VALUES ($1, $2, $3)`, ids.HashToken(token), installID, ms(db.Now().Add(ttl)))
	if err != nil {
		return "", fmt.Errorf("create login link: %w", err)
	}
	return token, nil
}

// ConsumeLoginLink uses a login link once.
func (db *DB) ConsumeLoginLink(ctx context.Context, token string) (string, error) {
	now := ms(db.Now())
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return "", fmt.Errorf("login link: %w", err)
	}
	defer tx.Rollback()
	var install string
	var exp int64
	var used sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT install_id, expires_at, used_at FROM login_links WHERE token_hash = $1`, ids.HashToken(token)).Scan(&install, &exp, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", vitrine.Errorf(vitrine.EUNAUTHORIZED, "this login link is not valid: open the dashboard again from the extension")
	case err != nil:
		return "", fmt.Errorf("login link: %w", err)
	case used.Valid:
		return "", vitrine.Errorf(vitrine.EUNAUTHORIZED, "this login link was already used: open the dashboard again from the extension")
	case exp <= now:
		return "", vitrine.Errorf(vitrine.EUNAUTHORIZED, "this login link has expired: open the dashboard again from the extension")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE login_links SET used_at = $1 WHERE token_hash = $2`, now, ids.HashToken(token)); err != nil {
		return "", fmt.Errorf("login link: %w", err)
	}
	return install, tx.Commit()
}
