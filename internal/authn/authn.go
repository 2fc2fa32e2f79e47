// Package authn authenticates browsers and API clients: operator and
// analyst sessions (cookie + CSRF token), their API tokens (Bearer), and
// shoppers' dashboard sessions opened through one-time login links.
package authn

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ids"
	"github.com/vitrine/vitrine/internal/password"
)

// Cookie names.
const (
	UserCookie    = "vitrine_session"
	ShopperCookie = "vitrine_me"
)

// Session lifetimes.
const (
	UserSessionTTL    = 12 * time.Hour
	ShopperSessionTTL = 2 * time.Hour
	LoginLinkTTL      = 10 * time.Minute
)

// Authn authenticates requests against the store.
type Authn struct {
	Store vitrine.AuthStore
	// Secure marks cookies Secure (set when served over HTTPS).
	Secure bool
	// Params are the password hashing costs (tests lower them).
	Params password.Params
}

// Principal is an authenticated user, with the session when the request
// came from a browser (nil for API tokens).
type Principal struct {
	User    vitrine.User
	Session *vitrine.Session
}

// Login checks an email and password and starts a session. Wrong email and
// wrong password get the same answer and take the same time.
func (a *Authn) Login(ctx context.Context, w http.ResponseWriter, email, pw string) (vitrine.User, error) {
	u, hash, err := a.Store.UserByEmail(ctx, email)
	if vitrine.ErrorCode(err) == vitrine.ENOTFOUND {
		password.Verify(pw, dummyHash(a.Params)) // same cost as a real check
		return u, vitrine.Errorf(vitrine.EUNAUTHORIZED, "wrong email or password")
	}
	if err != nil {
		return u, err
	}
	if password.Verify(pw, hash) != nil {
		return u, vitrine.Errorf(vitrine.EUNAUTHORIZED, "wrong email or password")
	}
	id, s, err := a.Store.CreateSession(ctx, vitrine.SessionUser, u.ID, UserSessionTTL)
	if err != nil {
		return u, err
	}
	a.setCookie(w, UserCookie, id, s.ExpiresAt)
	return u, nil
}

var dummy string

func dummyHash(p password.Params) string {
	if dummy == "" {
		dummy, _ = password.Hash("not-a-real-password-at-all", p)
	}
	return dummy
}

func (a *Authn) setCookie(w http.ResponseWriter, name, value string, exp time.Time) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", Expires: exp, HttpOnly: true, Secure: a.Secure, SameSite: http.SameSiteLaxMode})
}

// ClearCookie ends a browser's cookie.
func (a *Authn) ClearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: a.Secure, SameSite: http.SameSiteLaxMode})
}

// Logout ends the request's user session.
func (a *Authn) Logout(w http.ResponseWriter, r *http.Request, cookie string) {
	if c, err := r.Cookie(cookie); err == nil {
		a.Store.DeleteSession(r.Context(), c.Value)
	}
	a.ClearCookie(w, cookie)
}

// User authenticates an operator or analyst: Bearer API token, or session cookie.
func (a *Authn) User(r *http.Request) (Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return Principal{}, vitrine.Errorf(vitrine.EUNAUTHORIZED, "Authorization header must be 'Bearer <API token>'")
		}
		u, err := a.Store.UserByAPIToken(r.Context(), ids.HashToken(strings.TrimSpace(tok)))
		return Principal{User: u}, err
	}
	c, err := r.Cookie(UserCookie)
	if err != nil {
		return Principal{}, vitrine.Errorf(vitrine.EUNAUTHORIZED, "sign in first")
	}
	s, err := a.Store.SessionByID(r.Context(), c.Value)
	if err != nil {
		return Principal{}, err
	}
	if s.Kind != vitrine.SessionUser {
		return Principal{}, vitrine.Errorf(vitrine.EUNAUTHORIZED, "sign in first")
	}
	u, err := a.Store.UserByID(r.Context(), s.Subject)
	if err != nil {
		return Principal{}, vitrine.Errorf(vitrine.EUNAUTHORIZED, "sign in first")
	}
	return Principal{User: u, Session: &s}, nil
}

// Require authenticates a user with one of the roles; for browser sessions
// a state-changing request must also carry the session's CSRF token.
func (a *Authn) Require(r *http.Request, roles ...string) (Principal, error) {
	p, err := a.User(r)
	if err != nil {
		return p, err
	}
	ok := false
	for _, role := range roles {
		ok = ok || p.User.Role == role
	}
	if !ok {
		return p, vitrine.Errorf(vitrine.EFORBIDDEN, "this needs the %s role", strings.Join(roles, " or "))
	}
	if p.Session != nil && !safeMethod(r.Method) {
		if err := CheckCSRF(r, *p.Session); err != nil {
			return p, err
		}
	}
	return p, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// CheckCSRF compares the request's token (header X-CSRF-Token, or form
// field csrf) with the session's, in constant time.
func CheckCSRF(r *http.Request, s vitrine.Session) error {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.CSRF)) != 1 {
		return vitrine.Errorf(vitrine.EFORBIDDEN, "missing or wrong CSRF token: reload the page and try again")
	}
	return nil
}

// OpenShopperSession consumes a one-time login link and starts a shopper session.
func (a *Authn) OpenShopperSession(ctx context.Context, w http.ResponseWriter, token string) (string, error) {
	install, err := a.Store.ConsumeLoginLink(ctx, token)
	if err != nil {
		return "", err
	}
	id, s, err := a.Store.CreateSession(ctx, vitrine.SessionShopper, install, ShopperSessionTTL)
	if err != nil {
		return "", err
	}
	a.setCookie(w, ShopperCookie, id, s.ExpiresAt)
	return install, nil
}

// Shopper authenticates a shopper's dashboard session; state-changing
// requests must carry its CSRF token.
func (a *Authn) Shopper(r *http.Request) (vitrine.Session, error) {
	c, err := r.Cookie(ShopperCookie)
	if err != nil {
		return vitrine.Session{}, vitrine.Errorf(vitrine.EUNAUTHORIZED, "open your dashboard from the extension")
	}
	s, err := a.Store.SessionByID(r.Context(), c.Value)
	if err != nil || s.Kind != vitrine.SessionShopper {
		return vitrine.Session{}, vitrine.Errorf(vitrine.EUNAUTHORIZED, "your dashboard session has ended: open it again from the extension")
	}
	if !safeMethod(r.Method) {
		if err := CheckCSRF(r, s); err != nil {
			return s, err
		}
	}
	return s, nil
}
