package analytics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
)

// SimProduct is a catalog product the simulated panel shops for.
type SimProduct struct {
	ID, Title, Brand, GTIN, MPN string
	Price                       money.Money
}

// SimConfig sets up a simulated panel. See SimulatePanel for the model.
type SimConfig struct {
	Seed        uint64
	Now         time.Time
	Days        int // history length, at most 28 (the ingestion accepts 30 days)
	Domains     int // other shops (default 40)
	Products    []SimProduct
	Experiments []Experiment
	// LinkedShare of installs are linked to a store account (default 0.3);
	// half of their orders are reported by account, half by install.
	LinkedShare float64
}

// SimEvent is one event as the extension would send it (the URL not yet
// scrubbed: the sender scrubs it as the device does).
type SimEvent struct {
	Type      vitrine.EventType
	At        time.Time
	URL       string
	Referrer  string
	DwellMS   int64
	To        string
	Facts     map[string]string
	Domain    string
	ProductID string
	Status    string
	// Exposures: the experiment variants the bar was shown in (with comparison_shown).
	Exposures map[string]string
}

// SimOrder is an order of a simulated shopper.
type SimOrder struct {
	ID        string
	ProductID string
	Amount    money.Money
	At        time.Time
	ByAccount bool // reported by store account rather than install
	// Propensity is the true purchase probability of the session that led to it.
	Propensity float64
}

// SimInstall is one simulated shopper.
type SimInstall struct {
	ID       string // the server's install id
	Account  string // store account, "" when not linked
	Affinity float64
	Events   []SimEvent
	Orders   []SimOrder
	// Sessions: the true purchase propensity of each session, in order,
	// and whether it bought.
	Propensities []float64
	Bought       []bool
}

// Simulation ground truth, documented in RESULTS.md.
const (
	simDailyActive  = 0.45 // chance an active member shops on a given day
	simWeeklyChurn  = 0.2  // chance a member stops for good after each week
	simShownRate    = 0.9  // product views where the bar finds the product
	simBaseClick    = -1.6 // click logit intercept
	simSavingClick  = 6.0  // click logit per unit of relative saving
	simWordingClick = 0.35 // click logit of "Save $X" when the store is cheaper
	simBottomClick  = -0.25
	simHistoryClick = 0.15
	simBaseBuy      = -3.4 // purchase logit intercept, per session
	simClickBuy     = 1.3  // ... if a comparison was clicked
	simViewBuy      = 0.25 // ... per product view
	simSavingBuy    = 4.0  // ... per unit of the best relative saving (when positive)
	simReturnBuy    = 0.3  // ... per earlier session in the last 30 days (at most 3)
)

// SimulatePanel generates a panel with known propensities:
//
//   - Each install has an affinity u ~ N(0, 0.5²), joins on a day uniform in
//     the first 60% of the history, shops on each day with probability
//     0.45, and churns for good after each week with probability 0.2.
//   - A shopping day has 1 session (2 with probability 0.25) starting
//     between 08:00 and 23:00 UTC: 2-9 page views on 1-3 shops picked by a
//     Zipf law over the shop domains (dwell log-normal, median 25 s), link
//     clicks between them, and 0-5 product views of catalog products picked
//     by a random walk over neighbouring products (so sessions carry
//     next-item structure). Each shop prices a product at our price times
//     exp(N(b, 0.08)), where b, the shop's bias, is uniform in ±0.08.
//     Pages carry a GTIN (70%), or brand + MPN (20%), or only a title (10%).
//   - On 90% of product views the comparison bar is shown (one exposure per
//     experiment, in the install's assigned variant) and clicked with
//     probability σ(-1.6 + 6·saving + 0.35·[save wording and saving > 0]
//   - 0.25·[bottom] + 0.15·[history] + u/2), saving = (page - ours)/ours.
//   - Each session buys with probability σ(-3.4 + 1.3·[clicked]
//   - 0.25·product views + 4·max(0, best saving) + 0.3·min(earlier
//     sessions in 30 days, 3) + u): the last clicked product, else the last
//     viewed, ordered 10 minutes to 40 hours after the session, at our price.
func SimulatePanel(cfg SimConfig, installIDs []string) []SimInstall {
	if cfg.Days <= 0 || cfg.Days > 28 {
		cfg.Days = 28
	}
	if cfg.Domains <= 0 {
		cfg.Domains = 40
	}
	if cfg.LinkedShare == 0 {
		cfg.LinkedShare = 0.3
	}
	if cfg.Experiments == nil {
		cfg.Experiments = DefaultExperiments
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	bias := make([]float64, cfg.Domains)
	for i := range bias {
		bias[i] = (rng.Float64()*2 - 1) * 0.08
	}
	zipf := rand.NewZipf(rng, 1.2, 2, uint64(cfg.Domains-1)) // 0..Domains-1
	start := cfg.Now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -cfg.Days)
	var out []SimInstall
	for n, id := range installIDs {
		r := rand.New(rand.NewPCG(cfg.Seed, uint64(n)+1))
		in := SimInstall{ID: id, Affinity: r.NormFloat64() * 0.5}
		if r.Float64() < cfg.LinkedShare {
			in.Account = fmt.Sprintf("sim-account-%d-%d", cfg.Seed, n)
		}
		variant := map[string]string{}
		for _, e := range cfg.Experiments {
			variant[e.Name] = Assign(e, id)
		}
		join := r.IntN(max(1, cfg.Days*6/10))
		var sessionStarts []time.Time
		for d := join; d < cfg.Days; d++ {
			if d > join && (d-join)%7 == 0 && r.Float64() < simWeeklyChurn {
				break
			}
			if r.Float64() >= simDailyActive {
				continue
			}
			nsess := 1
			if r.Float64() < 0.25 {
				nsess = 2
			}
			for k := 0; k < nsess; k++ {
				at := start.AddDate(0, 0, d).Add(time.Duration(8*3600+r.IntN(15*3600)) * time.Second)
				if at.After(cfg.Now.Add(-time.Hour)) {
					continue
				}
				earlier := 0
				for _, s := range sessionStarts {
					if at.Sub(s) < 30*24*time.Hour && at.Sub(s) > SessionGap {
						earlier++
					}
				}
				sessionStarts = append(sessionStarts, at)
				simSession(r, &in, cfg, at, earlier, bias, zipf, variant)
			}
		}
		out = append(out, in)
	}
	return out
}

func simSession(r *rand.Rand, in *SimInstall, cfg SimConfig, at time.Time, earlier int, bias []float64, zipf *rand.Zipf, variant map[string]string) {
	t := at
	step := func() time.Time {
		t = t.Add(time.Duration(20+r.IntN(240)) * time.Second)
		return t
	}
	nshops := 1 + r.IntN(3)
	shops := make([]int, nshops)
	for i := range shops {
		shops[i] = int(zipf.Uint64())
	}
	domain := func(i int) string { return fmt.Sprintf("shop%02d.example", i+1) }
	pages := 2 + r.IntN(8)
	nviews := r.IntN(6)
	np := len(cfg.Products)
	cur := r.IntN(max(1, np))
	clicked, views := false, 0
	bestSaving := math.Inf(-1)
	lastClicked, lastViewed := "", ""
	prevURL := ""
	for p := 0; p < pages+nviews; p++ {
		shop := shops[r.IntN(nshops)]
		host := domain(shop)
		when := step()
		isView := np > 0 && p >= pages-1 && views < nviews
		if !isView {
			slug := []string{"category/deals", "search", "c/new-in", "brands", "help/shipping", "cart"}[r.IntN(6)]
			url := "https://" + host + "/" + slug + "?utm_source=newsletter&page=" + fmt.Sprint(1+r.IntN(3))
			if prevURL != "" && r.Float64() < 0.5 {
				in.Events = append(in.Events, SimEvent{Type: vitrine.EventLinkClick, At: when, URL: prevURL, To: url, Domain: host})
				when = step()
			}
			ref := ""
			if r.Float64() < 0.3 {
				ref = domain(shops[0])
			}
			in.Events = append(in.Events, SimEvent{Type: vitrine.EventPageView, At: when, URL: url, Referrer: ref,
				DwellMS: int64(math.Exp(math.Log(25000) + r.NormFloat64()*0.8)), Domain: host})
			prevURL = url
			continue
		}
		// A product view: walk to a neighbouring product.
		if views > 0 {
			if r.Float64() < 0.7 {
				cur = (cur + np + r.IntN(5) - 2) % np
			} else {
				cur = r.IntN(np)
			}
		}
		views++
		prod := cfg.Products[cur]
		f := math.Exp(bias[shop]*1 + r.NormFloat64()*0.08)
		page := money.Amount(math.Round(float64(prod.Price.Amount)*f/100) * 100) // whole cents
		saving := float64(page-prod.Price.Amount) / float64(prod.Price.Amount)
		facts := map[string]string{"title": prod.Title, "price": page.Format(2), "currency": prod.Price.Currency}
		switch x := r.Float64(); {
		case x < 0.7:
			facts["gtin"], facts["brand"] = prod.GTIN, prod.Brand
		case x < 0.9:
			facts["brand"], facts["mpn"] = prod.Brand, strings.ToLower(prod.MPN)
		}
		matched := facts["gtin"] != "" || facts["mpn"] != ""
		url := "https://" + host + "/p/" + slugify(prod.Title) + "-" + fmt.Sprint(1000+cur) + "?color=black&sessionid=" + fmt.Sprint(r.Uint32())
		in.Events = append(in.Events, SimEvent{Type: vitrine.EventProductView, At: when, URL: url, Facts: facts, Domain: host})
		lastViewed = prod.ID
		if matched {
			bestSaving = math.Max(bestSaving, saving)
		}
		if !matched || r.Float64() >= simShownRate {
			continue
		}
		shownAt := when.Add(time.Duration(300+r.IntN(1500)) * time.Millisecond)
		in.Events = append(in.Events, SimEvent{Type: vitrine.EventComparisonShown, At: shownAt, Domain: host, ProductID: prod.ID, Status: "match", Exposures: variant})
		logit := simBaseClick + simSavingClick*saving + in.Affinity/2
		if variant["bar_wording"] == "save" && saving > 0 {
			logit += simWordingClick
		}
		if variant["bar_placement"] == "bottom" {
			logit += simBottomClick
		}
		if variant["show_history"] == "yes" {
			logit += simHistoryClick
		}
		if r.Float64() < sigmoid(logit) {
			clicked = true
			lastClicked = prod.ID
			in.Events = append(in.Events, SimEvent{Type: vitrine.EventComparisonClicked, At: shownAt.Add(time.Duration(2+r.IntN(20)) * time.Second), Domain: host, ProductID: prod.ID, Status: "match"})
			t = t.Add(30 * time.Second)
		}
	}
	logit := simBaseBuy + simViewBuy*float64(views) + simReturnBuy*float64(min(earlier, 3)) + in.Affinity
	if clicked {
		logit += simClickBuy
	}
	if bestSaving > 0 {
		logit += simSavingBuy * bestSaving
	}
	p := sigmoid(logit)
	in.Propensities = append(in.Propensities, p)
	in.Bought = append(in.Bought, false)
	if r.Float64() >= p {
		return
	}
	prod := lastClicked
	if prod == "" {
		prod = lastViewed
	}
	if prod == "" {
		prod = cfg.Products[r.IntN(max(1, np))].ID
	}
	var price money.Money
	for _, q := range cfg.Products {
		if q.ID == prod {
			price = q.Price
		}
	}
	when := t.Add(10*time.Minute + time.Duration(r.ExpFloat64()*4*float64(time.Hour)))
	if lim := t.Add(40 * time.Hour); when.After(lim) {
		when = lim
	}
	if when.After(cfg.Now.Add(-time.Minute)) {
		return // would be in the future
	}
	in.Bought[len(in.Bought)-1] = true
	in.Orders = append(in.Orders, SimOrder{ID: fmt.Sprintf("sim-%d-%s-%d", cfg.Seed, in.ID, len(in.Orders)), ProductID: prod, Amount: price,
		At: when, ByAccount: in.Account != "" && r.Float64() < 0.5, Propensity: p})
}

func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() > 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// SimSorted returns the install's events in time order.
func (in *SimInstall) SimSorted() []SimEvent {
	ev := append([]SimEvent(nil), in.Events...)
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].At.Before(ev[j].At) })
	return ev
}
