package analytics

import (
	"context"
	"crypto/sha256"
	"encoding/binary"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/store"
)

// Experiment is an A/B test of the comparison bar. The first variant is
// the control: the bar as it ships, which is also what shoppers outside the
// panel see. Every variant must obey the honesty rules of DISPLAY.md.
type Experiment struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Variants    []string          `json:"variants"`
	Labels      map[string]string `json:"labels"` // variant -> what the bar does
}

// DefaultExperiments are the display experiments the server runs.
var DefaultExperiments = []Experiment{
	{Name: "bar_wording", Description: "How the bar words the store's offer when the store is cheaper (when it is dearer, every variant says so plainly, with the difference).",
		Variants: []string{"save", "also_at"},
		Labels:   map[string]string{"also_at": `"Also at {store} for {price}"`, "save": `"Save {saving} at {store}"`}},
	{Name: "bar_placement", Description: "Where the bar sits on the page.",
		Variants: []string{"bottom", "top"},
		Labels:   map[string]string{"top": "top of the page", "bottom": "bottom of the page"}},
	{Name: "show_history", Description: "Whether the bar shows the price-history sparkline by default.",
		Variants: []string{"yes", "no"},
		Labels:   map[string]string{"yes": "sparkline shown", "no": "sparkline behind a click"}},
}

// Assign returns an install's variant of an experiment: a stable hash of
// the experiment name and the install id, so the install sees the same
// variant everywhere and the experiments are independent of each other.
func Assign(e Experiment, installID string) string {
	h := sha256.Sum256([]byte("vitrine-experiment\x00" + e.Name + "\x00" + installID))
	return e.Variants[binary.BigEndian.Uint64(h[:8])%uint64(len(e.Variants))]
}

// Assignments returns an install's variant of every experiment.
func (s *Service) Assignments(installID string) map[string]string {
	out := map[string]string{}
	for _, e := range s.experiments() {
		out[e.Name] = Assign(e, installID)
	}
	return out
}

// Experiment returns an experiment by name.
func (s *Service) Experiment(name string) (Experiment, bool) {
	for _, e := range s.experiments() {
		if e.Name == name {
			return e, true
		}
	}
	return Experiment{}, false
}

// Metric is one conversion of an experiment arm: how many exposed installs
// converted, the rate with its 95% Wilson interval, and the difference
// with the control arm with its 95% Newcombe interval. Counts of 1 to k-1
// converting installs are suppressed (nil).
type Metric struct {
	Name      string    `json:"metric"`
	Converted *int64    `json:"converted"`
	Rate      *float64  `json:"rate"`
	CI        *Interval `json:"ci95"`
	Diff      *float64  `json:"diff_vs_control,omitempty"`
	DiffCI    *Interval `json:"diff_ci95,omitempty"`
}

// Arm is one variant's results.
type Arm struct {
	Variant string   `json:"variant"`
	Label   string   `json:"label"`
	Exposed int64    `json:"exposed_installs"`
	Metrics []Metric `json:"metrics"`
}

// ExperimentResult is one experiment's arms; arms with fewer than k
// exposed installs are absent.
type ExperimentResult struct {
	Experiment
	Arms       []Arm      `json:"arms"`
	Suppressed Suppressed `json:"suppressed"`
}

// ExperimentResults measures each experiment: exposure is an install's
// first exposure in the window; conversions are a comparison click after
// it, and an order attributed to a click after it.
func (s *Service) ExperimentResults(ctx context.Context, w Window) ([]ExperimentResult, error) {
	d, err := s.Load(ctx, w)
	if err != nil {
		return nil, err
	}
	clickAt := map[string][]int64{} // install -> click times
	for i := range d.Views {
		v := &d.Views[i]
		if v.Type == vitrine.EventComparisonClicked {
			clickAt[v.InstallID] = append(clickAt[v.InstallID], v.At)
		}
	}
	orderAt := map[string][]int64{} // clicking install -> attributed order times
	for _, a := range Attribute(d.Orders, d.clicks(), d.Accounts) {
		if a.InstallID != "" {
			orderAt[a.InstallID] = append(orderAt[a.InstallID], a.Order.OrderedAt.UnixMilli())
		}
	}
	after := func(ts []int64, t int64) bool {
		for _, x := range ts {
			if x >= t {
				return true
			}
		}
		return false
	}
	var out []ExperimentResult
	for _, e := range s.experiments() {
		xs, err := s.DB.Exposures(ctx, e.Name, w.From, w.To)
		if err != nil {
			return nil, err
		}
		first := map[string]store.Exposure{}
		for _, x := range xs {
			if f, ok := first[x.InstallID]; !ok || x.OccurredAt.Before(f.OccurredAt) {
				first[x.InstallID] = x
			}
		}
		type counts struct{ n, click, order int64 }
		c := map[string]*counts{}
		for _, v := range e.Variants {
			c[v] = &counts{}
		}
		for in, x := range first {
			a := c[x.Variant]
			if a == nil {
				continue // a variant no longer in the experiment
			}
			t := x.OccurredAt.UnixMilli()
			a.n++
			if after(clickAt[in], t) {
				a.click++
			}
			if after(orderAt[in], t) {
				a.order++
			}
		}
		res := ExperimentResult{Experiment: e, Suppressed: Suppressed{K: s.k()}}
		ctl := c[e.Variants[0]]
		var arms []Arm
		for _, v := range e.Variants {
			a := c[v]
			arm := Arm{Variant: v, Label: e.Labels[v], Exposed: a.n}
			for _, m := range []struct {
				name    string
				x, xCtl int64
			}{{"clicked", a.click, ctl.click}, {"ordered", a.order, ctl.order}} {
				mt := Metric{Name: m.name}
				if Visible(m.x, s.k()) && a.n > 0 {
					x := m.x
					r := float64(x) / float64(a.n)
					ci := Wilson(x, a.n, z95)
					mt.Converted, mt.Rate, mt.CI = &x, &r, &ci
					if v != e.Variants[0] && ctl.n > 0 && Visible(m.xCtl, s.k()) && Visible(ctl.n, s.k()) {
						diff := r - float64(m.xCtl)/float64(ctl.n)
						dci := DiffInterval(x, a.n, m.xCtl, ctl.n, z95)
						mt.Diff, mt.DiffCI = &diff, &dci
					}
				} else {
					res.Suppressed.Rows++
				}
				arm.Metrics = append(arm.Metrics, mt)
			}
			arms = append(arms, arm)
		}
		var dropped int
		res.Arms, dropped = Suppress(arms, s.k(), func(a Arm) int64 { return a.Exposed })
		res.Suppressed.Rows += dropped
		out = append(out, res)
	}
	return out, nil
}

// ExperimentsTable renders every arm and metric.
func ExperimentsTable(rs []ExperimentResult) Table {
	t := Table{Columns: []string{"experiment", "variant", "exposed_installs", "metric", "converted", "rate", "ci95_low", "ci95_high", "diff_vs_control", "diff_ci95_low", "diff_ci95_high"}}
	for _, r := range rs {
		for _, a := range r.Arms {
			for _, m := range a.Metrics {
				row := []string{r.Name, a.Variant, itoa(a.Exposed), m.Name, "", "", "", "", "", "", ""}
				if m.Converted != nil {
					row[4], row[5], row[6], row[7] = itoa(*m.Converted), frac(*m.Rate), frac(m.CI.Low), frac(m.CI.High)
				}
				if m.Diff != nil {
					row[8], row[9], row[10] = frac(*m.Diff), frac(m.DiffCI.Low), frac(m.DiffCI.High)
				}
				t.Rows = append(t.Rows, row)
			}
		}
	}
	return t
}
