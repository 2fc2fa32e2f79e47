// Package vitrine holds the domain types and interfaces of Vitrine, a
// self-hostable shopping assistant platform. It imports no other package of
// this module except internal/money, so every other package can depend on it.
package vitrine

import (
	"errors"
	"fmt"
)

// Version is set at build time with -ldflags "-X github.com/vitrine/vitrine.Version=...".
var Version = "dev"

// Error codes. Each maps to one HTTP status in internal/httpapi.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ETOOLARGE     = "too_large"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ERATELIMIT    = "rate_limited"
	EUNAVAILABLE  = "unavailable"
)

// Error is an application error: a machine-readable code and a message that is
// safe to show to the caller. Internal errors are never wrapped in an Error;
// they surface as EINTERNAL with a generic message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("vitrine error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
