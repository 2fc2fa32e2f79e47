// Package match finds the same product in two product tables: a tokeniser
// that keeps model numbers and units intact, pair features, a small
// gradient-boosted tree classifier, a BM25 candidate index and the
// evaluation used for the published benchmarks (pair F1 on the DeepMatcher
// splits, catalog lookup on the Leipzig tables).
package match

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Record is one product row of a table, with columns mapped by header.
type Record struct {
	ID          string
	Title       string
	Brand       string
	ModelNo     string
	Description string
	Category    string
	Price       string
}

// Pair is one labelled (or unlabelled, Label -1) pair of record ids: Left is
// an id of the left table (tableA), Right of the right table (tableB).
type Pair struct {
	Left, Right string
	Label       int
}

// PairSet is a list of pairs together with the file it was read from, so that
// training can refuse pairs that come from a test split.
type PairSet struct {
	Path  string
	Pairs []Pair
}

// decode returns b as a string, decoding ISO-8859-1 when b is not valid UTF-8.
// A leading UTF-8 byte order mark is dropped.
func decode(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// readCSV reads a whole CSV file (UTF-8 or ISO-8859-1, LF or CRLF) and returns
// the header (lower-cased, trimmed) and the rows.
func readCSV(path string) ([]string, [][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("match: %w", err)
	}
	r := csv.NewReader(strings.NewReader(decode(b)))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("match: %s: empty file", path)
		}
		return nil, nil, fmt.Errorf("match: %s: %w", path, err)
	}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
	}
	rows, err := r.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("match: %s: %w", path, err)
	}
	return header, rows, nil
}

// columnNames lists, for each Record field, the header names it accepts.
var columnNames = map[string][]string{
	"id":          {"id"},
	"title":       {"title", "name", "product_name", "product name"},
	"brand":       {"manufacturer", "brand"},
	"modelno":     {"modelno", "model", "mpn", "model_no"},
	"description": {"description", "desc"},
	"category":    {"category"},
	"price":       {"price"},
}

// LoadTable reads a product table CSV. Columns are found by header name (see
// Record); the id column is "id", else the first column. The file may be UTF-8
// or ISO-8859-1 (detected per file) with LF or CRLF line ends.
func LoadTable(path string) ([]Record, error) {
	header, rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for field, names := range columnNames {
		col[field] = -1
		for _, n := range names {
			for i, h := range header {
				if h == n && col[field] < 0 {
					col[field] = i
				}
			}
		}
	}
	if col["id"] < 0 {
		col["id"] = 0
	}
	if col["title"] < 0 {
		return nil, fmt.Errorf("match: %s: no title or name column in header %q", path, header)
	}
	get := func(row []string, field string) string {
		i := col[field]
		if i < 0 || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	recs := make([]Record, 0, len(rows))
	seen := make(map[string]int, len(rows))
	for n, row := range rows {
		rec := Record{
			ID:          get(row, "id"),
			Title:       get(row, "title"),
			Brand:       get(row, "brand"),
			ModelNo:     get(row, "modelno"),
			Description: get(row, "description"),
			Category:    get(row, "category"),
			Price:       get(row, "price"),
		}
		if rec.ID == "" {
			return nil, fmt.Errorf("match: %s: row %d: empty id", path, n+2)
		}
		if prev, dup := seen[rec.ID]; dup {
			return nil, fmt.Errorf("match: %s: row %d: id %q already on row %d", path, n+2, rec.ID, prev)
		}
		seen[rec.ID] = n + 2
		recs = append(recs, rec)
	}
	return recs, nil
}

// LoadPairs reads a pair file with columns ltable_id, rtable_id and an
// optional label (1 match, 0 no match; -1 when the column is absent).
func LoadPairs(path string) (PairSet, error) {
	header, rows, err := readCSV(path)
	if err != nil {
		return PairSet{}, err
	}
	li, ri, lab := -1, -1, -1
	for i, h := range header {
		switch h {
		case "ltable_id":
			li = i
		case "rtable_id":
			ri = i
		case "label":
			lab = i
		}
	}
	if li < 0 || ri < 0 {
		return PairSet{}, fmt.Errorf("match: %s: want ltable_id and rtable_id columns, header is %q", path, header)
	}
	ps := PairSet{Path: path, Pairs: make([]Pair, 0, len(rows))}
	for n, row := range rows {
		if len(row) <= li || len(row) <= ri {
			return PairSet{}, fmt.Errorf("match: %s: row %d: too few columns", path, n+2)
		}
		p := Pair{Left: strings.TrimSpace(row[li]), Right: strings.TrimSpace(row[ri]), Label: -1}
		if lab >= 0 && lab < len(row) {
			v, err := strconv.Atoi(strings.TrimSpace(row[lab]))
			if err != nil || (v != 0 && v != 1) {
				return PairSet{}, fmt.Errorf("match: %s: row %d: label %q is not 0 or 1", path, n+2, row[lab])
			}
			p.Label = v
		}
		ps.Pairs = append(ps.Pairs, p)
	}
	return ps, nil
}

// LoadMapping reads a two-column gold mapping (such as the Leipzig perfect
// mappings) and returns its id pairs in file order, first column first.
func LoadMapping(path string) ([][2]string, error) {
	header, rows, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	if len(header) < 2 {
		return nil, fmt.Errorf("match: %s: want two id columns, header is %q", path, header)
	}
	out := make([][2]string, 0, len(rows))
	for n, row := range rows {
		if len(row) < 2 {
			return nil, fmt.Errorf("match: %s: row %d: too few columns", path, n+2)
		}
		out = append(out, [2]string{strings.TrimSpace(row[0]), strings.TrimSpace(row[1])})
	}
	return out, nil
}

// isTestSplit reports whether path names a test split file.
func isTestSplit(path string) bool {
	return strings.EqualFold(filepath.Base(path), "test.csv")
}
