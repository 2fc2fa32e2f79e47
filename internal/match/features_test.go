package match

import (
	"math"
	"testing"
)

func feature(t *testing.T, x []float64, name string) float64 {
	t.Helper()
	for i, n := range FeatureNames {
		if n == name {
			return x[i]
		}
	}
	t.Fatalf("no feature %q", name)
	return 0
}

func TestFeatures(t *testing.T) {
	A := []Record{
		{ID: "a0", Title: "Sony Turntable - PSLX350H", Price: "$149.00"},
		{ID: "a1", Title: "Samsung 55\" LCD TV LN55A650", Price: "$1,999.00"},
		{ID: "a2", Title: "Adobe Photoshop CS3 for Mac"},
	}
	B := []Record{
		{ID: "b0", Title: "Sony PS-LX350H belt drive turntable", Price: "139.99"},
		{ID: "b1", Title: "Samsung 46-inch LCD TV LN46A650", Price: "1499"},
		{ID: "b2", Title: "Adobe Photoshop CS3 Windows upgrade", Brand: "Adobe"},
	}
	f := NewFeaturizer(A, B, map[string]bool{"sony": true, "samsung": true, "adobe": true})
	if len(f.Features(0, 0)) != len(FeatureNames) {
		t.Fatalf("%d features, %d names", len(f.Features(0, 0)), len(FeatureNames))
	}
	same := f.Features(0, 0)
	if feature(t, same, "code_exact") != 1 || feature(t, same, "brand") != 1 {
		t.Errorf("sony pair: code_exact %v brand %v", feature(t, same, "code_exact"), feature(t, same, "brand"))
	}
	if p := feature(t, same, "price_logratio"); p <= 0 || p > 0.1 {
		t.Errorf("price_logratio %v", p)
	}
	tv := f.Features(1, 1)
	if feature(t, tv, "unit_conflict") != 1 || feature(t, tv, "code_exact") != 0 {
		t.Errorf("55in vs 46in: unit_conflict %v code_exact %v", feature(t, tv, "unit_conflict"), feature(t, tv, "code_exact"))
	}
	if s := feature(t, tv, "code_best_sim"); s < 0.7 || s >= 1 {
		t.Errorf("ln55a650 vs ln46a650 similarity %v", s)
	}
	ps := f.Features(2, 2)
	if feature(t, ps, "platform_conflict") != 1 || feature(t, ps, "variant_diff") < 2 {
		t.Errorf("mac vs windows upgrade: platform %v variants %v", feature(t, ps, "platform_conflict"), feature(t, ps, "variant_diff"))
	}
	cross := f.Features(0, 1)
	if feature(t, cross, "brand") != -1 {
		t.Errorf("sony vs samsung brand = %v", feature(t, cross, "brand"))
	}
	if feature(t, same, "cos_title") <= feature(t, cross, "cos_title") {
		t.Error("matching pair is not more similar than a non-matching one")
	}
	if feature(t, same, "rank_min") != 0 {
		t.Errorf("best candidate has rank_min %v", feature(t, same, "rank_min"))
	}
}

func TestEditSim(t *testing.T) {
	if editSim("abc", "abc") != 1 || editSim("abcd", "abce") != 0.75 || editSim("", "ab") != 0 {
		t.Error("editSim")
	}
}

func TestFeaturesDegenerateRecords(t *testing.T) {
	A := []Record{{ID: "1"}, {ID: "2", Title: "---", Price: "abc"}, {ID: "3", Title: "Ünïcode 日本語 テスト 55\"", Price: "$0.00"}}
	B := []Record{{ID: "x", Title: "a"}, {ID: "y", Description: "only a description"}, {ID: "z", Title: "ÜNÏCODE 55 inch", Price: "1e400"}}
	m, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	f := NewFeaturizer(A, B, m.BrandSet())
	vec := m.vectorizer(f)
	for i := range A {
		for j := range B {
			for k, v := range vec(i, j) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("pair (%d,%d) feature %s = %v", i, j, m.Features[k], v)
				}
			}
		}
	}
	if res := Lookup(m, A, B, LookupOptions{}); len(res) != len(B) {
		t.Errorf("lookup returned %d results", len(res))
	}
}
