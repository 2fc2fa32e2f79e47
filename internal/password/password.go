// Package password hashes passwords with Argon2id (memory-hard, RFC 9106)
// into PHC strings, and verifies them in constant time.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default follows RFC 9106's second recommended option (64 MiB, 3 passes).
var Default = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

// MinLength is the shortest password accepted.
const MinLength = 12

// ErrMismatch is returned by Verify for a wrong password.
var ErrMismatch = errors.New("password does not match")

// Validate checks a new password.
func Validate(pw string) error {
	if !utf8.ValidString(pw) {
		return errors.New("password is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(pw); n < MinLength {
		return fmt.Errorf("password has %d characters; at least %d are needed", n, MinLength)
	}
	if len(pw) > 1024 {
		return errors.New("password is longer than 1024 bytes")
	}
	return nil
}

// Hash returns the PHC string of pw: $argon2id$v=19$m=...,t=...,p=...$salt$hash.
func Hash(pw string, p Params) (string, error) {
	if err := Validate(pw); err != nil {
		return "", err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify checks pw against a PHC string made by Hash.
func Verify(pw, encoded string) error {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("unsupported argon2 version")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return errors.New("bad argon2 parameters")
	}
	if p.Memory > 4<<20 || p.Time > 100 || p.Threads == 0 {
		return errors.New("argon2 parameters out of range")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return errors.New("bad salt")
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return errors.New("bad hash")
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}
