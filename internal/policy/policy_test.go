package policy

import (
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"
)

// scrubCase is one of the shared scrub vectors (testdata/scrub/cases.json),
// which the extension's tests read too.
type scrubCase struct {
	In, Out, Error string
}

func scrubCases(t testing.TB) []scrubCase {
	b, err := os.ReadFile("../../testdata/scrub/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []scrubCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestScrubVectors(t *testing.T) {
	cases := scrubCases(t)
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	p := Default()
	for _, c := range cases {
		got, err := p.ScrubURL(c.In)
		switch {
		case c.Error != "" && err == nil:
			t.Errorf("%s: scrubbed to %s, want %s", c.In, got, c.Error)
		case c.Error == "" && (err != nil || got != c.Out):
			t.Errorf("%s: got %q, %v; want %q", c.In, got, err, c.Out)
		case c.Error == "" && !p.IsScrubbed(got):
			t.Errorf("%s: scrubbing is not idempotent: %s", c.In, got)
		}
	}
}

func TestSensitiveCategory(t *testing.T) {
	p := Default()
	for host, want := range map[string]string{
		"www.chase.com": "banking", "chase.com": "banking", "notchase.com": "",
		"www.irs.gov": "government", "gov": "government", "mail.google.com": "webmail", "www.google.com": "",
		"WWW.WEBMD.COM.": "health", "shop.example": "", "x.xxx": "adult",
	} {
		if got := p.SensitiveCategory(host); got != want {
			t.Errorf("SensitiveCategory(%q) = %q, want %q", host, got, want)
		}
	}
}

func TestParseRefusesBadPolicies(t *testing.T) {
	good, _ := json.Marshal(Default())
	for name, edit := range map[string]func(m map[string]any){
		"no version":       func(m map[string]any) { m["notice_version"] = "" },
		"retention 0":      func(m map[string]any) { m["retention_days"] = 0 },
		"unknown scope":    func(m map[string]any) { m["scopes"] = []string{"keystrokes"} },
		"missing category": func(m map[string]any) { delete(m["sensitive"].(map[string]any), "health") },
		"unknown category": func(m map[string]any) { m["sensitive"].(map[string]any)["sports"] = []string{"x.example"} },
		"inline regex flag": func(m map[string]any) {
			m["scrub"].(map[string]any)["segment_rules"] = []any{map[string]any{"name": "x", "pattern": "(?i)x", "replacement": ":x"}}
		},
		"unknown field": func(m map[string]any) { m["extra"] = 1 },
	} {
		var m map[string]any
		json.Unmarshal(good, &m)
		edit(m)
		b, _ := json.Marshal(m)
		if _, err := Parse(strings.NewReader(string(b))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Parse(strings.NewReader(string(good))); err != nil {
		t.Fatalf("default policy does not round-trip: %v", err)
	}
}

func FuzzScrubURL(f *testing.F) {
	for _, s := range []string{"https://a.example/x?utm=1#f", "http://u:p@h/a@b.c/123456", "https://x/%zz", "::"} {
		f.Add(s)
	}
	p := Default()
	f.Fuzz(func(t *testing.T, s string) {
		out, err := p.ScrubURL(s)
		if err != nil {
			return
		}
		u, perr := url.Parse(out)
		if perr != nil || u.User != nil || u.Fragment != "" || strings.Contains(out, "#") {
			t.Fatalf("%q -> %q keeps a fragment or user info (%v)", s, out, perr)
		}
		again, err := p.ScrubURL(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", s, out, again, err)
		}
	})
}

func TestNoticeFollowsThePolicy(t *testing.T) {
	p := Default()
	en, err := p.Notice("en", "Demo Store")
	if err != nil {
		t.Fatal(err)
	}
	fr, _ := p.Notice("fr", "Demo Store")
	if en.Hash == fr.Hash || len(en.Hash) != 64 || en.Version != p.NoticeVersion {
		t.Fatalf("hashes %s %s", en.Hash, fr.Hash)
	}
	for _, want := range []string{"Demo Store", "90 days", "lang, page, size", "private or incognito", "banking, health, government, adult, webmail", "Links you follow"} {
		if !strings.Contains(en.Text, want) {
			t.Errorf("English notice lacks %q:\n%s", want, en.Text)
		}
	}
	if !strings.Contains(fr.Text, "90 jours") || !strings.Contains(fr.Text, "navigation privée") {
		t.Errorf("French notice:\n%s", fr.Text)
	}
	// Changing the policy changes the notice and its hash.
	q := Default()
	q.RetentionDays = 30
	q.Scopes = q.Scopes[:1]
	en2, _ := q.Notice("en", "Demo Store")
	if en2.Hash == en.Hash || !strings.Contains(en2.Text, "30 days") || strings.Contains(en2.Text, "Links you follow") {
		t.Errorf("notice does not follow the policy:\n%s", en2.Text)
	}
	if _, err := p.Notice("de", "x"); err == nil {
		t.Error("unknown language accepted")
	}
}
