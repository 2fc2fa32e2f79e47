// Package feed reads product data files — Google Merchant Center text (TSV)
// and XML (RSS 2.0 or Atom) feeds, CSV and JSON Lines — and turns each row
// into a validated vitrine.Item.
//
// Readers stream: they hold one row (at most MaxRowBytes of it) at a time,
// never the whole file. A bad row yields a *RowError naming the file, the
// line and the column, and reading goes on with the next row; any other
// error (a header without a required column, XML that is not well-formed, an
// I/O error) is fatal and ends the reader.
//
// Every format goes through the same mapping and validation (see Next), so a
// product is accepted or refused for the same reasons whatever file it came
// from.
//
// Attribute names are matched in any case, with spaces, hyphens or
// underscores and an optional "g:" prefix ("Image Link", "g:image_link").
//
//   - TSV: one row per line, the first non-blank line is the header. A field
//     that starts with a double quote is quoted (it may hold tabs; "" is a
//     quote). A column may be repeated to give several values. An unquoted
//     additional_image_link is a comma-separated list; a quoted one is a
//     single value, as Merchant Center reads it. A row with fewer fields than
//     the header is refused, extra fields must be empty.
//   - CSV: RFC 4180 with a header row; every row has the header's number of
//     fields. additional_image_link is always a comma-separated list (quote
//     the cell; encode commas inside a URL as %2C). Record.Line is the line
//     where the record starts.
//   - XML: RSS 2.0 <item> or Atom <entry> elements; the attributes are the
//     g: elements (and c: custom attributes), repeated elements add values,
//     elements with child elements (g:shipping, g:tax) are dropped. The plain
//     RSS <title>, <link>, <description> or Atom <title>, <link href>,
//     <summary>, <content> stand in for a missing g:title, g:link,
//     g:description. UTF-8, ISO-8859-1 and windows-1252 are decoded.
//     Record.Line is the line of the item's start tag.
//   - JSONL: one object per line; values are strings, numbers and booleans
//     (their literal text: write a GTIN as a string to keep leading zeros),
//     or arrays of them for repeated values. price and sale_price are
//     "15.00 USD" or {"amount":"15.00","currency":"USD"}, never a bare number.
//     Objects under other names (shipping) are dropped.
//
// TSV, CSV and JSONL must be UTF-8 (a leading byte order mark is skipped).
//
// A date-only sale_price_effective_date ("2024-02-24/2024-02-29") runs from
// the first day's midnight UTC to the end of the last day.
package feed

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/vitrine/vitrine"
)

// Format is the syntax of a feed file.
type Format int

// The supported formats. The zero Format is not a format.
const (
	TSV   Format = iota + 1 // Merchant Center text feed: tab-separated, header row
	XML                     // Merchant Center XML feed: RSS 2.0 or Atom with the g: namespace
	CSV                     // RFC 4180 comma-separated, header row
	JSONL                   // JSON Lines: one JSON object per line
)

// String returns the format's name ("TSV", "XML", "CSV", "JSONL").
func (f Format) String() string {
	switch f {
	case TSV:
		return "TSV"
	case XML:
		return "XML"
	case CSV:
		return "CSV"
	case JSONL:
		return "JSONL"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatFromPath chooses the format from a file name's extension, in any
// case: .tsv and .txt (Merchant Center text feed), .xml, .csv, .jsonl and
// .ndjson. Any other extension is an error.
func FormatFromPath(path string) (Format, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".tsv", ".txt":
		return TSV, nil
	case ".xml":
		return XML, nil
	case ".csv":
		return CSV, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	case "":
		return 0, fmt.Errorf("feed: %q has no file extension (want .tsv, .txt, .xml, .csv, .jsonl or .ndjson)", path)
	}
	return 0, fmt.Errorf("feed: %q: unknown file extension %q (want .tsv, .txt, .xml, .csv, .jsonl or .ndjson)", path, ext)
}

// MaxRowBytes bounds one row: a TSV or JSONL line, a CSV record, or the text
// of one XML item. A longer TSV or JSONL line or XML item is a *RowError; a
// longer CSV record is fatal, because the CSV syntax gives no safe place to
// resume.
const MaxRowBytes = 1 << 20

// Record is one accepted row: the item and the line where its row starts.
type Record struct {
	Line int
	Item vitrine.Item
}

// RowError reports a row that was refused. Column is the attribute name in
// its canonical form ("price", "sale_price_effective_date"), empty when the
// row as a whole is wrong (bad JSON, wrong number of fields).
type RowError struct {
	File   string
	Line   int
	Column string
	Reason string
}

// Error formats the error as "file:line: column name: reason".
func (e *RowError) Error() string {
	var b strings.Builder
	if e.File != "" {
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	} else {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "column %s: ", e.Column)
	}
	b.WriteString(e.Reason)
	return b.String()
}

// source is one format's reader: it yields the raw attributes of each row.
// It returns a *RowError for a bad row that it can step over, io.EOF at the
// end, and any other error when it cannot go on.
type source interface {
	next() (line int, f fields, err error)
}

// Reader reads items from a feed. It is not safe for concurrent use, except
// BytesRead, which may be called from any goroutine.
type Reader struct {
	name string
	in   *countingReader
	src  source
	err  error // sticky fatal error or io.EOF
}

// bufSize is the read buffer; BytesRead runs at most this far ahead of the
// rows returned.
const bufSize = 64 << 10

// NewReader returns a Reader of the feed r in format f. name (usually the
// file name) prefixes every error. Nothing is read before the first Next.
func NewReader(r io.Reader, name string, f Format) (*Reader, error) {
	if r == nil {
		return nil, errors.New("feed: nil io.Reader")
	}
	in := &countingReader{r: r}
	br := bufio.NewReaderSize(in, bufSize)
	rd := &Reader{name: name, in: in}
	switch f {
	case TSV:
		rd.src = newTSVSource(br, name)
	case CSV:
		rd.src = newCSVSource(br, in, name)
	case XML:
		rd.src = newXMLSource(br, in, name)
	case JSONL:
		rd.src = newJSONLSource(br, name)
	default:
		return nil, fmt.Errorf("feed: unknown format %v", f)
	}
	return rd, nil
}

// Next returns the next accepted row. At the end of the feed it returns
// io.EOF. For a refused row it returns a *RowError, and the following call
// goes on with the next row. Any other error is fatal: the Reader is done and
// returns the same error from then on.
//
// Each row is mapped and validated the same way whatever the format:
// id (required, at most 50 characters), title (required, at most 150),
// description (at most 5000), link and image_link and every
// additional_image_link (absolute http or https URLs; at most 10 additional
// images), price (required, "15.00 USD", greater than zero), sale_price (same
// currency as price and lower), sale_price_effective_date (an ISO 8601
// interval start/end, end after start), availability (required: in_stock,
// out_of_stock, preorder or backorder, spaces and case ignored), condition
// (new, used or refurbished), gtin (check digit, stored as 14 digits), brand,
// mpn, sku, google_product_category, product_type, item_group_id. Every other
// non-empty attribute goes to Attributes under its lower-case underscore
// name, except structured shipping, tax and similar attributes, which are
// dropped. Values are trimmed and must be valid UTF-8.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	line, f, err := r.src.next()
	if err != nil {
		var re *RowError
		if errors.As(err, &re) {
			re.File = r.name
			return Record{}, re
		}
		r.err = err
		return Record{}, err
	}
	item, re := buildItem(f)
	if re != nil {
		re.File = r.name
		re.Line = line
		return Record{}, re
	}
	return Record{Line: line, Item: item}, nil
}

// BytesRead returns how many bytes of the input have been read so far, for
// a progress display. Reads are buffered, so it may run up to 64 KiB ahead of
// the last row returned.
func (r *Reader) BytesRead() int64 { return r.in.n.Load() }

// errRowTooLarge is returned by countingReader when a format reader passes
// its limit: one CSV record or XML token is larger than MaxRowBytes.
var errRowTooLarge = errors.New("row too large")

// countingReader counts the bytes read and can refuse to read past a limit,
// which bounds the memory that encoding/csv and encoding/xml may use for one
// record or token.
type countingReader struct {
	r     io.Reader
	n     atomic.Int64
	limit int64 // 0: none
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.limit > 0 {
		left := c.limit - c.n.Load()
		if left <= 0 {
			return 0, errRowTooLarge
		}
		if int64(len(p)) > left {
			p = p[:left]
		}
	}
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// allow lets the next record or token read at most MaxRowBytes more (plus
// the read buffer) before reads fail with errRowTooLarge.
func (c *countingReader) allow() { c.limit = c.n.Load() + MaxRowBytes + bufSize }

// skipBOM drops a UTF-8 byte order mark at the start of br.
func skipBOM(br *bufio.Reader) error {
	b, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return err
	}
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		_, err = br.Discard(3)
		return err
	}
	return nil
}
