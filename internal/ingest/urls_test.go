package ingest

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/vitrine/vitrine/internal/policy"
)

// reference is the policy's own answer: collectable and already scrubbed.
func reference(pol *policy.Policy, raw string) bool {
	s, err := pol.ScrubURL(raw)
	return err == nil && s == raw
}

// The checker says what the policy says, on the shared scrub vectors
// (their inputs and outputs), on every sensitive domain and a subdomain of
// it, and on fuzzed URLs.
func TestURLCheckerMatchesPolicy(t *testing.T) {
	pol := policy.Default()
	c := newURLChecker(pol)
	b, err := os.ReadFile("../../testdata/scrub/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct{ In, Out string }
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, tc := range cases {
		urls = append(urls, tc.In, tc.Out)
	}
	for _, cat := range policy.SensitiveCategories {
		for _, d := range pol.Sensitive[cat] {
			d = strings.TrimPrefix(d, "*.")
			urls = append(urls, "https://"+d+"/", "https://www."+d+"/x", "https://not"+d+"/")
		}
	}
	accepted := 0
	for _, u := range urls {
		if u == "" {
			continue
		}
		_, reason := c.check("url", u)
		if got, want := reason == "", reference(pol, u); got != want {
			t.Errorf("%s: checker accepts=%v (%s), policy accepts=%v", u, got, reason, want)
		}
		if reason == "" {
			accepted++
		}
	}
	if accepted < 20 || accepted == len(urls) {
		t.Fatalf("vectors accepted %d of %d: the comparison tests nothing", accepted, len(urls))
	}
}

func FuzzURLChecker(f *testing.F) {
	for _, s := range []string{"https://shop.example/p/tv?variant=2", "https://www.chase.com/", "https://a.example/u/x@y.z", "http://b.example:8080/order-12345"} {
		f.Add(s)
	}
	pol := policy.Default()
	c := newURLChecker(pol)
	f.Fuzz(func(t *testing.T, raw string) {
		_, reason := c.check("url", raw)
		if reason == "" && !reference(pol, raw) {
			t.Fatalf("%q accepted by the checker, refused by the policy", raw)
		}
		if reason != "" && reference(pol, raw) && len(raw) <= MaxURLLen && !strings.Contains(reason, "invalid host") {
			t.Fatalf("%q refused by the checker (%s), accepted by the policy", raw, reason)
		}
	})
}
