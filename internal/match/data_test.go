package match

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchData returns the shared product-matching folder or skips the test.
func benchData(t testing.TB) string {
	t.Helper()
	d, err := DataDir()
	if err != nil {
		t.Skipf("benchmark data not available (set VITRINE_DATA or place shared/data above the repo): %v", err)
	}
	pm := filepath.Join(d, "product-matching")
	if _, err := os.Stat(pm); err != nil {
		t.Skipf("benchmark data not available: %v", err)
	}
	return pm
}

// TestTrainModel trains on both DeepMatcher train/valid splits and writes the
// model to $VITRINE_MATCH_TRAIN_OUT (this is how model.json is built); it
// runs only when that is set. It then tunes the lookup threshold and reports
// held-out lookup and test pair F1. Switches: VITRINE_MATCH_LIVE=1 (live
// features), VITRINE_MATCH_LIVE_STATS=1 (with it: features computed through
// the live matcher, GBDTParams.LiveStats), VITRINE_MATCH_NOVIEWS=1 (no original-table views),
// VITRINE_MATCH_AUGMENT=N (index negatives), VITRINE_MATCH_TUNE_ONLY=model
// (only re-tune and report an existing model file, rewriting it),
// VITRINE_MATCH_NODESC=1 (blank descriptions in the lookup tables).
func TestTrainModel(t *testing.T) {
	if m := os.Getenv("VITRINE_MATCH_TUNE_ONLY"); m != "" {
		tuneLookup(t, benchData(t), m)
		return
	}
	out := os.Getenv("VITRINE_MATCH_TRAIN_OUT")
	if out == "" {
		t.Skip("set VITRINE_MATCH_TRAIN_OUT to train the model")
	}
	pm := benchData(t)
	dirs := []string{filepath.Join(pm, "abt-buy", "deepmatcher"), filepath.Join(pm, "amazon-google", "deepmatcher")}
	p := DefaultGBDTParams()
	p.Live = os.Getenv("VITRINE_MATCH_LIVE") != ""
	p.LiveStats = p.Live && os.Getenv("VITRINE_MATCH_LIVE_STATS") != ""
	p.OriginalViews = os.Getenv("VITRINE_MATCH_NOVIEWS") == ""
	if a := os.Getenv("VITRINE_MATCH_AUGMENT"); a != "" {
		fmt.Sscan(a, &p.Augment)
	}
	if err := RunTrainParams(dirs, out, p, testWriter{t}); err != nil {
		t.Fatal(err)
	}
	tuneLookup(t, pm, out)
	for _, d := range dirs {
		if _, err := RunEval(d, out, testWriter{t}); err != nil {
			t.Fatal(err)
		}
	}
}

// tuneLookup sets the lookup threshold of the model file out.
func tuneLookup(t *testing.T, pm, out string) {
	m, err := LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	// Lookup abstain threshold: tuned on the Leipzig queries that occur in
	// DeepMatcher train/valid pairs and in no test pair; reported on all
	// queries and on the held-out rest.
	var tuneSets, holdSets [][]LookupResult
	var golds []map[string]map[string]bool
	for _, lk := range leipzigSets {
		tune, hold, gold := lookupSplit(t, pm, lk, m)
		tuneSets, holdSets, golds = append(tuneSets, tune), append(holdSets, hold), append(golds, gold)
	}
	th, tm := TuneLookupThreshold(tuneSets, golds)
	t.Logf("lookup threshold %.3f: tuning-query F1 %.4f (tp=%d fp=%d fn=%d)", th, tm.F1, tm.TP, tm.FP, tm.FN)
	m.LookupThreshold = th
	m.Notes["lookup_threshold"] = fmt.Sprintf("max lookup F1 %.4f on Leipzig queries that occur in DeepMatcher train/valid pairs and in no test pair", tm.F1)
	if err := m.Save(out); err != nil {
		t.Fatal(err)
	}
	for k, lk := range leipzigSets {
		hm := ScoreLookup(Rethreshold(holdSets[k], th), golds[k])
		t.Logf("%s held-out lookup (%d queries, not in train/valid pairs): f1=%.4f precision=%.4f recall=%.4f top1=%.4f",
			lk.name, hm.N, hm.F1, hm.Precision, hm.Recall, hm.Top1)
	}
}

// leipzigSet names the files of one lookup benchmark.
type leipzigSet struct{ name, catalog, queries, gold string }

var leipzigSets = []leipzigSet{
	{"abt-buy", "abt-buy/leipzig/Abt.csv", "abt-buy/leipzig/Buy.csv", "abt-buy/leipzig/abt_buy_perfectMapping.csv"},
	{"amazon-google", "amazon-google/leipzig/Amazon.csv", "amazon-google/leipzig/GoogleProducts.csv", "amazon-google/leipzig/Amzon_GoogleProducts_perfectMapping.csv"},
}

// lookupSplit runs lookup over all queries of lk and splits the results into
// queries that occur in a DeepMatcher train or valid pair and in no test pair
// (for tuning) and all other queries (held out).
func lookupSplit(t *testing.T, pm string, lk leipzigSet, m *Model) (tune, hold []LookupResult, gold map[string]map[string]bool) {
	t.Helper()
	cat, err := LoadTable(filepath.Join(pm, lk.catalog))
	if err != nil {
		t.Fatal(err)
	}
	qs, err := LoadTable(filepath.Join(pm, lk.queries))
	if err != nil {
		t.Fatal(err)
	}
	g, err := LoadMapping(filepath.Join(pm, lk.gold))
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("VITRINE_MATCH_NODESC") != "" {
		for _, tab := range [][]Record{cat, qs} {
			for i := range tab {
				tab[i].Description = ""
			}
		}
	}
	if gold, err = goldPartners(g, cat, qs); err != nil {
		t.Fatal(err)
	}
	dm := filepath.Join(pm, lk.name, "deepmatcher")
	idm, _, err := readCSV(filepath.Join(dm, "leipzig_id_map.csv"))
	if err != nil || len(idm) < 3 {
		t.Fatalf("id map: %v", err)
	}
	_, rows, _ := readCSV(filepath.Join(dm, "leipzig_id_map.csv"))
	toLeipzig := map[string]string{}
	for _, r := range rows {
		if r[0] == "B" {
			toLeipzig[r[1]] = r[2]
		}
	}
	seen := map[string]int{} // 1 train/valid, 2 test
	for _, f := range []string{"train.csv", "valid.csv", "test.csv"} {
		ps, err := LoadPairs(filepath.Join(dm, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps.Pairs {
			id := toLeipzig[p.Right]
			if f == "test.csv" {
				seen[id] = 2
			} else if seen[id] == 0 {
				seen[id] = 1
			}
		}
	}
	for _, r := range Lookup(m, cat, qs, LookupOptions{}) {
		if seen[r.Query] == 1 {
			tune = append(tune, r)
		} else {
			hold = append(hold, r)
		}
	}
	return tune, hold, gold
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(string(b[:len(b)-1]))
	return len(b), nil
}

// TestBenchmarks evaluates the built-in model on the real benchmark data:
// pair F1 on both DeepMatcher test splits and lookup on both Leipzig
// mappings. It checks only loose floors; the measured numbers are logged.
func TestBenchmarks(t *testing.T) {
	pm := benchData(t)
	model := os.Getenv("VITRINE_MATCH_MODEL") // "" = built-in
	for _, tc := range []struct {
		name    string
		minPair float64
	}{{"abt-buy", 0.85}, {"amazon-google", 0.65}} {
		t.Run("pairs/"+tc.name, func(t *testing.T) {
			m, err := RunEval(filepath.Join(pm, tc.name, "deepmatcher"), model, testWriter{t})
			if err != nil {
				t.Fatal(err)
			}
			if m.F1 < tc.minPair {
				t.Errorf("pair F1 %.4f below floor %.2f", m.F1, tc.minPair)
			}
		})
	}
	for _, tc := range []struct {
		name, catalog, queries, gold string
		minF1                        float64
	}{
		{"abt-buy", "abt-buy/leipzig/Abt.csv", "abt-buy/leipzig/Buy.csv", "abt-buy/leipzig/abt_buy_perfectMapping.csv", 0.8},
		{"amazon-google", "amazon-google/leipzig/Amazon.csv", "amazon-google/leipzig/GoogleProducts.csv", "amazon-google/leipzig/Amzon_GoogleProducts_perfectMapping.csv", 0.6},
	} {
		t.Run("lookup/"+tc.name, func(t *testing.T) {
			m, err := RunLookupModel(filepath.Join(pm, tc.catalog), filepath.Join(pm, tc.queries), filepath.Join(pm, tc.gold), model, LookupOptions{}, testWriter{t})
			if err != nil {
				t.Fatal(err)
			}
			if m.F1 < tc.minF1 {
				t.Errorf("lookup F1 %.4f below floor %.2f", m.F1, tc.minF1)
			}
		})
	}
}
