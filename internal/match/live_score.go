package match

import "math"

// Fast scoring for the live matcher. The trees are copied into one flat
// node array per ensemble and evaluated tree by tree over all candidates of
// a query, so a tree's nodes are read once per query while they are in the
// cache. The sums are taken in the same order as Model.Prob and the
// stacking code (stackFeatures, avgScorer), so the probabilities are the
// same to the last bit; TestLiveFastScoringEqualsModel checks it.

type flatNode struct {
	thr   float64 // split threshold, or the value of a leaf
	feat  int32   // -1 for a leaf
	right int32   // absolute index of the right child; the left child is the next node
}

type flatEnsemble struct {
	base  float64
	roots []int32
	nodes []flatNode
}

// flatten lays each tree out in pre-order (a node's left child follows it),
// so a node is 16 bytes and a walk to the left reads the next cache line.
func flatten(base float64, trees []Tree) flatEnsemble {
	e := flatEnsemble{base: base}
	for _, t := range trees {
		e.roots = append(e.roots, int32(len(e.nodes)))
		e.emit(&t, 0)
	}
	return e
}

// emit appends node k of t and its subtrees in pre-order.
func (e *flatEnsemble) emit(t *Tree, k int) {
	at := len(e.nodes)
	if t.Feature[k] < 0 {
		e.nodes = append(e.nodes, flatNode{thr: t.Value[k], feat: -1})
		return
	}
	e.nodes = append(e.nodes, flatNode{thr: t.Threshold[k], feat: int32(t.Feature[k])})
	e.emit(t, t.Left[k])
	e.nodes[at].right = int32(len(e.nodes))
	e.emit(t, t.Right[k])
}

// margins sets out[i] to the ensemble margin of X[i].
func (e *flatEnsemble) margins(X [][]float64, out []float64) {
	for i := range out {
		out[i] = e.base
	}
	nodes := e.nodes
	for _, r := range e.roots {
		for i, x := range X {
			k := r
			for nodes[k].feat >= 0 {
				if x[nodes[k].feat] <= nodes[k].thr {
					k++
				} else {
					k = nodes[k].right
				}
			}
			out[i] += nodes[k].thr
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

// grow returns s resliced to n elements, reallocated if too small.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// probsInto returns the calibrated probabilities of the base feature rows X
// (one per candidate of one query), where the first top rows are the
// query's best index candidates: the live stacking features compare each
// pair's first-stage probability with theirs. X2[i] is X[i] with room for
// the stacking features after it (the same memory). The result and the
// working memory are z's.
func (fm *fastModel) probsInto(z *liveScratch, X, X2 [][]float64, top int) []float64 {
	n := len(X)
	z.sum, z.margin, z.p1, z.probs = grow(z.sum, n), grow(z.margin, n), grow(z.p1, n), grow(z.probs, n)
	s, m, p1, out := z.sum, z.margin, z.p1, z.probs
	clear(s)
	for e := range fm.stage1 {
		fm.stage1[e].margins(X, m)
		for i := range s {
			s[i] += m[i]
		}
	}
	for i := range p1 {
		p1[i] = sigmoid(s[i] / float64(len(fm.stage1)))
	}
	top = min(top, n)
	nb := len(FeatureNames)
	for i := range X2 {
		st := fm.stackRow(p1, i, top)
		X2[i] = append(X2[i][:nb], st[:]...)
		for k := nb; k < len(X2[i]); k++ {
			X2[i][k] = math.Round(X2[i][k]*1e6) / 1e6
		}
	}
	fm.stage2.margins(X2, m)
	for i := range out {
		out[i] = sigmoid(fm.a*m[i] + fm.b)
	}
	return out
}

// stackRow returns the (unrounded) stacking features of candidate i given
// the first-stage probabilities p1, whose first top entries are the query's
// best index candidates.
func (fm *fastModel) stackRow(p1 []float64, i, top int) [5]float64 {
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
	return [5]float64{sp, math.Min(r1, r2), math.Max(r1, r2), math.Min(m1, m2), math.Max(m1, m2)}
}
