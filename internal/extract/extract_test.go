package extract

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestExtractTooLarge(t *testing.T) {
	page := bytes.Repeat([]byte("a"), MaxPageSize+1)
	_, err := Extract(bytes.NewReader(page), "https://example.com/")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Extract(5 MiB + 1 byte) error = %v, want ErrTooLarge", err)
	}
	// Exactly the limit is accepted.
	if _, err := Extract(bytes.NewReader(page[:MaxPageSize]), "https://example.com/"); err != nil {
		t.Fatalf("Extract(5 MiB): %v", err)
	}
}

func TestHasProductSignal(t *testing.T) {
	tests := []struct {
		page string
		want bool
	}{
		{`<html><body><h1>About us</h1><p>Hello</p></body></html>`, false},
		{`<script type="application/LD+JSON">{}</script>`, true},
		{`<div ItemScope ItemType="http://schema.org/Product">`, true},
		{`<meta property="og:type" content="product">`, true},
		{`<button id="add-to-cart">Add</button>`, true},
	}
	for _, tt := range tests {
		if got := hasProductSignal([]byte(tt.page)); got != tt.want {
			t.Errorf("hasProductSignal(%q) = %v, want %v", tt.page, got, tt.want)
		}
	}
}

func TestNormalizers(t *testing.T) {
	for in, want := range map[string]string{
		"https://schema.org/InStock": "in_stock", "http://schema.org/OutOfStock": "out_of_stock",
		"PreOrder": "preorder", "schema:BackOrder": "backorder", "Discontinued": "out_of_stock",
		"LimitedAvailability": "in_stock", "in stock": "in_stock", "out of stock": "out_of_stock",
		"SoldOut": "out_of_stock", "maybe": "",
	} {
		if got := normAvailability(in); got != want {
			t.Errorf("normAvailability(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"https://schema.org/NewCondition": "new", "UsedCondition": "used",
		"http://schema.org/RefurbishedCondition": "refurbished", "DamagedCondition": "used",
		"refurbished": "refurbished", "mint": "",
	} {
		if got := normCondition(in); got != want {
			t.Errorf("normCondition(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"4006381333931": "04006381333931", "4006381333932": "", "0-306-40615-2": "09780306406157",
		"urn:gtin:012345678905": "00012345678905", "40063812": "00000040063812", "12345": "", "": "",
	} {
		if got := normGTIN(in); got != want {
			t.Errorf("normGTIN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadPrice(t *testing.T) {
	tests := []struct {
		v       any
		cur     string
		want    string
		wantCur string
	}{
		{jsonNumber("1299.00"), "USD", "1299.00", ""},
		{jsonNumber("0"), "USD", "", ""},
		{"1299", "EUR", "1299.00", ""},
		{"1299,00", "EUR", "1299.00", "EUR"},
		{"£249.00", "GBP", "249.00", "GBP"},
		{textValue("1.299,00 €"), "", "1299.00", "EUR"},
		{textValue("Was $30 now $20"), "", "", ""},
		{"-5", "USD", "", ""},
	}
	for _, tt := range tests {
		got, gotCur := readPrice(tt.v, tt.cur)
		if got != tt.want || gotCur != tt.wantCur {
			t.Errorf("readPrice(%#v, %q) = %q, %q; want %q, %q", tt.v, tt.cur, got, gotCur, tt.want, tt.wantCur)
		}
	}
}

// TestExtractNoURL checks that a page without a usable URL still works, with
// relative URLs resolved against the canonical link.
func TestExtractNoURL(t *testing.T) {
	page := `<html><head><link rel="canonical" href="https://shop.example/p/1">
<script type="application/ld+json">{"@type":"Product","name":"Lamp","image":"/i/lamp.jpg"}</script></head></html>`
	f, err := Extract(strings.NewReader(page), "")
	if err != nil {
		t.Fatal(err)
	}
	if !f.IsProduct || f.Image == nil || f.Image.Value != "https://shop.example/i/lamp.jpg" {
		t.Fatalf("Extract = %+v, want a product with image https://shop.example/i/lamp.jpg", f)
	}
}

// FuzzExtract feeds arbitrary bytes to Extract: it must not panic and must
// return quickly.
func FuzzExtract(f *testing.F) {
	f.Add([]byte(`<script type="application/ld+json">{"@type":"Product","name":"x","offers":{"price":"1,00","priceCurrency":"EUR"}}</script>`), "https://a.example/p?variant=1")
	f.Add([]byte(`<div itemscope itemtype="http://schema.org/Product"><span itemprop="name">x</span><div itemprop="offers" itemscope><span itemprop="price">1.299,00 €</span></div></div>`), "")
	f.Add([]byte(`<div vocab="https://schema.org/" typeof="Product"><span property="name">x</span></div>`), "http://b.example/")
	f.Add([]byte(`<meta property="og:type" content="product"><meta property="og:price:amount" content="12"><h1>x</h1><button id="add-to-cart"></button><span class="price">$1</span>`), "https://c.example/")
	f.Add([]byte(`<script type="application/ld+json">{"@graph":[{"@id":"a","mainEntity":{"@id":"a"}},{"@type":"ProductGroup","hasVariant":[{"@id":"a"}]}]}</script>`), "https://d.example/?sku=a")
	f.Fuzz(func(t *testing.T, page []byte, url string) {
		start := time.Now()
		f, err := Extract(bytes.NewReader(page), url)
		if err != nil {
			return
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Extract took %v on %d bytes", d, len(page))
		}
		if !f.IsProduct && (f.Title != nil || f.Price != nil || f.Source != "") {
			t.Fatalf("facts reported for a page that is not a product page: %+v", f)
		}
	})
}
