package match

import (
	"cmp"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/vitrine/vitrine/internal/flat"
)

// This file is the live matcher behind POST /v1/compare: one shopper's page
// at a time against a catalog that changes while it is being served.
//
// Catalog-side statistics are kept incrementally as products arrive, change
// or are replaced:
//
//   - a term dictionary shared by the BM25 index and the feature IDF;
//   - for every term, the number of live products holding it, both as a BM25
//     term (title, brand, model numbers counted extra, stems) and as a
//     feature token (title, model number and description tokens), so IDF and
//     BM25 lengths are exact for the products currently held;
//   - posting lists in product order. A changed or replaced product gets a
//     new number and its old postings become tombstones, skipped at search
//     time and removed when tombstones exceed a quarter of the postings.
//
// Matching retrieves candidates with BM25 over the posting lists, rarest
// terms first. A term with more than fullPostings postings never adds new
// candidates: it only adds its weight to the candidates found through rarer
// terms (binary search in its sorted posting list), and when rarer terms
// found fewer than poolSize products, seedPostings products of the rarest
// such term are added. On catalogs whose terms all have at most fullPostings
// products (the public benchmarks) this is exact BM25, identical to Index.
// The model's features are computed as in batch Lookup with the catalog as
// the left table and the page as the only right record, with one
// approximation: the page's "best cosine over the catalog" context list is
// taken over the poolSize best BM25 candidates instead of every catalog
// product sharing a token.

//go:embed model_live.json
var builtinLiveModel []byte

// BuiltinLive returns the embedded live model: trained with GBDTParams.Live
// (no feature compares the page with other pages), for matching one page at
// a time. See RESULTS.md section 13.
func BuiltinLive() (*Model, error) {
	m, err := ParseModel(builtinLiveModel)
	if err != nil {
		return nil, fmt.Errorf("match: built-in live model: %w", err)
	}
	if !m.Live {
		return nil, fmt.Errorf("match: built-in live model was not trained with Live features")
	}
	return m, nil
}

const (
	// fullPostings: terms with more postings only re-score candidates.
	fullPostings = 1024
	// seedPostings: candidates taken from the rarest common term when rarer
	// terms found too few.
	seedPostings = 64
	// poolSize: BM25 candidates over which the page's cosine context list
	// (rank and margin features) is computed.
	poolSize = 50
	// maxIDDocs: an identifier held by more live products identifies none.
	maxIDDocs = 3
)

// LiveCandidate is a catalog record with its calibrated match probability.
type LiveCandidate struct {
	ID   string
	Prob float64
	// Ambiguous (set by Match on the best candidate) means another catalog
	// product has the same title apart from its model number and the page
	// names neither: the page does not say which of them it is (see
	// ambiguity.go).
	Ambiguous bool
}

// Matcher matches single query records against a catalog held in memory.
// Upsert and Match may be called concurrently from many goroutines.
type Matcher struct {
	model *Model
	fast  *fastModel // nil: score through Model.vectorizer
	// K is the number of index candidates scored per query (default 10:
	// on the tuning queries 10 and 20 give the same lookup F1 and
	// threshold, and 10 costs half; see RESULTS.md section 13).
	K int

	// Everything below is held in pointer-free memory (package flat): the
	// garbage collector does not trace millions of strings and slices.
	mu       sync.RWMutex
	terms    flat.Table         // term -> term id
	termRefs []flat.Ref         // by term id: the term's text in termText
	termText flat.Arena         // term strings (terms are never removed)
	post     flat.Lists[lpost]  // by term id; product numbers ascending
	extra    flat.Lists[uint32] // by term id: products holding the term as an identifier that is not one of their BM25 terms
	idxDF    []int32            // live products with the term as a BM25 term
	featDF   []int32            // live products with the term as a feature token
	docs     []ldoc             // by product number (append only)
	text     flat.Arena         // the records' fields (see putRec)
	byID     flat.Table         // record id -> latest product number with that id (alive or not)
	live     int
	dead     int // tombstoned product numbers whose postings are still listed
	deadPos  int // postings of tombstoned products
	allPos   int // all postings
	idxLen   float64
	featLen  float64
	titles   map[uint64]int32 // title key (ambiguity.go) -> live products holding it
}

type lpost struct {
	doc uint32
	tf  uint16
	id  bool // the term is an identifier of the product
}

type ldoc struct {
	rec   flat.Ref // the record in text
	dl    float32
	alive bool
}

// recFields is the number of Record fields stored for each product.
const recFields = 7

// putRec stores r's fields in the text arena.
func (x *Matcher) putRec(r Record) flat.Ref {
	return x.text.AddStrings(r.ID, r.Title, r.Brand, r.ModelNo, r.Description, r.Category, r.Price)
}

// rec returns the record of product d. Its strings share the arena's
// memory (no copy), and stay valid after the lock is released.
func (x *Matcher) rec(d uint32) Record {
	var f [recFields]string
	x.text.Strings(x.docs[d].rec, f[:])
	return Record{ID: f[0], Title: f[1], Brand: f[2], ModelNo: f[3], Description: f[4], Category: f[5], Price: f[6]}
}

// docID returns the record id of product d.
func (x *Matcher) docID(d uint32) string { return x.text.String(x.docs[d].rec) }

// termKey returns the text of term id.
func (x *Matcher) termKey(id uint32) string { return x.termText.String(x.termRefs[id]) }

// term returns the id of term s.
func (x *Matcher) term(s string) (uint32, bool) { return x.terms.Get(s, x.termKey) }

// liveDoc returns the live product number of record id.
func (x *Matcher) liveDoc(id string) (uint32, bool) {
	d, ok := x.byID.Get(id, x.docID)
	if !ok || !x.docs[d].alive {
		return 0, false
	}
	return d, true
}

// NewMatcher returns an empty matcher scoring with m.
func NewMatcher(m *Model) *Matcher {
	return &Matcher{model: m, fast: newFastModel(m), K: 10}
}

// Model is the model the matcher scores with.
func (x *Matcher) Model() *Model { return x.model }

// Threshold is the abstain threshold: the model's lookup threshold, or its
// pair threshold when it has none.
func (x *Matcher) Threshold() float64 {
	if x.model.LookupThreshold > 0 {
		return x.model.LookupThreshold
	}
	return x.model.Threshold
}

// Len is the number of catalog records held.
func (x *Matcher) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.live
}

// upsertChunk bounds how long one Upsert holds the write lock.
const upsertChunk = 2048

// Upsert adds records, or replaces the records with the same ID. Records
// whose text is unchanged (only the price differs) are updated in place.
func (x *Matcher) Upsert(records []Record) {
	for len(records) > 0 {
		n := min(len(records), upsertChunk)
		x.upsert(records[:n])
		records = records[n:]
	}
}

// Delete removes records by id (unknown ids are ignored).
func (x *Matcher) Delete(ids []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		if d, ok := x.liveDoc(id); ok {
			x.remove(d)
		}
	}
	x.maybeCompact()
}

func sameText(a, b Record) bool {
	return a.Title == b.Title && a.Brand == b.Brand && a.ModelNo == b.ModelNo && a.Description == b.Description
}

// recTerms are the terms a record contributes: BM25 terms with their counts,
// identifier keys, and feature tokens (counted once each).
type recTerms struct {
	terms []string
	ids   []string
	feat  []string
	flen  int // feature title length (title + model number tokens)
	// titleKey (when hasKey) is the record's title key (ambiguity.go).
	titleKey uint64
	hasKey   bool
}

func termsOf(r Record) recTerms {
	var t recTerms
	t.terms, t.ids = indexTerms(r)
	title := Tokenize(r.Title)
	var model []string
	if r.ModelNo != "" {
		model = Tokenize(r.ModelNo)
	}
	t.titleKey, t.hasKey, _ = titleKey(title, model)
	title = append(title, model...)
	t.flen = len(title)
	seen := make(map[string]bool, len(title)+8)
	for _, s := range title {
		if !seen[s] {
			seen[s] = true
			t.feat = append(t.feat, s)
		}
	}
	for _, s := range Tokenize(r.Description) {
		if !seen[s] {
			seen[s] = true
			t.feat = append(t.feat, s)
		}
	}
	return t
}

func (x *Matcher) termID(s string) uint32 {
	if id, ok := x.term(s); ok {
		return id
	}
	id := uint32(len(x.termRefs))
	x.termRefs = append(x.termRefs, x.termText.AddStrings(s))
	x.terms.Add(s, id)
	x.post.Extend(int(id) + 1)
	x.extra.Extend(int(id) + 1)
	x.idxDF = append(x.idxDF, 0)
	x.featDF = append(x.featDF, 0)
	return id
}

func (x *Matcher) upsert(records []Record) {
	prepared := make([]recTerms, len(records))
	for i, r := range records {
		prepared[i] = termsOf(r) // outside the lock
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, r := range records {
		if d, ok := x.liveDoc(r.ID); ok {
			if sameText(x.rec(d), r) {
				x.docs[d].rec = x.putRec(r)
				continue
			}
			x.remove(d)
		}
		x.add(r, prepared[i])
	}
	x.maybeCompact()
}

func (x *Matcher) add(r Record, t recTerms) {
	d := uint32(len(x.docs))
	x.docs = append(x.docs, ldoc{rec: x.putRec(r), dl: float32(len(t.terms)), alive: true})
	x.byID.Put(r.ID, d, x.docID)
	x.live++
	x.idxLen += float64(len(t.terms))
	x.featLen += float64(t.flen)
	if t.hasKey {
		if x.titles == nil {
			x.titles = map[uint64]int32{}
		}
		x.titles[t.titleKey]++
	}
	ids := make(map[string]bool, len(t.ids))
	for _, s := range t.ids {
		ids[s] = true
	}
	tf := make(map[string]int, len(t.terms))
	order := make([]string, 0, len(t.terms))
	for _, s := range t.terms {
		if tf[s] == 0 {
			order = append(order, s)
		}
		tf[s]++
	}
	for _, s := range order {
		id := x.termID(s)
		x.post.Append(id, lpost{doc: d, tf: uint16(min(tf[s], math.MaxUint16)), id: ids[s]})
		x.idxDF[id]++
		x.allPos++
		delete(ids, s)
	}
	// Identifiers that are not BM25 terms (a squashed model number, a GTIN).
	for s := range ids {
		if id := x.termID(s); x.extra.Count(id) <= 64 {
			x.extra.Append(id, d)
		}
	}
	for _, s := range t.feat {
		x.featDF[x.termID(s)]++
	}
}

// remove tombstones product d and takes its terms out of the statistics.
func (x *Matcher) remove(d uint32) {
	doc := &x.docs[d]
	if !doc.alive {
		return
	}
	t := termsOf(x.rec(d))
	doc.alive = false
	x.live--
	x.dead++
	x.idxLen -= float64(len(t.terms))
	x.featLen -= float64(t.flen)
	if t.hasKey {
		if x.titles[t.titleKey]--; x.titles[t.titleKey] <= 0 {
			delete(x.titles, t.titleKey)
		}
	}
	seen := make(map[string]bool, len(t.terms))
	for _, s := range t.terms {
		if !seen[s] {
			seen[s] = true
			id, _ := x.term(s)
			x.idxDF[id]--
			x.deadPos++
		}
	}
	for _, s := range t.feat {
		id, _ := x.term(s)
		x.featDF[id]--
	}
	// The text stays in the arena until compaction (the id is kept then).
}

// maybeCompact drops tombstoned postings when they are a quarter of all.
func (x *Matcher) maybeCompact() {
	if x.deadPos < 1024 || x.deadPos*4 < x.allPos {
		return
	}
	x.compact()
}

// compact removes the postings of tombstoned products. Call with the write
// lock held.
func (x *Matcher) compact() {
	x.post.Compact(func(p lpost) bool { return x.docs[p.doc].alive })
	x.extra.Compact(func(d uint32) bool { return x.docs[d].alive })
	// Rewrite the records' text without the replaced versions; a dead
	// product keeps its id (the byID table finds keys through it).
	var text flat.Arena
	for d := range x.docs {
		r := x.rec(uint32(d))
		if !x.docs[d].alive {
			r = Record{ID: r.ID}
		}
		x.docs[d].rec = text.AddStrings(r.ID, r.Title, r.Brand, r.ModelNo, r.Description, r.Category, r.Price)
	}
	x.text = text
	x.allPos -= x.deadPos
	x.deadPos, x.dead = 0, 0
}

// qterm is one distinct BM25 term of a query.
type qterm struct {
	id  uint32
	idf float64
	n   int // postings listed (live and dead)
}

type scoredDoc struct {
	doc   uint32
	score float64
	byID  bool
}

// search returns up to k products for the query, identifier hits first, then
// by BM25 score, then by record id. Call with the read lock held. The result
// and all working memory are z's (a new scratch state when nil).
func (x *Matcher) search(q recTerms, k int, z *liveScratch) []scoredDoc {
	const k1, b = 1.2, 0.75
	n := float64(x.live)
	if x.live == 0 || k <= 0 {
		return nil
	}
	if z == nil {
		z = newLiveScratch()
	}
	avgdl := x.idxLen / n
	qs := z.qs[:0]
	clear(z.qseen)
	for _, s := range q.terms {
		// Distinct terms: term ids stand for their strings.
		id, ok := x.term(s)
		if !ok {
			continue
		}
		if _, dup := z.qseen[id]; dup {
			continue
		}
		z.qseen[id] = struct{}{}
		if x.idxDF[id] <= 0 {
			continue
		}
		df := float64(x.idxDF[id])
		qs = append(qs, qterm{id: id, idf: math.Log(1 + (n-df+0.5)/(df+0.5)), n: x.post.Count(id)})
	}
	z.qs = qs
	slices.SortFunc(qs, func(a, c qterm) int {
		if a.n != c.n {
			return cmp.Compare(a.n, c.n)
		}
		return cmp.Compare(a.id, c.id)
	})
	bm := func(idf float64, p lpost) float64 {
		tf := float64(p.tf)
		return idf * tf * (k1 + 1) / (tf + k1*(1-b+b*float64(x.docs[p.doc].dl)/avgdl))
	}
	if len(z.acc) > maxScratchAcc {
		// The last query touched many products: do not keep (and clear on
		// every later call) a map that large.
		z.acc = make(map[uint32]float64, 2*poolSize)
	}
	acc := z.acc
	clear(acc)
	i := 0
	for ; i < len(qs) && qs[i].n <= fullPostings; i++ {
		for _, p := range x.post.List(qs[i].id) {
			if x.docs[p.doc].alive {
				acc[p.doc] += bm(qs[i].idf, p)
			}
		}
	}
	if i < len(qs) && len(acc) < poolSize {
		// Too few candidates from rare terms: take some products of the
		// rarest common term (scored by the loop below like the others).
		added := 0
		for _, p := range x.post.List(qs[i].id) {
			if added >= seedPostings {
				break
			}
			if _, ok := acc[p.doc]; !ok && x.docs[p.doc].alive {
				acc[p.doc] = 0
				added++
			}
		}
	}
	if i < len(qs) && len(acc) > 0 {
		docs := z.docs[:0]
		for d := range acc {
			docs = append(docs, d)
		}
		slices.Sort(docs)
		z.docs = docs
		for ; i < len(qs); i++ {
			ps := x.post.List(qs[i].id)
			lo := 0
			for _, d := range docs {
				// First posting at or after d, in ps[lo:].
				a, z := lo, len(ps)
				for a < z {
					h := int(uint(a+z) >> 1)
					if ps[h].doc < d {
						a = h + 1
					} else {
						z = h
					}
				}
				lo = a
				if lo >= len(ps) {
					break
				}
				if ps[lo].doc == d {
					acc[d] += bm(qs[i].idf, ps[lo])
				}
			}
		}
	}
	byID := z.byID
	clear(byID)
	for _, s := range q.ids {
		hits := z.hits[:0]
		id, ok := x.term(s)
		if !ok {
			continue
		}
		if x.idxDF[id] > 0 && x.idxDF[id] <= maxIDDocs {
			for _, p := range x.post.List(id) {
				if p.id && x.docs[p.doc].alive {
					hits = append(hits, p.doc)
				}
			}
		}
		for _, d := range x.extra.List(id) {
			if x.docs[d].alive && !slices.Contains(hits, d) {
				hits = append(hits, d)
			}
		}
		if len(hits) <= maxIDDocs {
			for _, d := range hits {
				byID[d] = true
			}
		}
		z.hits = hits
	}
	// The k best: identifier hits first, then BM25 score, then record id.
	worse := func(a, c scoredDoc) bool { // a ranks after c
		if a.byID != c.byID {
			return c.byID
		}
		if a.score != c.score {
			return a.score < c.score
		}
		return x.docID(a.doc) > x.docID(c.doc)
	}
	h := z.heap[:0] // min-heap: the worst kept at h[0]
	push := func(c scoredDoc) {
		if len(h) == k {
			if !worse(h[0], c) {
				return
			}
			h[0] = c
		} else {
			h = append(h, c)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !worse(h[i], h[p]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			return
		}
		for i := 0; ; {
			l, r, m := 2*i+1, 2*i+2, i
			if l < len(h) && worse(h[l], h[m]) {
				m = l
			}
			if r < len(h) && worse(h[r], h[m]) {
				m = r
			}
			if m == i {
				break
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for d, s := range acc {
		push(scoredDoc{doc: d, score: s, byID: byID[d]})
	}
	for d := range byID {
		if _, ok := acc[d]; !ok {
			push(scoredDoc{doc: d, byID: true})
		}
	}
	z.heap = h
	slices.SortFunc(h, func(a, c scoredDoc) int {
		switch {
		case worse(c, a):
			return -1
		case worse(a, c):
			return 1
		}
		return 0
	})
	return h
}

// Match returns up to k catalog records for the query record, by match
// probability, best first. The probabilities are calibrated; compare the
// best with Threshold, and abstain too when it is Ambiguous.
func (x *Matcher) Match(q Record, k int) []LiveCandidate {
	if k <= 0 {
		return nil
	}
	out := x.score(q, max(x.k(), k), "")
	slices.SortStableFunc(out, func(a, b LiveCandidate) int { return cmp.Compare(b.Prob, a.Prob) })
	if len(out) > k {
		out = out[:k]
	}
	x.markAmbiguous(q, out)
	return out
}

// ScorePair returns the match probability of the catalog record id for the
// query, computed as Match would (the same candidates give the context
// features), whether or not the record is among the query's candidates. ok
// is false when id is not in the catalog.
func (x *Matcher) ScorePair(q Record, id string) (prob float64, ok bool) {
	for _, c := range x.score(q, x.k(), id) {
		if c.ID == id {
			return c.Prob, true
		}
	}
	return 0, false
}

// queryCorpus returns the feature statistics of a query against the live
// catalog, in df (empty): the page counts as one more record, and each of
// its feature tokens has the catalog's document frequency plus one. Call
// with the read lock held.
func (x *Matcher) queryCorpus(qt recTerms, df map[string]int) corpus {
	c := corpus{n: float64(x.live + 1), df: df, avgdl: (x.featLen + float64(qt.flen)) / float64(x.live+1)}
	for _, s := range qt.feat {
		c.df[s] = 1
		if id, ok := x.term(s); ok {
			c.df[s] += int(x.featDF[id])
		}
	}
	return c
}

// addDF adds the catalog's document frequency of token s to df, unless df
// has it already. Call with the read lock held.
func (x *Matcher) addDF(df map[string]int, s string) {
	if _, ok := df[s]; !ok {
		if id, ok := x.term(s); ok {
			df[s] = int(x.featDF[id])
		}
	}
}

func (x *Matcher) k() int {
	if x.K <= 0 {
		return 10
	}
	return x.K
}

// score retrieves the query's candidates and returns the probabilities of
// the K best, in retrieval order. When extra is the id of a catalog record
// outside them, its probability is returned too (last).
func (x *Matcher) score(q Record, K int, extra string) []LiveCandidate {
	if x.fast != nil {
		return x.scoreFast(q, K, extra)
	}
	// The generic path, the reference the fast one is checked against.
	f, nc := x.pageFeaturizer(q, K, extra)
	if f == nil {
		return nil
	}
	out := make([]LiveCandidate, nc)
	vec := x.model.vectorizer(f)
	for i := 0; i < nc; i++ {
		out[i] = LiveCandidate{ID: f.A[i].ID, Prob: x.model.Prob(vec(i, 0))}
	}
	return out
}

// pageFeaturizer prepares the features of the query page q (B[0]) against
// its K best candidates (A[:nc], in retrieval order, plus the record extra
// last when it is not among them), exactly as Match computes them; nil when
// the catalog offers no candidate. Training with live statistics
// (GBDTParams.LiveStats) computes its features here too.
func (x *Matcher) pageFeaturizer(q Record, K int, extra string) (f *Featurizer, nc int) {
	qt := termsOf(q)
	x.mu.RLock()
	res := x.search(qt, max(K, poolSize), nil)
	pool := make([]Record, len(res), len(res)+1)
	for i, r := range res {
		pool[i] = x.rec(r.doc)
	}
	nc = min(K, len(pool))
	if extra != "" {
		d, ok := x.liveDoc(extra)
		if ok && !slices.ContainsFunc(pool[:nc], func(r Record) bool { return r.ID == extra }) {
			// Score it as an extra candidate; it joins the context pool too.
			pool = slices.Insert(pool, nc, x.rec(d))
			nc++
		}
	}
	if len(pool) == 0 {
		x.mu.RUnlock()
		return nil, 0
	}
	// Feature statistics: the catalog's, for the tokens that will be read.
	// The page counts as one more record of the corpus, as the query table
	// did in training (a token shared by the page and one product has
	// document frequency 2, as it had there).
	c := x.queryCorpus(qt, make(map[string]int, 16*len(pool)))
	poolTok := make([][]string, len(pool))
	for i, r := range pool {
		toks := Tokenize(r.Title)
		if r.ModelNo != "" {
			toks = append(toks, Tokenize(r.ModelNo)...)
		}
		poolTok[i] = toks
		for _, s := range toks {
			x.addDF(c.df, s)
		}
		if i < nc {
			for _, s := range Tokenize(r.Description) {
				x.addDF(c.df, s)
			}
		}
	}
	x.mu.RUnlock()

	f = newLiveFeaturizer(pool[:nc], q, poolTok[:nc], c, x.model.BrandSet())
	// The page's context list: best cosine scores over the candidate pool.
	qv := f.pb[0].vecTitle
	scores := make([]float64, 0, len(pool))
	for i := range pool {
		var v map[string]float64
		if i < nc {
			v = f.pa[i].vecTitle
		} else {
			v = f.tfidf(poolTok[i])
		}
		scores = append(scores, cosine(qv, v))
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(scores)))
	if len(scores) > 50 {
		scores = scores[:50]
	}
	f.topA[0] = scores
	// The second stage compares a pair with the page's best stackK
	// candidates (never the extra one, which is not among them).
	ntop := min(len(res), K, f.stackK)
	top := make([]int, ntop)
	for i := range top {
		top[i] = i
	}
	f.cA[0] = top
	for i := 0; i < nc; i++ {
		f.cB[i] = nil // live features never look at other queries
	}
	return f, nc
}

// newLiveFeaturizer prepares candidate records A and the single query q
// with the given corpus statistics.
func newLiveFeaturizer(A []Record, q Record, titles [][]string, c corpus, brands map[string]bool) *Featurizer {
	f := &Featurizer{A: A, B: []Record{q}, brands: brands, c: c, cache: map[[2]int][]float64{},
		topA: map[int][]float64{}, topB: map[int][]float64{}, cA: map[int][]int{}, cB: map[int][]int{},
		stackK: defaultStackK, live: true}
	toks := func(r Record) ([]string, []string) {
		t := Tokenize(r.Title)
		if r.ModelNo != "" {
			t = append(t, Tokenize(r.ModelNo)...)
		}
		return t, Tokenize(r.Description)
	}
	f.pa = make([]*prepared, len(A))
	f.idxA = make(map[string]int, len(A))
	for i, r := range A {
		f.pa[i] = f.prepare(r, titles[i], Tokenize(r.Description))
		f.idxA[r.ID] = i
	}
	t, d := toks(q)
	f.pb = []*prepared{f.prepare(q, t, d)}
	f.idxB = map[string]int{q.ID: 0}
	return f
}
