package match

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestExperiments compares training settings on the validation splits (and
// reports, without choosing by it, test F1). Runs only with VITRINE_MATCH_EXP=1.
func TestExperiments(t *testing.T) {
	if os.Getenv("VITRINE_MATCH_EXP") == "" {
		t.Skip("set VITRINE_MATCH_EXP=1 to run training experiments")
	}
	pm := benchData(t)
	var data []Dataset
	for _, n := range []string{"abt-buy", "amazon-google"} {
		dir := filepath.Join(pm, n, "deepmatcher")
		d, err := LoadDataset(dir)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, d)
	}
	// Datasets 2 and 3: the same pairs over the original tables.
	for k := range 2 {
		v, ok, err := LoadOriginalView(filepath.Join(pm, data[k].Name, "deepmatcher"), data[k])
		if err != nil || !ok {
			t.Fatalf("original view of %s: %v %v", data[k].Name, ok, err)
		}
		data = append(data, v)
	}
	type cfg struct {
		name string
		p    GBDTParams
		sets []int
	}
	base := DefaultGBDTParams()
	var cfgs []cfg
	add := func(name string, sets []int, mod func(*GBDTParams)) {
		p := base
		mod(&p)
		cfgs = append(cfgs, cfg{name, p, sets})
	}
	for _, seed := range []uint64{1, 11, 21} {
		add(fmt.Sprintf("views-%d", seed), []int{0, 1, 2, 3}, func(p *GBDTParams) { p.Seed = seed })
	}
	add("no-views", []int{0, 1}, func(p *GBDTParams) {})
	add("no-stack", []int{0, 1, 2, 3}, func(p *GBDTParams) { p.Folds = 0 })
	for _, c := range cfgs {
		var ds []Dataset
		for _, k := range c.sets {
			ds = append(ds, data[k])
		}
		m, err := Train(ds, c.p, discard{})
		if err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("%-10s trees=%4d", c.name, len(m.Trees))
		for _, d := range ds {
			vm, _, _ := EvalPairs(m, d.A, d.B, d.Valid.Pairs)
			tm, _, _ := EvalPairs(m, d.A, d.B, d.Test)
			line += fmt.Sprintf("  %s valid=%.4f test=%.4f", d.Name, vm.F1, tm.F1)
		}
		t.Log(line)
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
