package match

import (
	"slices"
	"testing"
)

func TestScoreLookup(t *testing.T) {
	gold := map[string]map[string]bool{
		"q1": {"c1": true},
		"q2": {"c2": true, "c3": true}, // many-to-many: either partner counts
		"q3": {"c4": true},
		"q4": {"c5": true},
	}
	res := []LookupResult{
		{Query: "q1", Best: "c1", Prob: 0.9},                  // TP
		{Query: "q2", Best: "c3", Prob: 0.8},                  // TP (second partner)
		{Query: "q3", Best: "c9", Prob: 0.7},                  // wrong: FP + FN
		{Query: "q4", Best: "c5", Prob: 0.2, Abstained: true}, // abstained: FN, but top-1 right
		{Query: "q5", Best: "c1", Prob: 0.6},                  // no partner, answered: FP
		{Query: "q6", Best: "c2", Prob: 0.1, Abstained: true}, // no partner, abstained: TN
	}
	m := ScoreLookup(res, gold)
	if m.TP != 2 || m.FP != 2 || m.FN != 2 || m.TN != 1 {
		t.Fatalf("counts %+v", m)
	}
	if m.Precision != 0.5 || m.Recall != 0.5 || m.F1 != 0.5 || m.Top1 != 0.75 {
		t.Errorf("rates %+v", m)
	}
	th, best := TuneLookupThreshold([][]LookupResult{res}, []map[string]map[string]bool{gold})
	if best.F1 < m.F1 || th <= 0 {
		t.Errorf("tuned threshold %v gives %+v", th, best)
	}
	// With one more right answer at 0.3, max F1 is at 0.2 (P 2/3, F1 0.727);
	// a precision floor of 0.9 must take 0.8 instead (P 1, F1 0.571).
	gold["q7"] = map[string]bool{"c7": true}
	res2 := append(slices.Clone(res), LookupResult{Query: "q7", Best: "c7", Prob: 0.3})
	sets, golds := [][]LookupResult{res2}, []map[string]map[string]bool{gold}
	if th, best := TuneLookupThreshold(sets, golds); th != 0.2 || best.TP != 4 || best.FP != 2 {
		t.Errorf("plain tuning: threshold %v, %+v; want 0.2 (tp 4, fp 2)", th, best)
	}
	if th, best := TuneLookupThresholdFloor(sets, golds, 0.9); th != 0.8 || best.Precision != 1 || best.TP != 2 {
		t.Errorf("precision floor 0.9: threshold %v, %+v; want 0.8 with precision 1", th, best)
	}
	// No threshold reaches the floor: the most precise one.
	if th, best := TuneLookupThresholdFloor(sets, golds, 1.1); th != 0.8 || best.Precision != 1 {
		t.Errorf("unreachable floor: threshold %v, %+v; want 0.8", th, best)
	}
}

func TestGoldPartnersOrientation(t *testing.T) {
	cat := []Record{{ID: "c1"}, {ID: "c2"}}
	qs := []Record{{ID: "q1"}, {ID: "q2"}}
	for _, gold := range [][][2]string{{{"c1", "q1"}, {"c2", "q1"}}, {{"q1", "c1"}, {"q1", "c2"}}} {
		g, err := goldPartners(gold, cat, qs)
		if err != nil || len(g["q1"]) != 2 || len(g["q2"]) != 0 {
			t.Errorf("goldPartners(%v) = %v, %v", gold, g, err)
		}
	}
	if _, err := goldPartners([][2]string{{"x", "y"}}, cat, qs); err == nil {
		t.Error("unrelated gold accepted")
	}
}
