package metrics

import (
	"strings"
	"testing"
)

func TestExposition(t *testing.T) {
	r := NewRegistry()
	c := r.NewCounterVec("http_requests_total", "Requests.", "route", "code")
	c.Inc("GET /x", "200")
	c.Add(2, "GET /x", "200")
	c.Inc("GET /y", "404")
	h := r.NewHistogramVec("lat_seconds", "Latency.", []float64{0.1, 1}, "route")
	h.Observe(0.05, "a")
	h.Observe(0.5, "a")
	h.Observe(5, "a")
	r.NewGaugeFunc("up", "Up.", func() float64 { return 1 })
	var b strings.Builder
	r.Write(&b)
	out := b.String()
	for _, want := range []string{
		`http_requests_total{route="GET /x",code="200"} 3`,
		`http_requests_total{route="GET /y",code="404"} 1`,
		`lat_seconds_bucket{route="a",le="0.1"} 1`,
		`lat_seconds_bucket{route="a",le="1"} 2`,
		`lat_seconds_bucket{route="a",le="+Inf"} 3`,
		`lat_seconds_count{route="a"} 3`,
		"# TYPE up gauge\nup 1\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Index(out, "http_requests_total") > strings.Index(out, "lat_seconds") {
		t.Errorf("metrics not sorted by name")
	}
}
