package match

import (
	"math"
	"math/rand/v2"
	"testing"
)

// xorData is a noisy XOR of two features plus a distractor: no single split
// separates it, so a depth-1 learner cannot fit it but trees of depth 2 can.
func xorData(n int, seed uint64) ([][]float64, []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	X := make([][]float64, n)
	y := make([]float64, n)
	for i := range X {
		a, b := r.Float64(), r.Float64()
		X[i] = []float64{a, b, r.Float64()}
		if (a > 0.5) != (b > 0.5) {
			y[i] = 1
		}
	}
	return X, y
}

func accuracy(g *gbdt, X [][]float64, y []float64) float64 {
	ok := 0
	for i, x := range X {
		if (g.margin(x) > 0) == (y[i] > 0.5) {
			ok++
		}
	}
	return float64(ok) / float64(len(X))
}

func TestGBDTLearnsXOR(t *testing.T) {
	X, y := xorData(2000, 1)
	VX, vy := xorData(500, 2)
	TX, ty := xorData(1000, 3)
	p := DefaultGBDTParams()
	p.Trees, p.Depth, p.Patience = 200, 3, 30
	g := trainGBDT(X, y, VX, vy, p)
	if acc := accuracy(g, TX, ty); acc < 0.95 {
		t.Errorf("depth-3 accuracy on XOR = %.3f, want >= 0.95", acc)
	}
	p.Depth = 1
	stump := trainGBDT(X, y, VX, vy, p)
	if acc := accuracy(stump, TX, ty); acc > 0.7 {
		t.Errorf("stumps reach %.3f on XOR; the test data is not XOR-like", acc)
	}
	// Deterministic for a seed.
	p.Depth = 3
	g2 := trainGBDT(X, y, VX, vy, p)
	if len(g2.Trees) != len(g.Trees) || g2.margin(TX[0]) != g.margin(TX[0]) {
		t.Error("training is not deterministic")
	}
}

func TestPlattAndThreshold(t *testing.T) {
	// Margins twice as large as the true log-odds: Platt should find a ~ 0.5.
	r := rand.New(rand.NewPCG(5, 5))
	var m, y []float64
	for i := 0; i < 20000; i++ {
		z := r.NormFloat64() * 2
		m = append(m, 2*z)
		if r.Float64() < sigmoid(z) {
			y = append(y, 1)
		} else {
			y = append(y, 0)
		}
	}
	a, b := fitPlatt(m, y)
	if math.Abs(a-0.5) > 0.05 || math.Abs(b) > 0.1 {
		t.Errorf("platt a=%.3f b=%.3f, want about 0.5, 0", a, b)
	}
	th, met := bestThreshold([]float64{0.9, 0.8, 0.3, 0.2}, []float64{1, 1, 0, 0})
	if met.F1 != 1 || th <= 0.3 || th > 0.8 {
		t.Errorf("threshold %.2f metrics %+v, want F1 1 with threshold in (0.3, 0.8]", th, met)
	}
	// Taking the low-scored positive costs one false positive and gains one
	// true positive: F1 6/7 beats 4/5.
	th, met = bestThreshold([]float64{0.9, 0.8, 0.3, 0.2}, []float64{1, 1, 0, 1})
	if math.Abs(met.F1-6.0/7) > 1e-12 || th > 0.2 {
		t.Errorf("threshold %.2f metrics %+v, want F1 6/7 with threshold <= 0.2", th, met)
	}
}
