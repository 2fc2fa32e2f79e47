package reco

import (
	"os"
	"path/filepath"
	"testing"
)

// yoochoose returns the YOOCHOOSE 100k sample folder, or skips the test.
func yoochoose(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	data, err := DataDir(os.Getenv, wd)
	if err != nil {
		t.Skipf("benchmark data not available (set VITRINE_DATA or place shared/data above the repository): %v", err)
	}
	dir := filepath.Join(data, "sessions", "yoochoose")
	if _, err := os.Stat(filepath.Join(dir, "prepared")); err != nil {
		t.Skipf("benchmark data not available: %v", err)
	}
	return dir
}

// TestReproducesReferenceLists feeds the recommendation lists that
// session-rec's algorithms wrote for the first 99 test sessions, and the test
// file, into our metric code: HR@20 and MRR@20 must equal the values published
// in PROVENANCE.md to four decimals.
func TestReproducesReferenceLists(t *testing.T) {
	dir := yoochoose(t)
	test, err := LoadFile(filepath.Join(dir, "prepared", "yoochoose-clicks-100k_test.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		file    string
		hr, mrr string
	}{
		{"recoms_rsc15_100k_ar.csv", "0.5917", "0.3160"},
		{"recoms_rsc15_100k_gru4rec.csv", "0.5711", "0.3289"},
		{"recoms_rsc15_100k_sr.csv", "0.5607", "0.3275"},
		{"recoms_rsc15_100k_vsknn.csv", "0.6098", "0.3342"},
	}
	for _, w := range want {
		t.Run(w.file, func(t *testing.T) {
			lists, err := ReadRefLists(filepath.Join(dir, "reference_recommendations", w.file))
			if err != nil {
				t.Fatal(err)
			}
			a, err := ScoreRefLists(test, lists, 20)
			if err != nil {
				t.Fatal(err)
			}
			if a.Targets != 387 {
				t.Errorf("%d targets, want 387", a.Targets)
			}
			hr, mrr := fmt4(a.HR()), fmt4(a.MRR())
			if hr != w.hr || mrr != w.mrr {
				t.Errorf("HR@20=%s MRR@20=%s, want %s %s", hr, mrr, w.hr, w.mrr)
			}
		})
	}
}
