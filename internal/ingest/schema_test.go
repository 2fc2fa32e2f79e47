package ingest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/policy"
)

var (
	now   = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	rules = Rules{Now: now, MaxFuture: 5 * time.Minute, MaxAge: 30 * 24 * time.Hour, Policy: policy.Default()}
)

const id7 = "019acb2e-5f00-7abc-8def-0123456789ab"

func TestParseEvents(t *testing.T) {
	ts := `"ts":"2026-11-28T11:59:00.123Z"`
	pv := func(extra string) string { return `{"id":"` + id7 + `","type":"page_view",` + ts + `,` + extra + `}` }
	for _, tc := range []struct {
		name, event string
		refusal     string // "" when valid
	}{
		{"page view", pv(`"url":"https://shop.example/p/tv-55?variant=2","referrer_domain":"Search.Example","dwell_ms":1500`), ""},
		{"page view without optional fields", pv(`"url":"https://shop.example/"`), ""},
		{"link click", `{"id":"` + id7 + `","type":"link_click",` + ts + `,"from":"https://a.example/x","to":"https://b.example/y"}`, ""},
		{"product view", `{"id":"` + id7 + `","type":"product_view",` + ts + `,"url":"https://shop.example/p/tv","facts":{"title":"TV 55","brand":"Acme","gtin":"4006381333931","price":"499.00","currency":"usd"}}`, ""},
		{"comparison shown", `{"id":"` + id7 + `","type":"comparison_shown",` + ts + `,"domain":"shop.example","product_id":"tv-55","status":"match"}`, ""},
		{"comparison clicked", `{"id":"` + id7 + `","type":"comparison_clicked",` + ts + `,"domain":"shop.example","product_id":"tv-55","status":"match"}`, ""},

		{"not an object", `[1,2]`, "must be a JSON object"},
		{"unknown field", pv(`"url":"https://shop.example/","keystrokes":"abc"`), `unknown field "keystrokes"`},
		{"wrong type", pv(`"url":"https://shop.example/","dwell_ms":"long"`), "field dwell_ms: got JSON string, want an integer"},
		{"unknown type", `{"id":"` + id7 + `","type":"keystroke",` + ts + `}`, `unknown event type "keystroke"`},
		{"no id", `{"type":"page_view",` + ts + `,"url":"https://shop.example/"}`, "field id is required"},
		{"uuid v4", `{"id":"019acb2e-5f00-4abc-8def-0123456789ab","type":"page_view",` + ts + `,"url":"https://shop.example/"}`, "must be a UUIDv7"},
		{"bad variant", `{"id":"019acb2e-5f00-7abc-cdef-0123456789ab","type":"page_view",` + ts + `,"url":"https://shop.example/"}`, "must be a UUIDv7"},
		{"no ts", `{"id":"` + id7 + `","type":"page_view","url":"https://shop.example/"}`, "field ts is required"},
		{"bad ts", `{"id":"` + id7 + `","type":"page_view","ts":"yesterday","url":"https://shop.example/"}`, "not an RFC 3339 time"},
		{"future ts", `{"id":"` + id7 + `","type":"page_view","ts":"2026-11-28T12:06:00Z","url":"https://shop.example/"}`, "in the future"},
		{"old ts", `{"id":"` + id7 + `","type":"page_view","ts":"2026-10-01T12:00:00Z","url":"https://shop.example/"}`, "too old"},
		{"utm query", pv(`"url":"https://shop.example/p?utm_source=news"`), "not scrubbed"},
		{"fragment", pv(`"url":"https://shop.example/p#reviews"`), "not scrubbed"},
		{"email in path", pv(`"url":"https://shop.example/u/jane.doe@mail.example/orders"`), "not scrubbed"},
		{"order id in path", pv(`"url":"https://shop.example/account/order-123456789"`), "not scrubbed"},
		{"token in path", pv(`"url":"https://shop.example/reset/a8f3k2j4h5g6d7s8a9p0"`), "not scrubbed"},
		{"user info", pv(`"url":"https://jane:secret@shop.example/"`), "not scrubbed"},
		{"banking site", pv(`"url":"https://www.chase.com/"`), "banking site"},
		{"sensitive referrer", pv(`"url":"https://shop.example/","referrer_domain":"chase.com"`), "banking site"},
		{"not http", pv(`"url":"ftp://shop.example/"`), "absolute http or https URL"},
		{"relative url", pv(`"url":"/p/tv"`), "absolute http or https URL"},
		{"long url", pv(`"url":"https://shop.example/` + strings.Repeat("a", 2100) + `"`), "longer than 2048"},
		{"referrer is a URL", pv(`"url":"https://shop.example/","referrer_domain":"https://search.example/?q=tv"`), "host name only"},
		{"dwell out of range", pv(`"url":"https://shop.example/","dwell_ms":-1`), "dwell_ms must be between"},
		{"field of another type", pv(`"url":"https://shop.example/","to":"https://b.example/"`), "field to does not belong to a page_view event"},
		{"missing url", pv(`"dwell_ms":5`), "field url is required"},
		{"link click without to", `{"id":"` + id7 + `","type":"link_click",` + ts + `,"from":"https://a.example/x"}`, "fields from and to are required"},
		{"facts without identity", `{"id":"` + id7 + `","type":"product_view",` + ts + `,"url":"https://shop.example/p","facts":{"price":"1.00"}}`, "at least one of title, gtin or mpn"},
		{"facts unknown field", `{"id":"` + id7 + `","type":"product_view",` + ts + `,"url":"https://shop.example/p","facts":{"title":"x","email":"a@b.c"}}`, `unknown field "email"`},
		{"status not a word", `{"id":"` + id7 + `","type":"comparison_shown",` + ts + `,"domain":"shop.example","product_id":"tv","status":"<b>"}`, "field status must be a word"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Parse([]byte(`{"events":[`+tc.event+`]}`), "ins_1", rules)
			if err != nil {
				t.Fatalf("batch error: %v", err)
			}
			if tc.refusal == "" {
				if len(b.Refusals) != 0 || len(b.Events) != 1 {
					t.Fatalf("refused: %+v", b.Refusals)
				}
				e := b.Events[0]
				if e.ID != id7 || e.InstallID != "ins_1" || e.OccurredAt.UnixMilli() != now.Add(-time.Minute+123*time.Millisecond).UnixMilli() || !e.ReceivedAt.Equal(now) || e.Domain == "" {
					t.Fatalf("event %+v", e)
				}
				if !json.Valid(e.Payload) {
					t.Fatalf("payload %s", e.Payload)
				}
				return
			}
			if len(b.Events) != 0 || len(b.Refusals) != 1 {
				t.Fatalf("events %d refusals %+v", len(b.Events), b.Refusals)
			}
			r := b.Refusals[0]
			if r.Index != 0 || !strings.Contains(r.Reason, tc.refusal) {
				t.Fatalf("refusal %+v, want reason containing %q", r, tc.refusal)
			}
		})
	}
}

func TestParseStoredForm(t *testing.T) {
	body := `{"events":[{"id":"019ACB2E-5F00-7ABC-8DEF-0123456789AB","type":"page_view","ts":"2026-11-28T13:59:00.5+02:00","url":"https://shop.example/p/tv?variant=2","referrer_domain":"Search.Example","dwell_ms":1500}]}`
	b, err := Parse([]byte(body), "ins_1", rules)
	if err != nil || len(b.Events) != 1 {
		t.Fatalf("%v %+v", err, b)
	}
	e := b.Events[0]
	want := vitrine.Event{ID: id7, InstallID: "ins_1", Type: vitrine.EventPageView, Scope: vitrine.ScopePageViews,
		OccurredAt: time.Date(2026, 11, 28, 11, 59, 0, 500e6, time.UTC), ReceivedAt: now, Domain: "shop.example",
		Payload: json.RawMessage(`{"url":"https://shop.example/p/tv?variant=2","referrer_domain":"search.example","dwell_ms":1500}`)}
	if e.ID != want.ID || !e.OccurredAt.Equal(want.OccurredAt) || e.Domain != want.Domain || string(e.Payload) != string(want.Payload) || e.Scope != want.Scope {
		t.Fatalf("got %+v\nwant %+v", e, want)
	}
}

func TestParseBatchErrors(t *testing.T) {
	ev := `{"id":"` + id7 + `","type":"page_view","ts":"2026-11-28T11:59:00Z","url":"https://shop.example/"}`
	for _, tc := range []struct{ name, body, code, msg string }{
		{"empty", ``, vitrine.EINVALID, "empty"},
		{"malformed", `{"events":[` + ev, vitrine.EINVALID, "malformed JSON"},
		{"syntax", `{"events":[}`, vitrine.EINVALID, "malformed JSON at byte"},
		{"array", `[` + ev + `]`, vitrine.EINVALID, "must be a JSON object"},
		{"no events", `{}`, vitrine.EINVALID, "field events is required"},
		{"events null", `{"events":null}`, vitrine.EINVALID, "must be an array"},
		{"events object", `{"events":{}}`, vitrine.EINVALID, "want an array of events"},
		{"no event", `{"events":[]}`, vitrine.EINVALID, "empty"},
		{"unknown top field", `{"events":[` + ev + `],"install":"x"}`, vitrine.EINVALID, `unknown field "install"`},
		{"trailing data", `{"events":[` + ev + `]} {}`, vitrine.EINVALID, "after the JSON value"},
		{"too many", `{"events":[` + strings.Repeat(ev+",", 500) + ev + `]}`, vitrine.ETOOLARGE, "over the limit of 500 events"},
		{"too big", `{"events":[` + ev + `],"x":"` + strings.Repeat("a", MaxBodyBytes) + `"}`, vitrine.ETOOLARGE, "over the limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.body), "ins_1", rules)
			if vitrine.ErrorCode(err) != tc.code || !strings.Contains(vitrine.ErrorMessage(err), tc.msg) {
				t.Fatalf("error %v, want %s containing %q", err, tc.code, tc.msg)
			}
		})
	}
}

// One bad event does not spoil its batch: the others are kept, in order.
func TestParseMixedBatch(t *testing.T) {
	ev := func(id, url string) string {
		return `{"id":"` + id + `","type":"page_view","ts":"2026-11-28T11:59:00Z","url":"` + url + `"}`
	}
	body := `{"events":[` + ev("019acb2e-5f00-7abc-8def-000000000001", "https://a.example/") + `,` +
		`{"id":"019acb2e-5f00-7abc-8def-000000000002","type":"page_view","ts":"2026-11-28T11:59:00Z","url":7},` +
		ev("019acb2e-5f00-7abc-8def-000000000003", "https://a.example/?utm_medium=x") + `,` +
		ev("019acb2e-5f00-7abc-8def-000000000004", "https://b.example/") + `]}`
	b, err := Parse([]byte(body), "ins_1", rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Events) != 2 || b.Index[0] != 0 || b.Index[1] != 3 || len(b.Refusals) != 2 {
		t.Fatalf("%+v", b)
	}
	if r := b.Refusals[0]; r.Index != 1 || r.ID != "019acb2e-5f00-7abc-8def-000000000002" || !strings.Contains(r.Reason, "field url: got JSON number, want a string") {
		t.Fatalf("refusal %+v", r)
	}
	if r := b.Refusals[1]; r.Index != 2 || !strings.Contains(r.Reason, "not scrubbed") {
		t.Fatalf("refusal %+v", r)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"events":[{"id":"` + id7 + `","type":"page_view","ts":"2026-11-28T11:59:00Z","url":"https://shop.example/"}]}`))
	f.Add([]byte(`{"events":[{"id":"` + id7 + `","type":"product_view","ts":"2026-11-28T11:59:00Z","url":"https://s.example/p","facts":{"title":"x"}}]}`))
	f.Add([]byte(`{"events":[1,"a",null,{}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := Parse(body, "ins_1", rules)
		if err != nil {
			if vitrine.ErrorCode(err) == vitrine.EINTERNAL {
				t.Fatalf("internal error: %v", err)
			}
			return
		}
		if len(b.Events)+len(b.Refusals) != b.Total {
			t.Fatalf("events %d + refusals %d != %d", len(b.Events), len(b.Refusals), b.Total)
		}
		for _, e := range b.Events {
			if !ValidUUIDv7(e.ID) || !json.Valid(e.Payload) {
				t.Fatalf("bad stored event %+v", e)
			}
		}
	})
}

// BenchmarkParse measures validation per event (a realistic batch of 100
// page views); not a timed test.
func BenchmarkParse(b *testing.B) {
	ev := `{"id":"` + id7 + `","type":"page_view","ts":"2026-11-28T11:59:00.123Z","url":"https://shop12.example/p/acme-tv-55-qled-item42?variant=2","referrer_domain":"search.example","dwell_ms":1500}`
	body := []byte(`{"events":[` + strings.Repeat(ev+",", 99) + ev + `]}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := Parse(body, "ins_1", rules); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkParseMix measures validation per event on the load generator's
// mix (60% page views, 20% link clicks, 15% product views, 5% comparison
// events), 500 events a batch; not a timed test.
func BenchmarkParseMix(b *testing.B) {
	ts := `"ts":"2026-11-28T11:59:00.123Z"`
	kinds := []string{
		`"type":"page_view",` + ts + `,"url":"https://shop12.example/p/acme-tv-55-qled-item42?variant=2","referrer_domain":"search.example","dwell_ms":1500`,
		`"type":"link_click",` + ts + `,"from":"https://tech7.example/p/zen-headphones-x2-item9?color=black","to":"https://home19.example/p/chef-knife-8in-item4410"`,
		`"type":"product_view",` + ts + `,"url":"https://audio3.example/p/zen-headphones-x2-item77","facts":{"title":"zen-headphones-x2","brand":"Zen","gtin":"0012345678905","price":"129.99","currency":"USD"}`,
		`"type":"comparison_shown",` + ts + `,"domain":"books4.example","product_id":"trail-backpack-30l","status":"match"`,
	}
	var sb strings.Builder
	sb.WriteString(`{"events":[`)
	for i := 0; i < 500; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		k := 0
		switch m := i % 20; {
		case m >= 19:
			k = 3
		case m >= 16:
			k = 2
		case m >= 12:
			k = 1
		}
		sb.WriteString(`{"id":"019acb2e-5f00-7abc-8def-` + fmt.Sprintf("%012d", i) + `",` + kinds[k] + `}`)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		pb, err := Parse(body, "ins_1", rules)
		if err != nil || len(pb.Refusals) != 0 {
			b.Fatal(err, pb.Refusals)
		}
	}
	b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "events/s")
}
