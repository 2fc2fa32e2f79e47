package feed

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ident"
	"github.com/vitrine/vitrine/internal/money"
)

func FuzzTSV(f *testing.F) {
	fuzzFormat(f, TSV, "products.tsv", "bad_rows.tsv", "missing_column.tsv")
}

func FuzzCSV(f *testing.F) {
	fuzzFormat(f, CSV, "products.csv", "bad_rows.csv")
}

func FuzzXML(f *testing.F) {
	fuzzFormat(f, XML, "products.xml", "products.atom.xml", "latin1.xml", "bad_items.xml", "unclosed.xml")
}

func FuzzJSONL(f *testing.F) {
	fuzzFormat(f, JSONL, "products.jsonl", "bad_lines.jsonl")
}

// fuzzFormat reads arbitrary bytes to the end: it must not panic, must
// stop, and every item it accepts must satisfy the validation rules.
func fuzzFormat(f *testing.F, format Format, seeds ...string) {
	for _, name := range seeds {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), "fuzz", format)
		if err != nil {
			t.Fatal(err)
		}
		// Every call to Next consumes at least one line or element.
		for calls := 0; ; calls++ {
			if calls > len(data)+2 {
				t.Fatalf("no end after %d calls to Next on %d bytes", calls, len(data))
			}
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			var re *RowError
			if errors.As(err, &re) {
				if re.Line < 1 || re.File != "fuzz" || re.Reason == "" {
					t.Fatalf("bad RowError %#v", re)
				}
				continue
			}
			if err != nil {
				if _, again := r.Next(); again != err {
					t.Fatalf("fatal error %v not sticky: %v", err, again)
				}
				break
			}
			if rec.Line < 1 {
				t.Fatalf("record line %d", rec.Line)
			}
			checkItem(t, rec.Item)
		}
		if n := r.BytesRead(); n < 0 || n > int64(len(data)) {
			t.Fatalf("BytesRead %d of %d", n, len(data))
		}
	})
}

// checkItem fails when an accepted item breaks a rule of buildItem.
func checkItem(t *testing.T, it vitrine.Item) {
	t.Helper()
	text := func(name, v string, required bool, max int) {
		if required && v == "" {
			t.Fatalf("%s empty", name)
		}
		if !utf8.ValidString(v) || strings.TrimSpace(v) != v || utf8.RuneCountInString(v) > max {
			t.Fatalf("%s %q: not valid, not trimmed or too long", name, v)
		}
	}
	text("id", it.ID, true, maxID)
	text("title", it.Title, true, maxTitle)
	text("description", it.Description, false, maxDescription)
	text("brand", it.Brand, false, maxBrand)
	text("mpn", it.MPN, false, maxMPN)
	text("sku", it.SKU, false, maxSKU)
	text("item_group_id", it.ItemGroupID, false, maxItemGroupID)
	text("product_type", it.ProductType, false, maxProductType)
	text("google_product_category", it.Category, false, maxCategory)
	for name, u := range map[string]string{"link": it.Link, "image_link": it.ImageLink} {
		if u != "" && checkURL(u) != "" {
			t.Fatalf("%s %q: %s", name, u, checkURL(u))
		}
	}
	if len(it.AdditionalImageLinks) > maxImages {
		t.Fatalf("%d additional images", len(it.AdditionalImageLinks))
	}
	for _, u := range it.AdditionalImageLinks {
		if checkURL(u) != "" {
			t.Fatalf("additional_image_link %q: %s", u, checkURL(u))
		}
	}
	if it.GTIN != "" {
		if g, err := ident.NormalizeGTIN(it.GTIN); err != nil || g != it.GTIN {
			t.Fatalf("gtin %q not normalised: %q %v", it.GTIN, g, err)
		}
	}
	if it.Condition != "" && !it.Condition.Valid() {
		t.Fatalf("condition %q", it.Condition)
	}
	for k, vs := range it.Attributes {
		if k == "" || !utf8.ValidString(k) || mapped[k] && k != "product_type" || dropped(k) || len(vs) == 0 {
			t.Fatalf("attribute %q = %q", k, vs)
		}
		for _, v := range vs {
			text("attribute "+k, v, true, MaxRowBytes)
		}
	}
	o := it.Offer
	if !o.Availability.Valid() {
		t.Fatalf("availability %q", o.Availability)
	}
	if !money.IsCurrency(o.Price.Currency) || o.Price.Amount <= 0 {
		t.Fatalf("price %v", o.Price)
	}
	if s := o.SalePrice; s != nil && (s.Currency != o.Price.Currency || s.Amount <= 0 || s.Amount >= o.Price.Amount) {
		t.Fatalf("sale price %v with price %v", *s, o.Price)
	}
	if (o.SaleStart == nil) != (o.SaleEnd == nil) || o.SaleStart != nil && !o.SaleEnd.After(*o.SaleStart) {
		t.Fatalf("sale period %v - %v", o.SaleStart, o.SaleEnd)
	}
}
