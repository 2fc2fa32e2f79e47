// Package ids makes identifiers and secrets: UUIDv7 (time-ordered, RFC 9562)
// for records, prefixed ids for API objects, and random tokens.
package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// generator keeps UUIDv7s from one process monotonic.
type generator struct {
	mu       sync.Mutex
	lastMS   int64
	sequence uint16
}

var defaultGen generator

// UUIDv7 returns a new version-7 UUID: 48 bits of Unix milliseconds, then a
// 12-bit counter that keeps ids from one process monotonic within a
// millisecond, then random bits.
func UUIDv7() string { return formatUUID(defaultGen.uuidv7(time.Now())) }

func (g *generator) uuidv7(now time.Time) [16]byte {
	var b [16]byte
	rand.Read(b[:])
	ms := now.UnixMilli()
	g.mu.Lock()
	if ms <= g.lastMS {
		ms = g.lastMS
		g.sequence++
		if g.sequence > 0x0fff { // counter exhausted: borrow the next millisecond
			ms++
			g.sequence = 0
		}
	} else {
		// A random start with the top bit clear leaves room to count up.
		g.sequence = (uint16(b[6])<<8 | uint16(b[7])) & 0x07ff
	}
	g.lastMS = ms
	seq := g.sequence
	g.mu.Unlock()
	b[0], b[1], b[2], b[3], b[4], b[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	b[6] = 0x70 | byte(seq>>8)&0x0f
	b[7] = byte(seq)
	b[8] = b[8]&0x3f | 0x80
	return b
}

func formatUUID(b [16]byte) string {
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ValidUUID reports whether s is a canonical lower- or upper-case UUID.
func ValidUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// New returns a prefixed random id such as "wat_3k9x...": 16 random bytes, base32-like hex.
func New(prefix string) string {
	var b [12]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s_%s", prefix, hex.EncodeToString(b[:]))
}

// Token returns a new secret token (32 random bytes, URL-safe base64).
func Token() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken returns the hex SHA-256 of a token. Tokens are 256-bit random
// values, so a fast hash is enough: there is nothing to brute-force.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
