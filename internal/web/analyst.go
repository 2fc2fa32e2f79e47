package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/analytics"
	"github.com/vitrine/vitrine/internal/authn"
)

// analystPages are the report pages, in menu order.
var analystPages = []struct{ Path, Title string }{
	{"competitors", "Competitor sites"},
	{"prices", "Where we lose on price"},
	{"funnel", "Funnel to orders"},
	{"cohorts", "Panel and retention"},
	{"experiments", "Display experiments"},
	{"intent", "Purchase intent"},
}

// AnalystRoutes registers the analyst's report pages under /analyst/:
// server-rendered, charts drawn as SVG by internal/analytics, every table
// exportable as CSV. Only users with the analyst or admin role see them,
// and only aggregates of at least k distinct shoppers.
func (s *Site) AnalystRoutes(mux *http.ServeMux, a *authn.Authn, an *analytics.Service) {
	h := &analystPagesHandler{site: s, auth: a, an: an}
	mux.HandleFunc("GET /analyst/{$}", h.page("overview"))
	for _, p := range analystPages {
		mux.HandleFunc("GET /analyst/"+p.Path, h.page(p.Path))
	}
	mux.HandleFunc("GET /analyst/export/{file}", h.export)
}

type analystPagesHandler struct {
	site *Site
	auth *authn.Authn
	an   *analytics.Service
}

// section is one block of a page: a chart and/or a table.
type section struct {
	Title string
	Chart template.HTML
	Note  string
	Table *analytics.Table
	CSV   string // export file name
}

func (h *analystPagesHandler) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := h.auth.Require(r, vitrine.RoleAnalyst, vitrine.RoleAdmin)
		if err != nil {
			h.site.adminError(w, err)
			return
		}
		win, err := analytics.ParseWindow(r, h.site.now())
		if err != nil {
			h.site.adminError(w, err)
			return
		}
		secs, title, err := h.sections(r.Context(), name, win)
		if err != nil {
			h.site.adminError(w, err)
			return
		}
		q := ""
		if r.URL.RawQuery != "" {
			q = "?" + r.URL.Query().Encode()
		}
		csrf := ""
		if p.Session != nil {
			csrf = p.Session.CSRF
		}
		h.site.render(w, http.StatusOK, "analyst.html", map[string]any{
			"Store": h.site.StoreName, "User": p.User, "CSRF": csrf, "Page": name, "Title": title, "Pages": analystPages,
			"From": win.From.Format("2006-01-02"), "To": win.To.Add(-time.Millisecond).Format("2006-01-02"), "Query": q,
			"K": h.k(), "Sections": secs,
		})
	}
}

func (h *analystPagesHandler) k() int {
	if h.an.K < 1 {
		return analytics.DefaultK
	}
	return h.an.K
}

// tables builds each report's tables; pages and CSV exports share them, so
// both show exactly the same suppressed aggregates.
func (h *analystPagesHandler) sections(ctx context.Context, name string, win analytics.Window) ([]section, string, error) {
	an := h.an
	switch name {
	case "overview", "competitors":
		rep, err := an.Competitors(ctx, win)
		if err != nil {
			return nil, "", err
		}
		var pts []analytics.Point
		for _, d := range rep.Days {
			pts = append(pts, analytics.Point{Label: d.Day, Value: float64(d.Events)})
		}
		var bars []analytics.Bar
		for i, d := range rep.Domains {
			if i == 15 {
				break
			}
			bars = append(bars, analytics.Bar{Label: d.Domain, Value: float64(d.Events), Text: fmt.Sprintf("%d events, %d shoppers", d.Events, d.Installs)})
		}
		t := rep.Table()
		secs := []section{
			{Title: "Panel traffic by day", Chart: analytics.LineChart("Events per day", pts)},
			{Title: "Sites by panel traffic", Chart: analytics.BarChart("Top sites by events", bars), Table: &t, CSV: "competitors.csv",
				Note: fmt.Sprintf("%d groups with fewer than %d shoppers are not shown.", rep.Suppressed.Rows, rep.Suppressed.K)},
		}
		if name == "overview" {
			return secs[:1], "Overview", nil
		}
		return secs, "Competitor sites", nil
	case "prices":
		rep, err := an.PriceGaps(ctx, win)
		if err != nil {
			return nil, "", err
		}
		var bars []analytics.Bar
		for i, p := range rep.Products {
			if i == 15 {
				break
			}
			bars = append(bars, analytics.Bar{Label: p.Title, Value: -p.Loss, Text: fmt.Sprintf("%.0f%% of %d priced views cheaper elsewhere, mean gap %+.1f%%", 100*p.CheaperShare, p.PricedViews, 100*p.MeanGap)})
		}
		var dbars []analytics.Bar
		for i, d := range rep.Domains {
			if i == 15 {
				break
			}
			dbars = append(dbars, analytics.Bar{Label: d.Domain, Value: d.MeanGap, Text: fmt.Sprintf("mean gap %+.1f%%, cheaper on %.0f%% of %d views", 100*d.MeanGap, 100*d.CheaperShare, d.PricedViews)})
		}
		t := rep.Table()
		return []section{
			{Title: "Products where we lose on price", Chart: analytics.BarChart("Loss weight (views × how much cheaper elsewhere)", bars), Table: &t, CSV: "price-gaps.csv",
				Note: fmt.Sprintf("Page facts matched to the catalog by GTIN or brand + MPN: %d views matched, %d not. Gap = (their price − our price) / our price, same currency only. %d groups with fewer than %d shoppers are not shown.",
					rep.Matched, rep.Unmatched, rep.Suppressed.Rows, rep.Suppressed.K)},
			{Title: "Other sites' prices against ours", Chart: analytics.BarChart("Mean price gap by site (negative: they are cheaper)", dbars)},
		}, "Where we lose on price", nil
	case "funnel":
		rep, err := an.Funnel(ctx, win)
		if err != nil {
			return nil, "", err
		}
		var bars []analytics.Bar
		for _, st := range rep.Stages {
			txt := fmt.Sprintf("%d (product, shopper) pairs, %d shoppers", st.Pairs, st.Installs)
			if st.Rate != nil {
				txt += fmt.Sprintf(", %.1f%% of the previous step (95%% CI %.1f–%.1f%%)", 100**st.Rate, 100*st.CI.Low, 100*st.CI.High)
			}
			bars = append(bars, analytics.Bar{Label: strings.ReplaceAll(st.Name, "_", " "), Value: float64(st.Pairs), Text: txt})
		}
		t := rep.Table()
		return []section{{Title: "Product viewed elsewhere → comparison shown → clicked → ordered", Chart: analytics.BarChart("Funnel", bars), Table: &t, CSV: "funnel.csv",
			Note: fmt.Sprintf("Orders reported by the store: %d, of which %d attributed to a comparison click on the same product by the same shopper (or a linked device) within 7 days before the order. Stages with fewer than %d shoppers are not shown.",
				rep.Orders, rep.Attributed, rep.Suppressed.K)}}, "Funnel to orders", nil
	case "cohorts":
		rep, err := an.Cohorts(ctx)
		if err != nil {
			return nil, "", err
		}
		var labels []string
		var cells [][]float64
		cols := 0
		for _, c := range rep.Cohorts {
			labels = append(labels, fmt.Sprintf("%s (%d)", c.Week, c.Size))
			var row []float64
			for _, cell := range c.Cells {
				if cell.Rate == nil {
					row = append(row, math.NaN())
				} else {
					row = append(row, *cell.Rate)
				}
			}
			cols = max(cols, len(row))
			cells = append(cells, row)
		}
		var pts []analytics.Point
		for _, p := range rep.Panel {
			pts = append(pts, analytics.Point{Label: p.Week, Value: float64(p.Members)})
		}
		t := rep.Table()
		return []section{
			{Title: "Panel size", Chart: analytics.LineChart("Members joined so far, by week", pts)},
			{Title: "Retention by weekly cohort", Chart: analytics.Heatmap("% of each cohort active n weeks after joining", labels, cols, cells), Table: &t, CSV: "cohorts.csv",
				Note: fmt.Sprintf("A cohort is the week a shopper joined (first consent). Cohorts and cells with fewer than %d shoppers are suppressed (%d).", rep.Suppressed.K, rep.Suppressed.Rows)},
		}, "Panel and retention", nil
	case "experiments":
		rs, err := an.ExperimentResults(ctx, win)
		if err != nil {
			return nil, "", err
		}
		var secs []section
		for _, r := range rs {
			var es []analytics.Estimate
			hi := 0.0
			for _, a := range r.Arms {
				for _, m := range a.Metrics {
					if m.Rate != nil {
						es = append(es, analytics.Estimate{Label: a.Variant + ": " + m.Name, Value: *m.Rate, Low: m.CI.Low, High: m.CI.High})
						hi = math.Max(hi, m.CI.High)
					}
				}
			}
			t := analytics.ExperimentsTable([]analytics.ExperimentResult{r})
			secs = append(secs, section{Title: r.Name + ": " + r.Description, Chart: analytics.IntervalChart("Rates with 95% Wilson intervals", es, 0, math.Min(1, hi*1.1+0.01), true), Table: &t,
				Note: fmt.Sprintf("Exposure: first display of the bar in the window; conversions after it. Differences against the control (%s) with Newcombe 95%% intervals. Arms or counts with fewer than %d shoppers are suppressed (%d).", r.Variants[0], r.Suppressed.K, r.Suppressed.Rows)})
		}
		if len(secs) > 0 {
			secs[0].CSV = "experiments.csv"
		}
		return secs, "Display experiments", nil
	case "intent":
		m, err := an.IntentModel(ctx)
		if err != nil {
			return nil, "", err
		}
		r := m.Report
		t := analytics.Table{Columns: []string{"measure", "model", "majority baseline"}, Rows: [][]string{
			{"sessions (train / test)", fmt.Sprintf("%d / %d", r.Train, r.Test), ""},
			{"buying sessions (train / test)", fmt.Sprintf("%d / %d", r.TrainPositives, r.TestPositives), ""},
			{"AUC", fmt.Sprintf("%.4f", r.AUC), fmt.Sprintf("%.4f", r.BaselineAUC)},
			{"log loss", fmt.Sprintf("%.4f", r.LogLoss), fmt.Sprintf("%.4f", r.BaselineLogLoss)},
			{"Brier score", fmt.Sprintf("%.4f", r.Brier), fmt.Sprintf("%.4f", r.BaselineBrier)},
			{"accuracy at 0.5", fmt.Sprintf("%.4f", r.Accuracy), fmt.Sprintf("%.4f", r.BaselineAccuracy)},
			{"expected calibration error", fmt.Sprintf("%.4f", r.ECE), ""},
		}}
		var bars []analytics.Bar
		for _, n := range analytics.FeatureNames {
			bars = append(bars, analytics.Bar{Label: n, Value: r.Weights[n], Text: fmt.Sprintf("%+.3f", r.Weights[n])})
		}
		return []section{
			{Title: "Evaluation on later sessions (time-based split)", Table: &t, Chart: analytics.ReliabilityChart("Reliability (calibration)", r.Reliability),
				Note: fmt.Sprintf("Logistic regression trained on sessions before %s, tested on the later ones whose 48-hour order window is over. Label: an order within 48 hours of the session. Reliability bins with fewer than %d shoppers are not shown.", r.SplitAt.Format("2006-01-02 15:04"), r.Suppressed.K)},
			{Title: "Feature weights (per standard deviation)", Chart: analytics.BarChart("Weights", bars)},
		}, "Purchase intent", nil
	}
	return nil, "", vitrine.Errorf(vitrine.ENOTFOUND, "no report %q", name)
}

// export serves a report's table as CSV, the same table the page shows.
func (h *analystPagesHandler) export(w http.ResponseWriter, r *http.Request) {
	if _, err := h.auth.Require(r, vitrine.RoleAnalyst, vitrine.RoleAdmin); err != nil {
		h.site.adminError(w, err)
		return
	}
	win, err := analytics.ParseWindow(r, h.site.now())
	if err != nil {
		h.site.adminError(w, err)
		return
	}
	file := r.PathValue("file")
	page := map[string]string{"competitors.csv": "competitors", "price-gaps.csv": "prices", "funnel.csv": "funnel", "cohorts.csv": "cohorts", "experiments.csv": "experiments"}[file]
	if page == "" {
		h.site.notFound(w, "export "+file)
		return
	}
	if page == "experiments" {
		rs, err := h.an.ExperimentResults(r.Context(), win)
		if err != nil {
			h.site.adminError(w, err)
			return
		}
		analytics.ServeCSV(w, "experiments", analytics.ExperimentsTable(rs))
		return
	}
	secs, _, err := h.sections(r.Context(), page, win)
	if err != nil {
		h.site.adminError(w, err)
		return
	}
	for _, sec := range secs {
		if sec.CSV == file && sec.Table != nil {
			analytics.ServeCSV(w, strings.TrimSuffix(file, ".csv"), *sec.Table)
			return
		}
	}
	h.site.notFound(w, "export "+file)
}
