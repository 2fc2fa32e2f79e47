package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
)

// result is everything a Reader produced, in order.
type result struct {
	recs   []Record
	errs   []*RowError
	fatal  error
	events []string // "rec:LINE" or "err:LINE" in order
}

// drain reads r to the end or to a fatal error. It fails the test if the
// reader does not stop.
func drain(t testing.TB, r *Reader, limit int) result {
	t.Helper()
	var res result
	for i := 0; ; i++ {
		if i > limit {
			t.Fatalf("reader did not stop after %d calls to Next", limit)
		}
		rec, err := r.Next()
		if err == io.EOF {
			return res
		}
		var re *RowError
		if errors.As(err, &re) {
			res.errs = append(res.errs, re)
			res.events = append(res.events, fmt.Sprintf("err:%d", re.Line))
			continue
		}
		if err != nil {
			res.fatal = err
			// A fatal error is sticky.
			if _, again := r.Next(); again != err {
				t.Fatalf("after fatal error %q, Next returned %v", err, again)
			}
			return res
		}
		res.recs = append(res.recs, rec)
		res.events = append(res.events, fmt.Sprintf("rec:%d", rec.Line))
	}
}

// readFixture reads testdata/name in the format its extension says.
func readFixture(t *testing.T, name string) result {
	t.Helper()
	path := filepath.Join("testdata", name)
	format, err := FormatFromPath(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f, name, format)
	if err != nil {
		t.Fatal(err)
	}
	return drain(t, r, 1000)
}

func mustMoney(t testing.TB, s string) money.Money {
	t.Helper()
	m, err := money.ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ptr[T any](v T) *T { return &v }

// tv is the product that every products.* fixture starts with.
func tv(t testing.TB) vitrine.Item {
	cet := time.FixedZone("", 3600)
	return vitrine.Item{
		Product: vitrine.Product{
			ID:          "TV-55-OLED",
			Title:       `Acme 55" OLED TV`,
			Description: "4K OLED television, 55 inch.",
			Brand:       "Acme",
			GTIN:        "04006381333931",
			MPN:         "OLED55-X1",
			Category:    "Electronics > Video > Televisions",
			ProductType: "Home > TV > OLED",
			Link:        "https://shop.example.com/p/tv-55-oled",
			ImageLink:   "https://img.example.com/tv-55.jpg",
			AdditionalImageLinks: []string{
				"https://img.example.com/tv-55-side.jpg",
				"https://img.example.com/tv-55-back.jpg",
				"https://img.example.com/tv-55-wall.jpg",
			},
			Condition:   vitrine.ConditionNew,
			ItemGroupID: "TV-55",
			Attributes:  map[string][]string{"color": {"Black"}, "size": {"55 in"}},
		},
		Offer: vitrine.Offer{
			Price:        mustMoney(t, "1299.00 USD"),
			SalePrice:    ptr(mustMoney(t, "999.00 USD")),
			SaleStart:    ptr(time.Date(2024, 2, 24, 11, 7, 0, 0, cet)),
			SaleEnd:      ptr(time.Date(2024, 2, 29, 23, 7, 0, 0, cet)),
			Availability: vitrine.InStock,
		},
	}
}

// sameItem compares items through their JSON form, which compares instants
// and zones without depending on *time.Location pointers.
func sameItem(t *testing.T, got, want vitrine.Item) {
	t.Helper()
	g, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("item differs\n got: %s\nwant: %s", g, w)
	}
}

func TestFormatFromPath(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Format
		err  string
	}{
		{"feed.tsv", TSV, ""},
		{"/data/Feed.TXT", TSV, ""},
		{"feed.xml", XML, ""},
		{"products.atom.xml", XML, ""},
		{"feed.csv", CSV, ""},
		{"feed.jsonl", JSONL, ""},
		{"feed.ndjson", JSONL, ""},
		{"feed.tsv.gz", 0, `feed: "feed.tsv.gz": unknown file extension ".gz" (want .tsv, .txt, .xml, .csv, .jsonl or .ndjson)`},
		{"feed", 0, `feed: "feed" has no file extension (want .tsv, .txt, .xml, .csv, .jsonl or .ndjson)`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			got, err := FormatFromPath(tc.path)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("= %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestFormatString(t *testing.T) {
	for f, want := range map[Format]string{TSV: "TSV", XML: "XML", CSV: "CSV", JSONL: "JSONL", 0: "Format(0)"} {
		if got := f.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(f), got, want)
		}
	}
}

func TestNewReaderErrors(t *testing.T) {
	if _, err := NewReader(strings.NewReader(""), "x", Format(99)); err == nil {
		t.Error("NewReader with an unknown format: no error")
	}
	if _, err := NewReader(nil, "x", TSV); err == nil {
		t.Error("NewReader with a nil reader: no error")
	}
}

// TestSameProductEveryFormat reads the same product from each format and
// expects the very same Item: the mapping is shared.
func TestSameProductEveryFormat(t *testing.T) {
	for _, name := range []string{"products.tsv", "products.csv", "products.jsonl", "products.xml", "products.atom.xml"} {
		t.Run(name, func(t *testing.T) {
			res := readFixture(t, name)
			if res.fatal != nil || len(res.errs) > 0 {
				t.Fatalf("fatal %v, row errors %v", res.fatal, res.errs)
			}
			if len(res.recs) == 0 {
				t.Fatal("no records")
			}
			sameItem(t, res.recs[0].Item, tv(t))
		})
	}
}

func TestFixtures(t *testing.T) {
	mug := vitrine.Item{
		Product: vitrine.Product{ID: "MUG-1", Title: "Mug", GTIN: "00036000291452", Condition: vitrine.ConditionUsed},
		Offer:   vitrine.Offer{Price: mustMoney(t, "5.00 USD"), Availability: vitrine.Preorder},
	}
	withAttrs := func(it vitrine.Item, attrs map[string][]string) vitrine.Item {
		it.Attributes = attrs
		return it
	}
	for _, tc := range []struct {
		file  string
		lines []int
		items map[int]vitrine.Item // by index, when checked
	}{
		{"products.tsv", []int{2, 3, 5}, map[int]vitrine.Item{
			1: {
				Product: vitrine.Product{
					ID:                   `SHIRT-"M"-RED`,
					Title:                "Cotton shirt\twith tab",
					Link:                 "https://shop.example.com/p/shirt",
					AdditionalImageLinks: []string{"https://img.example.com/shirt,red.jpg"}, // quoted: one value
					ItemGroupID:          "SHIRT",
					Attributes:           map[string][]string{"color": {"Red"}, "size": {"M"}},
				},
				Offer: vitrine.Offer{Price: mustMoney(t, "19.90 EUR"), Availability: vitrine.OutOfStock},
			},
			2: mug,
		}},
		{"products.csv", []int{2, 3, 7}, map[int]vitrine.Item{
			1: {
				Product: vitrine.Product{
					ID: "LAMP-2", Title: "Desk lamp",
					Description: "A lamp.\nSecond line of the description.\nThird line.",
					Link:        "https://shop.example.com/p/lamp", Condition: vitrine.ConditionRefurbished,
				},
				Offer: vitrine.Offer{Price: mustMoney(t, "25.00 GBP"), Availability: vitrine.Backorder},
			},
			2: mug,
		}},
		{"products.jsonl", []int{1, 3, 5}, map[int]vitrine.Item{
			1: withAttrs(mug, map[string][]string{"material": {"ceramic"}}),
			2: {
				Product: vitrine.Product{
					ID: "BOOK-9", Title: "Go book", GTIN: "09780306406157", ProductType: "Books > Programming",
					Attributes: map[string][]string{"product_type": {"Books > Go"}, "custom_label_0": {"summer"}},
				},
				Offer: vitrine.Offer{Price: mustMoney(t, "39.99 USD"), Availability: vitrine.InStock},
			},
		}},
		{"products.xml", []int{7, 36}, map[int]vitrine.Item{
			1: withAttrs(mug, map[string][]string{"material": {"ceramic", "glaze"}}),
		}},
		{"products.atom.xml", []int{6, 33}, map[int]vitrine.Item{
			1: {
				Product: vitrine.Product{ID: "SHIRT-2", Title: "Shirt &amp; tie", Description: "Silk tie."},
				Offer:   vitrine.Offer{Price: mustMoney(t, "30.00 EUR"), Availability: vitrine.Backorder},
			},
		}},
		{"latin1.xml", []int{3}, map[int]vitrine.Item{
			0: {
				Product: vitrine.Product{ID: "CAFE-1", Title: "Café crème"},
				Offer:   vitrine.Offer{Price: mustMoney(t, "4.50 EUR"), Availability: vitrine.InStock},
			},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res := readFixture(t, tc.file)
			if res.fatal != nil || len(res.errs) > 0 {
				t.Fatalf("fatal %v, row errors %v", res.fatal, res.errs)
			}
			var lines []int
			for _, r := range res.recs {
				lines = append(lines, r.Line)
			}
			if !reflect.DeepEqual(lines, tc.lines) {
				t.Fatalf("record lines %v, want %v", lines, tc.lines)
			}
			for i, want := range tc.items {
				sameItem(t, res.recs[i].Item, want)
			}
		})
	}
}

// TestBadRows checks every refused row: its line, its column and the whole
// message, and that reading goes on after each.
func TestBadRows(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string // in order: "rec:LINE" or the RowError text
	}{
		{"bad_rows.tsv", []string{
			"rec:2",
			`bad_rows.tsv:3: column price: price "abc": want an amount and an ISO 4217 currency, like "15.00 USD"`,
			"rec:4",
			`bad_rows.tsv:5: column gtin: invalid GTIN "4006381333932": check digit is 2, want 1`,
			`bad_rows.tsv:6: column price: price "10.00 XYZ": unknown currency "XYZ" (want an ISO 4217 code such as USD)`,
			`bad_rows.tsv:7: column sale_price: "9.00 EUR" is in EUR but price is in USD; want the same currency`,
			`bad_rows.tsv:8: column sale_price_effective_date: "2024-02-29T00:00Z/2024-02-24T00:00Z": end is not after start`,
			`bad_rows.tsv:9: column sale_price: 12.00 USD is not lower than price 10.00 USD`,
			`bad_rows.tsv:10: column availability: "coming soon": want one of in_stock, out_of_stock, preorder, backorder`,
			`bad_rows.tsv:11: column availability: missing; want one of in_stock, out_of_stock, preorder, backorder`,
			`bad_rows.tsv:12: column id: 51 characters, at most 50 allowed`,
			`bad_rows.tsv:13: column title: missing; every item needs a title`,
			`bad_rows.tsv:14: column link: "ftp://shop.example.com/x" is not an absolute http or https URL`,
			`bad_rows.tsv:15: column title: value is not valid UTF-8 (the feed must be UTF-8 encoded)`,
			`bad_rows.tsv:16: column title: quoted value has no closing quote`,
			`bad_rows.tsv:17: 3 fields, the header has 8`,
			"rec:18",
		}},
		{"bad_rows.csv", []string{
			"rec:2",
			`bad_rows.csv:3: 6 fields, the header has 5`,
			`bad_rows.csv:4: bare " in non-quoted-field at byte 11`,
			`bad_rows.csv:5: column gtin: invalid GTIN "12345": 5 digits, want 8, 12, 13 or 14`,
			"rec:6",
			"rec:8",
		}},
		{"bad_items.xml", []string{
			`bad_items.xml:3: column gtin: invalid GTIN "4006381333932": check digit is 2, want 1`,
			`bad_items.xml:7: column id: missing; every item needs an id`,
			"rec:9",
		}},
		{"bad_lines.jsonl", []string{
			"rec:1",
			`bad_lines.jsonl:2: invalid JSON: unexpected end of line`,
			`bad_lines.jsonl:3: want a JSON object {...} on each line`,
			`bad_lines.jsonl:4: column price: 15 has no currency: want "15.00 USD" or {"amount":"15.00","currency":"USD"}`,
			`bad_lines.jsonl:5: column sale_price: "9 EUR" is in EUR but price is in USD; want the same currency`,
			`bad_lines.jsonl:7: invalid JSON: text after the object (one object per line)`,
			"rec:8",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res := readFixture(t, tc.file)
			if res.fatal != nil {
				t.Fatalf("fatal: %v", res.fatal)
			}
			var got []string
			ei := 0
			for _, ev := range res.events {
				if strings.HasPrefix(ev, "err:") {
					got = append(got, res.errs[ei].Error())
					ei++
				} else {
					got = append(got, ev)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// TestRowErrorFields checks the structured fields, not only the text.
func TestRowErrorFields(t *testing.T) {
	res := readFixture(t, "bad_rows.tsv")
	e := res.errs[0]
	want := &RowError{File: "bad_rows.tsv", Line: 3, Column: "price", Reason: `price "abc": want an amount and an ISO 4217 currency, like "15.00 USD"`}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got %#v, want %#v", e, want)
	}
	if got := (&RowError{Line: 4, Reason: "x"}).Error(); got != "line 4: x" {
		t.Errorf("without a file name: %q", got)
	}
}

func TestFatal(t *testing.T) {
	bigQuote := "id,title,price,availability\n1,\"" + strings.Repeat("x", MaxRowBytes+3*bufSize)
	for _, tc := range []struct {
		name   string
		format Format
		input  string // or a fixture name below
		file   string
		before []string // events before the fatal error
		want   string
	}{
		{name: "missing price column", file: "missing_column.tsv",
			want: `missing_column.tsv:1: header has no "price" column (required: id, title, price)`},
		{name: "missing columns", format: TSV, input: "\n\nsku\tname\n",
			want: `t:3: header has no "id", "title", "price" columns (required: id, title, price)`},
		{name: "csv missing column", format: CSV, input: "id,title,cost\n",
			want: `t:1: header has no "price" column (required: id, title, price)`},
		{name: "unclosed xml", file: "unclosed.xml", before: []string{"rec:4"},
			want: `unclosed.xml:10: XML is not well-formed: unexpected EOF`},
		{name: "mismatched tag", format: XML, input: "<rss>\n<channel>\n<item></channel></rss>",
			want: `t:3: XML is not well-formed: element <item> closed by </channel>`},
		{name: "wrong root", format: XML, input: "<?xml version=\"1.0\"?>\n<products/>",
			want: `t:2: root element <products>: want RSS 2.0 <rss> or Atom <feed>`},
		{name: "empty xml", format: XML, input: "",
			want: `t: empty file: no XML root element`},
		{name: "unknown charset", format: XML, input: `<?xml version="1.0" encoding="EBCDIC"?><rss/>`,
			want: `t:1: reading XML: xml: opening charset "EBCDIC": unsupported encoding "EBCDIC" (want UTF-8, ISO-8859-1 or windows-1252)`},
		{name: "too deep", format: XML, input: "<rss>" + strings.Repeat("<a>", maxDepth),
			want: fmt.Sprintf(`t:1: XML elements nested more than %d deep`, maxDepth)},
		{name: "empty tsv", format: TSV, input: "",
			want: `t: empty file: no header row`},
		{name: "empty csv", format: CSV, input: "",
			want: `t: empty file: no header row`},
		{name: "csv quote broken over lines", format: CSV,
			input:  "id,title,price,availability\n1,A,1 USD,in_stock\n2,\"B\nb\"x,1 USD,in_stock\n3,C,1 USD,in_stock\n",
			before: []string{"rec:2"},
			want:   `t:3: the quoted field opened on this line is malformed at line 4, byte 2: extraneous or missing " in quoted-field`},
		{name: "csv record too large", format: CSV, input: bigQuote,
			want: fmt.Sprintf(`t: the record after line 1 is longer than %d bytes (a quoted field left open?)`, MaxRowBytes)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var res result
			if tc.file != "" {
				res = readFixture(t, tc.file)
			} else {
				r, err := NewReader(strings.NewReader(tc.input), "t", tc.format)
				if err != nil {
					t.Fatal(err)
				}
				res = drain(t, r, 100)
			}
			if !reflect.DeepEqual(res.events, tc.before) {
				t.Errorf("events before the fatal error: %v, want %v", res.events, tc.before)
			}
			if res.fatal == nil || res.fatal.Error() != tc.want {
				t.Errorf("fatal error %v\nwant %s", res.fatal, tc.want)
			}
		})
	}
}

// line is a JSONL row built from a map, for the validation table.
func line(t *testing.T, m map[string]any) string {
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestValidation drives the shared mapping through small JSONL rows.
func TestValidation(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{"id": "A1", "title": "Thing", "price": "10.00 USD", "availability": "in_stock"}
	}
	with := func(kv ...any) map[string]any {
		m := base()
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	utc := time.UTC
	for _, tc := range []struct {
		name   string
		row    map[string]any
		column string // of the RowError; "" when the row is accepted
		reason string
		check  func(*testing.T, vitrine.Item)
	}{
		{name: "minimal", row: base(), check: func(t *testing.T, it vitrine.Item) {
			if it.ID != "A1" || it.Offer.Price.String() != "10.00 USD" || it.Attributes != nil {
				t.Errorf("%+v", it)
			}
		}},
		{name: "trimmed", row: with("id", "  A1 \t", "title", "\n Thing "), check: func(t *testing.T, it vitrine.Item) {
			if it.ID != "A1" || it.Title != "Thing" {
				t.Errorf("%q %q", it.ID, it.Title)
			}
		}},
		{name: "missing id", row: with("id", nil), column: "id", reason: "missing; every item needs an id"},
		{name: "blank id", row: with("id", "   "), column: "id", reason: "missing; every item needs an id"},
		{name: "id 50 runes", row: with("id", strings.Repeat("é", 50))},
		{name: "title too long", row: with("title", strings.Repeat("t", 151)), column: "title", reason: "151 characters, at most 150 allowed"},
		{name: "description too long", row: with("description", strings.Repeat("d", 5001)), column: "description", reason: "5001 characters, at most 5000 allowed"},
		{name: "two ids", row: with("id", []string{"A1", "A2"}), column: "id", reason: `given 2 times with different values ("A1", "A2"); want one`},
		{name: "same id twice", row: with("id", []string{"A1", "A1"})},
		{name: "missing price", row: with("price", nil), column: "price", reason: `missing; every item needs a price like "15.00 USD"`},
		{name: "zero price", row: with("price", "0 USD"), column: "price", reason: `"0 USD": must be greater than zero`},
		{name: "negative price", row: with("price", "-1 USD"), column: "price", reason: `price "-1 USD": negative`},
		{name: "price object number", row: with("price", map[string]any{"amount": 12.5, "currency": "EUR"}), check: func(t *testing.T, it vitrine.Item) {
			if it.Offer.Price.String() != "12.50 EUR" {
				t.Error(it.Offer.Price)
			}
		}},
		{name: "price object extra member", row: with("price", map[string]any{"amount": "1", "currency": "EUR", "tax": "x"}),
			column: "price", reason: `want {"amount":"15.00","currency":"USD"}: json: unknown field "tax"`},
		{name: "price object no currency", row: with("price", map[string]any{"amount": "1"}),
			column: "price", reason: `want {"amount":"15.00","currency":"USD"} with both members, got {"amount":"1"}`},
		{name: "currency first", row: with("price", "EUR 3.5"), check: func(t *testing.T, it vitrine.Item) {
			if it.Offer.Price.String() != "3.50 EUR" {
				t.Error(it.Offer.Price)
			}
		}},
		{name: "sale equal to price", row: with("sale_price", "10 USD"), column: "sale_price", reason: "10.00 USD is not lower than price 10.00 USD"},
		{name: "sale zero", row: with("sale_price", "0 USD"), column: "sale_price", reason: `"0 USD": must be greater than zero`},
		{name: "sale bad", row: with("sale_price", "cheap"), column: "sale_price", reason: `price "cheap": want an amount and an ISO 4217 currency, like "15.00 USD"`},
		{name: "dates with seconds and Z", row: with("sale_price", "5 USD", "sale_price_effective_date", "2024-02-24T11:07:30Z/2024-02-29T23:07:00.5+01:00"),
			check: func(t *testing.T, it vitrine.Item) {
				if !it.Offer.SaleStart.Equal(time.Date(2024, 2, 24, 11, 7, 30, 0, utc)) ||
					!it.Offer.SaleEnd.Equal(time.Date(2024, 2, 29, 22, 7, 0, 5e8, utc)) {
					t.Errorf("%v %v", it.Offer.SaleStart, it.Offer.SaleEnd)
				}
			}},
		{name: "date-only interval includes the last day", row: with("sale_price", "5 USD", "sale_price_effective_date", "2024-02-24/2024-02-29"),
			check: func(t *testing.T, it vitrine.Item) {
				if !it.Offer.SaleStart.Equal(time.Date(2024, 2, 24, 0, 0, 0, 0, utc)) ||
					!it.Offer.SaleEnd.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, utc)) {
					t.Errorf("%v %v", it.Offer.SaleStart, it.Offer.SaleEnd)
				}
				if p := it.Offer.EffectivePrice(time.Date(2024, 2, 29, 23, 0, 0, 0, utc)); p.String() != "5.00 USD" {
					t.Errorf("price on the last day: %v", p)
				}
			}},
		{name: "one date only", row: with("sale_price_effective_date", "2024-02-24T13:00-0800"), column: "sale_price_effective_date",
			reason: `"2024-02-24T13:00-0800": want start/end like 2024-02-24T13:00-0800/2024-02-29T15:30-0800`},
		{name: "no zone", row: with("sale_price_effective_date", "2024-02-24T13:00/2024-02-29T15:30-0800"), column: "sale_price_effective_date",
			reason: `"2024-02-24T13:00/2024-02-29T15:30-0800": start "2024-02-24T13:00" has no time zone (add Z or an offset like -0800)`},
		{name: "bad end", row: with("sale_price_effective_date", "2024-02-24/2024-02-30"), column: "sale_price_effective_date",
			reason: `"2024-02-24/2024-02-30": end "2024-02-30" is not a date like 2024-02-24`},
		{name: "equal ends", row: with("sale_price_effective_date", "2024-02-24T10:00Z/2024-02-24T11:00+0100"), column: "sale_price_effective_date",
			reason: `"2024-02-24T10:00Z/2024-02-24T11:00+0100": end is not after start`},
		{name: "availability with space and case", row: with("availability", "In Stock"), check: func(t *testing.T, it vitrine.Item) {
			if it.Offer.Availability != vitrine.InStock {
				t.Error(it.Offer.Availability)
			}
		}},
		{name: "availability out-of-stock", row: with("availability", "OUT OF STOCK")},
		{name: "condition case", row: with("condition", "Refurbished"), check: func(t *testing.T, it vitrine.Item) {
			if it.Condition != vitrine.ConditionRefurbished {
				t.Error(it.Condition)
			}
		}},
		{name: "bad condition", row: with("condition", "mint"), column: "condition", reason: `"mint": want one of new, used, refurbished`},
		{name: "gtin with spaces", row: with("gtin", "0 36000 29145 2"), check: func(t *testing.T, it vitrine.Item) {
			if it.GTIN != "00036000291452" {
				t.Error(it.GTIN)
			}
		}},
		{name: "gtin as number loses its zero", row: with("gtin", json.Number("036000291452")[1:]), column: "gtin",
			reason: `invalid GTIN "36000291452": 11 digits, want 8, 12, 13 or 14`},
		{name: "relative link", row: with("link", "/p/1"), column: "link", reason: `"/p/1" is not an absolute http or https URL`},
		{name: "link with space", row: with("link", "https://x.example/a b"), column: "link",
			reason: `"https://x.example/a b": a URL cannot contain spaces or control characters (encode them)`},
		{name: "image javascript", row: with("image_link", "javascript:alert(1)"), column: "image_link", reason: `"javascript:alert(1)" is not an absolute http or https URL`},
		{name: "too many images", row: with("additional_image_link", strings.Split(strings.Repeat("https://i.example/x.jpg ", 11), " ")[:11]),
			column: "additional_image_link", reason: "11 images, at most 10 allowed"},
		{name: "bad additional image", row: with("additional_image_link", []string{"https://i.example/1.jpg", "i.example/2.jpg"}),
			column: "additional_image_link", reason: `"i.example/2.jpg" is not an absolute http or https URL`},
		{name: "brand too long", row: with("brand", strings.Repeat("b", 71)), column: "brand", reason: "71 characters, at most 70 allowed"},
		{name: "six product types", row: with("product_type", []string{"a", "b", "c", "d", "e", "f"}), column: "product_type", reason: "6 values, at most 5 allowed"},
		{name: "title as object", row: with("title", map[string]any{"en": "x"}), column: "title", reason: "want a string, not an object"},
		{name: "attributes", row: with("Color", "Red", "size_system", "EU", "Age Group", "adult", "gender", []string{"male", "female"},
			"shipping", map[string]any{"country": "US"}, "tax_category", "apparel", "identifier_exists", "no", "g:custom", 7, "empty", "", "flag", true),
			check: func(t *testing.T, it vitrine.Item) {
				want := map[string][]string{"color": {"Red"}, "size_system": {"EU"}, "age_group": {"adult"}, "gender": {"male", "female"}, "custom": {"7"}, "flag": {"true"}}
				if !reflect.DeepEqual(it.Attributes, want) {
					t.Errorf("attributes %v, want %v", it.Attributes, want)
				}
			}},
		{name: "sku and category", row: with("sku", "S-1", "google_product_category", "2271", "item_group_id", "G"), check: func(t *testing.T, it vitrine.Item) {
			if it.SKU != "S-1" || it.Category != "2271" || it.ItemGroupID != "G" {
				t.Errorf("%+v", it.Product)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(line(t, tc.row)+"\n"), "v.jsonl", JSONL)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := r.Next()
			if tc.column == "" && tc.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if tc.check != nil {
					tc.check(t, rec.Item)
				}
				return
			}
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a RowError", err)
			}
			if re.Line != 1 || re.Column != tc.column || re.Reason != tc.reason {
				t.Errorf("got line %d column %q reason %q\nwant line 1 column %q reason %q", re.Line, re.Column, re.Reason, tc.column, tc.reason)
			}
		})
	}
}

func TestCanonicalName(t *testing.T) {
	for in, want := range map[string]string{
		"id":                            "id",
		"Image Link":                    "image_link",
		" g:Sale Price Effective Date ": "sale_price_effective_date",
		"G:GTIN":                        "gtin",
		"additional-image-link":         "additional_image_link",
		"shipping(country:price)":       "shipping",
		"custom  label   0":             "custom_label_0",
		"":                              "",
	} {
		if got := canonicalName(in); got != want {
			t.Errorf("canonicalName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTSVFieldCounts(t *testing.T) {
	hdr := "id\ttitle\tprice\tavailability\n"
	for _, tc := range []struct {
		name, row, want string
	}{
		{"extra empty fields", "1\tA\t1 USD\tin_stock\t\t \n", "rec:2"},
		{"extra non-empty field", "1\tA\t1 USD\tin_stock\tx\n", "t:2: 5 fields, the header has 4 (field 5 is not empty)"},
		{"text after quote", "1\t\"A\"B\t1 USD\tin_stock\n", "t:2: column title: text after the closing quote of a quoted value"},
		{"quoted tab and quote", "1\t\"A\t\"\"B\"\"\"\t1 USD\tin_stock\n", "rec:2"},
		{"no final newline", "1\tA\t1 USD\tin_stock", "rec:2"},
		{"line of tabs", "\t\t\t\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := NewReader(strings.NewReader(hdr+tc.row), "t", TSV)
			res := drain(t, r, 10)
			got := strings.Join(res.events, " ")
			if len(res.errs) > 0 {
				got = res.errs[0].Error()
			}
			if res.fatal != nil || got != tc.want {
				t.Errorf("got %q (fatal %v), want %q", got, res.fatal, tc.want)
			}
		})
	}
}

// TestLongLines checks that an over-long line is refused without being kept
// and that reading goes on after it.
func TestLongLines(t *testing.T) {
	good := `{"id":"B","title":"B","price":"1 USD","availability":"in_stock"}`
	long := `{"id":"A","title":"` + strings.Repeat("a", MaxRowBytes) + `"}`
	for _, tc := range []struct {
		name   string
		format Format
		input  string
		want   string
	}{
		{"jsonl", JSONL, long + "\n" + good + "\n", fmt.Sprintf("t:1: line is longer than %d bytes", MaxRowBytes)},
		{"tsv", TSV, "id\ttitle\tprice\tavailability\r\n" + strings.Repeat("x", MaxRowBytes+1) + "\r\nB\tB\t1 USD\tin_stock\r\n",
			fmt.Sprintf("t:2: line is longer than %d bytes", MaxRowBytes)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := NewReader(strings.NewReader(tc.input), "t", tc.format)
			res := drain(t, r, 10)
			if res.fatal != nil || len(res.errs) != 1 || res.errs[0].Error() != tc.want || len(res.recs) != 1 || res.recs[0].Item.ID != "B" {
				t.Fatalf("fatal %v errs %v recs %d", res.fatal, res.errs, len(res.recs))
			}
		})
	}
	t.Run("exactly the limit", func(t *testing.T) {
		row := "A\t\t" + strings.Repeat("d", MaxRowBytes-len("A\t\t\t1 USD\tin_stock")) + "\t1 USD\tin_stock"
		if len(row) != MaxRowBytes {
			t.Fatal(len(row))
		}
		r, _ := NewReader(strings.NewReader("id\ttitle\tdescription\tprice\tavailability\n"+row+"\r\n"), "t", TSV)
		res := drain(t, r, 10)
		// Accepted by the reader; refused by validation (title missing), not for length.
		if len(res.errs) != 1 || res.errs[0].Column != "title" {
			t.Fatalf("%v %v", res.errs, res.fatal)
		}
	})
	t.Run("xml item text", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`<rss xmlns:g="http://base.google.com/ns/1.0"><channel>` + "\n<item>")
		for i := 0; i < 5; i++ {
			fmt.Fprintf(&b, "<g:note%d>%s</g:note%d>", i, strings.Repeat("n", MaxRowBytes/4), i)
		}
		b.WriteString("<g:id>A</g:id></item>\n<item><g:id>B</g:id><g:title>B</g:title><g:price>1 USD</g:price><g:availability>in_stock</g:availability></item></channel></rss>")
		r, _ := NewReader(strings.NewReader(b.String()), "t", XML)
		res := drain(t, r, 10)
		want := fmt.Sprintf("t:2: <item> holds more than %d bytes of text", MaxRowBytes)
		if res.fatal != nil || len(res.errs) != 1 || res.errs[0].Error() != want || len(res.recs) != 1 {
			t.Fatalf("fatal %v errs %v recs %d", res.fatal, res.errs, len(res.recs))
		}
	})
	t.Run("xml token", func(t *testing.T) {
		in := `<rss><channel><item><title>` + strings.Repeat("n", MaxRowBytes+2*bufSize) + `</title></item></channel></rss>`
		r, _ := NewReader(strings.NewReader(in), "t", XML)
		res := drain(t, r, 10)
		want := fmt.Sprintf("t:1: an XML token is longer than %d bytes", MaxRowBytes)
		if res.fatal == nil || res.fatal.Error() != want {
			t.Fatalf("fatal %v, want %s", res.fatal, want)
		}
	})
}

func TestBytesRead(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "products.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := NewReader(bytes.NewReader(data), "p.csv", CSV)
	if n := r.BytesRead(); n != 0 {
		t.Fatalf("before reading: %d", n)
	}
	res := drain(t, r, 100)
	if res.fatal != nil || len(res.recs) != 3 {
		t.Fatal(res.fatal, len(res.recs))
	}
	if n := r.BytesRead(); n != int64(len(data)) {
		t.Fatalf("after reading: %d, want %d", n, len(data))
	}
}

// TestStreaming reads 200,000 generated rows through a pipe and checks
// that the heap does not grow with the input.
func TestStreaming(t *testing.T) {
	const rows = 200_000
	pr, pw := io.Pipe()
	go func() {
		bw := bufioWriter(pw)
		fmt.Fprintf(bw, "id\ttitle\tdescription\tprice\tavailability\tgtin\tcolor\n")
		for i := 0; i < rows; i++ {
			fmt.Fprintf(bw, "SKU-%07d\tProduct number %d\tA fairly ordinary description of product %d.\t%d.99 USD\tin stock\t4006381333931\tblue\n", i, i, i, i%500+1)
		}
		bw.Flush()
		pw.Close()
	}()
	r, err := NewReader(pr, "gen.tsv", TSV)
	if err != nil {
		t.Fatal(err)
	}
	base := heapAlloc()
	peak := base
	n := 0
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if rec.Line != n+1 {
			t.Fatalf("record %d on line %d", n, rec.Line)
		}
		if n%50_000 == 0 {
			peak = max(peak, heapAlloc())
		}
	}
	if n != rows {
		t.Fatalf("%d rows, want %d", n, rows)
	}
	const limit = 8 << 20
	if grew := int64(peak) - int64(base); grew > limit {
		t.Fatalf("heap grew by %d bytes while reading %d bytes; want < %d", grew, r.BytesRead(), limit)
	}
	t.Logf("read %d rows, %d bytes; heap grew %d bytes", n, r.BytesRead(), int64(peak)-int64(base))
}

func TestXMLVariants(t *testing.T) {
	const offer = "<g:price>1 USD</g:price><g:availability>in_stock</g:availability>"
	for _, tc := range []struct {
		name  string
		input string
		want  vitrine.Product
	}{
		{"atom without namespace",
			`<feed xmlns:g="http://base.google.com/ns/1.0"><entry><g:id>1</g:id><title>T</title><link href="https://x.example/p"/><content>C</content>` + offer + `</entry></feed>`,
			vitrine.Product{ID: "1", Title: "T", Link: "https://x.example/p", Description: "C"}},
		{"rss in a namespace",
			`<rss xmlns="http://backend.userland.com/rss2" xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>1</g:id><title>T</title><description>D</description><link>https://x.example/p</link>` + offer + `</item></channel></rss>`,
			vitrine.Product{ID: "1", Title: "T", Link: "https://x.example/p", Description: "D"}},
		{"undeclared g prefix and c: custom attribute",
			`<rss><channel><item><g:id>1</g:id><g:title>T</g:title><c:fabric type="string">wool</c:fabric>` + offer + `</item></channel></rss>`,
			vitrine.Product{ID: "1", Title: "T", Attributes: map[string][]string{"fabric": {"wool"}}}},
		{"rss summary is not a description",
			`<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>1</g:id><title>T</title><summary>S</summary>` + offer + `</item></channel></rss>`,
			vitrine.Product{ID: "1", Title: "T"}},
		{"empty g:title falls back",
			`<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>1</g:id><g:title> </g:title><title>T</title>` + offer + `</item></channel></rss>`,
			vitrine.Product{ID: "1", Title: "T"}},
		{"windows-1252",
			"<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss xmlns:g=\"http://base.google.com/ns/1.0\"><channel><item><g:id>1</g:id><g:title>\x93Caf\xe9\x94 \x80</g:title>" + offer + "</item></channel></rss>",
			vitrine.Product{ID: "1", Title: "“Café” €"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := NewReader(strings.NewReader(tc.input), "t.xml", XML)
			res := drain(t, r, 10)
			if res.fatal != nil || len(res.errs) != 0 || len(res.recs) != 1 {
				t.Fatalf("fatal %v errs %v recs %d", res.fatal, res.errs, len(res.recs))
			}
			want := vitrine.Item{Product: tc.want, Offer: vitrine.Offer{Price: mustMoney(t, "1 USD"), Availability: vitrine.InStock}}
			sameItem(t, res.recs[0].Item, want)
		})
	}
}
