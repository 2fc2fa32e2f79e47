// Package metrics is a small Prometheus text-format registry: counters,
// gauges and histograms with labels, enough for Vitrine's /metrics without a
// client library.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Registry holds metrics and writes them in the Prometheus text format.
type Registry struct {
	mu      sync.Mutex
	metrics []metric
}

type metric interface {
	name() string
	write(w io.Writer)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

func (r *Registry) add(m metric) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.metrics = append(r.metrics, m)
}

// Write writes every metric, sorted by name.
func (r *Registry) Write(w io.Writer) {
	r.mu.Lock()
	ms := append([]metric(nil), r.metrics...)
	r.mu.Unlock()
	sort.Slice(ms, func(i, j int) bool { return ms[i].name() < ms[j].name() })
	for _, m := range ms {
		m.write(w)
	}
}

// CounterVec is a counter partitioned by label values.
type CounterVec struct {
	n, help string
	labels  []string
	mu      sync.Mutex
	vals    map[string]*atomic.Uint64
}

// NewCounterVec registers a counter with the given label names.
func (r *Registry) NewCounterVec(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{n: name, help: help, labels: labels, vals: map[string]*atomic.Uint64{}}
	r.add(c)
	return c
}

// Add adds v to the series with the given label values.
func (c *CounterVec) Add(v uint64, labelValues ...string) {
	key := strings.Join(labelValues, "\xff")
	c.mu.Lock()
	p := c.vals[key]
	if p == nil {
		p = new(atomic.Uint64)
		c.vals[key] = p
	}
	c.mu.Unlock()
	p.Add(v)
}

// Inc adds one.
func (c *CounterVec) Inc(labelValues ...string) { c.Add(1, labelValues...) }

func (c *CounterVec) name() string { return c.n }

func (c *CounterVec) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.n, c.help, c.n)
	c.mu.Lock()
	keys := make([]string, 0, len(c.vals))
	for k := range c.vals {
		keys = append(keys, k)
	}
	c.mu.Unlock()
	sort.Strings(keys)
	for _, k := range keys {
		c.mu.Lock()
		v := c.vals[k].Load()
		c.mu.Unlock()
		fmt.Fprintf(w, "%s%s %d\n", c.n, labelText(c.labels, k, "", ""), v)
	}
}

// GaugeFunc is a gauge whose value is read at scrape time.
type GaugeFunc struct {
	n, help string
	f       func() float64
}

// NewGaugeFunc registers a gauge computed by f.
func (r *Registry) NewGaugeFunc(name, help string, f func() float64) {
	r.add(&GaugeFunc{n: name, help: help, f: f})
}

func (g *GaugeFunc) name() string { return g.n }

func (g *GaugeFunc) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", g.n, g.help, g.n, g.n, formatFloat(g.f()))
}

// HistogramVec is a histogram partitioned by label values.
type HistogramVec struct {
	n, help string
	labels  []string
	buckets []float64
	mu      sync.Mutex
	series  map[string]*histogram
}

type histogram struct {
	counts []uint64 // per bucket, not cumulative; last is +Inf
	sum    float64
	count  uint64
}

// DefaultBuckets suit request latencies in seconds.
var DefaultBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// NewHistogramVec registers a histogram with the given buckets (upper bounds, ascending).
func (r *Registry) NewHistogramVec(name, help string, buckets []float64, labels ...string) *HistogramVec {
	h := &HistogramVec{n: name, help: help, labels: labels, buckets: buckets, series: map[string]*histogram{}}
	r.add(h)
	return h
}

// Observe records one value.
func (h *HistogramVec) Observe(v float64, labelValues ...string) {
	key := strings.Join(labelValues, "\xff")
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.series[key]
	if s == nil {
		s = &histogram{counts: make([]uint64, len(h.buckets)+1)}
		h.series[key] = s
	}
	i := sort.SearchFloat64s(h.buckets, v)
	s.counts[i]++
	s.sum += v
	s.count++
}

func (h *HistogramVec) name() string { return h.n }

func (h *HistogramVec) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.n, h.help, h.n)
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := make([]string, 0, len(h.series))
	for k := range h.series {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := h.series[k]
		var cum uint64
		for i, b := range h.buckets {
			cum += s.counts[i]
			fmt.Fprintf(w, "%s_bucket%s %d\n", h.n, labelText(h.labels, k, "le", formatFloat(b)), cum)
		}
		cum += s.counts[len(h.buckets)]
		fmt.Fprintf(w, "%s_bucket%s %d\n", h.n, labelText(h.labels, k, "le", "+Inf"), cum)
		fmt.Fprintf(w, "%s_sum%s %s\n", h.n, labelText(h.labels, k, "", ""), formatFloat(s.sum))
		fmt.Fprintf(w, "%s_count%s %d\n", h.n, labelText(h.labels, k, "", ""), s.count)
	}
}

func labelText(names []string, key, extraName, extraValue string) string {
	var parts []string
	if len(names) > 0 {
		vals := strings.Split(key, "\xff")
		for i, n := range names {
			v := ""
			if i < len(vals) {
				v = vals[i]
			}
			parts = append(parts, fmt.Sprintf("%s=%q", n, escape(v)))
		}
	}
	if extraName != "" {
		parts = append(parts, fmt.Sprintf("%s=%q", extraName, extraValue))
	}
	if len(parts) == 0 {
		return ""
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// escape keeps label values printable; %q then escapes quotes and backslashes.
func escape(s string) string { return strings.ReplaceAll(s, "\n", " ") }

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return fmt.Sprintf("%g", f)
}
