package progress

import (
	"strings"
	"testing"
	"time"
)

func TestPlainLinesAreThrottled(t *testing.T) {
	var out strings.Builder
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := &Bar{W: &out, Label: "import", Total: 1000, Every: 5 * time.Second, Now: func() time.Time { return now }}
	for i := range 20 {
		now = now.Add(time.Second)
		b.Update(int64(i*50), i*10)
	}
	b.Done(1000, 200)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 { // 3 throttled updates (t=6s, 11s, 16s after the first) + the final line
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	if !strings.HasPrefix(lines[len(lines)-1], "import: 100% (1000 B of 1000 B), 200 rows") {
		t.Fatalf("last line %q", lines[len(lines)-1])
	}
}

func TestTerminalBarRedraws(t *testing.T) {
	var out strings.Builder
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := &Bar{W: &out, Label: "import", Total: 100, TTY: true, Now: func() time.Time { return now }}
	b.Update(0, 0)
	now = now.Add(time.Second)
	b.Update(50, 5)
	b.Done(100, 10)
	s := out.String()
	if strings.Count(s, "\r\x1b[K") != 2 || !strings.Contains(s, " 50.0%") || !strings.HasSuffix(s, "\n") {
		t.Fatalf("output %q", s)
	}
}
