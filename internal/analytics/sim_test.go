package analytics

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
)

// simCatalog makes n products with valid GTINs.
func simCatalog(n int) ([]SimProduct, []store.CatalogKey) {
	var ps []SimProduct
	var keys []store.CatalogKey
	for i := 0; i < n; i++ {
		body := fmt.Sprintf("400638%06d", i)
		g := body + string(checkDigit(body))
		p := SimProduct{ID: fmt.Sprintf("p%03d", i), Title: fmt.Sprintf("Acme Gadget %d", i), Brand: "Acme", GTIN: g, MPN: fmt.Sprintf("AG-%04d", i),
			Price: money.Money{Amount: money.Amount((20 + i%50*7) * money.Scale), Currency: "USD"}}
		ps = append(ps, p)
		keys = append(keys, store.CatalogKey{ID: p.ID, Title: p.Title, Brand: p.Brand, GTIN: p.GTIN, MPN: p.MPN, Price: p.Price})
	}
	return ps, keys
}

func checkDigit(body string) byte {
	sum, w := 0, 3
	for i := len(body) - 1; i >= 0; i-- {
		sum += int(body[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// simViews turns simulated installs into views the way the server would
// see them: each event encoded as its stored payload and read back.
func simViews(t testing.TB, cat *Catalog, ins []SimInstall) ([]View, []store.Order, map[string][]string) {
	var views []View
	var orders []store.Order
	accounts := map[string][]string{}
	for _, in := range ins {
		for _, e := range in.SimSorted() {
			var payload any
			switch e.Type {
			case vitrine.EventPageView:
				payload = map[string]any{"url": e.URL, "referrer_domain": e.Referrer, "dwell_ms": e.DwellMS}
			case vitrine.EventLinkClick:
				payload = map[string]any{"from": e.URL, "to": e.To}
			case vitrine.EventProductView:
				payload = map[string]any{"url": e.URL, "facts": e.Facts}
			default:
				payload = map[string]any{"domain": e.Domain, "product_id": e.ProductID, "status": e.Status}
			}
			b, err := json.Marshal(payload)
			if err != nil {
				t.Fatal(err)
			}
			ev := vitrine.Event{InstallID: in.ID, Type: e.Type, OccurredAt: e.At, Domain: e.Domain, Payload: b}
			views = append(views, cat.ToView(&ev))
		}
		if in.Account != "" {
			accounts[in.Account] = append(accounts[in.Account], in.ID)
		}
		for _, o := range in.Orders {
			so := store.Order{ID: o.ID, ProductID: o.ProductID, Amount: o.Amount, OrderedAt: o.At}
			if o.ByAccount {
				so.StoreAccountID = in.Account
			} else {
				so.InstallID = in.ID
			}
			orders = append(orders, so)
		}
	}
	return views, orders, accounts
}

func simInstallIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("in_%05d", i)
	}
	return ids
}

// The intent model must recover the planted purchase signal: on held-out
// later days its AUC is well above the majority baseline's 0.5.
func TestIntentRecoversPlantedSignal(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	ps, keys := simCatalog(120)
	ins := SimulatePanel(SimConfig{Seed: 7, Now: now, Days: 28, Products: ps}, simInstallIDs(1500))
	cat := NewCatalog(keys)
	views, orders, accounts := simViews(t, cat, ins)
	sessions := Sessionize(views)
	labels := Label(sessions, orders, accounts)
	m := TrainIntent(sessions, labels, now, DefaultK)
	r := m.Report
	t.Logf("sessions=%d train=%d (pos %d) test=%d (pos %d) auc=%.4f baseline_auc=%.4f logloss=%.4f baseline=%.4f brier=%.4f baseline=%.4f ece=%.4f",
		r.Sessions, r.Train, r.TrainPositives, r.Test, r.TestPositives, r.AUC, r.BaselineAUC, r.LogLoss, r.BaselineLogLoss, r.Brier, r.BaselineBrier, r.ECE)
	if r.Test < 500 || r.TestPositives < 30 {
		t.Fatalf("too little test data: %+v", r)
	}
	if r.AUC < 0.7 {
		t.Fatalf("AUC %.3f: the model does not recover the planted signal", r.AUC)
	}
	if math.Abs(r.BaselineAUC-0.5) > 1e-9 {
		t.Fatalf("baseline AUC %.3f, want 0.5", r.BaselineAUC)
	}
	if r.LogLoss >= r.BaselineLogLoss || r.Brier >= r.BaselineBrier {
		t.Fatalf("the model is not better calibrated than the base rate: %+v", r)
	}
	// The oracle: the true propensities rank the same sessions (an upper bound).
	var props []float64
	var bought []bool
	for _, in := range ins {
		props = append(props, in.Propensities...)
		bought = append(bought, in.Bought...)
	}
	t.Logf("oracle AUC of the true propensities (all sessions): %.4f", AUC(props, bought))
	if len(props) != len(sessions) {
		t.Logf("note: %d simulated sessions, %d sessions seen (sessions closer than 30 minutes merge)", len(props), len(sessions))
	}
	// Clicks and savings must carry positive weight, as planted.
	if r.Weights["comparisons_clicked"] <= 0 || r.Weights["max_saving"] <= 0 || r.Weights["product_views"] <= 0 {
		t.Fatalf("weights do not follow the planted signal: %v", r.Weights)
	}
}
