package match

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Tree is one regression tree stored as parallel node arrays. Node 0 is the
// root; a node with Feature -1 is a leaf whose Value is added to the margin.
// Otherwise rows with x[Feature] <= Threshold go to Left, others to Right.
type Tree struct {
	Feature   []int     `json:"f"`
	Threshold []float64 `json:"t"`
	Left      []int     `json:"l"`
	Right     []int     `json:"r"`
	Value     []float64 `json:"v"`
}

func (t *Tree) predict(x []float64) float64 {
	n := 0
	for t.Feature[n] >= 0 {
		if x[t.Feature[n]] <= t.Threshold[n] {
			n = t.Left[n]
		} else {
			n = t.Right[n]
		}
	}
	return t.Value[n]
}

// GBDTParams controls gradient boosting.
type GBDTParams struct {
	Trees        int     // maximum number of trees
	Depth        int     // maximum depth of each tree
	LearningRate float64 // shrinkage
	Lambda       float64 // L2 regularisation of leaf values
	MinHess      float64 // minimum sum of hessians in a child
	Subsample    float64 // fraction of rows per tree
	ColSample    float64 // fraction of features per tree
	Bins         int     // maximum histogram bins per feature (<= 255)
	Patience     int     // stop after this many trees without validation improvement
	Seed         uint64
	Bags         int // models trained with seeds Seed, Seed+1, ... and averaged
	Folds        int // > 1: stack a second stage on out-of-fold first-stage scores
	Stage1Bags   int // bags of each first-stage fold model (default 1)
	StackK       int // index candidates per record for the second stage (default 10)
	// Live trains a model whose features never compare a right-table record
	// with other right-table records, as when one shopper's product page is
	// matched alone against the catalog (the left table).
	Live bool
	// LiveStats (with Live) computes every training and validation pair's
	// features through the live matcher, as POST /v1/compare does: table A
	// is the catalog, the B record is the page, and the statistics (IDF,
	// context lists, second-stage candidates) come from the catalog and that
	// one page, not from both tables.
	LiveStats bool
	// Augment > 0 adds, for every right record with a positive training
	// pair, up to Augment of its index candidates (the other left records)
	// as negative training pairs: lookup-like hard negatives taken from the
	// training positives only (never a pair of the validation or test lists).
	Augment int
	// OriginalViews (RunTrain only) also trains on each DeepMatcher folder's
	// pairs expressed over the original tables (see LoadOriginalView).
	OriginalViews bool
}

// DefaultGBDTParams are the parameters used for the built-in model.
func DefaultGBDTParams() GBDTParams {
	return GBDTParams{Trees: 1500, Depth: 5, LearningRate: 0.05, Lambda: 1, MinHess: 1,
		Subsample: 0.8, ColSample: 0.8, Bins: 64, Patience: 100, Seed: 1, Bags: 3, Folds: 5, Stage1Bags: 1, OriginalViews: true}
}

// binner maps feature values to bins by cut points: bin k holds values in
// (cuts[k-1], cuts[k]].
type binner struct{ cuts [][]float64 }

func newBinner(X [][]float64, nf, maxBins int) *binner {
	b := &binner{cuts: make([][]float64, nf)}
	vals := make([]float64, len(X))
	for f := 0; f < nf; f++ {
		for i, x := range X {
			vals[i] = x[f]
		}
		sort.Float64s(vals)
		var uniq []float64
		for i, v := range vals {
			if i == 0 || v != vals[i-1] {
				uniq = append(uniq, v)
			}
		}
		var cuts []float64
		if len(uniq) <= maxBins {
			for i := 0; i+1 < len(uniq); i++ {
				cuts = append(cuts, (uniq[i]+uniq[i+1])/2)
			}
		} else {
			for k := 1; k < maxBins; k++ {
				v := vals[k*len(vals)/maxBins]
				j := sort.SearchFloat64s(uniq, v)
				if j+1 < len(uniq) {
					c := (uniq[j] + uniq[j+1]) / 2
					if len(cuts) == 0 || c > cuts[len(cuts)-1] {
						cuts = append(cuts, c)
					}
				}
			}
		}
		b.cuts[f] = cuts
	}
	return b
}

func (b *binner) bin(f int, v float64) uint8 {
	return uint8(sort.SearchFloat64s(b.cuts[f], v))
}

// gbdt is a trained ensemble: margin = Base + sum of tree values.
type gbdt struct {
	Base  float64
	Trees []Tree
}

func (g *gbdt) margin(x []float64) float64 {
	s := g.Base
	for i := range g.Trees {
		s += g.Trees[i].predict(x)
	}
	return s
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// logLoss is the mean binary cross-entropy of margins against labels.
func logLoss(m []float64, y []float64) float64 {
	var s float64
	for i := range m {
		p := math.Min(math.Max(sigmoid(m[i]), 1e-12), 1-1e-12)
		s -= y[i]*math.Log(p) + (1-y[i])*math.Log(1-p)
	}
	return s / float64(len(m))
}

// trainBagged averages p.Bags ensembles trained with consecutive seeds into
// one ensemble (each tree value and the base divided by the number of bags).
func trainBagged(X [][]float64, y []float64, VX [][]float64, vy []float64, p GBDTParams) *gbdt {
	bags := max(p.Bags, 1)
	out := &gbdt{}
	for k := 0; k < bags; k++ {
		q := p
		q.Seed = p.Seed + uint64(k)
		g := trainGBDT(X, y, VX, vy, q)
		out.Base += g.Base / float64(bags)
		for _, t := range g.Trees {
			for i := range t.Value {
				t.Value[i] /= float64(bags)
			}
			out.Trees = append(out.Trees, t)
		}
	}
	return out
}

// trainGBDT fits gradient-boosted trees with logistic loss on (X, y), using
// (VX, vy) for early stopping when given. It is deterministic for a seed.
func trainGBDT(X [][]float64, y []float64, VX [][]float64, vy []float64, p GBDTParams) *gbdt {
	n := len(X)
	nf := len(X[0])
	bn := newBinner(X, nf, min(p.Bins, 255))
	binned := make([][]uint8, nf) // column-major
	for f := 0; f < nf; f++ {
		col := make([]uint8, n)
		for i := range X {
			col[i] = bn.bin(f, X[i][f])
		}
		binned[f] = col
	}
	pos := 0.0
	for _, v := range y {
		pos += v
	}
	prior := math.Min(math.Max(pos/float64(n), 1e-6), 1-1e-6)
	g := &gbdt{Base: math.Log(prior / (1 - prior))}
	m := make([]float64, n)
	for i := range m {
		m[i] = g.Base
	}
	vm := make([]float64, len(VX))
	for i := range vm {
		vm[i] = g.Base
	}
	rng := rand.New(rand.NewPCG(p.Seed, 0x9e3779b97f4a7c15))
	grad := make([]float64, n)
	hess := make([]float64, n)
	bestLoss, bestIter := math.Inf(1), 0
	for it := 0; it < p.Trees; it++ {
		for i := range m {
			pr := sigmoid(m[i])
			grad[i] = pr - y[i]
			hess[i] = math.Max(pr*(1-pr), 1e-6)
		}
		var rows []int
		for i := 0; i < n; i++ {
			if p.Subsample >= 1 || rng.Float64() < p.Subsample {
				rows = append(rows, i)
			}
		}
		var feats []int
		for f := 0; f < nf; f++ {
			if p.ColSample >= 1 || rng.Float64() < p.ColSample {
				feats = append(feats, f)
			}
		}
		if len(feats) == 0 {
			feats = append(feats, rng.IntN(nf))
		}
		tb := &treeBuilder{p: p, bn: bn, binned: binned, grad: grad, hess: hess, feats: feats}
		tb.build(rows, 0)
		t := tb.t
		g.Trees = append(g.Trees, t)
		for i := range m {
			m[i] += t.predict(X[i])
		}
		if len(VX) > 0 {
			for i := range vm {
				vm[i] += t.predict(VX[i])
			}
			l := logLoss(vm, vy)
			if l < bestLoss-1e-7 {
				bestLoss, bestIter = l, it+1
			} else if p.Patience > 0 && it+1-bestIter >= p.Patience {
				break
			}
		}
	}
	if len(VX) > 0 && bestIter > 0 {
		g.Trees = g.Trees[:bestIter]
	}
	return g
}

type treeBuilder struct {
	p      GBDTParams
	bn     *binner
	binned [][]uint8
	grad   []float64
	hess   []float64
	feats  []int
	t      Tree
}

func (b *treeBuilder) leaf(G, H float64) int {
	b.t.Feature = append(b.t.Feature, -1)
	b.t.Threshold = append(b.t.Threshold, 0)
	b.t.Left = append(b.t.Left, -1)
	b.t.Right = append(b.t.Right, -1)
	b.t.Value = append(b.t.Value, -G/(H+b.p.Lambda)*b.p.LearningRate)
	return len(b.t.Feature) - 1
}

// build grows the subtree for rows and returns its node index.
func (b *treeBuilder) build(rows []int, depth int) int {
	var G, H float64
	for _, i := range rows {
		G += b.grad[i]
		H += b.hess[i]
	}
	if depth >= b.p.Depth || H < 2*b.p.MinHess || len(rows) < 4 {
		return b.leaf(G, H)
	}
	parent := G * G / (H + b.p.Lambda)
	bestGain, bestF, bestBin := 1e-9, -1, 0
	var hg, hh [256]float64
	for _, f := range b.feats {
		nb := len(b.bn.cuts[f]) + 1
		if nb < 2 {
			continue
		}
		for k := 0; k < nb; k++ {
			hg[k], hh[k] = 0, 0
		}
		col := b.binned[f]
		for _, i := range rows {
			hg[col[i]] += b.grad[i]
			hh[col[i]] += b.hess[i]
		}
		var gl, hl float64
		for k := 0; k < nb-1; k++ {
			gl += hg[k]
			hl += hh[k]
			gr, hr := G-gl, H-hl
			if hl < b.p.MinHess || hr < b.p.MinHess {
				continue
			}
			gain := gl*gl/(hl+b.p.Lambda) + gr*gr/(hr+b.p.Lambda) - parent
			if gain > bestGain {
				bestGain, bestF, bestBin = gain, f, k
			}
		}
	}
	if bestF < 0 {
		return b.leaf(G, H)
	}
	var left, right []int
	col := b.binned[bestF]
	for _, i := range rows {
		if int(col[i]) <= bestBin {
			left = append(left, i)
		} else {
			right = append(right, i)
		}
	}
	node := len(b.t.Feature)
	b.t.Feature = append(b.t.Feature, bestF)
	b.t.Threshold = append(b.t.Threshold, b.bn.cuts[bestF][bestBin])
	b.t.Left = append(b.t.Left, -1)
	b.t.Right = append(b.t.Right, -1)
	b.t.Value = append(b.t.Value, 0)
	l := b.build(left, depth+1)
	r := b.build(right, depth+1)
	b.t.Left[node] = l
	b.t.Right[node] = r
	return node
}

// fitPlatt fits p = sigmoid(a*m + b) to labels by Newton's method on the
// log loss (with Platt's target smoothing).
func fitPlatt(m, y []float64) (a, b float64) {
	var np, nn float64
	for _, v := range y {
		if v > 0.5 {
			np++
		} else {
			nn++
		}
	}
	hi, lo := (np+1)/(np+2), 1/(nn+2)
	t := make([]float64, len(y))
	for i, v := range y {
		if v > 0.5 {
			t[i] = hi
		} else {
			t[i] = lo
		}
	}
	a, b = 1, 0
	for iter := 0; iter < 100; iter++ {
		var g1, g2, h11, h12, h22 float64
		for i := range m {
			p := sigmoid(a*m[i] + b)
			d := p - t[i]
			w := math.Max(p*(1-p), 1e-12)
			g1 += d * m[i]
			g2 += d
			h11 += w * m[i] * m[i]
			h12 += w * m[i]
			h22 += w
		}
		h11 += 1e-9
		h22 += 1e-9
		det := h11*h22 - h12*h12
		if det == 0 {
			break
		}
		da := (h22*g1 - h12*g2) / det
		db := (h11*g2 - h12*g1) / det
		a -= da
		b -= db
		if math.Abs(da) < 1e-10 && math.Abs(db) < 1e-10 {
			break
		}
	}
	return a, b
}
