package feed

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ident"
	"github.com/vitrine/vitrine/internal/money"
)

// fields holds the raw values of one row by canonical attribute name, in the
// order they appeared. Every format reader fills one; buildItem maps it.
type fields map[string][]string

// add appends a value. Empty names are ignored.
func (f fields) add(name, value string) {
	if name == "" {
		return
	}
	f[name] = append(f[name], value)
}

// addList adds a value of a comma-separated list attribute (additional image
// links in text feeds) as its separate elements.
func (f fields) addList(name, value string) {
	for v := range strings.SplitSeq(value, ",") {
		f.add(name, v)
	}
}

// canonicalName turns a column header, XML element or JSON key into the
// attribute name: "Image Link", "g:image_link" and "image-link" all become
// "image_link". A structured text-feed header such as
// "shipping(country:price)" becomes "shipping".
func canonicalName(s string) string {
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i]
	}
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "g:")
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '_' || r == '-' || unicode.IsSpace(r)
	})
	return strings.Join(parts, "_")
}

// listAttribute is the one attribute whose text-feed value is a
// comma-separated list.
const listAttribute = "additional_image_link"

// mapped lists the attributes that buildItem maps to Product and Offer
// fields; they never go to Attributes.
var mapped = map[string]bool{
	"id": true, "title": true, "description": true, "link": true,
	"image_link": true, "additional_image_link": true, "price": true,
	"sale_price": true, "sale_price_effective_date": true,
	"availability": true, "condition": true, "gtin": true, "brand": true,
	"mpn": true, "sku": true, "google_product_category": true,
	"product_type": true, "item_group_id": true,
}

// dropped reports whether an attribute is one of Merchant Center's
// structured or feed-control attributes (shipping, tax, installments...)
// that the catalog does not keep. They are dropped silently.
func dropped(name string) bool {
	switch name {
	case "identifier_exists", "installment", "subscription_cost",
		"loyalty_points", "loyalty_program", "product_detail", "certification",
		"free_shipping_threshold", "min_handling_time", "max_handling_time",
		"transit_time_label", "consumer_notice":
		return true
	}
	return name == "shipping" || strings.HasPrefix(name, "shipping_") ||
		name == "tax" || strings.HasPrefix(name, "tax_")
}

// Limits from the Merchant Center product data specification, in characters.
const (
	maxID          = 50
	maxTitle       = 150
	maxDescription = 5000
	maxURL         = 2000
	maxBrand       = 70
	maxMPN         = 70
	maxSKU         = 70 // not a Merchant Center attribute; same limit as mpn
	maxItemGroupID = 50
	maxProductType = 750
	maxCategory    = 750
	maxImages      = 10 // additional_image_link values
	maxTypes       = 5  // product_type values
)

// availabilities lists the accepted values, for error messages.
const availabilities = "in_stock, out_of_stock, preorder, backorder"

// rowErr returns a RowError for a column; the reader fills file and line.
func rowErr(col, format string, args ...any) *RowError {
	return &RowError{Column: col, Reason: fmt.Sprintf(format, args...)}
}

// values returns the trimmed non-empty values of an attribute, checking that
// each is valid UTF-8.
func (f fields) values(name string) ([]string, *RowError) {
	var out []string
	for _, v := range f[name] {
		if !utf8.ValidString(v) {
			return nil, rowErr(name, "value is not valid UTF-8 (the feed must be UTF-8 encoded)")
		}
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out, nil
}

// one returns the single value of an attribute ("" when absent), refusing
// two different values and values longer than max characters (0: no limit).
func (f fields) one(name string, max int) (string, *RowError) {
	vs, err := f.values(name)
	if err != nil || len(vs) == 0 {
		return "", err
	}
	for _, v := range vs[1:] {
		if v != vs[0] {
			return "", rowErr(name, "given %d times with different values (%q, %q); want one", len(vs), vs[0], v)
		}
	}
	if err := checkLen(name, vs[0], max); err != nil {
		return "", err
	}
	return vs[0], nil
}

func checkLen(name, v string, max int) *RowError {
	if max > 0 {
		if n := utf8.RuneCountInString(v); n > max {
			return rowErr(name, "%d characters, at most %d allowed", n, max)
		}
	}
	return nil
}

// buildItem maps and validates one row. It is the only place where the
// content of a row is judged, for every format.
func buildItem(f fields) (vitrine.Item, *RowError) {
	var it vitrine.Item
	p := &it.Product
	var err *RowError

	if p.ID, err = f.one("id", maxID); err != nil {
		return it, err
	}
	if p.ID == "" {
		return it, rowErr("id", "missing; every item needs an id")
	}
	if p.Title, err = f.one("title", maxTitle); err != nil {
		return it, err
	}
	if p.Title == "" {
		return it, rowErr("title", "missing; every item needs a title")
	}
	if p.Description, err = f.one("description", maxDescription); err != nil {
		return it, err
	}
	if p.Link, err = f.oneURL("link"); err != nil {
		return it, err
	}
	if p.ImageLink, err = f.oneURL("image_link"); err != nil {
		return it, err
	}
	imgs, err := f.values("additional_image_link")
	if err != nil {
		return it, err
	}
	if len(imgs) > maxImages {
		return it, rowErr("additional_image_link", "%d images, at most %d allowed", len(imgs), maxImages)
	}
	for _, u := range imgs {
		if reason := checkURL(u); reason != "" {
			return it, rowErr("additional_image_link", "%s", reason)
		}
	}
	p.AdditionalImageLinks = imgs

	if err := f.offer(&it.Offer); err != nil {
		return it, err
	}

	cond, err := f.one("condition", 0)
	if err != nil {
		return it, err
	}
	if cond != "" {
		c := vitrine.Condition(strings.ToLower(cond))
		if !c.Valid() {
			return it, rowErr("condition", "%q: want one of new, used, refurbished", cond)
		}
		p.Condition = c
	}
	gtin, err := f.one("gtin", 0)
	if err != nil {
		return it, err
	}
	if gtin != "" {
		g, gerr := ident.NormalizeGTIN(gtin)
		if gerr != nil {
			return it, rowErr("gtin", "%v", gerr)
		}
		p.GTIN = g
	}
	for _, s := range []struct {
		name string
		max  int
		dst  *string
	}{
		{"brand", maxBrand, &p.Brand},
		{"mpn", maxMPN, &p.MPN},
		{"sku", maxSKU, &p.SKU},
		{"google_product_category", maxCategory, &p.Category},
		{"item_group_id", maxItemGroupID, &p.ItemGroupID},
	} {
		if *s.dst, err = f.one(s.name, s.max); err != nil {
			return it, err
		}
	}
	// product_type may be given up to 5 times; the first is the product's
	// type, as in Merchant Center, the others are kept as an attribute.
	types, err := f.values("product_type")
	if err != nil {
		return it, err
	}
	if len(types) > maxTypes {
		return it, rowErr("product_type", "%d values, at most %d allowed", len(types), maxTypes)
	}
	for _, t := range types {
		if err := checkLen("product_type", t, maxProductType); err != nil {
			return it, err
		}
	}
	if len(types) > 0 {
		p.ProductType = types[0]
		if len(types) > 1 {
			p.Attributes = map[string][]string{"product_type": types[1:]}
		}
	}

	// Everything else, in name order so that the first error is stable.
	var names []string
	for name := range f {
		if !mapped[name] && !dropped(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		if !utf8.ValidString(name) {
			return it, rowErr(strings.ToValidUTF8(name, "\uFFFD"), "attribute name is not valid UTF-8")
		}
		vs, err := f.values(name)
		if err != nil {
			return it, err
		}
		if len(vs) == 0 {
			continue
		}
		if p.Attributes == nil {
			p.Attributes = make(map[string][]string)
		}
		p.Attributes[name] = vs
	}
	return it, nil
}

// offer fills the price, sale and availability.
func (f fields) offer(o *vitrine.Offer) *RowError {
	price, err := f.one("price", 0)
	if err != nil {
		return err
	}
	if price == "" {
		return rowErr("price", "missing; every item needs a price like \"15.00 USD\"")
	}
	m, perr := money.ParseMoney(price)
	if perr != nil {
		return rowErr("price", "%v", perr)
	}
	if m.Amount <= 0 {
		return rowErr("price", "%q: must be greater than zero", price)
	}
	o.Price = m

	sale, err := f.one("sale_price", 0)
	if err != nil {
		return err
	}
	if sale != "" {
		s, perr := money.ParseMoney(sale)
		if perr != nil {
			return rowErr("sale_price", "%v", perr)
		}
		if s.Currency != m.Currency {
			return rowErr("sale_price", "%q is in %s but price is in %s; want the same currency", sale, s.Currency, m.Currency)
		}
		if s.Amount <= 0 {
			return rowErr("sale_price", "%q: must be greater than zero", sale)
		}
		if s.Amount >= m.Amount {
			return rowErr("sale_price", "%s is not lower than price %s", s, m)
		}
		o.SalePrice = &s
	}

	dates, err := f.one("sale_price_effective_date", 0)
	if err != nil {
		return err
	}
	if dates != "" {
		start, end, reason := parseInterval(dates)
		if reason != "" {
			return rowErr("sale_price_effective_date", "%s", reason)
		}
		o.SaleStart, o.SaleEnd = &start, &end
	}

	av, err := f.one("availability", 0)
	if err != nil {
		return err
	}
	if av == "" {
		return rowErr("availability", "missing; want one of %s", availabilities)
	}
	a := vitrine.Availability(strings.Join(strings.FieldsFunc(strings.ToLower(av), func(r rune) bool {
		return r == '_' || r == '-' || unicode.IsSpace(r)
	}), "_"))
	if !a.Valid() {
		return rowErr("availability", "%q: want one of %s", av, availabilities)
	}
	o.Availability = a
	return nil
}

// oneURL returns the single value of a URL attribute, checked.
func (f fields) oneURL(name string) (string, *RowError) {
	v, err := f.one(name, 0)
	if err != nil || v == "" {
		return v, err
	}
	if reason := checkURL(v); reason != "" {
		return "", rowErr(name, "%s", reason)
	}
	return v, nil
}

// checkURL returns why s is not an absolute http or https URL, or "".
func checkURL(s string) string {
	if n := utf8.RuneCountInString(s); n > maxURL {
		return fmt.Sprintf("URL of %d characters, at most %d allowed", n, maxURL)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return fmt.Sprintf("%q: a URL cannot contain spaces or control characters (encode them)", s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("%q is not a URL", s)
	}
	if sc := strings.ToLower(u.Scheme); (sc != "http" && sc != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute http or https URL", s)
	}
	return ""
}

// Layouts of one end of sale_price_effective_date. Z0700 also accepts "Z".
var intervalLayouts = []string{
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05Z0700", // fractional seconds are accepted after the seconds
	"2006-01-02T15:04:05Z07:00",
}

// parseInterval parses an ISO 8601 interval "start/end" as Merchant Center
// writes it (2024-02-24T13:00-0800/2024-02-29T15:30-0800), also with seconds,
// a "Z" or "+01:00" zone, or dates only. A date-only start is that day's
// midnight UTC; a date-only end includes that whole day (the end is the next
// midnight UTC, exclusive like Offer.SaleEnd). It returns a reason when s is
// not such an interval.
func parseInterval(s string) (start, end time.Time, reason string) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return start, end, fmt.Sprintf("%q: want start/end like 2024-02-24T13:00-0800/2024-02-29T15:30-0800", s)
	}
	var err string
	if start, err = parseInstant(a, false); err != "" {
		return start, end, fmt.Sprintf("%q: start %s", s, err)
	}
	if end, err = parseInstant(b, true); err != "" {
		return start, end, fmt.Sprintf("%q: end %s", s, err)
	}
	if !end.After(start) {
		return start, end, fmt.Sprintf("%q: end is not after start", s)
	}
	return start, end, ""
}

func parseInstant(s string, isEnd bool) (time.Time, string) {
	s = strings.TrimSpace(s)
	if len(s) == len("2006-01-02") {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			return d, fmt.Sprintf("%q is not a date like 2024-02-24", s)
		}
		if isEnd {
			d = d.AddDate(0, 0, 1)
		}
		return d, ""
	}
	for _, l := range intervalLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, ""
		}
	}
	if _, err := time.Parse("2006-01-02T15:04", s); err == nil {
		return time.Time{}, fmt.Sprintf("%q has no time zone (add Z or an offset like -0800)", s)
	}
	if _, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return time.Time{}, fmt.Sprintf("%q has no time zone (add Z or an offset like -0800)", s)
	}
	return time.Time{}, fmt.Sprintf("%q is not a date and time like 2024-02-24T13:00-0800", s)
}
