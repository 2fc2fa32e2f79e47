package match

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// EvalPairs classifies each pair with the model at its threshold and compares
// with the pair labels. It returns the metrics and each pair's probability.
func EvalPairs(m *Model, A, B []Record, pairs []Pair) (Metrics, []float64, error) {
	f := NewFeaturizer(A, B, m.BrandSet())
	X, y, err := featurize(f, m.vectorizer(f), pairs)
	if err != nil {
		return Metrics{}, nil, err
	}
	probs := make([]float64, len(X))
	for i, x := range X {
		probs[i] = m.Prob(x)
	}
	return confusion(probs, y, m.Threshold), probs, nil
}

// LookupOptions controls catalog lookup.
type LookupOptions struct {
	K         int     // candidates scored per query (default 20)
	Threshold float64 // abstain below this probability; 0 uses the model's
}

// LookupResult is the answer for one query: the best catalog record and its
// match probability, or Abstained when the best is below the threshold.
type LookupResult struct {
	Query     string
	Best      string
	Prob      float64
	Abstained bool
	// Ambiguous (live lookup): the page does not tell Best from another
	// catalog product; it abstains whatever the threshold.
	Ambiguous bool
}

// Lookup finds, for every query record, the best catalog record: candidates
// from the index, scored by the model. IDF and context statistics come from
// the catalog and the queries being matched.
func Lookup(m *Model, catalog, queries []Record, opt LookupOptions) []LookupResult {
	if opt.K <= 0 {
		opt.K = 20
	}
	th := opt.Threshold
	if th <= 0 {
		th = m.LookupThreshold
	}
	if th <= 0 {
		th = m.Threshold
	}
	f := NewFeaturizer(catalog, queries, m.BrandSet())
	vec := m.vectorizer(f)
	ix := NewIndex(catalog)
	out := make([]LookupResult, len(queries))
	for j, q := range queries {
		r := LookupResult{Query: q.ID, Abstained: true}
		for _, c := range ix.Search(q, opt.K) {
			p := m.Prob(vec(c.Index, j))
			if r.Best == "" || p > r.Prob {
				r.Best, r.Prob = c.ID, p
			}
		}
		r.Abstained = r.Best == "" || r.Prob < th
		out[j] = r
	}
	return out
}

// goldPartners turns a two-column mapping into query id -> catalog ids,
// detecting which column holds catalog ids.
func goldPartners(gold [][2]string, catalog, queries []Record) (map[string]map[string]bool, error) {
	cat := map[string]bool{}
	for _, r := range catalog {
		cat[r.ID] = true
	}
	qs := map[string]bool{}
	for _, r := range queries {
		qs[r.ID] = true
	}
	fwd, rev := 0, 0
	for _, g := range gold {
		if cat[g[0]] && qs[g[1]] {
			fwd++
		}
		if qs[g[0]] && cat[g[1]] {
			rev++
		}
	}
	if fwd == 0 && rev == 0 {
		return nil, errors.New("match: gold mapping ids match neither catalog nor query ids")
	}
	out := map[string]map[string]bool{}
	for _, g := range gold {
		c, q := g[0], g[1]
		if rev > fwd {
			c, q = g[1], g[0]
		}
		if !cat[c] || !qs[q] {
			continue
		}
		if out[q] == nil {
			out[q] = map[string]bool{}
		}
		out[q][c] = true
	}
	return out, nil
}

// ScoreLookup computes lookup metrics: a correct answer is a true positive; a
// wrong answer is a false positive and, when the query has a partner, also a
// false negative; an abstention on a query with a partner is a false
// negative; an answer to a query without a partner is a false positive. Top1
// is the fraction of queries with a partner whose best candidate (ignoring the
// threshold) is a partner.
func ScoreLookup(res []LookupResult, gold map[string]map[string]bool) Metrics {
	var m Metrics
	withGold, top1 := 0, 0
	for _, r := range res {
		g := gold[r.Query]
		if len(g) > 0 {
			withGold++
			if g[r.Best] {
				top1++
			}
		}
		switch {
		case r.Abstained && len(g) > 0:
			m.FN++
		case r.Abstained:
			m.TN++
		case g[r.Best]:
			m.TP++
		case len(g) > 0:
			m.FP++
			m.FN++
		default:
			m.FP++
		}
	}
	m.N = len(res)
	m.Top1 = safeDiv(float64(top1), float64(withGold))
	m.finish()
	return m
}

// Rethreshold returns res with abstentions recomputed at threshold th.
func Rethreshold(res []LookupResult, th float64) []LookupResult {
	out := make([]LookupResult, len(res))
	for i, r := range res {
		r.Abstained = r.Best == "" || r.Prob < th || r.Ambiguous
		out[i] = r
	}
	return out
}

// TuneLookupThreshold returns the abstain threshold that maximises the
// lookup F1 summed over the given result sets (each scored against its own
// gold partners). Call it only with queries kept apart from evaluation.
func TuneLookupThreshold(sets [][]LookupResult, golds []map[string]map[string]bool) (float64, Metrics) {
	return TuneLookupThresholdFloor(sets, golds, 0)
}

// TuneLookupThresholdFloor is TuneLookupThreshold among the thresholds whose
// precision is at least minPrecision (when none is, the most precise one).
func TuneLookupThresholdFloor(sets [][]LookupResult, golds []map[string]map[string]bool, minPrecision float64) (float64, Metrics) {
	var cands []float64
	for _, res := range sets {
		for _, r := range res {
			if r.Best != "" {
				cands = append(cands, math.Round(r.Prob*1000)/1000)
			}
		}
	}
	cands = append(cands, 1.1)
	sort.Float64s(cands)
	cands = slices.Compact(cands)
	bestT, best := 0.5, Metrics{F1: -1}
	precT, prec := 0.5, Metrics{Precision: -1}
	for _, t := range cands {
		var tot Metrics
		for k, res := range sets {
			m := ScoreLookup(Rethreshold(res, t), golds[k])
			tot.TP += m.TP
			tot.FP += m.FP
			tot.FN += m.FN
			tot.TN += m.TN
			tot.N += m.N
		}
		tot.finish()
		if tot.TP > 0 && tot.Precision > prec.Precision {
			precT, prec = t, tot
		}
		if tot.Precision < minPrecision {
			continue
		}
		if tot.F1 > best.F1 || (tot.F1 == best.F1 && t < bestT) {
			bestT, best = t, tot
		}
	}
	if best.F1 < 0 {
		return precT, prec
	}
	return bestT, best
}

// PairCompleteness is the fraction of gold (query, catalog) pairs whose
// catalog record is among the top k candidates of the query.
func PairCompleteness(ix *Index, queries []Record, gold map[string]map[string]bool, k int) float64 {
	total, hit := 0, 0
	for _, q := range queries {
		g := gold[q.ID]
		if len(g) == 0 {
			continue
		}
		found := map[string]bool{}
		for _, c := range ix.Search(q, k) {
			found[c.ID] = true
		}
		for id := range g {
			total++
			if found[id] {
				hit++
			}
		}
	}
	return safeDiv(float64(hit), float64(total))
}

// DataDir finds the shared benchmark data: $VITRINE_DATA when set, else the
// first "shared/data" found walking up from the working directory.
func DataDir() (string, error) {
	if d := os.Getenv("VITRINE_DATA"); d != "" {
		if _, err := os.Stat(d); err != nil {
			return "", fmt.Errorf("match: VITRINE_DATA: %w", err)
		}
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("match: %w", err)
	}
	for {
		d := filepath.Join(dir, "shared", "data")
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("match: no shared/data above the working directory and VITRINE_DATA is not set")
		}
		dir = parent
	}
}

// fprintMetrics writes the counts of m.
func fprintMetrics(w io.Writer, label string, m Metrics) {
	fmt.Fprintf(w, "%s: tp=%d fp=%d fn=%d tn=%d precision=%.4f recall=%.4f f1=%.4f\n",
		label, m.TP, m.FP, m.FN, m.TN, m.Precision, m.Recall, m.F1)
}
