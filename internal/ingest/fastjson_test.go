package ingest

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/vitrine/vitrine/internal/compare"
)

// fastSamples are batches in and out of decodeFast's plain form.
var fastSamples = []string{
	`{"events":[{"id":"` + id7 + `","type":"page_view","ts":"2026-11-28T11:59:00.123Z","url":"https://shop.example/p?variant=2","referrer_domain":"search.example","dwell_ms":1500}]}`,
	` { "events" : [ { "id" : "a" , "dwell_ms" : 0 } , {} ] } `,
	`{"events":[{"id":"` + id7 + `","type":"link_click","ts":"2026-11-28T11:59:00Z","from":"https://a.example/x","to":"https://b.example/y"}]}`,
	`{"events":[{"id":"` + id7 + `","type":"product_view","ts":"2026-11-28T11:59:00Z","url":"https://s.example/p","facts":{"title":"Café TV","brand":"Acme","gtin":"4006381333931","price":"499.00","currency":"usd","price_is_range":true,"variants":{"size":"M","color":"red"}}}]}`,
	`{"events":[{"id":"x","facts":{"price_is_range":false,"variants":{}}}]}`,
	`{"events":[{"id":"` + id7 + `","type":"comparison_shown","ts":"2026-11-28T11:59:00Z","domain":"shop.example","product_id":"tv-55","status":"match"}]}`,
	// Outside the plain form: encoding/json decides.
	`{"events":[{"id":"a\"b"}]}`, `{"events":[{"ID":"a"}]}`, `{"events":[{"id":"a","id":"b"}]}`, `{"events":[{"url":null}]}`,
	`{"events":[{"dwell_ms":1.5}]}`, `{"events":[{"dwell_ms":-1}]}`, `{"events":[{"dwell_ms":01}]}`, `{"events":[{"dwell_ms":1e3}]}`,
	`{"events":[{"dwell_ms":99999999999999999999}]}`, `{"events":[]}`, `{"events":[{}],"x":1}`, `{"events":[{}]} {}`, `{"events":[{},]}`,
	`{"events":[{"id":"\xff"}]}`, `{"events":[{"id":"a` + "\n" + `"}]}`, `{"events":[{"facts":{"title":"x","email":"y"}}]}`, `{"events":[{"facts":{"title":"x","title":"y"}}]}`,
	`{"events":[{"facts":{"price_is_range":truex}}]}`, `{"events":[{"facts":{"variants":{"a":"1","a":"2"}}}]}`, `{"events":[{"keystrokes":"abc"}]}`,
	`{"events":[1]}`, `{"events":{}}`, `{"events":[{"id":"a"}`, `{"events":[{"id":"a"}]`, `{"events":[{"id":"a"}]}}`, `[]`, `{}`,
}

// decodeFast gives what encoding/json gives, whenever it decides.
func checkDecodeFast(t *testing.T, body []byte) bool {
	got, ok := decodeFast(body)
	if !ok {
		return false
	}
	var want struct {
		Events []wireEvent `json:"events"`
	}
	if err := strictDecode(body, &want); err != nil {
		t.Fatalf("%s: decodeFast accepts, encoding/json says %v", body, err)
	}
	if !reflect.DeepEqual(got, want.Events) {
		t.Fatalf("%s:\nfast %+v\njson %+v", body, got, want.Events)
	}
	return true
}

func TestDecodeFastAgrees(t *testing.T) {
	decided := 0
	for _, s := range fastSamples {
		if checkDecodeFast(t, []byte(s)) {
			decided++
		}
	}
	if decided != 6 {
		t.Fatalf("decodeFast decided %d samples, want the 6 plain ones", decided)
	}
	many := `{"events":[` + strings.Repeat(`{"id":"a"},`, MaxEvents) + `{"id":"a"}]}`
	if _, ok := decodeFast([]byte(many)); ok {
		t.Fatal("decodeFast took more than MaxEvents events")
	}
}

func FuzzDecodeFast(f *testing.F) {
	for _, s := range fastSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) { checkDecodeFast(t, body) })
}

func checkPayloads(t *testing.T, a, b, c string, n int64, facts compare.Facts) {
	for _, p := range []interface{ appendJSON([]byte) []byte }{
		&pageViewPayload{URL: a, ReferrerDomain: b, DwellMS: n}, &linkClickPayload{From: a, To: b},
		&comparisonPayload{Domain: a, ProductID: b, Status: c}, &productViewPayload{URL: a, Facts: facts},
	} {
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.appendJSON([]byte("x")); string(got[1:]) != string(want) || got[0] != 'x' {
			t.Fatalf("%T:\ngot  %s\nwant x%s", p, got, want)
		}
	}
}

func TestPayloadsMatchMarshal(t *testing.T) {
	checkPayloads(t, "https://shop.example/p?a=1&b=<2>", "search.example", "match", 1500, compare.Facts{Title: "TV \"55\"", Price: "1.00", Currency: "USD", PriceIsRange: true})
	checkPayloads(t, "", "\u2028\x00\xff é", "", -1, compare.Facts{})
	checkPayloads(t, "a", "b", "c", 0, compare.Facts{GTIN: "1", Variants: map[string]string{"b": "2", "a": "1"}, Description: "d"})
}

func FuzzPayloads(f *testing.F) {
	f.Add("https://a.example/", "b.example", "match", int64(5), "title", "1.00", false)
	f.Add("<&>", "\x01\u2029", "\\", int64(-3), "\xff", "", true)
	f.Fuzz(func(t *testing.T, a, b, c string, n int64, title, price string, rng bool) {
		checkPayloads(t, a, b, c, n, compare.Facts{Title: title, Brand: b, Price: price, PriceIsRange: rng, Image: a, Description: c})
	})
}
