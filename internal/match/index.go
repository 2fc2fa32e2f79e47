package match

import (
	"math"
	"sort"

	"github.com/vitrine/vitrine/internal/ident"
)

// Candidate is a catalog record proposed for a query.
type Candidate struct {
	Index        int     // position in the indexed records
	ID           string  // record id
	Score        float64 // BM25 score (identifier hits rank first regardless)
	ByIdentifier bool    // found by an exact model number or GTIN
}

// Index is an inverted index over catalog records for candidate retrieval:
// BM25 over title and brand tokens, with model numbers (and their stems)
// counted extra, and an exact identifier map (model number, GTIN) that is
// consulted first.
type Index struct {
	recs  []Record
	post  map[string][]ipost
	dl    []float64
	avgdl float64
	ids   map[string][]int
}

type ipost struct {
	doc int
	tf  float32
}

// codeBoost is how many extra times a model-number token counts in a document.
const codeBoost = 2

// indexTerms returns the BM25 terms of a record and its identifier keys.
func indexTerms(r Record) (terms, ids []string) {
	title := Tokenize(r.Title)
	terms = append(terms, title...)
	terms = append(terms, Tokenize(r.Brand)...)
	seen := map[string]bool{}
	addCode := func(t string) {
		if seen[t] {
			return
		}
		seen[t] = true
		ids = append(ids, t)
		for k := 0; k < codeBoost; k++ {
			terms = append(terms, t)
		}
		if s := codeStem(t); s != t {
			terms = append(terms, "stem:"+s)
		}
	}
	for _, t := range title {
		if isCodeToken(t) {
			addCode(t)
		}
	}
	for _, t := range Tokenize(r.ModelNo) {
		if isCodeToken(t) {
			addCode(t)
		}
	}
	if m := squash(r.ModelNo); len(m) >= 4 && !seen[m] {
		seen[m] = true
		ids = append(ids, m)
	}
	for _, t := range Tokenize(r.Description) {
		if isCodeToken(t) && !seen[t] {
			seen[t] = true
			ids = append(ids, t)
			terms = append(terms, t)
		}
	}
	for _, t := range append(title, Tokenize(r.Description)...) {
		if len(t) >= 8 && len(t) <= 14 && isNumber(t) {
			if g, err := ident.NormalizeGTIN(t); err == nil {
				ids = append(ids, "gtin:"+g)
			}
		}
	}
	return terms, ids
}

// NewIndex builds an index over records.
func NewIndex(records []Record) *Index {
	ix := &Index{recs: records, post: map[string][]ipost{}, dl: make([]float64, len(records)), ids: map[string][]int{}}
	var total float64
	for d, r := range records {
		terms, ids := indexTerms(r)
		tf := map[string]float32{}
		for _, t := range terms {
			tf[t]++
		}
		for t, n := range tf {
			ix.post[t] = append(ix.post[t], ipost{d, n})
		}
		ix.dl[d] = float64(len(terms))
		total += float64(len(terms))
		for _, id := range ids {
			if l := ix.ids[id]; len(l) == 0 || l[len(l)-1] != d {
				ix.ids[id] = append(l, d)
			}
		}
	}
	if len(records) > 0 {
		ix.avgdl = total / float64(len(records))
	}
	// An identifier shared by many records identifies none of them.
	for id, docs := range ix.ids {
		if len(docs) > 3 {
			delete(ix.ids, id)
		}
	}
	return ix
}

// Len is the number of indexed records.
func (ix *Index) Len() int { return len(ix.recs) }

// Search returns up to k candidates for the query: records sharing an exact
// identifier first, then the best BM25 scores.
func (ix *Index) Search(query Record, k int) []Candidate {
	terms, ids := indexTerms(query)
	const k1, b = 1.2, 0.75
	n := float64(len(ix.recs))
	acc := map[int]float64{}
	seen := map[string]bool{}
	for _, t := range terms {
		if seen[t] {
			continue
		}
		seen[t] = true
		ps := ix.post[t]
		if len(ps) == 0 {
			continue
		}
		idf := math.Log(1 + (n-float64(len(ps))+0.5)/(float64(len(ps))+0.5))
		for _, p := range ps {
			tf := float64(p.tf)
			acc[p.doc] += idf * tf * (k1 + 1) / (tf + k1*(1-b+b*ix.dl[p.doc]/ix.avgdl))
		}
	}
	byID := map[int]bool{}
	for _, id := range ids {
		for _, d := range ix.ids[id] {
			byID[d] = true
		}
	}
	cands := make([]Candidate, 0, len(acc)+len(byID))
	for d, s := range acc {
		cands = append(cands, Candidate{Index: d, ID: ix.recs[d].ID, Score: s, ByIdentifier: byID[d]})
	}
	for d := range byID {
		if _, ok := acc[d]; !ok {
			cands = append(cands, Candidate{Index: d, ID: ix.recs[d].ID, ByIdentifier: true})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, c := cands[i], cands[j]
		if a.ByIdentifier != c.ByIdentifier {
			return a.ByIdentifier
		}
		if a.Score != c.Score {
			return a.Score > c.Score
		}
		return a.Index < c.Index
	})
	if len(cands) > k {
		cands = cands[:k]
	}
	return cands
}
