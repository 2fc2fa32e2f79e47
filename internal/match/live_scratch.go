package match

import (
	"slices"
	"strings"
	"sync"

	"github.com/vitrine/vitrine/internal/ident"
)

// Allocation-light scoring for the live matcher. A Match call used to
// allocate a few hundred KB in thousands of objects (token strings, maps of
// the BM25 accumulator, the 3-gram and TF-IDF maps of every pool record,
// feature vectors), which made the garbage collector the largest cost of
// POST /v1/compare on a large catalog. The fast path (scoreFast) computes
// the same values into per-call scratch state taken from a sync.Pool:
// maps are cleared and slices truncated for the next call, and token strings
// live in the scratch tokenizer's byte arena. Nothing handed back to the
// caller points into the scratch state (candidate ids are catalog strings).
//
// The scratch state is owned by one call at a time (Get from the pool, Put
// back when done); concurrent Match calls each have their own.

// liveScratch is the per-call scratch state of Match.
type liveScratch struct {
	tok tokenizer // every token and joined string of the call

	// The query's terms (termsOf).
	q                     recTerms
	qTitle, qModel, qDesc []string
	qFeatTitle            []string // title then model number tokens
	seen                  map[string]struct{}

	// BM25 retrieval (search).
	qs         []qterm
	qseen      map[uint32]struct{}
	acc        map[uint32]float64
	docs, hits []uint32
	byID       map[uint32]bool
	heap       []scoredDoc

	// The candidate pool and its features.
	pool              []Record
	toks              []string // the pool records' tokens, one after another
	titleEnd, descEnd []int    // by pool record: end of its title and description tokens in toks
	df                map[string]int
	preps             []prepared // candidates then the query
	pa                []*prepared
	qrec              [1]Record
	f                 Featurizer
	vec               map[string]float64 // TF-IDF of a context-only pool record
	scores            []float64

	// Tree scoring (fastModel.probsInto).
	rows                   []float64 // feature rows, width len(FeatureNames)+len(StackNames)
	X, X2                  [][]float64
	sum, margin, p1, probs []float64
}

// maxScratchAcc bounds the BM25 accumulator kept for the next call, and
// maxScratchText the tokenizer arena kept in the pool.
const (
	maxScratchAcc  = 1 << 14
	maxScratchText = 1 << 20
)

var liveScratchPool = sync.Pool{New: func() any { return newLiveScratch() }}

func newLiveScratch() *liveScratch {
	z := &liveScratch{
		seen:  map[string]struct{}{},
		qseen: map[uint32]struct{}{},
		acc:   make(map[uint32]float64, 2*poolSize),
		byID:  map[uint32]bool{},
		df:    make(map[string]int, 16*poolSize),
		vec:   map[string]float64{},
	}
	z.f.topA = map[int][]float64{}
	return z
}

// reset drops everything the previous call left (its strings included).
func (z *liveScratch) reset() {
	z.tok.reset()
	clear(z.seen)
	clear(z.qseen)
	clear(z.byID)
	clear(z.df)
	clear(z.vec)
	clear(z.f.topA)
	clear(z.pool) // no references to records of earlier calls
	z.pool = z.pool[:0]
	z.f.A, z.f.B, z.f.pa, z.f.pb, z.f.brands, z.f.c = nil, nil, nil, nil, nil, corpus{}
}

// release returns z to the pool, unless an unusually large query or pool
// record grew its arena: that memory is left to the garbage collector.
func (z *liveScratch) release() {
	if cap(z.tok.buf) <= maxScratchText {
		liveScratchPool.Put(z)
	}
}

// termsOf is termsOf(r) (and indexTerms) with the tokens in the scratch
// arena. The query's title tokens (with the model number's), and its
// description tokens, are kept in qFeatTitle and qDesc.
func (z *liveScratch) termsOf(r Record) recTerms {
	tk := &z.tok
	t := recTerms{terms: z.q.terms[:0], ids: z.q.ids[:0], feat: z.q.feat[:0]}
	title := tk.appendTokens(z.qTitle[:0], r.Title)
	z.qTitle = title
	model := tk.appendTokens(z.qModel[:0], r.ModelNo)
	z.qModel = model
	desc := tk.appendTokens(z.qDesc[:0], r.Description)
	z.qDesc = desc

	// As indexTerms. ids holds exactly the identifiers seen until the GTINs.
	t.terms = append(t.terms, title...)
	t.terms = tk.appendTokens(t.terms, r.Brand)
	addCode := func(s string) {
		if slices.Contains(t.ids, s) {
			return
		}
		t.ids = append(t.ids, s)
		for k := 0; k < codeBoost; k++ {
			t.terms = append(t.terms, s)
		}
		if st := codeStem(s); st != s {
			t.terms = append(t.terms, tk.concat("stem:", st))
		}
	}
	for _, s := range title {
		if isCodeToken(s) {
			addCode(s)
		}
	}
	for _, s := range model {
		if isCodeToken(s) {
			addCode(s)
		}
	}
	if m := tk.squash(r.ModelNo); len(m) >= 4 && !slices.Contains(t.ids, m) {
		t.ids = append(t.ids, m)
	}
	for _, s := range desc {
		if isCodeToken(s) && !slices.Contains(t.ids, s) {
			t.ids = append(t.ids, s)
			t.terms = append(t.terms, s)
		}
	}
	gtin := func(s string) {
		if len(s) >= 8 && len(s) <= 14 && isNumber(s) {
			if g, err := ident.NormalizeGTIN(s); err == nil {
				t.ids = append(t.ids, tk.concat("gtin:", g))
			}
		}
	}
	for _, s := range title {
		gtin(s)
	}
	for _, s := range desc {
		gtin(s)
	}

	// As termsOf: feature tokens.
	ft := append(z.qFeatTitle[:0], title...)
	if r.ModelNo != "" {
		ft = append(ft, model...)
	}
	z.qFeatTitle = ft
	t.flen = len(ft)
	for _, s := range ft {
		if _, ok := z.seen[s]; !ok {
			z.seen[s] = struct{}{}
			t.feat = append(t.feat, s)
		}
	}
	for _, s := range desc {
		if _, ok := z.seen[s]; !ok {
			z.seen[s] = struct{}{}
			t.feat = append(t.feat, s)
		}
	}
	z.q = t
	return t
}

// scoreFast is score for a matcher with a fast model.
func (x *Matcher) scoreFast(q Record, K int, extra string) []LiveCandidate {
	z := liveScratchPool.Get().(*liveScratch)
	defer z.release()
	z.reset()
	tk := &z.tok

	qt := z.termsOf(q)
	x.mu.RLock()
	res := x.search(qt, max(K, poolSize), z)
	pool := z.pool[:0]
	for _, r := range res {
		pool = append(pool, x.rec(r.doc))
	}
	nc := min(K, len(pool))
	if extra != "" {
		d, ok := x.liveDoc(extra)
		if ok && !slices.ContainsFunc(pool[:nc], func(r Record) bool { return r.ID == extra }) {
			// Score it as an extra candidate; it joins the context pool too.
			pool = slices.Insert(pool, nc, x.rec(d))
			nc++
		}
	}
	z.pool = pool
	if len(pool) == 0 {
		x.mu.RUnlock()
		return nil
	}
	// Feature statistics, as in score.
	c := x.queryCorpus(qt, z.df)
	toks := z.toks[:0]
	titleEnd, descEnd := z.titleEnd[:0], z.descEnd[:0]
	for i, r := range pool {
		start := len(toks)
		toks = tk.appendTokens(toks, r.Title)
		if r.ModelNo != "" {
			toks = tk.appendTokens(toks, r.ModelNo)
		}
		for _, s := range toks[start:] {
			x.addDF(c.df, s)
		}
		titleEnd = append(titleEnd, len(toks))
		if i < nc {
			start := len(toks)
			toks = tk.appendTokens(toks, r.Description)
			for _, s := range toks[start:] {
				x.addDF(c.df, s)
			}
		}
		descEnd = append(descEnd, len(toks))
	}
	z.toks, z.titleEnd, z.descEnd = toks, titleEnd, descEnd
	x.mu.RUnlock()
	titleOf := func(i int) []string {
		if i == 0 {
			return toks[:titleEnd[0]]
		}
		return toks[descEnd[i-1]:titleEnd[i]]
	}

	// The featurizer of newLiveFeaturizer, on scratch memory.
	f := &z.f
	f.A, f.B, f.brands, f.c = pool[:nc], z.qrec[:], x.model.BrandSet(), c
	f.live, f.stackK = true, defaultStackK
	z.qrec[0] = q
	for len(z.preps) < nc+1 {
		z.preps = append(z.preps, prepared{})
	}
	pa := z.pa[:0]
	for i := 0; i <= nc; i++ {
		pa = append(pa, &z.preps[i])
	}
	z.pa = pa
	f.pa, f.pb = pa[:nc], pa[nc:nc+1]
	for i := 0; i < nc; i++ {
		f.prepareLive(pa[i], pool[i], titleOf(i), toks[titleEnd[i]:descEnd[i]], tk)
	}
	f.prepareLive(pa[nc], q, z.qFeatTitle, z.qDesc, tk)

	// The page's context list: best cosine scores over the candidate pool.
	qv := f.pb[0].vecTitle
	scores := z.scores[:0]
	for i := range pool {
		var v map[string]float64
		if i < nc {
			v = f.pa[i].vecTitle
		} else {
			v = f.tfidfInto(z.vec, titleOf(i))
		}
		scores = append(scores, cosine(qv, v))
	}
	z.scores = scores
	slices.Sort(scores)
	slices.Reverse(scores)
	if len(scores) > 50 {
		scores = scores[:50]
	}
	f.topA[0] = scores

	ntop := min(len(res), K, f.stackK)
	w := len(FeatureNames) + len(StackNames)
	if cap(z.rows) < nc*w {
		z.rows = make([]float64, nc*w)
	}
	X, X2 := z.X[:0], z.X2[:0]
	for i := 0; i < nc; i++ {
		row := z.rows[i*w : (i+1)*w : (i+1)*w]
		X = append(X, f.featuresInto(row[:0], i, 0))
		X2 = append(X2, row)
	}
	z.X, z.X2 = X, X2
	probs := x.fast.probsInto(z, X, X2, ntop)
	out := make([]LiveCandidate, nc)
	for i, p := range probs {
		out[i] = LiveCandidate{ID: pool[i].ID, Prob: p}
	}
	return out
}

// prepareLive is prepare on p's reused maps and slices, with tokens and
// joined strings built in tk's arena.
func (f *Featurizer) prepareLive(p *prepared, r Record, title, desc []string, tk *tokenizer) {
	p.title = title
	p.titleSet = setInto(p.titleSet, title)
	p.descSet = setInto(p.descSet, desc)
	p.allSet = setInto(p.allSet, title)
	for _, t := range desc {
		p.allSet[t] = struct{}{}
	}
	// all = title then desc, as in prepare.
	if p.vecAll == nil {
		p.vecAll = map[string]float64{}
	}
	clear(p.vecAll)
	for _, t := range title {
		p.vecAll[t]++
	}
	for _, t := range desc {
		p.vecAll[t]++
	}
	f.weigh(p.vecAll)
	if p.vecTitle == nil {
		p.vecTitle = map[string]float64{}
	}
	p.vecTitle = f.tfidfInto(p.vecTitle, title)
	p.vecDesc = nil
	if len(desc) > 0 {
		if p.descVec == nil {
			p.descVec = map[string]float64{}
		}
		p.vecDesc = f.tfidfInto(p.descVec, desc)
	}
	if p.grams == nil {
		p.grams = map[string]struct{}{}
	}
	clear(p.grams)
	grams3Into(p.grams, title, tk)
	// Codes: p.codes and p.allCodes hold exactly the codes seen so far.
	p.codes, p.nums, p.variants = p.codes[:0], p.nums[:0], 0
	for _, t := range title {
		if isCodeToken(t) && f.c.strongCode(t) && !slices.Contains(p.codes, t) {
			p.codes = append(p.codes, t)
		}
		if _, _, ok := numericUnit(t); ok {
			p.nums = append(p.nums, t)
		}
		if g, ok := variantIndex[t]; ok {
			p.variants |= 1 << uint(g)
		}
	}
	p.allCodes = append(p.allCodes[:0], p.codes...)
	for _, t := range desc {
		if isCodeToken(t) && f.c.strongCode(t) && !slices.Contains(p.allCodes, t) {
			p.allCodes = append(p.allCodes, t)
		}
	}
	p.squashAll = tk.squash(r.Title, r.ModelNo, r.Description)
	p.brand = p.brand[:0]
	if r.Brand != "" {
		p.brand = tk.appendTokens(p.brand, r.Brand)
	}
	f.finishPrepared(p, r, title)
}

// setInto returns m (made when nil) cleared and holding ts.
func setInto(m map[string]struct{}, ts []string) map[string]struct{} {
	if m == nil {
		m = make(map[string]struct{}, len(ts))
	}
	clear(m)
	for _, t := range ts {
		m[t] = struct{}{}
	}
	return m
}

// tfidfInto is tfidf(ts) computed in m (cleared first).
func (f *Featurizer) tfidfInto(m map[string]float64, ts []string) map[string]float64 {
	clear(m)
	for _, t := range ts {
		m[t]++
	}
	f.weigh(m)
	return m
}

// grams3Into adds grams3(strings.Join(title, " ")) to m; for ASCII titles
// the grams are substrings of the joined title in tk's arena.
func grams3Into(m map[string]struct{}, title []string, tk *tokenizer) {
	start := len(tk.buf)
	tk.buf = append(tk.buf, ' ')
	for i, t := range title {
		if i > 0 {
			tk.buf = append(tk.buf, ' ')
		}
		tk.buf = append(tk.buf, t...)
	}
	tk.buf = append(tk.buf, ' ')
	s := tk.str(start)
	if !isASCII(s) {
		for g := range grams3(strings.Join(title, " ")) {
			m[g] = struct{}{}
		}
		return
	}
	for i := 0; i+3 <= len(s); i++ {
		m[s[i:i+3]] = struct{}{}
	}
}
