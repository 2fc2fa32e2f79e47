package match

import (
	"hash/fnv"
	"math"
)

// StackNames are the second-stage features appended to FeatureNames when a
// model has a first stage: the first-stage probability of the pair, and how
// it ranks against the other candidates of each record (rank and margin over
// the best other candidate, min and max over the two sides).
var StackNames = []string{"s1_prob", "s1_rank_min", "s1_rank_max", "s1_margin_min", "s1_margin_max"}

// defaultStackK is how many index candidates of each record the second
// stage compares a pair against, unless the model says otherwise.
const defaultStackK = 10

// Ensemble is a plain sum of trees: margin = Base + sum of tree values.
type Ensemble struct {
	Base  float64 `json:"base"`
	Trees []Tree  `json:"trees"`
}

func (e *Ensemble) margin(x []float64) float64 {
	s := e.Base
	for i := range e.Trees {
		s += e.Trees[i].predict(x)
	}
	return s
}

// pairScorer returns the first-stage probability of the pair (A[i], B[j]).
type pairScorer func(i, j int) float64

// baseFeatures returns the cached base feature vector of a pair.
func (f *Featurizer) baseFeatures(i, j int) []float64 {
	k := [2]int{i, j}
	if x, ok := f.cache[k]; ok {
		return x
	}
	x := f.Features(i, j)
	f.cache[k] = x
	return x
}

// candB returns the indexes in B of the best index candidates for A[i].
func (f *Featurizer) candB(i int) []int {
	if c, ok := f.cB[i]; ok {
		return c
	}
	if f.ixB == nil {
		f.ixB = NewIndex(f.B)
	}
	var out []int
	for _, c := range f.ixB.Search(f.A[i], f.stackK) {
		out = append(out, c.Index)
	}
	f.cB[i] = out
	return out
}

// candA returns the indexes in A of the best index candidates for B[j].
func (f *Featurizer) candA(j int) []int {
	if c, ok := f.cA[j]; ok {
		return c
	}
	if f.ixA == nil {
		f.ixA = NewIndex(f.A)
	}
	var out []int
	for _, c := range f.ixA.Search(f.B[j], f.stackK) {
		out = append(out, c.Index)
	}
	f.cA[j] = out
	return out
}

// stackFeatures returns the base features of (A[i], B[j]) followed by the
// StackNames features computed with the first-stage scorer p1.
func (f *Featurizer) stackFeatures(i, j int, p1 pairScorer) []float64 {
	base := f.baseFeatures(i, j)
	x := make([]float64, 0, len(base)+len(StackNames))
	x = append(x, base...)
	s := p1(i, j)
	rankMarg := func(others []float64) (float64, float64) {
		r, best := 1.0, 0.0
		for _, o := range others {
			if o > s {
				r++
			}
			best = math.Max(best, o)
		}
		return math.Log2(r), s - best
	}
	var oa, ob []float64
	for _, j2 := range f.candB(i) {
		if j2 != j && !f.live {
			oa = append(oa, p1(i, j2))
		}
	}
	for _, i2 := range f.candA(j) {
		if i2 != i {
			ob = append(ob, p1(i2, j))
		}
	}
	r1, m1 := rankMarg(oa)
	r2, m2 := rankMarg(ob)
	x = append(x, s, math.Min(r1, r2), math.Max(r1, r2), math.Min(m1, m2), math.Max(m1, m2))
	for k := len(base); k < len(x); k++ {
		x[k] = math.Round(x[k]*1e6) / 1e6
	}
	return x
}

// avgScorer scores pairs with the mean margin of the first-stage ensembles,
// caching per pair.
func avgScorer(f *Featurizer, stage []Ensemble) pairScorer {
	cache := map[[2]int]float64{}
	return func(i, j int) float64 {
		k := [2]int{i, j}
		if p, ok := cache[k]; ok {
			return p
		}
		x := f.baseFeatures(i, j)
		var s float64
		for e := range stage {
			s += stage[e].margin(x)
		}
		p := sigmoid(s / float64(len(stage)))
		cache[k] = p
		return p
	}
}

// foldOf assigns a left-table id to one of k folds.
func foldOf(id string, k int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(k))
}

// foldScorer scores (A[i], B[j]) with the first-stage model of A[i]'s fold,
// which was trained without any pair of A[i]: out-of-fold probabilities for
// training the second stage.
func foldScorer(f *Featurizer, folds []Ensemble) pairScorer {
	cache := map[[2]int]float64{}
	return func(i, j int) float64 {
		k := [2]int{i, j}
		if p, ok := cache[k]; ok {
			return p
		}
		e := &folds[foldOf(f.A[i].ID, len(folds))]
		p := sigmoid(e.margin(f.baseFeatures(i, j)))
		cache[k] = p
		return p
	}
}
