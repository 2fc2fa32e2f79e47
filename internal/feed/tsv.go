package feed

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// lineReader reads physical lines of at most MaxRowBytes, numbering them
// from 1. It keeps one line in memory; a longer line is reported and skipped
// without being held.
type lineReader struct {
	br      *bufio.Reader
	line    int
	buf     []byte
	started bool
}

// next returns the next line without its "\n" or "\r\n" and its number.
// tooLong reports a line longer than MaxRowBytes, whose content is dropped.
// The returned slice is valid until the next call.
func (l *lineReader) next() (b []byte, n int, tooLong bool, err error) {
	if !l.started {
		l.started = true
		if err := skipBOM(l.br); err != nil {
			return nil, 0, false, err
		}
	}
	l.buf = l.buf[:0]
	got := false
	for {
		chunk, rerr := l.br.ReadSlice('\n')
		got = got || len(chunk) > 0
		if !tooLong {
			if len(l.buf)+len(chunk) > MaxRowBytes+2 { // room for "\r\n"
				tooLong = true
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		if rerr == bufio.ErrBufferFull {
			continue
		}
		if rerr == io.EOF {
			if !got {
				return nil, 0, false, io.EOF
			}
			break
		}
		if rerr != nil {
			return nil, 0, false, rerr
		}
		break
	}
	l.line++
	b = bytes.TrimSuffix(l.buf, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) > MaxRowBytes {
		tooLong = true
	}
	return b, l.line, tooLong, nil
}

// blank reports whether a line holds only spaces and tabs.
func blank(b []byte) bool { return len(bytes.Trim(b, " \t\r")) == 0 }

// tsvSource reads a Merchant Center text feed.
type tsvSource struct {
	lr   lineReader
	name string
	cols []string // canonical names; "" for a column without a name
	buf  []tsvField
}

func newTSVSource(br *bufio.Reader, name string) *tsvSource {
	return &tsvSource{lr: lineReader{br: br}, name: name}
}

// tsvField is one field of a text-feed line.
type tsvField struct {
	text   string
	quoted bool
}

// splitTSV splits a line at tabs. A field that starts with a double quote
// is quoted: it runs to the next quote followed by a tab or the end of the
// line, may contain tabs, and writes a quote as two quotes. On a malformed
// quoted field it returns the field's index and the reason.
func splitTSV(line []byte, out []tsvField) ([]tsvField, int, string) {
	out = out[:0]
	for i := 0; ; i++ {
		if len(line) > 0 && line[0] == '"' {
			var b strings.Builder
			j := 1
			for {
				k := bytes.IndexByte(line[j:], '"')
				if k < 0 {
					return out, i, "quoted value has no closing quote"
				}
				b.Write(line[j : j+k])
				j += k + 1
				if j < len(line) && line[j] == '"' { // "" is a quote
					b.WriteByte('"')
					j++
					continue
				}
				break
			}
			out = append(out, tsvField{text: b.String(), quoted: true})
			switch {
			case j == len(line):
				return out, -1, ""
			case line[j] != '\t':
				return out, i, "text after the closing quote of a quoted value"
			}
			line = line[j+1:]
			continue
		}
		k := bytes.IndexByte(line, '\t')
		if k < 0 {
			out = append(out, tsvField{text: string(line)})
			return out, -1, ""
		}
		out = append(out, tsvField{text: string(line[:k])})
		line = line[k+1:]
	}
}

func (s *tsvSource) next() (int, fields, error) {
	for {
		b, n, tooLong, err := s.lr.next()
		if err == io.EOF && s.cols == nil {
			return 0, nil, fmt.Errorf("%s: empty file: no header row", s.name)
		}
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, fmt.Errorf("%s: reading line %d: %w", s.name, s.lr.line+1, err)
		}
		if s.cols == nil {
			if tooLong {
				return 0, nil, fmt.Errorf("%s:%d: header line is longer than %d bytes", s.name, n, MaxRowBytes)
			}
			if blank(b) {
				continue
			}
			cols, err := header(b, n, s.name, func(line []byte) ([]string, string) {
				fs, _, reason := splitTSV(line, nil)
				var names []string
				for _, f := range fs {
					names = append(names, f.text)
				}
				return names, reason
			})
			if err != nil {
				return 0, nil, err
			}
			s.cols = cols
			continue
		}
		if tooLong {
			return 0, nil, &RowError{Line: n, Reason: fmt.Sprintf("line is longer than %d bytes", MaxRowBytes)}
		}
		if blank(b) {
			continue
		}
		var bad int
		var reason string
		s.buf, bad, reason = splitTSV(b, s.buf)
		buf := s.buf
		if bad >= 0 {
			return 0, nil, &RowError{Line: n, Column: s.colName(bad), Reason: reason}
		}
		if len(buf) < len(s.cols) {
			return 0, nil, &RowError{Line: n, Reason: fmt.Sprintf("%d fields, the header has %d", len(buf), len(s.cols))}
		}
		for i := len(s.cols); i < len(buf); i++ {
			if strings.TrimSpace(buf[i].text) != "" {
				return 0, nil, &RowError{Line: n, Reason: fmt.Sprintf("%d fields, the header has %d (field %d is not empty)", len(buf), len(s.cols), i+1)}
			}
		}
		f := make(fields, len(s.cols))
		for i, name := range s.cols {
			switch {
			case name == listAttribute && !buf[i].quoted:
				f.addList(name, buf[i].text)
			default:
				f.add(name, buf[i].text)
			}
		}
		return n, f, nil
	}
}

// colName names a column for an error: its canonical name, or its number.
func (s *tsvSource) colName(i int) string {
	if i < len(s.cols) && s.cols[i] != "" {
		return s.cols[i]
	}
	return fmt.Sprintf("#%d", i+1)
}

// required lists the columns a text or CSV header must have.
var required = []string{"id", "title", "price"}

// header parses a TSV or CSV header line into canonical column names and
// checks the required columns.
func header(line []byte, n int, name string, split func([]byte) ([]string, string)) ([]string, error) {
	if !utf8.Valid(line) {
		return nil, fmt.Errorf("%s:%d: header is not valid UTF-8", name, n)
	}
	raw, reason := split(line)
	if reason != "" {
		return nil, fmt.Errorf("%s:%d: header: %s", name, n, reason)
	}
	return headerNames(raw, n, name)
}

func headerNames(raw []string, n int, name string) ([]string, error) {
	cols := make([]string, len(raw))
	have := make(map[string]bool, len(raw))
	for i, r := range raw {
		if !utf8.ValidString(r) {
			return nil, fmt.Errorf("%s:%d: header: column %d is not valid UTF-8", name, n, i+1)
		}
		cols[i] = canonicalName(r)
		have[cols[i]] = true
	}
	var missing []string
	for _, c := range required {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	switch len(missing) {
	case 0:
		return cols, nil
	case 1:
		return nil, fmt.Errorf("%s:%d: header has no %q column (required: id, title, price)", name, n, missing[0])
	}
	return nil, fmt.Errorf("%s:%d: header has no %s columns (required: id, title, price)", name, n, quoteList(missing))
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
