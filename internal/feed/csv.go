package feed

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvSource reads an RFC 4180 CSV file with a header row.
type csvSource struct {
	br      *bufio.Reader
	in      *countingReader
	cr      *csv.Reader
	name    string
	cols    []string
	line    int // start line of the last record read
	started bool
}

func newCSVSource(br *bufio.Reader, in *countingReader, name string) *csvSource {
	cr := csv.NewReader(br) // reuses br: it is already a large enough bufio.Reader
	cr.ReuseRecord = true
	cr.FieldsPerRecord = 0 // set by the header
	return &csvSource{br: br, in: in, cr: cr, name: name}
}

func (s *csvSource) next() (int, fields, error) {
	if !s.started {
		s.started = true
		if err := skipBOM(s.br); err != nil {
			return 0, nil, fmt.Errorf("%s: reading: %w", s.name, err)
		}
	}
	for {
		s.in.allow()
		rec, err := s.cr.Read()
		if err == io.EOF {
			if s.cols == nil {
				return 0, nil, fmt.Errorf("%s: empty file: no header row", s.name)
			}
			return 0, nil, io.EOF
		}
		if errors.Is(err, errRowTooLarge) {
			return 0, nil, fmt.Errorf("%s: the record after line %d is longer than %d bytes (a quoted field left open?)", s.name, s.line, MaxRowBytes)
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return 0, nil, fmt.Errorf("%s: reading: %w", s.name, err)
		}
		if s.cols == nil {
			if pe != nil {
				return 0, nil, fmt.Errorf("%s:%d: header: %v", s.name, pe.StartLine, pe.Err)
			}
			line, _ := s.cr.FieldPos(0)
			s.line = line
			cols, err := headerNames(rec, line, s.name)
			if err != nil {
				return 0, nil, err
			}
			s.cols = cols
			continue
		}
		if pe != nil {
			s.line = pe.StartLine
			switch {
			case pe.Err == csv.ErrFieldCount:
				if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
					continue // a line of spaces
				}
				return 0, nil, &RowError{Line: pe.StartLine, Reason: fmt.Sprintf("%d fields, the header has %d", len(rec), len(s.cols))}
			case pe.Line != pe.StartLine:
				// A quoted field ran over several lines and then broke:
				// there is no reliable place to resume.
				return 0, nil, fmt.Errorf("%s:%d: the quoted field opened on this line is malformed at line %d, byte %d: %v", s.name, pe.StartLine, pe.Line, pe.Column, pe.Err)
			}
			return 0, nil, &RowError{Line: pe.StartLine, Reason: fmt.Sprintf("%v at byte %d", pe.Err, pe.Column)}
		}
		line, _ := s.cr.FieldPos(0)
		s.line = line
		f := make(fields, len(s.cols))
		for i, name := range s.cols {
			if name == listAttribute {
				f.addList(name, rec[i])
			} else {
				f.add(name, rec[i])
			}
		}
		return line, f, nil
	}
}
