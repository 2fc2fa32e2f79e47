package analytics

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
)

// Table is a report table in a form the API (JSON), the CSV export and the
// pages share: every cell is text, already suppressed.
type Table struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// Suppressed counts what k-anonymity removed from a report.
type Suppressed struct {
	K    int `json:"k"`
	Rows int `json:"rows_suppressed"`
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

func frac(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }

// day formats a day number (Unix days).
func day(d int64) string { return time.UnixMilli(d * store.DayMS).UTC().Format("2006-01-02") }

// ---------------------------------------------------------------- competitors

// DomainRow is one site's panel traffic in a window.
type DomainRow struct {
	Domain       string `json:"domain"`
	Own          bool   `json:"own_site"`
	Events       int64  `json:"events"`
	PageViews    int64  `json:"page_views"`
	ProductViews int64  `json:"product_views"`
	Comparisons  int64  `json:"comparisons_shown"`
	Installs     int64  `json:"installs"`
}

// DayRow is the whole panel's traffic on one day.
type DayRow struct {
	Day      string `json:"day"`
	Events   int64  `json:"events"`
	Installs int64  `json:"installs"`
}

// CompetitorReport ranks sites by panel traffic, from the rollups.
type CompetitorReport struct {
	Window     Window      `json:"-"`
	Domains    []DomainRow `json:"domains"`
	Days       []DayRow    `json:"days"`
	Suppressed Suppressed  `json:"suppressed"`
}

// Competitors reads the rollups of a window.
func (s *Service) Competitors(ctx context.Context, w Window) (CompetitorReport, error) {
	rep := CompetitorReport{Window: w, Suppressed: Suppressed{K: s.k()}}
	totals, err := s.DB.DomainTotals(ctx, w.From, w.To)
	if err != nil {
		return rep, err
	}
	daily, err := s.DB.DailyRollups(ctx, w.From, w.To)
	if err != nil {
		return rep, err
	}
	byType := map[string]map[string]int64{}
	for _, r := range daily {
		if byType[r.Domain] == nil {
			byType[r.Domain] = map[string]int64{}
		}
		byType[r.Domain][r.Type] += r.Events
	}
	var rows []DomainRow
	for _, t := range totals {
		m := byType[t.Domain]
		rows = append(rows, DomainRow{Domain: t.Domain, Own: s.own(t.Domain), Events: t.Events, Installs: t.Installs,
			PageViews: m[string(vitrine.EventPageView)], ProductViews: m[string(vitrine.EventProductView)], Comparisons: m[string(vitrine.EventComparisonShown)]})
	}
	var n1, n2 int
	rep.Domains, n1 = Suppress(rows, s.k(), func(r DomainRow) int64 { return r.Installs })
	days, err := s.DB.DailyTotals(ctx, w.From, w.To)
	if err != nil {
		return rep, err
	}
	var drows []DayRow
	for _, d := range days {
		drows = append(drows, DayRow{Day: day(d.Bucket), Events: d.Events, Installs: d.Installs})
	}
	rep.Days, n2 = Suppress(drows, s.k(), func(r DayRow) int64 { return r.Installs })
	rep.Suppressed.Rows = n1 + n2
	return rep, nil
}

// Table renders the domains.
func (r CompetitorReport) Table() Table {
	t := Table{Columns: []string{"domain", "own_site", "events", "page_views", "product_views", "comparisons_shown", "installs"}}
	for _, d := range r.Domains {
		t.Rows = append(t.Rows, []string{d.Domain, strconv.FormatBool(d.Own), itoa(d.Events), itoa(d.PageViews), itoa(d.ProductViews), itoa(d.Comparisons), itoa(d.Installs)})
	}
	return t
}

// ---------------------------------------------------------------- price gaps

// PriceGapRow is one store product seen on other sites with a price.
type PriceGapRow struct {
	ProductID   string      `json:"product_id"`
	Title       string      `json:"title"`
	OurPrice    money.Money `json:"our_price"`
	Views       int64       `json:"views"`        // product views matched to it
	PricedViews int64       `json:"priced_views"` // of which with a comparable price
	Installs    int64       `json:"installs"`
	Domains     int         `json:"domains"`
	MeanPrice   money.Money `json:"mean_page_price"`
	// MeanGap is the view-weighted mean of (page price - our price) / our
	// price: negative means other sites are cheaper on average.
	MeanGap float64 `json:"mean_gap"`
	// CheaperShare is the share of priced views where the other site was
	// cheaper than us.
	CheaperShare float64 `json:"cheaper_share"`
	// Loss weighs where we lose on price: the sum over views of how much
	// cheaper the other site was, relative to our price (views where we
	// are cheaper count 0). Rows are sorted by it.
	Loss float64 `json:"loss"`
}

// DomainGapRow is one other site's prices against ours.
type DomainGapRow struct {
	Domain       string  `json:"domain"`
	PricedViews  int64   `json:"priced_views"`
	Installs     int64   `json:"installs"`
	MeanGap      float64 `json:"mean_gap"`
	CheaperShare float64 `json:"cheaper_share"`
	Loss         float64 `json:"loss"`
}

// PriceGapReport is "where we lose on price".
type PriceGapReport struct {
	Products   []PriceGapRow  `json:"products"`
	Domains    []DomainGapRow `json:"domains"`
	Matched    int64          `json:"matched_views"`
	Unmatched  int64          `json:"unmatched_views"`
	Suppressed Suppressed     `json:"suppressed"`
}

type gapAcc struct {
	views, priced, cheaper int64
	sumPage                money.Amount
	sumGap, loss           float64
	installs, domains      map[string]bool
}

func newGapAcc() *gapAcc { return &gapAcc{installs: map[string]bool{}, domains: map[string]bool{}} }

func (a *gapAcc) add(v *View) {
	a.views++
	a.installs[v.InstallID] = true
	a.domains[v.Domain] = true
	if !v.HasGap() {
		return
	}
	g := v.Saving()
	a.priced++
	a.sumPage += v.Page.Amount
	a.sumGap += g
	if g < 0 {
		a.cheaper++
		a.loss += -g
	}
}

// PriceGaps compares the prices of products viewed on other sites with
// the store's, matching page facts to the catalog by GTIN or brand + MPN.
func (s *Service) PriceGaps(ctx context.Context, w Window) (PriceGapReport, error) {
	rep := PriceGapReport{Suppressed: Suppressed{K: s.k()}}
	d, err := s.Load(ctx, w)
	if err != nil {
		return rep, err
	}
	cat, err := s.Catalog(ctx)
	if err != nil {
		return rep, err
	}
	byProduct := map[string]*gapAcc{}
	byDomain := map[string]*gapAcc{}
	for i := range d.Views {
		v := &d.Views[i]
		if v.Type != vitrine.EventProductView || s.own(v.Domain) {
			continue
		}
		if v.ProductID == "" {
			rep.Unmatched++
			continue
		}
		rep.Matched++
		if byProduct[v.ProductID] == nil {
			byProduct[v.ProductID] = newGapAcc()
		}
		byProduct[v.ProductID].add(v)
		if v.HasGap() {
			if byDomain[v.Domain] == nil {
				byDomain[v.Domain] = newGapAcc()
			}
			byDomain[v.Domain].add(v)
		}
	}
	var rows []PriceGapRow
	for id, a := range byProduct {
		p, _ := cat.Product(id)
		r := PriceGapRow{ProductID: id, Title: p.Title, OurPrice: p.Price, Views: a.views, PricedViews: a.priced,
			Installs: int64(len(a.installs)), Domains: len(a.domains), Loss: a.loss}
		if a.priced > 0 {
			r.MeanPrice = money.Money{Amount: a.sumPage / money.Amount(a.priced), Currency: p.Price.Currency}
			r.MeanGap = a.sumGap / float64(a.priced)
			r.CheaperShare = float64(a.cheaper) / float64(a.priced)
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Loss != rows[j].Loss {
			return rows[i].Loss > rows[j].Loss
		}
		return rows[i].ProductID < rows[j].ProductID
	})
	var n1, n2 int
	rep.Products, n1 = Suppress(rows, s.k(), func(r PriceGapRow) int64 { return r.Installs })
	var drows []DomainGapRow
	for dom, a := range byDomain {
		drows = append(drows, DomainGapRow{Domain: dom, PricedViews: a.priced, Installs: int64(len(a.installs)),
			MeanGap: a.sumGap / float64(a.priced), CheaperShare: float64(a.cheaper) / float64(a.priced), Loss: a.loss})
	}
	sort.Slice(drows, func(i, j int) bool {
		if drows[i].Loss != drows[j].Loss {
			return drows[i].Loss > drows[j].Loss
		}
		return drows[i].Domain < drows[j].Domain
	})
	rep.Domains, n2 = Suppress(drows, s.k(), func(r DomainGapRow) int64 { return r.Installs })
	rep.Suppressed.Rows = n1 + n2
	return rep, nil
}

// Table renders the products.
func (r PriceGapReport) Table() Table {
	t := Table{Columns: []string{"product_id", "title", "our_price", "currency", "views", "priced_views", "installs", "domains", "mean_page_price", "mean_gap", "cheaper_share", "loss"}}
	for _, p := range r.Products {
		t.Rows = append(t.Rows, []string{p.ProductID, p.Title, p.OurPrice.Text(), p.OurPrice.Currency, itoa(p.Views), itoa(p.PricedViews), itoa(p.Installs),
			strconv.Itoa(p.Domains), p.MeanPrice.Text(), frac(p.MeanGap), frac(p.CheaperShare), frac(p.Loss)})
	}
	return t
}

// ---------------------------------------------------------------- funnel

// Stage is one step of the funnel.
type Stage struct {
	Name     string `json:"stage"`
	Pairs    int64  `json:"pairs"`    // (install, product) pairs that reached it
	Installs int64  `json:"installs"` // distinct installs among them
	// Rate is Pairs over the previous stage's pairs, with its 95% Wilson
	// interval (absent for the first stage).
	Rate *float64  `json:"rate,omitempty"`
	CI   *Interval `json:"ci95,omitempty"`
}

// FunnelReport is product viewed elsewhere -> comparison shown -> clicked -> ordered.
type FunnelReport struct {
	Stages []Stage `json:"stages"`
	// Orders reported in the window (and up to the attribution window
	// after it), how many were attributed to a click, and their value.
	Orders     int64             `json:"orders"`
	Attributed int64             `json:"attributed_orders"`
	Revenue    map[string]string `json:"attributed_revenue"`
	Suppressed Suppressed        `json:"suppressed"`
}

// Funnel follows (install, product) pairs through the stages: a pair is
// counted at a stage only when it reached the previous one. "Ordered" is an
// order attributed to a comparison click (see Attribute).
func (s *Service) Funnel(ctx context.Context, w Window) (FunnelReport, error) {
	rep := FunnelReport{Suppressed: Suppressed{K: s.k()}, Revenue: map[string]string{}}
	d, err := s.Load(ctx, w)
	if err != nil {
		return rep, err
	}
	type pair struct{ in, p string }
	viewed, shown, clicked := map[pair]bool{}, map[pair]bool{}, map[pair]bool{}
	for i := range d.Views {
		v := &d.Views[i]
		if v.ProductID == "" {
			continue
		}
		k := pair{v.InstallID, v.ProductID}
		switch {
		case v.Type == vitrine.EventProductView && !s.own(v.Domain):
			viewed[k] = true
		case v.Type == vitrine.EventComparisonShown && v.Shown:
			shown[k] = true
		case v.Type == vitrine.EventComparisonClicked:
			clicked[k] = true
		}
	}
	ordered := map[pair]bool{}
	revenue := map[string]money.Amount{}
	for _, a := range Attribute(d.Orders, d.clicks(), d.Accounts) {
		rep.Orders++
		if a.InstallID == "" {
			continue
		}
		rep.Attributed++
		revenue[a.Order.Amount.Currency] += a.Order.Amount.Amount
		ordered[pair{a.InstallID, a.Order.ProductID}] = true
	}
	for c, a := range revenue {
		rep.Revenue[c] = money.Money{Amount: a, Currency: c}.Text()
	}
	sets := []map[pair]bool{viewed, shown, clicked, ordered}
	names := []string{"viewed_elsewhere", "comparison_shown", "comparison_clicked", "ordered"}
	reached := viewed
	var stages []Stage
	var prev int64
	for i, set := range sets {
		if i > 0 {
			next := map[pair]bool{}
			for k := range set {
				if reached[k] {
					next[k] = true
				}
			}
			reached = next
		}
		installs := map[string]bool{}
		for k := range reached {
			installs[k.in] = true
		}
		st := Stage{Name: names[i], Pairs: int64(len(reached)), Installs: int64(len(installs))}
		if i > 0 && prev > 0 {
			r := float64(st.Pairs) / float64(prev)
			ci := Wilson(st.Pairs, prev, z95)
			st.Rate, st.CI = &r, &ci
		}
		prev = st.Pairs
		stages = append(stages, st)
	}
	rep.Stages, rep.Suppressed.Rows = Suppress(stages, s.k(), func(st Stage) int64 { return st.Installs })
	if !Visible(rep.Attributed, s.k()) {
		// The order counts would show what fewer than k shoppers did.
		rep.Orders, rep.Attributed, rep.Revenue = 0, 0, map[string]string{}
		rep.Suppressed.Rows++
	}
	return rep, nil
}

// Table renders the stages.
func (r FunnelReport) Table() Table {
	t := Table{Columns: []string{"stage", "pairs", "installs", "rate", "ci95_low", "ci95_high"}}
	for _, st := range r.Stages {
		row := []string{st.Name, itoa(st.Pairs), itoa(st.Installs), "", "", ""}
		if st.Rate != nil {
			row[3], row[4], row[5] = frac(*st.Rate), frac(st.CI.Low), frac(st.CI.High)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// ---------------------------------------------------------------- cohorts

// CohortCell is the share of a cohort active some weeks after joining;
// suppressed cells (fewer than k active installs) have no numbers.
type CohortCell struct {
	Week     int      `json:"week"` // weeks since joining
	Active   *int64   `json:"active"`
	Rate     *float64 `json:"rate"`
	Complete bool     `json:"complete"` // the week is over
}

// Cohort is the installs that joined in one week.
type Cohort struct {
	Week  string       `json:"week"` // Monday, UTC
	Size  int64        `json:"size"`
	Cells []CohortCell `json:"retention"`
}

// PanelWeek is the panel's size in one week.
type PanelWeek struct {
	Week    string `json:"week"`
	Joined  *int64 `json:"joined"`
	Members int64  `json:"members"` // joined so far
	Active  *int64 `json:"active"`
}

// CohortReport is panel size and retention by weekly cohort.
type CohortReport struct {
	Cohorts    []Cohort    `json:"cohorts"`
	Panel      []PanelWeek `json:"panel"`
	Suppressed Suppressed  `json:"suppressed"`
}

func weekOf(t time.Time) int64 { return (t.UnixMilli()/store.HourMS + store.WeekOffsetHours) / 168 }

func weekDay(w int64) string {
	return time.UnixMilli((w*168 - store.WeekOffsetHours) * store.HourMS).UTC().Format("2006-01-02")
}

// Cohorts groups installs by the week they joined the panel: the week of
// their first consent grant, or of their first event when the device's
// clock dates events earlier (queued events, simulated history). Activity
// is any event in a week, from the rollups.
func (s *Service) Cohorts(ctx context.Context) (CohortReport, error) {
	rep := CohortReport{Suppressed: Suppressed{K: s.k()}}
	first, err := s.DB.FirstConsents(ctx)
	if err != nil {
		return rep, err
	}
	weeks, err := s.DB.ActiveWeeks(ctx)
	if err != nil {
		return rep, err
	}
	joined := map[string]int64{}
	for in, t := range first {
		joined[in] = weekOf(t)
	}
	active := map[string][]int64{}
	for _, iw := range weeks {
		active[iw.InstallID] = append(active[iw.InstallID], iw.Week)
		if j, ok := joined[iw.InstallID]; !ok || iw.Week < j {
			joined[iw.InstallID] = iw.Week
		}
	}
	if len(joined) == 0 {
		return rep, nil
	}
	cur := weekOf(s.now())
	size := map[int64]int64{}
	cells := map[[2]int64]int64{} // cohort, offset -> active installs
	activeIn := map[int64]int64{}
	minW := cur
	for in, j := range joined {
		size[j]++
		minW = min(minW, j)
		for _, w := range active[in] {
			if w >= j && w <= cur {
				cells[[2]int64{j, w - j}]++
				activeIn[w]++
			}
		}
	}
	var cohorts []Cohort
	var members int64
	for w := minW; w <= cur; w++ {
		n := size[w]
		members += n
		pw := PanelWeek{Week: weekDay(w), Members: members}
		if Visible(n, s.k()) {
			v := n
			pw.Joined = &v
		}
		if a := activeIn[w]; Visible(a, s.k()) {
			pw.Active = &a
		}
		rep.Panel = append(rep.Panel, pw)
		if n == 0 {
			continue
		}
		c := Cohort{Week: weekDay(w), Size: n}
		for off := int64(0); w+off <= cur; off++ {
			cell := CohortCell{Week: int(off), Complete: w+off < cur}
			if a := cells[[2]int64{w, off}]; Visible(a, s.k()) {
				r := float64(a) / float64(n)
				cell.Active, cell.Rate = &a, &r
			} else {
				rep.Suppressed.Rows++
			}
			c.Cells = append(c.Cells, cell)
		}
		cohorts = append(cohorts, c)
	}
	var dropped int
	rep.Cohorts, dropped = Suppress(cohorts, s.k(), func(c Cohort) int64 { return c.Size })
	rep.Suppressed.Rows += dropped
	return rep, nil
}

// Table renders the cohorts, one row per cohort and week.
func (r CohortReport) Table() Table {
	t := Table{Columns: []string{"cohort_week", "size", "weeks_since_joining", "active", "rate", "complete"}}
	for _, c := range r.Cohorts {
		for _, cell := range c.Cells {
			row := []string{c.Week, itoa(c.Size), strconv.Itoa(cell.Week), "", "", strconv.FormatBool(cell.Complete)}
			if cell.Active != nil {
				row[3], row[4] = itoa(*cell.Active), frac(*cell.Rate)
			}
			t.Rows = append(t.Rows, row)
		}
	}
	return t
}
