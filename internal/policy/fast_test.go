package policy

import (
	"regexp"
	"strings"
	"testing"
)

// segmentSamples are segments near each built-in pattern's edges.
var segmentSamples = []string{
	"", "a", "jane.doe@mail.example", "jane@mail", "@mail.example", "jane@.example", "jane@mail.", "jane@m.e", "a@b@c.d", "a@b.c/d",
	"550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-446655440000", "550e8400-e29b-41d4-a716-44665544000", "550e8400-e29b-41d4-a716-4466554400000",
	"550e8400xe29b-41d4-a716-446655440000", "g50e8400-e29b-41d4-a716-446655440000",
	"order-98765", "ORD-2026-AB12", "INV20261128", "cmd-4567", "order", "order-", "orders", "order-abc", "order_1", "order:1", "order::1", "order-_1",
	"bestellung42", "commande-x-1", "receipt1", "invoice", "inv-", "ordinal", "ord1", "ord-a1-b", "order-1.2", "ordér-1", "order-ſ1", "order-\u212a1",
	"123456", "12345", "12-34-56-78", "1_2.3-4.5", "a23456", "1234567x", "0.....", "٣٤٥٦٧٨٩",
	"samsung-65-inch-qn90c-neo-qled", "B08N5WRWNW", "2024", "caf\xc3\xa9", "\xff\xfe", "widget",
}

func TestSegmentMatchersAgree(t *testing.T) {
	if len(segmentMatchers) != 4 {
		t.Fatalf("%d matchers", len(segmentMatchers))
	}
	p := Default()
	used := 0
	for i := range p.Scrub.SegmentRules {
		r := &p.Scrub.SegmentRules[i]
		if r.Builtin != "" {
			continue
		}
		if r.scan == nil {
			t.Errorf("built-in rule %q has no scan: its pattern changed? (policy.json and segmentMatchers must agree)", r.Name)
			continue
		}
		used++
		for _, s := range segmentSamples {
			if got, want := r.matches(s), r.re.MatchString(s); got != want {
				t.Errorf("rule %s on %q: scan %v, regexp %v", r.Name, s, got, want)
			}
		}
	}
	if used != len(segmentMatchers) {
		t.Fatalf("%d rules use a scan, want %d", used, len(segmentMatchers))
	}
	// Each scan equals its own pattern, also outside policy.json's rules.
	for pat, scan := range segmentMatchers {
		re := regexp.MustCompile(pat)
		for _, s := range segmentSamples {
			if isASCII(s) && scan(s) != re.MatchString(s) {
				t.Errorf("%s on %q: scan %v, regexp %v", pat, s, scan(s), re.MatchString(s))
			}
		}
	}
}

func FuzzSegmentMatchers(f *testing.F) {
	for _, s := range segmentSamples {
		f.Add(s)
	}
	type pair struct {
		re   *regexp.Regexp
		scan func(string) bool
	}
	var ps []pair
	for pat, scan := range segmentMatchers {
		ps = append(ps, pair{regexp.MustCompile(pat), scan})
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !isASCII(s) {
			return
		}
		for _, p := range ps {
			if p.scan(s) != p.re.MatchString(s) {
				t.Fatalf("%s on %q: scan %v, regexp %v", p.re, s, p.scan(s), p.re.MatchString(s))
			}
		}
	})
}

// quickSamples are URLs in and out of QuickScrubbed's shape.
func quickSamples(t testing.TB) []string {
	urls := []string{
		"https://shop.example/p/widget", "http://shop.example/", "https://shop.example/p/widget?color=red&size=M", "https://shop.example/p/widget?size=M&color=red",
		"https://shop.example/p/widget?color=red&color=blue", "https://shop.example/p/widget?color=red&size=M&color=blue", "https://shop.example/p?", "https://shop.example/p?color",
		"https://shop.example/p?color=", "https://shop.example/p?=x", "https://shop.example/p?color=red&", "https://shop.example/p?VARIANT=3", "https://shop.example/p?Variant=3&size=1",
		"https://shop.example//p", "https://shop.example/./p", "https://shop.example/../p", "https://shop.example/p/", "https://shop.example/p//q", "https://shop.example",
		"https://shop.example:8080/p", "https://Shop.example/p", "HTTPS://shop.example/p", "https://www.chase.com/p", "https://chase.com./p", "https://-/p", "https://a..b/p",
		"https://shop.example/p/order-123", "https://shop.example/p/123456", "https://shop.example/p/a~b_c.d-e", "https://shop.example/p?sku=ab-12&variant=2",
		"https://shop.example/p?lang=fr&page=2", "https://shop.example/p?page=2&lang=fr", "https://shop.example/p#x", "https://shop.example/p%20q", "https://127.0.0.1/p",
		"https://shop.example/" + strings.Repeat("a", 2100), "https://shop.example/p?utm_source=x", "https://shop.example/p?color=r+d", "https://xn--caf-dma.example/p",
	}
	for _, c := range scrubCases(t) {
		urls = append(urls, c.In, c.Out)
	}
	return urls
}

func TestQuickScrubbedAgrees(t *testing.T) {
	p := Default()
	decided := 0
	for _, u := range quickSamples(t) {
		if u == "" {
			continue
		}
		host, ok := p.QuickScrubbed(u)
		s, err := p.ScrubURL(u)
		exact := err == nil && s == u
		if ok && !exact {
			t.Errorf("%s: QuickScrubbed accepts, ScrubURL gives %q, %v", u, s, err)
		}
		if ok {
			decided++
			if !strings.Contains(u, "://"+host+"/") {
				t.Errorf("%s: host %q", u, host)
			}
		}
	}
	// The quick path must decide the common shape, or it saves nothing.
	for _, u := range []string{"https://shop12.example/p/acme-tv-55-qled-item42?variant=2", "https://shop.example/", "http://a.example/x/y?color=red&size=M"} {
		if _, ok := p.QuickScrubbed(u); !ok {
			t.Errorf("%s: not decided by QuickScrubbed", u)
		}
	}
	if decided < 15 {
		t.Fatalf("only %d samples decided", decided)
	}
}

func FuzzQuickScrubbed(f *testing.F) {
	for _, u := range quickSamples(f) {
		f.Add(u)
	}
	p := Default()
	f.Fuzz(func(t *testing.T, u string) {
		if _, ok := p.QuickScrubbed(u); ok {
			if s, err := p.ScrubURL(u); err != nil || s != u {
				t.Fatalf("%q: QuickScrubbed accepts, ScrubURL gives %q, %v", u, s, err)
			}
		}
	})
}
