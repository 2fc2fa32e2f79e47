package match

import (
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// FeatureNames names the pair features in the order Features returns them.
// Every feature is symmetric in the two records unless its name says min or
// max of a directional value. -1 means "not applicable" (a side lacks the
// attribute).
var FeatureNames = []string{
	"cos_title", "cos_all", "cos_desc", "jaccard", "contain_min", "contain_max",
	"wjaccard", "unshared_idf_min", "unshared_idf_max", "gram3",
	"codes_sides", "code_exact", "code_stem", "code_in_other_min", "code_in_other_max",
	"code_best_sim", "code_prefix", "unit_conflict", "unit_agree",
	"num_unmatched_max", "num_unmatched_sum", "brand", "price_logratio",
	"len_min", "len_max", "variant_diff", "platform_conflict",
	"title_in_all_min", "title_in_all_max", "bm25_min", "bm25_max",
	"rank_min", "rank_max", "margin_min", "margin_max", "desc_sides",
	"all_code_exact", "shared_idf", "unshared_idf_sum_max",
}

// variantGroups are words that distinguish versions of one product (platform,
// edition, licence). Two titles that differ in them are usually different
// products even when everything else agrees.
var variantGroups = [][]string{
	{"mac"}, {"win", "pc"}, {"linux"},
	{"upgrade"}, {"academic", "student", "teacher", "edu", "education", "school"},
	{"pro"}, {"standard"}, {"deluxe"}, {"premium", "premier"},
	{"home"}, {"server"}, {"oem"}, {"trial"}, {"enterprise", "corporate"}, {"basic"},
	{"license"}, {"refurbished", "refurb"}, {"bundle", "kit"},
	{"ultimate"}, {"plus"}, {"lite", "light"}, {"essential"}, {"suite"},
	{"black"}, {"white"}, {"silver"}, {"red"}, {"blue"},
}

// platformGroups are the indexes of the mac and windows groups above.
const (
	groupMac = 0
	groupWin = 1
)

var variantIndex = func() map[string]int {
	m := map[string]int{}
	for i, g := range variantGroups {
		for _, w := range g {
			m[w] = i
		}
	}
	return m
}()

// prepared holds what the features need from one record, computed once.
type prepared struct {
	title     []string
	titleSet  map[string]struct{}
	allSet    map[string]struct{}
	descSet   map[string]struct{}
	vecTitle  map[string]float64
	vecAll    map[string]float64
	vecDesc   map[string]float64
	descVec   map[string]float64 // vecDesc's map when reused (prepareLive)
	grams     map[string]struct{}
	codes     []string // model-number tokens of title and model column
	allCodes  []string // model-number tokens of title, model column and description
	squashAll string
	nums      []string // numeric tokens of the title
	brand     []string
	brandKnow bool
	price     float64 // 0 when missing
	variants  uint64
}

// corpus holds document frequencies over every record of the tables matched.
type corpus struct {
	n     float64
	df    map[string]int
	avgdl float64
}

func (c *corpus) idf(t string) float64 {
	return math.Log((c.n+1)/(float64(c.df[t])+1)) + 1
}

// strongCode reports whether a model-number token is rare enough to identify
// a product in this corpus.
func (c *corpus) strongCode(t string) bool {
	return float64(c.df[t]) <= math.Max(8, c.n/500)
}

func setOf(ts []string) map[string]struct{} {
	m := make(map[string]struct{}, len(ts))
	for _, t := range ts {
		m[t] = struct{}{}
	}
	return m
}

// Featurizer computes pair features between a left table A and a right table
// B. Term statistics (IDF, BM25 lengths) come from the two tables themselves.
// It caches per-record and per-pair results and is not safe for concurrent use.
type Featurizer struct {
	A, B   []Record
	brands map[string]bool
	c      corpus
	pa, pb []*prepared
	idxA   map[string]int
	idxB   map[string]int
	invA   map[string][]posting
	invB   map[string][]posting
	topA   map[int][]float64    // for a record of B: best cos_title scores over A
	topB   map[int][]float64    // for a record of A: best cos_title scores over B
	cache  map[[2]int][]float64 // base features by pair

	// live makes every B record a query seen alone: features never look at
	// other B records (no "another query fits this A record better").
	live     bool
	ixA, ixB *Index        // built on first use by the second stage
	cA, cB   map[int][]int // index candidates by record
	stackK   int           // index candidates compared by the second stage
}

type posting struct {
	doc int
	w   float64
}

// NewFeaturizer prepares the tables A and B. brands is a vocabulary of brand
// names (lower case, tokenised) used when a record has no brand column.
func NewFeaturizer(A, B []Record, brands map[string]bool) *Featurizer {
	f := &Featurizer{A: A, B: B, brands: brands, cache: map[[2]int][]float64{},
		topA: map[int][]float64{}, topB: map[int][]float64{}, cA: map[int][]int{}, cB: map[int][]int{},
		stackK: defaultStackK}
	f.c.df = map[string]int{}
	toks := func(r Record) ([]string, []string) {
		t := Tokenize(r.Title)
		if r.ModelNo != "" {
			t = append(t, Tokenize(r.ModelNo)...)
		}
		return t, Tokenize(r.Description)
	}
	var total float64
	type tk struct{ t, d []string }
	ta := make([]tk, len(A))
	tb := make([]tk, len(B))
	count := func(t, d []string) {
		total += float64(len(t))
		seen := map[string]struct{}{}
		for _, x := range t {
			seen[x] = struct{}{}
		}
		for _, x := range d {
			seen[x] = struct{}{}
		}
		for x := range seen {
			f.c.df[x]++
		}
	}
	for i, r := range A {
		ta[i].t, ta[i].d = toks(r)
		count(ta[i].t, ta[i].d)
	}
	for i, r := range B {
		tb[i].t, tb[i].d = toks(r)
		count(tb[i].t, tb[i].d)
	}
	f.c.n = float64(len(A) + len(B))
	if f.c.n > 0 {
		f.c.avgdl = total / f.c.n
	}
	f.pa = make([]*prepared, len(A))
	f.pb = make([]*prepared, len(B))
	f.idxA = make(map[string]int, len(A))
	f.idxB = make(map[string]int, len(B))
	for i, r := range A {
		f.pa[i] = f.prepare(r, ta[i].t, ta[i].d)
		f.idxA[r.ID] = i
	}
	for i, r := range B {
		f.pb[i] = f.prepare(r, tb[i].t, tb[i].d)
		f.idxB[r.ID] = i
	}
	f.invA = invert(f.pa)
	f.invB = invert(f.pb)
	return f
}

func invert(ps []*prepared) map[string][]posting {
	inv := map[string][]posting{}
	for i, p := range ps {
		for t, w := range p.vecTitle {
			inv[t] = append(inv[t], posting{i, w})
		}
	}
	return inv
}

// tfidf returns the L2-normalised sublinear TF-IDF vector of ts.
func (f *Featurizer) tfidf(ts []string) map[string]float64 {
	tf := map[string]float64{}
	for _, t := range ts {
		tf[t]++
	}
	f.weigh(tf)
	return tf
}

// weigh turns the term counts tf into the L2-normalised sublinear TF-IDF
// weights, in place.
func (f *Featurizer) weigh(tf map[string]float64) {
	var norm float64
	for t, n := range tf {
		w := (1 + math.Log(n)) * f.c.idf(t)
		tf[t] = w
		norm += w * w
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for t := range tf {
			tf[t] /= norm
		}
	}
}

func (f *Featurizer) prepare(r Record, title, desc []string) *prepared {
	p := &prepared{title: title, titleSet: setOf(title), descSet: setOf(desc)}
	all := append(append([]string{}, title...), desc...)
	p.allSet = setOf(all)
	p.vecTitle = f.tfidf(title)
	p.vecAll = f.tfidf(all)
	if len(desc) > 0 {
		p.vecDesc = f.tfidf(desc)
	}
	p.grams = grams3(strings.Join(title, " "))
	seen := map[string]bool{}
	for _, t := range title {
		if isCodeToken(t) && f.c.strongCode(t) && !seen[t] {
			seen[t] = true
			p.codes = append(p.codes, t)
		}
		if _, _, ok := numericUnit(t); ok {
			p.nums = append(p.nums, t)
		}
		if g, ok := variantIndex[t]; ok {
			p.variants |= 1 << uint(g)
		}
	}
	p.allCodes = append(p.allCodes, p.codes...)
	for _, t := range desc {
		if isCodeToken(t) && f.c.strongCode(t) && !seen[t] {
			seen[t] = true
			p.allCodes = append(p.allCodes, t)
		}
	}
	p.squashAll = squash(r.Title + " " + r.ModelNo + " " + r.Description)
	if r.Brand != "" {
		p.brand = Tokenize(r.Brand)
	}
	f.finishPrepared(p, r, title)
	return p
}

// finishPrepared sets what prepare and prepareLive derive alike from the
// brand tokens already in p.brand (the record's brand field): whether the
// brand is known, the title's first token as a brand candidate, and the
// price.
func (f *Featurizer) finishPrepared(p *prepared, r Record, title []string) {
	p.brandKnow = len(p.brand) > 0
	if len(title) > 0 {
		first := title[0]
		if f.brands[first] {
			p.brandKnow = true
		}
		p.brand = append(p.brand, first)
	}
	p.price = parsePrice(r.Price)
}

// parsePrice reads "$1,299.00", "399.0" or "" (0 = missing).
func parsePrice(s string) float64 {
	if s == "" {
		return 0 // as ParseFloat's error, without allocating it
	}
	s = strings.Map(func(r rune) rune {
		if r == '$' || r == ',' || r == ' ' {
			return -1
		}
		return r
	}, s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	return v
}

func grams3(s string) map[string]struct{} {
	m := map[string]struct{}{}
	s = " " + s + " "
	rs := []rune(s)
	for i := 0; i+3 <= len(rs); i++ {
		m[string(rs[i:i+3])] = struct{}{}
	}
	return m
}

func cosine(a, b map[string]float64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var s float64
	for t, w := range a {
		s += w * b[t]
	}
	return s
}

func interCount(a, b map[string]struct{}) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	for t := range a {
		if _, ok := b[t]; ok {
			n++
		}
	}
	return n
}

// top returns the best cos_title scores of p against the records indexed in
// inv, descending, at most 50.
func top(p *prepared, inv map[string][]posting) []float64 {
	acc := map[int]float64{}
	for t, w := range p.vecTitle {
		for _, q := range inv[t] {
			acc[q.doc] += w * q.w
		}
	}
	s := make([]float64, 0, len(acc))
	for _, v := range acc {
		s = append(s, v)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(s)))
	if len(s) > 50 {
		s = s[:50]
	}
	return s
}

// rankMargin returns the rank of score s in the descending list and the
// margin of s over the best other score.
func rankMargin(s float64, list []float64) (rank, margin float64) {
	const eps = 1e-9
	r := 1
	for _, v := range list {
		if v > s+eps {
			r++
		}
	}
	other := 0.0
	switch {
	case len(list) > 0 && list[0] > s+eps:
		other = list[0]
	case len(list) > 1:
		other = list[1]
	}
	return math.Log2(float64(r)), s - other
}

// Features returns the feature vector of the pair (A[i], B[j]).
func (f *Featurizer) Features(i, j int) []float64 {
	return f.featuresInto(make([]float64, 0, len(FeatureNames)), i, j)
}

// featuresInto is Features appended to x[:0] (no allocation when x has room
// for len(FeatureNames) values).
func (f *Featurizer) featuresInto(x []float64, i, j int) []float64 {
	a, b := f.pa[i], f.pb[j]
	x = x[:0]
	cosT := cosine(a.vecTitle, b.vecTitle)
	x = append(x, cosT, cosine(a.vecAll, b.vecAll))
	if a.vecDesc != nil && b.vecDesc != nil {
		x = append(x, cosine(a.vecDesc, b.vecDesc))
	} else {
		x = append(x, -1)
	}
	inter := float64(interCount(a.titleSet, b.titleSet))
	la, lb := float64(len(a.titleSet)), float64(len(b.titleSet))
	union := la + lb - inter
	x = append(x, safeDiv(inter, union), safeDiv(inter, math.Min(la, lb)), safeDiv(inter, math.Max(la, lb)))

	// IDF-weighted overlap and the rarest unshared token on each side.
	maxIdf := math.Log(f.c.n+1) + 1
	var shared, onlyA, onlyB, maxA, maxB float64
	for t := range a.titleSet {
		w := f.c.idf(t)
		if _, ok := b.titleSet[t]; ok {
			shared += w
		} else {
			onlyA += w
			maxA = math.Max(maxA, w)
		}
	}
	for t := range b.titleSet {
		if _, ok := a.titleSet[t]; !ok {
			w := f.c.idf(t)
			onlyB += w
			maxB = math.Max(maxB, w)
		}
	}
	x = append(x, safeDiv(shared, shared+onlyA+onlyB),
		math.Min(maxA, maxB)/maxIdf, math.Max(maxA, maxB)/maxIdf)

	gi := float64(interCount(a.grams, b.grams))
	x = append(x, safeDiv(gi, float64(len(a.grams)+len(b.grams))-gi))

	// Model numbers.
	sides := 0.0
	if len(a.codes) > 0 {
		sides++
	}
	if len(b.codes) > 0 {
		sides++
	}
	exact, stem, prefix := 0.0, 0.0, 0.0
	best := -1.0
	for _, ca := range a.codes {
		for _, cb := range b.codes {
			if ca == cb {
				exact = 1
			}
			if codeStem(ca) == codeStem(cb) {
				stem = 1
			}
			if len(ca) >= 4 && len(cb) >= 4 && (strings.HasPrefix(ca, cb) || strings.HasPrefix(cb, ca)) {
				prefix = 1
			}
			best = math.Max(best, editSim(ca, cb))
		}
	}
	inA := codeIn(a.codes, b.squashAll)
	inB := codeIn(b.codes, a.squashAll)
	x = append(x, sides, exact, stem, minKnown(inA, inB), math.Max(inA, inB), best, prefix)

	// Numbers with units, bare numbers.
	unitConf, unitAgree := unitCompare(a.nums, b.nums)
	ua := unmatched(a.nums, b.allSet)
	ub := unmatched(b.nums, a.allSet)
	x = append(x, unitConf, unitAgree, math.Max(ua, ub), ua+ub)

	x = append(x, brandScore(a, b))
	if a.price > 0 && b.price > 0 {
		x = append(x, math.Abs(math.Log(a.price/b.price)))
	} else {
		x = append(x, -1)
	}
	x = append(x, math.Min(la, lb), math.Max(la, lb))
	diff := a.variants ^ b.variants
	plat := 0.0
	if (a.variants&(1<<groupMac) != 0 && b.variants&(1<<groupWin) != 0 && b.variants&(1<<groupMac) == 0) ||
		(b.variants&(1<<groupMac) != 0 && a.variants&(1<<groupWin) != 0 && a.variants&(1<<groupMac) == 0) {
		plat = 1
	}
	x = append(x, float64(bits.OnesCount64(diff)), plat)

	ta := safeDiv(float64(interCount(a.titleSet, b.allSet)), la)
	tb := safeDiv(float64(interCount(b.titleSet, a.allSet)), lb)
	x = append(x, math.Min(ta, tb), math.Max(ta, tb))

	ba := safeDiv(f.bm25(a.title, b.title), f.bm25(a.title, a.title))
	bb := safeDiv(f.bm25(b.title, a.title), f.bm25(b.title, b.title))
	x = append(x, math.Min(ba, bb), math.Max(ba, bb))

	// Context: how this pair ranks among all candidates of each side.
	var tb2 []float64 // live: no other queries
	if !f.live {
		var ok bool
		if tb2, ok = f.topB[i]; !ok {
			tb2 = top(a, f.invB)
			f.topB[i] = tb2
		}
	}
	ta2, ok := f.topA[j]
	if !ok {
		ta2 = top(b, f.invA)
		f.topA[j] = ta2
	}
	r1, m1 := rankMargin(cosT, tb2)
	r2, m2 := rankMargin(cosT, ta2)
	x = append(x, math.Min(r1, r2), math.Max(r1, r2), math.Min(m1, m2), math.Max(m1, m2))

	ds := 0.0
	if len(a.descSet) > 0 {
		ds++
	}
	if len(b.descSet) > 0 {
		ds++
	}
	x = append(x, ds)
	allExact := 0.0
	for _, ca := range a.allCodes {
		for _, cb := range b.allCodes {
			if ca == cb {
				allExact = 1
			}
		}
	}
	x = append(x, allExact, shared/maxIdf, math.Max(onlyA, onlyB)/maxIdf)
	// Sums above run in map order; rounding makes the vector reproducible.
	for k, v := range x {
		x[k] = math.Round(v*1e6) / 1e6
	}
	return x
}

// bm25 scores document d for query q with the corpus statistics.
func (f *Featurizer) bm25(q, d []string) float64 {
	const k1, b = 1.2, 0.75
	norm := k1 * (1 - b + b*float64(len(d))/math.Max(f.c.avgdl, 1))
	var s float64
	// Titles are short: counting by scanning allocates nothing.
	for k, t := range q {
		if slices.Contains(q[:k], t) {
			continue
		}
		n := 0.0
		for _, u := range d {
			if u == t {
				n++
			}
		}
		if n > 0 {
			s += f.c.idf(t) * n * (k1 + 1) / (n + norm)
		}
	}
	return s
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// minKnown is the minimum of two values where -1 means unknown.
func minKnown(a, b float64) float64 {
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	}
	return math.Min(a, b)
}

// codeIn is the fraction of codes (4+ characters) found as a substring of the
// squashed text of the other record, or -1 without such codes.
func codeIn(codes []string, other string) float64 {
	n, hit := 0, 0
	for _, c := range codes {
		c = strings.ReplaceAll(c, ".", "")
		if len(c) < 4 {
			continue
		}
		n++
		if strings.Contains(other, c) {
			hit++
		}
	}
	if n == 0 {
		return -1
	}
	return float64(hit) / float64(n)
}

// editSim is 1 - Levenshtein distance / longer length.
func editSim(a, b string) float64 {
	if a == b {
		return 1
	}
	var ra, rb []rune
	var bufA, bufB [32]rune
	var bufP, bufC [33]int
	if len(a) <= len(bufA) && len(b) <= len(bufB) {
		// Short codes: no allocation (a string has at most len(s) runes).
		ra, rb = appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	} else {
		ra, rb = []rune(a), []rune(b)
	}
	var prev, cur []int
	if len(rb) < len(bufP) {
		prev, cur = bufP[:len(rb)+1], bufC[:len(rb)+1]
	} else {
		prev, cur = make([]int, len(rb)+1), make([]int, len(rb)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(rb)])/float64(max(len(ra), len(rb)))
}

// appendRunes appends the runes of s to dst (as []rune(s)).
func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

// unitCompare counts units that both titles give with disjoint values
// (conflicts) and units with a common value (agreements).
func unitCompare(a, b []string) (conflict, agree float64) {
	// Lists of numeric tokens are short: scanning allocates nothing.
	for k, t := range a {
		_, u, ok := numericUnit(t)
		if !ok || u == "" || unitSeen(a[:k], u) || !unitSeen(b, u) {
			continue // not a unit, counted already, or not in b
		}
		common := false
		for _, s := range a[k:] {
			if v, w, ok := numericUnit(s); ok && w == u && unitHas(b, v, u) {
				common = true
			}
		}
		if common {
			agree++
		} else {
			conflict++
		}
	}
	return
}

// unitSeen reports whether a numeric token of ts has unit u.
func unitSeen(ts []string, u string) bool {
	for _, t := range ts {
		if _, w, ok := numericUnit(t); ok && w == u {
			return true
		}
	}
	return false
}

// unitHas reports whether a numeric token of ts has value v and unit u.
func unitHas(ts []string, v, u string) bool {
	for _, t := range ts {
		if x, w, ok := numericUnit(t); ok && w == u && x == v {
			return true
		}
	}
	return false
}

// unmatched counts numeric tokens of a title missing from the other record.
func unmatched(nums []string, other map[string]struct{}) float64 {
	n := 0.0
	for _, t := range nums {
		if _, ok := other[t]; !ok {
			n++
		}
	}
	return n
}

// brandScore is 1 when a brand of one record occurs in the other, -1 when
// both brands are known and neither occurs in the other, else 0.
func brandScore(a, b *prepared) float64 {
	in := func(bs []string, p *prepared) bool {
		for _, t := range bs {
			if _, ok := p.allSet[t]; ok {
				return true
			}
			for _, u := range p.brand {
				if u == t {
					return true
				}
			}
		}
		return false
	}
	if in(a.brand, b) || in(b.brand, a) {
		return 1
	}
	if a.brandKnow && b.brandKnow {
		return -1
	}
	return 0
}

// LearnBrands builds a brand vocabulary from tables: the tokens of every
// brand column, and title first tokens that start at least three titles.
func LearnBrands(tables ...[]Record) map[string]bool {
	m := map[string]bool{}
	first := map[string]int{}
	for _, tab := range tables {
		for _, r := range tab {
			for _, t := range Tokenize(r.Brand) {
				if len(t) >= 2 && !isNumber(t) {
					m[t] = true
				}
			}
			if ts := Tokenize(r.Title); len(ts) > 0 {
				first[ts[0]]++
			}
		}
	}
	for t, n := range first {
		if n >= 3 && len(t) >= 2 && !isNumber(t) {
			m[t] = true
		}
	}
	return m
}
