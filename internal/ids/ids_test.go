package ids

import (
	"strings"
	"testing"
	"time"
)

func TestUUIDv7(t *testing.T) {
	prev := ""
	seen := map[string]bool{}
	for range 10000 {
		u := UUIDv7()
		if !ValidUUID(u) || u[14] != '7' || !strings.ContainsRune("89ab", rune(u[19])) {
			t.Fatalf("not a v7 UUID: %s", u)
		}
		if u <= prev {
			t.Fatalf("not monotonic: %s after %s", u, prev)
		}
		if seen[u] {
			t.Fatalf("duplicate %s", u)
		}
		seen[u], prev = true, u
	}
	// The first 48 bits are the time.
	var g generator
	b := g.uuidv7(time.UnixMilli(0x0123456789ab))
	if b[0] != 0x01 || b[5] != 0xab {
		t.Fatalf("timestamp bytes %x", b[:6])
	}
}

func TestTokens(t *testing.T) {
	a, b := Token(), Token()
	if a == b || len(a) != 43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	if h1, h2 := HashToken(a), HashToken(a); HashToken(a) == HashToken(b) || h1 != h2 || len(h1) != 64 {
		t.Fatal("hash")
	}
	if x1, x2 := New("x"), New("x"); !strings.HasPrefix(New("wat"), "wat_") || x1 == x2 {
		t.Fatal("New")
	}
	for _, bad := range []string{"", "x", "0190a3c2-7b1c-7000-8000-00000000000g", "0190a3c27b1c-7000-8000-0000000000000"} {
		if ValidUUID(bad) {
			t.Errorf("ValidUUID(%q)", bad)
		}
	}
}
