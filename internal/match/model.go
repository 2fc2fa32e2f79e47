package match

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"time"
)

// Model is a trained pair classifier: gradient-boosted trees over the pair
// features, Platt calibration of their margin, and a decision threshold on the
// calibrated probability. It holds only learned parameters and the brand
// vocabulary learned from the training tables.
type Model struct {
	Version   int      `json:"version"`
	Features  []string `json:"features"`
	Base      float64  `json:"base"`
	Trees     []Tree   `json:"trees"`
	PlattA    float64  `json:"platt_a"`
	PlattB    float64  `json:"platt_b"`
	Threshold float64  `json:"threshold"`
	// LookupThreshold is the abstain threshold for catalog lookup (0: use
	// Threshold); see TuneLookupThreshold.
	LookupThreshold float64           `json:"lookup_threshold,omitempty"`
	Brands          []string          `json:"brands"`
	Notes           map[string]string `json:"notes,omitempty"`
	// Stage1 holds the first-stage ensembles (one per training fold) whose
	// averaged probability feeds the StackNames features; empty for a
	// single-stage model.
	Stage1 []Ensemble `json:"stage1,omitempty"`
	// Live is set when features never compare right-table records with each
	// other (see GBDTParams.Live).
	Live bool `json:"live,omitempty"`
	// StackK is the number of index candidates per record the second stage
	// compares a pair against (0 means the default, 10).
	StackK int `json:"stack_k,omitempty"`

	brandSet map[string]bool
}

//go:embed model.json
var builtinModel []byte

// Builtin returns the model embedded in the binary.
func Builtin() (*Model, error) {
	m, err := ParseModel(builtinModel)
	if err != nil {
		return nil, fmt.Errorf("match: built-in model: %w", err)
	}
	return m, nil
}

// ParseModel decodes a model from JSON and checks that it fits this code.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("match: decode model: %w", err)
	}
	if len(m.Trees) == 0 {
		return nil, errors.New("match: model has no trees")
	}
	want := m.featureNames()
	if len(m.Features) != len(want) {
		return nil, fmt.Errorf("match: model has %d features, this code computes %d", len(m.Features), len(want))
	}
	for i, n := range m.Features {
		if n != want[i] {
			return nil, fmt.Errorf("match: model feature %d is %q, this code computes %q", i, n, want[i])
		}
	}
	if err := checkTrees(m.Trees, len(want)); err != nil {
		return nil, err
	}
	for _, e := range m.Stage1 {
		if err := checkTrees(e.Trees, len(FeatureNames)); err != nil {
			return nil, fmt.Errorf("stage 1: %w", err)
		}
	}
	m.brandSet = map[string]bool{}
	for _, b := range m.Brands {
		m.brandSet[b] = true
	}
	return &m, nil
}

// featureNames are the features the model's trees read.
func (m *Model) featureNames() []string {
	if len(m.Stage1) == 0 {
		return FeatureNames
	}
	return append(append([]string(nil), FeatureNames...), StackNames...)
}

// checkTrees validates the node arrays of trees over nf features.
func checkTrees(trees []Tree, nf int) error {
	for ti, t := range trees {
		nn := len(t.Feature)
		if nn == 0 || len(t.Threshold) != nn || len(t.Left) != nn || len(t.Right) != nn || len(t.Value) != nn {
			return fmt.Errorf("match: model tree %d is malformed", ti)
		}
		for k := 0; k < nn; k++ {
			if t.Feature[k] >= nf || (t.Feature[k] >= 0 && (t.Left[k] <= k || t.Right[k] <= k || t.Left[k] >= nn || t.Right[k] >= nn)) {
				return fmt.Errorf("match: model tree %d node %d is malformed", ti, k)
			}
		}
	}
	return nil
}

// LoadModel reads a model file written by Save.
func LoadModel(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	return ParseModel(b)
}

// Save writes the model as JSON.
func (m *Model) Save(path string) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("match: encode model: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("match: %w", err)
	}
	return nil
}

// BrandSet is the model's brand vocabulary.
func (m *Model) BrandSet() map[string]bool { return m.brandSet }

// Margin is the raw ensemble output for a feature vector.
func (m *Model) Margin(x []float64) float64 {
	s := m.Base
	for i := range m.Trees {
		s += m.Trees[i].predict(x)
	}
	return s
}

// Prob is the calibrated match probability for a feature vector.
func (m *Model) Prob(x []float64) float64 {
	return sigmoid(m.PlattA*m.Margin(x) + m.PlattB)
}

// vectorizer returns the function computing the model's feature vector of
// (A[i], B[j]) with f.
func (m *Model) vectorizer(f *Featurizer) func(i, j int) []float64 {
	f.live = m.Live
	if m.StackK > 0 {
		f.stackK = m.StackK
	}
	if len(m.Stage1) == 0 {
		return f.baseFeatures
	}
	p1 := avgScorer(f, m.Stage1)
	return func(i, j int) []float64 { return f.stackFeatures(i, j, p1) }
}

// Dataset is one training source: the two tables and the labelled pairs.
// Test holds pairs that must not be trained on (the test split); Train fails
// when a training or validation pair is among them.
type Dataset struct {
	Name  string
	A, B  []Record
	Train PairSet
	Valid PairSet
	Test  []Pair
}

// ErrTestPair is returned when training input contains test data.
var ErrTestPair = errors.New("match: training input contains test pairs")

// checkNoTest refuses pair sets read from a test split or overlapping the
// dataset's test pairs.
func checkNoTest(d Dataset) error {
	for _, ps := range []PairSet{d.Train, d.Valid} {
		if isTestSplit(ps.Path) {
			return fmt.Errorf("%w: %s: %s is a test split", ErrTestPair, d.Name, ps.Path)
		}
	}
	test := map[[2]string]bool{}
	for _, p := range d.Test {
		test[[2]string{p.Left, p.Right}] = true
	}
	for _, ps := range []PairSet{d.Train, d.Valid} {
		for _, p := range ps.Pairs {
			if test[[2]string{p.Left, p.Right}] {
				return fmt.Errorf("%w: %s: pair (%s, %s) of %s is a test pair", ErrTestPair, d.Name, p.Left, p.Right, ps.Path)
			}
		}
	}
	return nil
}

// featurize computes the feature rows (with vec) and labels of pairs.
func featurize(f *Featurizer, vec func(i, j int) []float64, pairs []Pair) ([][]float64, []float64, error) {
	return featurizeFrom(tableSource(f), func(*Featurizer) func(i, j int) []float64 { return vec }, pairs)
}

// pairSource returns the featurizer that computes a pair's features and
// the pair's indexes (i in A, j in B) in it.
type pairSource func(p Pair) (f *Featurizer, i, j int, err error)

// tableSource is the batch source: one featurizer over both tables.
func tableSource(f *Featurizer) pairSource {
	return func(p Pair) (*Featurizer, int, int, error) {
		i, ok := f.idxA[p.Left]
		if !ok {
			return nil, 0, 0, fmt.Errorf("match: left id %q not in table A", p.Left)
		}
		j, ok := f.idxB[p.Right]
		if !ok {
			return nil, 0, 0, fmt.Errorf("match: right id %q not in table B", p.Right)
		}
		return f, i, j, nil
	}
}

// liveSource computes each pair's features as the live matcher does (see
// GBDTParams.LiveStats): table A is the catalog of a Matcher, the B record
// the page, and the pair is scored as ScorePair scores it. Featurizers are
// kept per pair, so the stages of training reuse them.
func liveSource(A, B []Record, brands map[string]bool, p GBDTParams) pairSource {
	x := NewMatcher(&Model{Live: true, StackK: p.StackK, brandSet: brands})
	x.Upsert(A)
	byID := make(map[string]Record, len(B))
	for _, r := range B {
		byID[r.ID] = r
	}
	type entry struct {
		f *Featurizer
		i int
	}
	memo := map[[2]string]entry{}
	return func(pr Pair) (*Featurizer, int, int, error) {
		k := [2]string{pr.Left, pr.Right}
		if e, ok := memo[k]; ok {
			return e.f, e.i, 0, nil
		}
		q, ok := byID[pr.Right]
		if !ok {
			return nil, 0, 0, fmt.Errorf("match: right id %q not in table B", pr.Right)
		}
		f, nc := x.pageFeaturizer(q, x.k(), pr.Left)
		i := -1
		for c := 0; c < nc; c++ {
			if f.A[c].ID == pr.Left {
				i = c
			}
		}
		if i < 0 {
			return nil, 0, 0, fmt.Errorf("match: left id %q not in table A", pr.Left)
		}
		f.live = p.Live
		if p.StackK > 0 {
			f.stackK = p.StackK
		}
		memo[k] = entry{f, i}
		return f, i, 0, nil
	}
}

// featurizeFrom computes the feature rows and labels of pairs: vecOf gives,
// for a featurizer, the function computing a row (asked again only when the
// featurizer changes from one pair to the next).
func featurizeFrom(src pairSource, vecOf func(f *Featurizer) func(i, j int) []float64, pairs []Pair) ([][]float64, []float64, error) {
	X := make([][]float64, 0, len(pairs))
	y := make([]float64, 0, len(pairs))
	var last *Featurizer
	var vec func(i, j int) []float64
	for _, p := range pairs {
		f, i, j, err := src(p)
		if err != nil {
			return nil, nil, err
		}
		if f != last {
			last, vec = f, vecOf(f)
		}
		X = append(X, vec(i, j))
		y = append(y, float64(p.Label))
	}
	return X, y, nil
}

// Train fits a model on the training pairs of every dataset, stops boosting
// and calibrates on their validation pairs, and sets the threshold that
// maximises F1 on the validation pairs. Progress goes to w.
func Train(data []Dataset, p GBDTParams, w io.Writer) (*Model, error) {
	if len(data) == 0 {
		return nil, errors.New("match: no training data")
	}
	data = slices.Clone(data) // augmentation replaces pair lists; keep the caller's
	for _, d := range data {
		if err := checkNoTest(d); err != nil {
			return nil, err
		}
	}
	// The brand vocabulary comes only from records that occur in a training
	// or validation pair.
	var tables [][]Record
	for _, d := range data {
		tables = append(tables, pairRecords(d.A, d.B, d.Train.Pairs, d.Valid.Pairs))
	}
	brands := LearnBrands(tables...)
	var X, VX [][]float64
	var y, vy []float64
	var vsrc []int
	feats := make([]*Featurizer, len(data))
	srcs := make([]pairSource, len(data))
	for k, d := range data {
		start := time.Now()
		f := NewFeaturizer(d.A, d.B, brands)
		f.live = p.Live
		if p.StackK > 0 {
			f.stackK = p.StackK
		}
		feats[k] = f
		if p.Augment > 0 {
			n0 := len(d.Train.Pairs)
			d.Train.Pairs = augment(f, d, p.Augment)
			data[k].Train.Pairs = d.Train.Pairs
			if err := checkNoTest(data[k]); err != nil {
				return nil, err
			}
			fmt.Fprintf(w, "%s: %d index negatives added\n", d.Name, len(d.Train.Pairs)-n0)
		}
		srcs[k] = tableSource(f)
		if p.Live && p.LiveStats {
			srcs[k] = liveSource(d.A, d.B, brands, p)
		}
		base := func(f *Featurizer) func(i, j int) []float64 { return f.baseFeatures }
		x1, y1, err := featurizeFrom(srcs[k], base, d.Train.Pairs)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", d.Name, d.Train.Path, err)
		}
		x2, y2, err := featurizeFrom(srcs[k], base, d.Valid.Pairs)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", d.Name, d.Valid.Path, err)
		}
		X, y = append(X, x1...), append(y, y1...)
		VX, vy = append(VX, x2...), append(vy, y2...)
		for range x2 {
			vsrc = append(vsrc, k)
		}
		fmt.Fprintf(w, "%s: %d train pairs, %d valid pairs, features in %v\n", d.Name, len(x1), len(x2), time.Since(start).Round(time.Millisecond))
	}
	if len(X) == 0 || len(VX) == 0 {
		return nil, errors.New("match: need training and validation pairs")
	}
	m := &Model{Version: 1, PlattA: 1, Notes: map[string]string{}, Live: p.Live, StackK: p.StackK}
	if p.Folds > 1 {
		// First stage: one ensemble per fold of left records, each trained
		// without that fold, so every training pair gets an out-of-fold score.
		start := time.Now()
		var fold []int
		for _, d := range data {
			for _, pr := range d.Train.Pairs {
				fold = append(fold, foldOf(pr.Left, p.Folds))
			}
		}
		for k := 0; k < p.Folds; k++ {
			var Xk [][]float64
			var yk []float64
			for r := range X {
				if fold[r] != k {
					Xk, yk = append(Xk, X[r]), append(yk, y[r])
				}
			}
			q := p
			q.Bags = max(p.Stage1Bags, 1)
			q.Seed = p.Seed + uint64(100*k)
			g := trainBagged(Xk, yk, VX, vy, q)
			m.Stage1 = append(m.Stage1, Ensemble{Base: g.Base, Trees: g.Trees})
		}
		fmt.Fprintf(w, "stage 1: %d fold ensembles in %v\n", p.Folds, time.Since(start).Round(time.Millisecond))
		X, y, VX, vy = nil, nil, nil, nil
		for k, d := range data {
			oofOf := func(f *Featurizer) func(i, j int) []float64 {
				oof := foldScorer(f, m.Stage1)
				return func(i, j int) []float64 { return f.stackFeatures(i, j, oof) }
			}
			x1, y1, err := featurizeFrom(srcs[k], oofOf, d.Train.Pairs)
			if err != nil {
				return nil, err
			}
			x2, y2, err := featurizeFrom(srcs[k], m.vectorizer, d.Valid.Pairs)
			if err != nil {
				return nil, err
			}
			X, y = append(X, x1...), append(y, y1...)
			VX, vy = append(VX, x2...), append(vy, y2...)
		}
	}
	start := time.Now()
	g := trainBagged(X, y, VX, vy, p)
	fmt.Fprintf(w, "gbdt: %d trees (depth %d, lr %g, %d bags) in %v\n", len(g.Trees), p.Depth, p.LearningRate, p.Bags, time.Since(start).Round(time.Millisecond))
	m.Base, m.Trees = g.Base, g.Trees
	m.Features = m.featureNames()
	for b := range brands {
		m.Brands = append(m.Brands, b)
	}
	sort.Strings(m.Brands)
	m.brandSet = brands
	vm := make([]float64, len(VX))
	for i, x := range VX {
		vm[i] = m.Margin(x)
	}
	m.PlattA, m.PlattB = fitPlatt(vm, vy)
	probs := make([]float64, len(VX))
	for i, x := range VX {
		probs[i] = m.Prob(x)
	}
	th, best := bestThreshold(probs, vy)
	m.Threshold = th
	fmt.Fprintf(w, "valid (all): best F1 %.4f at threshold %.3f, log loss %.4f\n", best.F1, th, logLoss(vm, vy))
	for k, d := range data {
		var ps, ys []float64
		for i := range probs {
			if vsrc[i] == k {
				ps = append(ps, probs[i])
				ys = append(ys, vy[i])
			}
		}
		at := confusion(ps, ys, th)
		own, ob := bestThreshold(ps, ys)
		fmt.Fprintf(w, "valid %s: F1 %.4f at the global threshold; best %.4f at %.3f\n", d.Name, at.F1, ob.F1, own)
		m.Notes["valid_f1_"+d.Name] = fmt.Sprintf("%.4f", at.F1)
	}
	for k, v := range map[string]string{
		"params": fmt.Sprintf("%+v", p), "trained": time.Now().UTC().Format(time.RFC3339),
	} {
		m.Notes[k] = v
	}
	return m, nil
}

// pairRecords returns the records of A and B that occur in the pair lists.
func pairRecords(A, B []Record, lists ...[]Pair) []Record {
	left, right := map[string]bool{}, map[string]bool{}
	for _, ps := range lists {
		for _, p := range ps {
			left[p.Left], right[p.Right] = true, true
		}
	}
	var out []Record
	for _, r := range A {
		if left[r.ID] {
			out = append(out, r)
		}
	}
	for _, r := range B {
		if right[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

// augment returns the training pairs of d plus, for each right record with a
// positive training pair, up to n of its index candidates as negatives. A
// candidate already in the train, valid or test lists is skipped.
func augment(f *Featurizer, d Dataset, n int) []Pair {
	known := map[[2]string]bool{}
	for _, ps := range [][]Pair{d.Train.Pairs, d.Valid.Pairs, d.Test} {
		for _, p := range ps {
			known[[2]string{p.Left, p.Right}] = true
		}
	}
	out := append([]Pair(nil), d.Train.Pairs...)
	done := map[string]bool{}
	for _, p := range d.Train.Pairs {
		if p.Label != 1 || done[p.Right] {
			continue
		}
		done[p.Right] = true
		added := 0
		for _, i := range f.candA(f.idxB[p.Right]) {
			k := [2]string{f.A[i].ID, p.Right}
			if known[k] || added >= n {
				continue
			}
			known[k] = true
			out = append(out, Pair{Left: f.A[i].ID, Right: p.Right, Label: 0})
			added++
		}
	}
	return out
}

// bestThreshold returns the probability threshold that maximises F1.
func bestThreshold(probs, y []float64) (float64, Metrics) {
	idx := make([]int, len(probs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return probs[idx[a]] > probs[idx[b]] })
	var pos float64
	for _, v := range y {
		pos += v
	}
	bestF, bestT := -1.0, 0.5
	var tp, fp float64
	for k, i := range idx {
		if y[i] > 0.5 {
			tp++
		} else {
			fp++
		}
		if k+1 < len(idx) && probs[idx[k+1]] == probs[i] {
			continue
		}
		f := 2 * tp / (tp + fp + pos)
		if f > bestF {
			bestF = f
			next := 0.0
			if k+1 < len(idx) {
				next = probs[idx[k+1]]
			}
			bestT = (probs[i] + next) / 2
		}
	}
	return bestT, confusion(probs, y, bestT)
}

// confusion computes pair metrics at a threshold (predict match when p >= t).
func confusion(probs, y []float64, t float64) Metrics {
	var m Metrics
	for i, p := range probs {
		pred := p >= t
		gold := y[i] > 0.5
		switch {
		case pred && gold:
			m.TP++
		case pred && !gold:
			m.FP++
		case !pred && gold:
			m.FN++
		default:
			m.TN++
		}
	}
	m.N = len(probs)
	m.finish()
	return m
}

// Metrics are counts and rates of a pair or lookup evaluation.
type Metrics struct {
	TP, FP, FN, TN int
	N              int     // pairs or queries evaluated
	Precision      float64 // TP / (TP + FP)
	Recall         float64 // TP / (TP + FN)
	F1             float64
	Top1           float64 // lookup: fraction of queries with a gold partner whose best candidate is a partner
	PC10           float64 // lookup: fraction of gold pairs whose catalog record is in the top 10 candidates
}

func (m *Metrics) finish() {
	m.Precision = safeDiv(float64(m.TP), float64(m.TP+m.FP))
	m.Recall = safeDiv(float64(m.TP), float64(m.TP+m.FN))
	m.F1 = safeDiv(2*m.Precision*m.Recall, m.Precision+m.Recall)
	if math.IsNaN(m.F1) {
		m.F1 = 0
	}
}
