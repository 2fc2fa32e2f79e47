// Package reco is Vitrine's session-based next-item recommender: the
// nearest-neighbour and rule-based algorithms that win the published
// comparisons of session-based recommenders (Ludewig, Mauro, Latifi and
// Jannach, session-rec), the session-rec next-item evaluation protocol
// (HR@k, MRR@k), and a loader for the session-rec TSV format.
//
// A trained model answers Recommend(sessionItems, k) and learns from finished
// sessions with Update(session); see Model. Train(Default, nil, sessions)
// builds the default model (V-STAN plus a small share of sequential rules);
// training is indexing and takes well under a second for 70k clicks, so a
// server can rebuild from its panel sessions at start-up and call Update as
// sessions close. Models are kept in memory only: there is no file format.
//
// Measured numbers and how the parameters were chosen: RESULTS.md.
package reco

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Session is one shopping session: the items viewed, in time order.
type Session struct {
	ID    string
	Items []string
	// Times are Unix seconds, one per item (may be nil for sessions built in code).
	Times []float64
}

// End is the time of the session's last event (0 when Times is empty).
func (s Session) End() float64 {
	if len(s.Times) == 0 {
		return 0
	}
	return s.Times[len(s.Times)-1]
}

// LoadFile reads a session-rec TSV file; see Read.
func LoadFile(path string) ([]Session, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reco: %w", err)
	}
	defer f.Close()
	return Read(f, path)
}

// Read parses session-rec's tab-separated format: a header naming the columns
// SessionId, ItemId and Time (any order, other columns ignored; names are
// matched case-insensitively), then one click per line with Time in Unix
// seconds (a float). Sessions are ordered as session-rec orders them: rows
// sorted stably by SessionId (numerically when every id is an integer), then
// by Time. A malformed line is an error naming name:line.
func Read(r io.Reader, name string) ([]Session, error) {
	type row struct {
		sid, item string
		t         float64
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	colS, colI, colT, ncol := -1, -1, -1, 0
	var rows []row
	numeric := true
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
			cols := strings.Split(text, "\t")
			ncol = len(cols)
			for i, c := range cols {
				switch strings.ToLower(strings.TrimSpace(c)) {
				case "sessionid":
					colS = i
				case "itemid":
					colI = i
				case "time":
					colT = i
				}
			}
			if colS < 0 || colI < 0 || colT < 0 {
				return nil, fmt.Errorf("%s:1: header %q: want tab-separated columns SessionId, ItemId and Time", name, text)
			}
			continue
		}
		if text == "" {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != ncol {
			return nil, fmt.Errorf("%s:%d: %d tab-separated fields, the header has %d", name, line, len(f), ncol)
		}
		sid, item := strings.TrimSpace(f[colS]), strings.TrimSpace(f[colI])
		if sid == "" {
			return nil, fmt.Errorf("%s:%d: empty SessionId", name, line)
		}
		if item == "" {
			return nil, fmt.Errorf("%s:%d: empty ItemId", name, line)
		}
		t, err := strconv.ParseFloat(strings.TrimSpace(f[colT]), 64)
		if err != nil || t != t || t < 0 || t > 1e13 {
			return nil, fmt.Errorf("%s:%d: Time %q: want Unix seconds", name, line, f[colT])
		}
		if numeric {
			if _, err := strconv.ParseInt(sid, 10, 64); err != nil {
				numeric = false
			}
		}
		rows = append(rows, row{sid, item, t})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if line == 0 {
		return nil, fmt.Errorf("%s: empty file, want a header SessionId ItemId Time", name)
	}
	cmpID := func(a, b string) int { return strings.Compare(a, b) }
	if numeric {
		cmpID = func(a, b string) int {
			x, _ := strconv.ParseInt(a, 10, 64)
			y, _ := strconv.ParseInt(b, 10, 64)
			return cmpInt(x, y)
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		if c := cmpID(a.sid, b.sid); c != 0 {
			return c
		}
		switch {
		case a.t < b.t:
			return -1
		case a.t > b.t:
			return 1
		}
		return 0
	})
	var out []Session
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ID != r.sid {
			out = append(out, Session{ID: r.sid})
		}
		s := &out[len(out)-1]
		s.Items = append(s.Items, r.item)
		s.Times = append(s.Times, r.t)
	}
	return out, nil
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// DataDir finds the shared benchmark data folder: $VITRINE_DATA when set,
// else the first "shared/data" found walking up from dir.
func DataDir(getenv func(string) string, dir string) (string, error) {
	if d := getenv("VITRINE_DATA"); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", fmt.Errorf("reco: VITRINE_DATA=%s is not a directory", d)
		}
		return d, nil
	}
	for {
		c := filepath.Join(dir, "shared", "data")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("reco: no shared/data above " + dir + " and VITRINE_DATA is not set")
		}
		dir = parent
	}
}
