package match

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestLiveBenchmarks measures the live path (what POST /v1/compare runs) on
// the public benchmarks with the embedded live model, or the model file in
// $VITRINE_MATCH_MODEL: pair F1 on both DeepMatcher test splits (each pair
// scored through the Matcher with table A as the catalog) and lookup F1 on
// both Leipzig mappings (every query matched alone). Loose floors only; the
// numbers are logged. VITRINE_MATCH_LIVE_K sets the candidates scored.
func TestLiveBenchmarks(t *testing.T) {
	pm := benchData(t)
	model := os.Getenv("VITRINE_MATCH_MODEL")
	opt := LookupOptions{}
	if k := os.Getenv("VITRINE_MATCH_LIVE_K"); k != "" {
		opt.K, _ = strconv.Atoi(k)
	}
	for _, tc := range []struct {
		name    string
		minPair float64
	}{{"abt-buy", 0.85}, {"amazon-google", 0.65}} {
		t.Run("pairs/"+tc.name, func(t *testing.T) {
			m, err := RunEvalLive(filepath.Join(pm, tc.name, "deepmatcher"), model, testWriter{t})
			if err != nil {
				t.Fatal(err)
			}
			if m.F1 < tc.minPair {
				t.Errorf("pair F1 %.4f below floor %.2f", m.F1, tc.minPair)
			}
		})
	}
	for _, lk := range leipzigSets {
		t.Run("lookup/"+lk.name, func(t *testing.T) {
			m, err := RunLookupLive(filepath.Join(pm, lk.catalog), filepath.Join(pm, lk.queries), filepath.Join(pm, lk.gold), model, opt, testWriter{t})
			if err != nil {
				t.Fatal(err)
			}
			if min := map[string]float64{"abt-buy": 0.8, "amazon-google": 0.6}[lk.name]; m.F1 < min {
				t.Errorf("lookup F1 %.4f below floor %.2f", m.F1, min)
			}
		})
	}
}

// TestLiveTune sets the lookup (abstain) threshold of the live model file
// $VITRINE_MATCH_LIVE_TUNE from the live matcher's own answers, exactly as
// tuneLookup does for batch lookup: maximum lookup F1 on the Leipzig queries
// that occur in DeepMatcher train/valid pairs and in no test pair (optionally
// with a precision floor, see minPrecision). It logs
// the tuning-query F1 for 10 and 20 scored candidates (or the list in
// $VITRINE_MATCH_LIVE_TUNE_K, e.g. "5,10", which must hold the matcher's 10)
// and the held-out numbers at the chosen threshold (reported, not used to
// choose).
func TestLiveTune(t *testing.T) {
	out := os.Getenv("VITRINE_MATCH_LIVE_TUNE")
	if out == "" {
		t.Skip("set VITRINE_MATCH_LIVE_TUNE to a live model file to tune its abstain threshold")
	}
	pm := benchData(t)
	m, err := LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	ks := []int{10, 20}
	if v := os.Getenv("VITRINE_MATCH_LIVE_TUNE_K"); v != "" {
		ks = nil
		for _, f := range strings.Split(v, ",") {
			k, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || k <= 0 {
				t.Fatalf("VITRINE_MATCH_LIVE_TUNE_K=%q: want positive integers separated by commas", v)
			}
			ks = append(ks, k)
		}
		if !slices.Contains(ks, 10) {
			t.Fatalf("VITRINE_MATCH_LIVE_TUNE_K=%q must include 10, the K the threshold is chosen for", v)
		}
	}
	// Optionally a precision floor ($VITRINE_MATCH_LIVE_MIN_PRECISION, e.g.
	// 0.9: a wrong offer costs a shopper more than none): the threshold of
	// best F1 among those with tuning precision >= the floor. Default 0, the
	// plain max F1 that chose the embedded model's threshold.
	minPrecision := 0.0
	if v := os.Getenv("VITRINE_MATCH_LIVE_MIN_PRECISION"); v != "" {
		p, err := strconv.ParseFloat(v, 64)
		if err != nil || p < 0 || p > 1 {
			t.Fatalf("VITRINE_MATCH_LIVE_MIN_PRECISION=%q: want a number from 0 to 1", v)
		}
		minPrecision = p
	}
	var chosen float64
	for _, k := range ks {
		var tuneSets, holdSets [][]LookupResult
		var golds []map[string]map[string]bool
		for _, lk := range leipzigSets {
			cat, qs, gold, seen := liveLookupData(t, pm, lk)
			var tune, hold []LookupResult
			for _, r := range LiveLookup(m, cat, qs, LookupOptions{K: k}) {
				if seen[r.Query] == 1 {
					tune = append(tune, r)
				} else {
					hold = append(hold, r)
				}
			}
			tuneSets, holdSets, golds = append(tuneSets, tune), append(holdSets, hold), append(golds, gold)
		}
		th, tm := TuneLookupThresholdFloor(tuneSets, golds, minPrecision)
		t.Logf("K=%d: live lookup threshold %.3f: tuning-query F1 %.4f, precision %.4f (tp=%d fp=%d fn=%d)", k, th, tm.F1, tm.Precision, tm.TP, tm.FP, tm.FN)
		for i, lk := range leipzigSets {
			hm := ScoreLookup(Rethreshold(holdSets[i], th), golds[i])
			t.Logf("K=%d: %s held-out live lookup (%d queries): f1=%.4f precision=%.4f recall=%.4f top1=%.4f", k, lk.name, hm.N, hm.F1, hm.Precision, hm.Recall, hm.Top1)
		}
		if k == 10 {
			chosen = th
			m.Notes["lookup_threshold"] = fmt.Sprintf("max live-matcher lookup F1 %.4f with precision %.4f >= %.2f (K=10) on Leipzig queries that occur in DeepMatcher train/valid pairs and in no test pair", tm.F1, tm.Precision, minPrecision)
		}
	}
	m.LookupThreshold = chosen
	if err := m.Save(out); err != nil {
		t.Fatal(err)
	}
}

// liveLookupData loads one Leipzig lookup benchmark and marks each query:
// 1 when it occurs in a DeepMatcher train or valid pair and in no test pair
// (tuning queries), 2 when it occurs in a test pair, 0 otherwise.
func liveLookupData(t *testing.T, pm string, lk leipzigSet) (cat, qs []Record, gold map[string]map[string]bool, seen map[string]int) {
	t.Helper()
	var err error
	if cat, err = LoadTable(filepath.Join(pm, lk.catalog)); err != nil {
		t.Fatal(err)
	}
	if qs, err = LoadTable(filepath.Join(pm, lk.queries)); err != nil {
		t.Fatal(err)
	}
	g, err := LoadMapping(filepath.Join(pm, lk.gold))
	if err != nil {
		t.Fatal(err)
	}
	if gold, err = goldPartners(g, cat, qs); err != nil {
		t.Fatal(err)
	}
	dm := filepath.Join(pm, lk.name, "deepmatcher")
	_, rows, err := readCSV(filepath.Join(dm, "leipzig_id_map.csv"))
	if err != nil {
		t.Fatal(err)
	}
	toLeipzig := map[string]string{}
	for _, r := range rows {
		if len(r) >= 3 && r[0] == "B" {
			toLeipzig[r[1]] = r[2]
		}
	}
	seen = map[string]int{}
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
	return cat, qs, gold, seen
}
