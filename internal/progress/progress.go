// Package progress reports the progress of long work: a redrawn bar on a
// terminal, and a plain line every few seconds otherwise (logs, CI).
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Bar draws progress of a job of Total bytes (0 when unknown).
type Bar struct {
	W     io.Writer
	Label string
	Total int64
	TTY   bool
	// Every is the interval between plain lines when not on a terminal.
	Every time.Duration
	Now   func() time.Time

	start, last time.Time
	drawn       bool
}

// New returns a bar writing to w, drawing in place when w is a terminal.
func New(w io.Writer, label string, total int64) *Bar {
	return &Bar{W: w, Label: label, Total: total, TTY: IsTerminal(w), Every: 5 * time.Second, Now: time.Now}
}

// Update reports done bytes and rows processed so far; it draws at most
// ten times a second on a terminal and once per Every otherwise.
func (b *Bar) Update(done int64, rows int) {
	now := b.Now()
	if b.start.IsZero() {
		b.start, b.last = now, now
	}
	gap := b.Every
	if b.TTY {
		gap = 100 * time.Millisecond
	}
	if now.Sub(b.last) < gap {
		return
	}
	b.last = now
	b.draw(done, rows, now, false)
}

// Done draws the final state and ends the line.
func (b *Bar) Done(done int64, rows int) {
	now := b.Now()
	if b.start.IsZero() {
		b.start = now
	}
	if b.TTY || b.drawn {
		b.draw(done, rows, now, true)
	}
}

func (b *Bar) draw(done int64, rows int, now time.Time, final bool) {
	b.drawn = true
	el := now.Sub(b.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(rows) / el
	}
	pct := -1.0
	if b.Total > 0 {
		pct = float64(done) / float64(b.Total) * 100
		if pct > 100 {
			pct = 100
		}
	}
	if !b.TTY {
		if pct >= 0 {
			fmt.Fprintf(b.W, "%s: %.0f%% (%s of %s), %d rows, %.0f rows/s\n", b.Label, pct, size(done), size(b.Total), rows, rate)
		} else {
			fmt.Fprintf(b.W, "%s: %s, %d rows, %.0f rows/s\n", b.Label, size(done), rows, rate)
		}
		return
	}
	const width = 30
	bar := strings.Repeat("·", width)
	if pct >= 0 {
		n := int(pct / 100 * width)
		bar = strings.Repeat("█", n) + strings.Repeat("·", width-n)
	}
	eta := ""
	if pct > 0 && pct < 100 && el > 0 {
		eta = fmt.Sprintf(" eta %s", (time.Duration(el/pct*(100-pct)) * time.Second).Round(time.Second))
	}
	fmt.Fprintf(b.W, "\r\x1b[K%s [%s] %5.1f%% %d rows %.0f/s%s", b.Label, bar, max(pct, 0), rows, rate, eta)
	if final {
		fmt.Fprintln(b.W)
	}
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
