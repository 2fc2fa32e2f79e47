package reco

import (
	"fmt"
	"strings"
)

// Default is the algorithm `vitrine reco eval` and the server use unless told
// otherwise: the best on the validation split (train_tr -> train_valid), see
// RESULTS.md.
const Default = "vstan+sr"

// AlgorithmInfo describes one algorithm for help texts.
type AlgorithmInfo struct {
	Name, Summary string
}

type builder struct {
	AlgorithmInfo
	build func(r *optReader) (algorithm, string)
}

var weightings = []string{"same", "div", "linear", "log", "quadratic"}

func buildKNN(r *optReader, vector bool, k, sample int, sim, weighting, scoreW string, idf float64) (algorithm, string) {
	m := &knn{vector: vector}
	m.k = r.int("k", k, 1, 1_000_000)
	m.sampleSize = r.int("sample_size", sample, 0, 100_000_000)
	if vector {
		m.similarity = r.str("similarity", sim, "vec", "cosine")
		m.weighting = r.str("weighting", weighting, weightings...)
		m.scoreWeighting = r.str("weighting_score", scoreW, weightings...)
		m.idfWeight = r.float("idf_weighting", idf, 0, 1000)
		m.remind = r.bool("remind", true)
		return m, fmt.Sprintf("k=%d sample_size=%d similarity=%s weighting=%s weighting_score=%s idf_weighting=%g remind=%t",
			m.k, m.sampleSize, m.similarity, m.weighting, m.scoreWeighting, m.idfWeight, m.remind)
	}
	m.similarity = r.str("similarity", sim, "cosine", "jaccard")
	return m, fmt.Sprintf("k=%d sample_size=%d similarity=%s", m.k, m.sampleSize, m.similarity)
}

func buildSR(r *optReader, steps int, weighting string, pruning int) (algorithm, string) {
	m := &rules{}
	m.steps = r.int("steps", steps, 1, 1000)
	m.weighting = r.str("weighting", weighting, weightings...)
	m.pruning = r.int("pruning", pruning, 0, 1_000_000)
	return m, fmt.Sprintf("steps=%d weighting=%s pruning=%d", m.steps, m.weighting, m.pruning)
}

func buildVSTAN(r *optReader) (algorithm, string) {
	m := &vstan{}
	m.k = r.int("k", 500, 1, 1_000_000)
	m.sampleSize = r.int("sample_size", 5000, 0, 100_000_000)
	m.spw = r.float("lambda_spw", 1.02, 0, 1e6)
	m.snh = r.float("lambda_snh", 5, 0, 1e6)
	m.inh = r.float("lambda_inh", 2.05, 0, 1e6)
	m.ipw = r.float("lambda_ipw", 1.02, 0, 1e6)
	m.idf = r.float("lambda_idf", 5, 0, 1e6)
	m.remind = r.bool("remind", true)
	return m, fmt.Sprintf("k=%d sample_size=%d lambda_spw=%g lambda_snh=%g lambda_inh=%g lambda_ipw=%g lambda_idf=%g remind=%t",
		m.k, m.sampleSize, m.spw, m.snh, m.inh, m.ipw, m.idf, m.remind)
}

var builders = []builder{
	{AlgorithmInfo{"sknn", "session kNN (session-rec ContextKNN), cosine, k=100, 500 most recent candidate sessions"},
		func(r *optReader) (algorithm, string) {
			return buildKNN(r, false, 100, 500, "cosine", "", "", 0)
		}},
	{AlgorithmInfo{"vsknn", "vector-multiplied session kNN (session-rec VMContextKNN), k=100, 500 candidates, div position weights and decay"},
		func(r *optReader) (algorithm, string) {
			return buildKNN(r, true, 100, 500, "vec", "div", "div", 0)
		}},
	{AlgorithmInfo{"sr", "sequential rules (session-rec SequentialRules), 10 steps, 1/distance weights, 20 rules per item"},
		func(r *optReader) (algorithm, string) {
			return buildSR(r, 10, "div", 20)
		}},
	{AlgorithmInfo{"ar", "association rules (session-rec AssociationRules), 20 rules per item"},
		func(r *optReader) (algorithm, string) {
			m := &rules{assoc: true}
			m.pruning = r.int("pruning", 20, 0, 1_000_000)
			return m, fmt.Sprintf("pruning=%d", m.pruning)
		}},
	{AlgorithmInfo{"vstan", "V-STAN (session-rec VSKNN_STAN), k=500, 5000 candidates, session-rec's default lambdas"},
		func(r *optReader) (algorithm, string) {
			return buildVSTAN(r)
		}},
	{AlgorithmInfo{"vstan+sr", "the default: V-STAN (k=500) + 0.1 x SR, each normalised to its maximum (chosen on train_tr -> train_valid)"},
		func(r *optReader) (algorithm, string) {
			r.p = "knn."
			a, da := buildVSTAN(r)
			r.p = "sr."
			b, db := buildSR(r, 10, "div", 20)
			r.p = ""
			wa := r.float("w.knn", 1, 0, 1000)
			wb := r.float("w.sr", 0.1, 0, 1000)
			return &weighted{parts: []algorithm{a, b}, weights: []float64{wa, wb}},
				fmt.Sprintf("w.knn=%g w.sr=%g knn.{%s} sr.{%s}", wa, wb, da, db)
		}},
	{AlgorithmInfo{"vsknn+sr", "weighted hybrid of V-SKNN and SR (equal weights), each normalised to its maximum"},
		func(r *optReader) (algorithm, string) {
			r.p = "knn."
			a, da := buildKNN(r, true, 100, 500, "vec", "div", "div", 0)
			r.p = "sr."
			b, db := buildSR(r, 10, "div", 20)
			r.p = ""
			wa := r.float("w.knn", 0.5, 0, 1000)
			wb := r.float("w.sr", 0.5, 0, 1000)
			return &weighted{parts: []algorithm{a, b}, weights: []float64{wa, wb}},
				fmt.Sprintf("w.knn=%g w.sr=%g knn.{%s} sr.{%s}", wa, wb, da, db)
		}},
}

// Algorithms lists the algorithms Train knows.
func Algorithms() []AlgorithmInfo {
	out := make([]AlgorithmInfo, len(builders))
	for i, b := range builders {
		out[i] = b.AlgorithmInfo
	}
	return out
}

// Check reports whether Train would accept the algorithm and options.
func Check(name string, opts Options) error {
	_, _, err := newAlgorithm(name, opts)
	return err
}

func newAlgorithm(name string, opts Options) (algorithm, string, error) {
	for _, b := range builders {
		if b.Name != name {
			continue
		}
		r := &optReader{o: opts, used: map[string]bool{}}
		a, desc := b.build(r)
		if err := r.done(); err != nil {
			return nil, "", fmt.Errorf("reco: %s: %w", name, err)
		}
		return a, name + " " + desc, nil
	}
	names := make([]string, len(builders))
	for i, b := range builders {
		names[i] = b.Name
	}
	return nil, "", fmt.Errorf("reco: unknown algorithm %q (known: %s)", name, strings.Join(names, ", "))
}
