package match

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// synthetic builds two small tables of products with model numbers where
// record i of A matches record i of B, and labelled pairs over them.
func synthetic(n int) (A, B []Record, pairs []Pair) {
	brands := []string{"sony", "canon", "nikon", "bose", "apple", "lg"}
	kinds := []string{"camera", "speaker", "headphones", "television", "player"}
	for i := 0; i < n; i++ {
		br, kd := brands[i%len(brands)], kinds[(i/len(brands))%len(kinds)]
		code := fmt.Sprintf("%c%c%d%d", 'a'+i%26, 'k'+i%7, 100+i, i%9)
		A = append(A, Record{ID: fmt.Sprint("a", i), Title: fmt.Sprintf("%s %s %s black", br, kd, code), Price: fmt.Sprint(100 + i)})
		B = append(B, Record{ID: fmt.Sprint("b", i), Title: fmt.Sprintf("%s %s - %s", strings.ToUpper(br), code, kd), Price: fmt.Sprint(102 + i)})
	}
	for i := 0; i < n; i++ {
		pairs = append(pairs, Pair{A[i].ID, B[i].ID, 1})
		pairs = append(pairs, Pair{A[i].ID, B[(i+len(brands))%n].ID, 0})
		pairs = append(pairs, Pair{A[i].ID, B[(i+1)%n].ID, 0})
	}
	return
}

func smallParams() GBDTParams {
	p := DefaultGBDTParams()
	p.Trees, p.Bags, p.Folds, p.Patience = 60, 1, 2, 20
	return p
}

func TestTrainRefusesTestPairs(t *testing.T) {
	A, B, pairs := synthetic(60)
	base := Dataset{Name: "syn", A: A, B: B,
		Train: PairSet{Path: "x/train.csv", Pairs: pairs[:120]},
		Valid: PairSet{Path: "x/valid.csv", Pairs: pairs[120:]}}

	d := base
	d.Train.Path = filepath.Join("x", "test.csv")
	if _, err := Train([]Dataset{d}, smallParams(), discard{}); !errors.Is(err, ErrTestPair) {
		t.Errorf("train pairs from test.csv: err = %v, want ErrTestPair", err)
	}
	d = base
	d.Valid.Path = "TEST.CSV"
	if _, err := Train([]Dataset{d}, smallParams(), discard{}); !errors.Is(err, ErrTestPair) {
		t.Errorf("valid pairs from TEST.CSV: err = %v, want ErrTestPair", err)
	}
	d = base
	d.Test = []Pair{{Left: pairs[5].Left, Right: pairs[5].Right}}
	if _, err := Train([]Dataset{d}, smallParams(), discard{}); !errors.Is(err, ErrTestPair) {
		t.Errorf("train pair among test pairs: err = %v, want ErrTestPair", err)
	}
	d = base
	d.Test = []Pair{{Left: "a1", Right: "b30"}}
	if _, err := Train([]Dataset{d}, smallParams(), discard{}); err != nil {
		t.Errorf("disjoint test pairs: %v", err)
	}
}

func TestTrainSaveLoadScore(t *testing.T) {
	A, B, pairs := synthetic(90)
	d := Dataset{Name: "syn", A: A, B: B,
		Train: PairSet{Path: "train.csv", Pairs: pairs[:180]},
		Valid: PairSet{Path: "valid.csv", Pairs: pairs[180:]}}
	m, err := Train([]Dataset{d}, smallParams(), discard{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Stage1) != 2 || len(m.Features) != len(FeatureNames)+len(StackNames) {
		t.Fatalf("stage1 %d, features %d", len(m.Stage1), len(m.Features))
	}
	path := filepath.Join(t.TempDir(), "m.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	m2, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	met, probs, err := EvalPairs(m2, A, B, pairs[180:])
	if err != nil {
		t.Fatal(err)
	}
	_, probs1, _ := EvalPairs(m, A, B, pairs[180:])
	for i := range probs {
		if probs[i] != probs1[i] {
			t.Fatalf("pair %d: %v after reload, %v before", i, probs[i], probs1[i])
		}
	}
	if met.F1 < 0.9 {
		t.Errorf("F1 on easy synthetic pairs = %.3f", met.F1)
	}
	res := Lookup(m2, A, B, LookupOptions{K: 5})
	ok := 0
	for k, r := range res {
		if r.Best == A[k].ID {
			ok++
		}
	}
	if ok < len(B)*9/10 {
		t.Errorf("lookup found %d/%d", ok, len(B))
	}
}

func TestParseModelRejects(t *testing.T) {
	for name, js := range map[string]string{
		"not json":      "{",
		"no trees":      `{"features":[]}`,
		"wrong feature": `{"features":["x"],"trees":[{"f":[-1],"t":[0],"l":[-1],"r":[-1],"v":[0]}]}`,
	} {
		if _, err := ParseModel([]byte(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	names := `"` + strings.Join(FeatureNames, `","`) + `"`
	bad := `{"features":[` + names + `],"trees":[{"f":[0],"t":[0],"l":[0],"r":[0],"v":[0]}]}`
	if _, err := ParseModel([]byte(bad)); err == nil {
		t.Error("tree with a cycle accepted")
	}
}

func TestBuiltinModel(t *testing.T) {
	m, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if m.Threshold <= 0 || m.Threshold >= 1 || len(m.Brands) == 0 {
		t.Errorf("threshold %v, %d brands", m.Threshold, len(m.Brands))
	}
}

func TestTrainAugmentKeepsCallerPairs(t *testing.T) {
	A, B, pairs := synthetic(60)
	d := Dataset{Name: "syn", A: A, B: B,
		Train: PairSet{Path: "train.csv", Pairs: pairs[:120]},
		Valid: PairSet{Path: "valid.csv", Pairs: pairs[120:]},
		Test:  []Pair{{Left: "a3", Right: "b40"}}}
	data := []Dataset{d}
	p := smallParams()
	p.Augment = 3
	var log strings.Builder
	if _, err := Train(data, p, &log); err != nil {
		t.Fatal(err)
	}
	if len(data[0].Train.Pairs) != 120 {
		t.Errorf("caller's train pairs changed to %d", len(data[0].Train.Pairs))
	}
	if !strings.Contains(log.String(), "index negatives added") {
		t.Errorf("no augmentation in log:\n%s", log.String())
	}
	aug := augment(NewFeaturizer(A, B, nil), d, 3)
	for _, q := range aug[120:] {
		if q.Label != 0 || (q.Left == "a3" && q.Right == "b40") {
			t.Errorf("bad augmented pair %+v", q)
		}
	}
}
