package match

import (
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// liveModelOrBuiltin loads the model at path, or the built-in live model
// when path is "".
func liveModelOrBuiltin(path string) (*Model, error) {
	if path == "" {
		return BuiltinLive()
	}
	return LoadModel(path)
}

// LiveLookup is Lookup through the live matcher: the catalog is upserted
// into a Matcher and every query is matched alone, as POST /v1/compare
// matches one page (no statistics from the other queries).
func LiveLookup(m *Model, catalog, queries []Record, opt LookupOptions) []LookupResult {
	x := NewMatcher(m)
	if opt.K > 0 {
		x.K = opt.K
	}
	x.Upsert(catalog)
	th := opt.Threshold
	if th <= 0 {
		th = x.Threshold()
	}
	out := make([]LookupResult, len(queries))
	for j, q := range queries {
		r := LookupResult{Query: q.ID, Abstained: true}
		if c := x.Match(q, 1); len(c) > 0 {
			r.Best, r.Prob, r.Ambiguous = c[0].ID, c[0].Prob, c[0].Ambiguous
		}
		r.Abstained = r.Best == "" || r.Prob < th || r.Ambiguous
		out[j] = r
	}
	return out
}

// LiveEvalPairs scores each (A, B) pair through the live matcher with A as
// the catalog and the B record as the page, and classifies it at the
// model's pair threshold.
func LiveEvalPairs(m *Model, A, B []Record, pairs []Pair) (Metrics, error) {
	x := NewMatcher(m)
	x.Upsert(A)
	byB := make(map[string]Record, len(B))
	for _, r := range B {
		byB[r.ID] = r
	}
	probs := make([]float64, 0, len(pairs))
	y := make([]float64, 0, len(pairs))
	for _, p := range pairs {
		q, ok := byB[p.Right]
		if !ok {
			return Metrics{}, fmt.Errorf("match: right id %q not in table B", p.Right)
		}
		pr, ok := x.ScorePair(q, p.Left)
		if !ok {
			return Metrics{}, fmt.Errorf("match: left id %q not in table A", p.Left)
		}
		probs = append(probs, pr)
		y = append(y, float64(p.Label))
	}
	return confusion(probs, y, m.Threshold), nil
}

// RunEvalLive is RunEval through the live matcher with the model at
// modelPath ("" = built-in live model).
func RunEvalLive(dir, modelPath string, w io.Writer) (Metrics, error) {
	m, err := liveModelOrBuiltin(modelPath)
	if err != nil {
		return Metrics{}, err
	}
	A, err := LoadTable(filepath.Join(dir, "tableA.csv"))
	if err != nil {
		return Metrics{}, err
	}
	B, err := LoadTable(filepath.Join(dir, "tableB.csv"))
	if err != nil {
		return Metrics{}, err
	}
	test, err := LoadPairs(filepath.Join(dir, "test.csv"))
	if err != nil {
		return Metrics{}, err
	}
	start := time.Now()
	met, err := LiveEvalPairs(m, A, B, test.Pairs)
	if err != nil {
		return Metrics{}, err
	}
	fmt.Fprintf(w, "%s (live matcher): %d + %d records, %d pairs, threshold %.4f, %v\n", datasetName(dir), len(A), len(B), len(test.Pairs), m.Threshold, time.Since(start).Round(time.Millisecond))
	fprintMetrics(w, "pairs", met)
	fmt.Fprintf(w, "f1=%.4f precision=%.4f recall=%.4f pairs=%d\n", met.F1, met.Precision, met.Recall, met.N)
	return met, nil
}

// RunLookupLive is RunLookupModel through the live matcher ("" = built-in
// live model).
func RunLookupLive(catalog, queries, gold, modelPath string, opt LookupOptions, w io.Writer) (Metrics, error) {
	m, err := liveModelOrBuiltin(modelPath)
	if err != nil {
		return Metrics{}, err
	}
	cat, qs, partners, err := LoadLookup(catalog, queries, gold)
	if err != nil {
		return Metrics{}, err
	}
	start := time.Now()
	res := LiveLookup(m, cat, qs, opt)
	took := time.Since(start)
	met := ScoreLookup(res, partners)
	met.PC10 = PairCompleteness(NewIndex(cat), qs, partners, 10)
	fmt.Fprintf(w, "catalog %d records, %d queries (%d with a gold partner), live matcher %v (%.2f ms/query incl. loading)\n",
		len(cat), len(qs), len(partners), took.Round(time.Millisecond), float64(took.Microseconds())/1000/float64(max(len(qs), 1)))
	fmt.Fprintf(w, "candidates: PC@10=%.4f\n", met.PC10)
	fprintMetrics(w, "lookup", met)
	fmt.Fprintf(w, "f1=%.4f precision=%.4f recall=%.4f top1=%.4f\n", met.F1, met.Precision, met.Recall, met.Top1)
	return met, nil
}
