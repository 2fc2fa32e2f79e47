package vitrine

import (
	"context"
	"time"
)

// Roles of users (operators and analysts).
const (
	RoleAdmin   = "admin"
	RoleAnalyst = "analyst"
)

// User is an operator or analyst who signs in with a password.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// Session kinds.
const (
	SessionUser    = "user"    // subject: user id
	SessionShopper = "shopper" // subject: install id
)

// Session is a signed-in browser. CSRF is the token its forms must echo.
type Session struct {
	Kind      string
	Subject   string
	CSRF      string
	ExpiresAt time.Time
}

// AuthStore keeps users, sessions and login links.
type AuthStore interface {
	// CreateUser stores a user with an already-hashed password.
	CreateUser(ctx context.Context, email, role, passwordHash string) (User, error)
	// UserByEmail returns a user and its password hash, or ENOTFOUND.
	UserByEmail(ctx context.Context, email string) (User, string, error)
	UserByID(ctx context.Context, id string) (User, error)
	// SetAPIToken sets the hash of a user's API token.
	SetAPIToken(ctx context.Context, userID, tokenHash string) error
	UserByAPIToken(ctx context.Context, tokenHash string) (User, error)

	// CreateSession returns a new session id (secret) for a subject.
	CreateSession(ctx context.Context, kind, subject string, ttl time.Duration) (id string, s Session, err error)
	// SessionByID returns a live session, or EUNAUTHORIZED.
	SessionByID(ctx context.Context, id string) (Session, error)
	DeleteSession(ctx context.Context, id string) error

	// CreateLoginLink returns a one-time secret for an install's dashboard.
	CreateLoginLink(ctx context.Context, installID string, ttl time.Duration) (string, error)
	// ConsumeLoginLink returns the install of a live, unused link and marks it used.
	ConsumeLoginLink(ctx context.Context, token string) (installID string, err error)
}
