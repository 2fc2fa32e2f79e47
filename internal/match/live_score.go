package match

import "math"

// Fast scoring for the live matcher. The trees are copied into one flat
// node array per ensemble and evaluated tree by tree over all candidates of
// a query, so a tree's nodes are read once per query while they are in the
// cache. The sums are taken in the same order as Model.Prob and the
// stacking code (stackFeatures, avgScorer), so the probabilities are the
// same to the last bit; TestLiveFastScoringEqualsModel checks it.

type flatNode struct {
	thr         float64 // split threshold, or the value of a leaf
	feat        int32   // -1 for a leaf
	left, right int32   // absolute node indexes
}

type flatEnsemble struct {
	base  float64
	roots []int32
	nodes []flatNode
}

func flatten(base float64, trees []Tree) flatEnsemble {
	e := flatEnsemble{base: base}
	for _, t := range trees {
		off := int32(len(e.nodes))
		e.roots = append(e.roots, off)
		for k := range t.Feature {
			n := flatNode{feat: int32(t.Feature[k])}
			if t.Feature[k] < 0 {
				n.thr = t.Value[k]
			} else {
				n.thr, n.left, n.right = t.Threshold[k], off+int32(t.Left[k]), off+int32(t.Right[k])
			}
			e.nodes = append(e.nodes, n)
		}
	}
	return e
}

// margins sets out[i] to the ensemble margin of X[i].
func (e *flatEnsemble) margins(X [][]float64, out []float64) {
	for i := range out {
		out[i] = e.base
	}
	nodes := e.nodes
	for _, r := range e.roots {
		for i, x := range X {
			n := &nodes[r]
			for n.feat >= 0 {
				if x[n.feat] <= n.thr {
					n = &nodes[n.left]
				} else {
					n = &nodes[n.right]
				}
			}
			out[i] += n.thr
		}
	}
}

// fastModel is a live stacked model prepared for fast scoring.
type fastModel struct {
	stage1 []flatEnsemble
	stage2 flatEnsemble
	a, b   float64
}

// newFastModel returns nil when m is not a live stacked model (the generic
// path is used then).
func newFastModel(m *Model) *fastModel {
	if !m.Live || len(m.Stage1) == 0 || len(m.Features) != len(FeatureNames)+len(StackNames) {
		return nil
	}
	f := &fastModel{stage2: flatten(m.Base, m.Trees), a: m.PlattA, b: m.PlattB}
	for _, e := range m.Stage1 {
		f.stage1 = append(f.stage1, flatten(e.Base, e.Trees))
	}
	return f
}

// probs returns the calibrated probabilities of the base feature rows X
// (one per candidate of one query), where the first top rows are the
// query's best index candidates: the live stacking features compare each
// pair's first-stage probability with theirs.
func (fm *fastModel) probs(X [][]float64, top int) []float64 {
	n := len(X)
	s := make([]float64, n)
	m := make([]float64, n)
	for e := range fm.stage1 {
		fm.stage1[e].margins(X, m)
		for i := range s {
			s[i] += m[i]
		}
	}
	p1 := make([]float64, n)
	for i := range p1 {
		p1[i] = sigmoid(s[i] / float64(len(fm.stage1)))
	}
	top = min(top, n)
	X2 := make([][]float64, n)
	nb := len(FeatureNames)
	for i, x := range X {
		// As stackFeatures with live features: no other queries (rank 0,
		// margin over 0), and the other top candidates of the query.
		sp := p1[i]
		r, best := 1.0, 0.0
		for k := 0; k < top; k++ {
			if k == i {
				continue
			}
			if p1[k] > sp {
				r++
			}
			best = math.Max(best, p1[k])
		}
		r1, m1 := math.Log2(1), sp-0.0
		r2, m2 := math.Log2(r), sp-best
		x2 := make([]float64, 0, nb+len(StackNames))
		x2 = append(x2, x...)
		x2 = append(x2, sp, math.Min(r1, r2), math.Max(r1, r2), math.Min(m1, m2), math.Max(m1, m2))
		for k := nb; k < len(x2); k++ {
			x2[k] = math.Round(x2[k]*1e6) / 1e6
		}
		X2[i] = x2
	}
	fm.stage2.margins(X2, m)
	out := make([]float64, n)
	for i := range out {
		out[i] = sigmoid(fm.a*m[i] + fm.b)
	}
	return out
}
