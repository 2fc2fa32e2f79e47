package analytics

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/vitrine/vitrine/internal/money"
	"github.com/vitrine/vitrine/internal/store"
)

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

// Known values from Newcombe (1998), "Two-sided confidence intervals for
// the single proportion" (Table I, method 3) and "Interval estimation for
// the difference between independent proportions" (method 10).
func TestWilsonKnownValues(t *testing.T) {
	for _, tc := range []struct {
		x, n   int64
		lo, hi float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
	} {
		ci := Wilson(tc.x, tc.n, z95)
		if !near(ci.Low, tc.lo, 5e-5) || !near(ci.High, tc.hi, 5e-5) {
			t.Errorf("Wilson(%d/%d) = [%.4f, %.4f], want [%.4f, %.4f]", tc.x, tc.n, ci.Low, ci.High, tc.lo, tc.hi)
		}
	}
	d := DiffInterval(56, 70, 48, 80, z95)
	if !near(d.Low, 0.0524, 5e-5) || !near(d.High, 0.3339, 5e-5) {
		t.Errorf("Newcombe 56/70 - 48/80 = [%.4f, %.4f], want [0.0524, 0.3339]", d.Low, d.High)
	}
}

func TestAUC(t *testing.T) {
	if a := AUC([]float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}); !near(a, 0.75, 1e-12) {
		t.Fatalf("AUC %v, want 0.75", a)
	}
	if a := AUC([]float64{0.5, 0.5, 0.5}, []bool{true, false, true}); a != 0.5 {
		t.Fatalf("ties: %v", a)
	}
}

func TestSuppressNineVersusTen(t *testing.T) {
	type row struct {
		name string
		n    int64
	}
	rows := []row{{"nine", 9}, {"ten", 10}, {"many", 500}}
	kept, dropped := Suppress(rows, 10, func(r row) int64 { return r.n })
	if dropped != 1 || len(kept) != 2 || kept[0].name != "ten" {
		t.Fatalf("kept %v dropped %d", kept, dropped)
	}
	if kept, _ := Suppress(rows, 0, func(r row) int64 { return r.n }); len(kept) != 2 {
		t.Fatalf("k=0 must mean the default, not no protection: %v", kept)
	}
	if Visible(9, 10) || !Visible(10, 10) || !Visible(0, 10) {
		t.Fatal("Visible")
	}
}

func TestAssignmentStableAndBalanced(t *testing.T) {
	for _, e := range DefaultExperiments {
		counts := map[string]int{}
		for i := 0; i < 20000; i++ {
			id := fmt.Sprintf("ins_%d", i)
			v := Assign(e, id)
			if Assign(e, id) != v {
				t.Fatalf("%s: unstable for %s", e.Name, id)
			}
			counts[v]++
		}
		for _, v := range e.Variants {
			// 20000 draws: a fair split is 10000 ± 3 sd (212).
			if c := counts[v]; c < 9600 || c > 10400 {
				t.Fatalf("%s: unbalanced %v", e.Name, counts)
			}
		}
	}
	// Experiments are independent: the wording does not predict the placement.
	same := 0
	for i := 0; i < 20000; i++ {
		id := fmt.Sprintf("ins_%d", i)
		if (Assign(DefaultExperiments[0], id) == "save") == (Assign(DefaultExperiments[1], id) == "bottom") {
			same++
		}
	}
	if same < 9600 || same > 10400 {
		t.Fatalf("experiments correlated: %d of 20000", same)
	}
}

func TestAttribution(t *testing.T) {
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	ms := func(d time.Duration) int64 { return at.Add(d).UnixMilli() }
	usd := money.Money{Amount: 10 * money.Scale, Currency: "USD"}
	clicks := []Click{
		{"a", "tv", ms(-2 * time.Hour)},
		{"a", "tv", ms(-3 * 24 * time.Hour)},
		{"b", "tv", ms(-8 * 24 * time.Hour)}, // too early
		{"c", "phone", ms(-time.Hour)},       // linked to acct-1
		{"d", "tv", ms(time.Hour)},           // after the order
	}
	orders := []store.Order{
		{ID: "1", InstallID: "a", ProductID: "tv", Amount: usd, OrderedAt: at},
		{ID: "2", InstallID: "b", ProductID: "tv", Amount: usd, OrderedAt: at},
		{ID: "3", StoreAccountID: "acct-1", ProductID: "phone", Amount: usd, OrderedAt: at},
		{ID: "4", InstallID: "a", ProductID: "phone", Amount: usd, OrderedAt: at}, // other product
		{ID: "5", InstallID: "d", ProductID: "tv", Amount: usd, OrderedAt: at},
		{ID: "6", StoreAccountID: "acct-2", ProductID: "phone", Amount: usd, OrderedAt: at},
	}
	got := Attribute(orders, clicks, map[string][]string{"acct-1": {"x", "c"}})
	want := []struct {
		in string
		at int64
	}{{"a", ms(-2 * time.Hour)}, {"", 0}, {"c", ms(-time.Hour)}, {"", 0}, {"", 0}, {"", 0}}
	for i, w := range want {
		if got[i].InstallID != w.in || got[i].ClickAt != w.at {
			t.Errorf("order %s: attributed to %q at %d, want %q at %d", orders[i].ID, got[i].InstallID, got[i].ClickAt, w.in, w.at)
		}
	}
	// Exactly seven days before still counts.
	edge := Attribute([]store.Order{{ID: "e", InstallID: "b", ProductID: "tv", Amount: usd, OrderedAt: at.Add(-24 * time.Hour)}}, clicks, nil)
	if edge[0].InstallID != "b" {
		t.Errorf("a click exactly 7 days before is attributed: %+v", edge[0])
	}
}

func TestSessionize(t *testing.T) {
	base := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC).UnixMilli()
	min := int64(60000)
	vs := []View{
		{InstallID: "a", Type: "page_view", At: base, Domain: "x", DwellMS: 1000},
		{InstallID: "a", Type: "product_view", At: base + 29*min, Domain: "y", ProductID: "p1"},
		{InstallID: "a", Type: "page_view", At: base + 59*min, Domain: "x"}, // exactly 30 min later: new session
		{InstallID: "b", Type: "page_view", At: base + 60*min, Domain: "x"},
	}
	ss := Sessionize(vs)
	if len(ss) != 3 || ss[0].Events != 2 || ss[0].Domains != 2 || ss[0].ProductViews != 1 || ss[1].Return != 1 || ss[2].Return != 0 || ss[2].InstallID != "b" {
		t.Fatalf("%+v", ss)
	}
}
