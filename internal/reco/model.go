package reco

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Scored is one recommended item and its score (higher is better; scores are
// only comparable within one answer).
type Scored struct {
	Item  string  `json:"item"`
	Score float64 `json:"score"`
}

// Model is a trained next-item recommender, the contract the server uses.
//
// Recommend returns at most k items that are likely to be viewed next after
// sessionItems (the current session, oldest first), best first. Items never
// seen in training are ignored; when nothing is known the answer is empty.
//
// Update learns from one more finished session (incremental training): for
// the neighbourhood models the session becomes a possible neighbour, for the
// rule models its transitions are counted. It is equivalent to having had the
// session at the end of the training data.
//
// Implementations are safe for concurrent use: many Recommend calls run in
// parallel, Update takes an exclusive lock for the time of one session.
type Model interface {
	Recommend(sessionItems []string, k int) []Scored
	Update(session Session)
}

// algorithm is what each recommender implements, over item indices of a
// shared corpus.
type algorithm interface {
	// fit builds the model from every session of c.
	fit(c *corpus)
	// add learns the session c.sessions[i], appended after fit.
	add(c *corpus, i int)
	// score adds the scores of candidate next items after prefix to s.
	score(c *corpus, prefix []int32, s *scratch)
}

// corpus holds the training sessions as item indices, with the inverted
// index and counts that several algorithms share.
type corpus struct {
	ids      map[string]int32
	names    []string
	clicks   []int     // item -> number of clicks in training
	sessions []session // in training order
	maxEnd   float64   // the latest session end
	// postings: item -> sessions containing it, ascending by (end, index),
	// so the most recent sessions are at the tail.
	postings [][]int32
}

type session struct {
	seq  []int32 // every click, in order
	uniq []int32 // distinct items, in order of first click
	end  float64 // time of the last click
}

func newCorpus() *corpus { return &corpus{ids: map[string]int32{}} }

func (c *corpus) item(name string) int32 {
	if i, ok := c.ids[name]; ok {
		return i
	}
	i := int32(len(c.names))
	c.ids[name] = i
	c.names = append(c.names, name)
	c.clicks = append(c.clicks, 0)
	c.postings = append(c.postings, nil)
	return i
}

// lookup maps names to indices, dropping unknown items.
func (c *corpus) lookup(names []string, dst []int32) []int32 {
	for _, n := range names {
		if i, ok := c.ids[n]; ok {
			dst = append(dst, i)
		}
	}
	return dst
}

// append adds a session and indexes it; it returns its index.
func (c *corpus) append(s Session) int {
	var ss session
	seen := map[int32]bool{}
	for _, name := range s.Items {
		it := c.item(name)
		c.clicks[it]++
		ss.seq = append(ss.seq, it)
		if !seen[it] {
			seen[it] = true
			ss.uniq = append(ss.uniq, it)
		}
	}
	ss.end = s.End()
	c.maxEnd = max(c.maxEnd, ss.end)
	idx := int32(len(c.sessions))
	c.sessions = append(c.sessions, ss)
	for _, it := range ss.uniq {
		p := c.postings[it]
		// Keep ascending by (end, index); new sessions are usually the latest.
		j := len(p)
		for j > 0 && c.sessions[p[j-1]].end > ss.end {
			j--
		}
		p = slices.Insert(p, j, idx)
		c.postings[it] = p
	}
	return int(idx)
}

// scratch is per-call working memory, reused through a pool.
type scratch struct {
	score   []float64 // item -> accumulated score
	touched []int32   // items with a score
	in      []bool    // item -> in touched
	imark   []uint32  // item -> stamp, for sets of items
	istamp  uint32
	smark   []uint32 // session -> stamp
	sstamp  uint32
	ival    []float64 // item -> per-call value (position weights)
	istep   []int32   // item -> steps from the end of the session
	ipos    []int32   // item -> last position in a neighbour session
	cand    []int32
	nb      []neighbor
	heads   []int
	top     []int32
	prefix  []int32
	uniq    []int32
	parts   [][]itemScore
}

type neighbor struct {
	s   int32
	sim float64
}

func (s *scratch) grow(c *corpus) {
	if n := len(c.names); len(s.score) < n {
		s.score = append(s.score, make([]float64, n-len(s.score))...)
		s.in = append(s.in, make([]bool, n-len(s.in))...)
		s.imark = append(s.imark, make([]uint32, n-len(s.imark))...)
		s.ival = append(s.ival, make([]float64, n-len(s.ival))...)
		s.istep = append(s.istep, make([]int32, n-len(s.istep))...)
		s.ipos = append(s.ipos, make([]int32, n-len(s.ipos))...)
	}
	if n := len(c.sessions); len(s.smark) < n {
		s.smark = append(s.smark, make([]uint32, n-len(s.smark))...)
	}
}

func (s *scratch) add(item int32, v float64) {
	if !s.in[item] {
		s.in[item] = true
		s.touched = append(s.touched, item)
	}
	s.score[item] += v
}

func (s *scratch) nextIStamp() uint32 {
	s.istamp++
	if s.istamp == 0 {
		clear(s.imark)
		s.istamp = 1
	}
	return s.istamp
}

func (s *scratch) nextSStamp() uint32 {
	s.sstamp++
	if s.sstamp == 0 {
		clear(s.smark)
		s.sstamp = 1
	}
	return s.sstamp
}

type itemScore struct {
	item  int32
	score float64
}

// take returns the scores accumulated so far and resets them.
func (s *scratch) take(dst []itemScore) []itemScore {
	for _, it := range s.touched {
		dst = append(dst, itemScore{it, s.score[it]})
		s.score[it] = 0
		s.in[it] = false
	}
	s.touched = s.touched[:0]
	return dst
}

func (s *scratch) reset() {
	for _, it := range s.touched {
		s.score[it] = 0
		s.in[it] = false
	}
	s.touched = s.touched[:0]
}

// topK puts the k best items with a positive score into s.top, best first.
// Ties are broken by training popularity, then by item index, so answers are
// deterministic. It resets the scores.
func (s *scratch) topK(c *corpus, k int) []int32 {
	top := s.top[:0]
	better := func(a, b int32) bool {
		if s.score[a] != s.score[b] {
			return s.score[a] > s.score[b]
		}
		if c.clicks[a] != c.clicks[b] {
			return c.clicks[a] > c.clicks[b]
		}
		return a < b
	}
	for _, it := range s.touched {
		if !(s.score[it] > 0) {
			continue
		}
		if len(top) == k && !better(it, top[k-1]) {
			continue
		}
		j := len(top)
		if j < k {
			top = append(top, it)
		} else {
			j = k - 1
		}
		for j > 0 && better(it, top[j-1]) {
			top[j] = top[j-1]
			j--
		}
		top[j] = it
	}
	s.top = top
	return top
}

// Trained is a trained algorithm over its corpus; it implements Model.
type Trained struct {
	name string
	mu   sync.RWMutex
	c    *corpus
	algo algorithm
	pool sync.Pool
}

var _ Model = (*Trained)(nil)

// Name is the algorithm's name with its options.
func (t *Trained) Name() string { return t.name }

// Train builds algorithm name (see Algorithms) with opts overriding its
// defaults, from the training sessions in order.
func Train(name string, opts Options, sessions []Session) (*Trained, error) {
	a, desc, err := newAlgorithm(name, opts)
	if err != nil {
		return nil, err
	}
	t := &Trained{name: desc, c: newCorpus(), algo: a}
	t.pool.New = func() any { return new(scratch) }
	for _, s := range sessions {
		t.c.append(s)
	}
	a.fit(t.c)
	return t, nil
}

// Recommend implements Model.
func (t *Trained) Recommend(sessionItems []string, k int) []Scored {
	if k <= 0 {
		return nil
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	s := t.pool.Get().(*scratch)
	defer t.pool.Put(s)
	s.prefix = t.c.lookup(sessionItems, s.prefix[:0])
	if len(s.prefix) == 0 {
		return nil
	}
	top := t.recommendIdx(s, s.prefix, k)
	out := make([]Scored, len(top))
	for i, it := range top {
		out[i] = Scored{Item: t.c.names[it], Score: s.score[it]}
	}
	s.reset()
	return out
}

// recommendIdx scores and ranks; the caller holds the read lock and must
// reset s after reading the scores of the answer.
func (t *Trained) recommendIdx(s *scratch, prefix []int32, k int) []int32 {
	s.grow(t.c)
	t.algo.score(t.c, prefix, s)
	return s.topK(t.c, k)
}

// Update implements Model.
func (t *Trained) Update(session Session) {
	if len(session.Items) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	i := t.c.append(session)
	t.algo.add(t.c, i)
}

// Options override an algorithm's parameters: "k" -> "200".
type Options map[string]string

// ParseOptions reads "k=200,sample_size=1000".
func ParseOptions(s string) (Options, error) {
	o := Options{}
	for kv := range strings.SplitSeq(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("option %q: want key=value", kv)
		}
		o[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return o, nil
}

// String lists the options sorted by key.
func (o Options) String() string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + o[k])
	}
	return b.String()
}

// optReader consumes options by key, remembering the first error and which
// keys were used.
type optReader struct {
	p    string // key prefix, for the parts of a hybrid
	o    Options
	used map[string]bool
	err  error
}

func (r *optReader) str(key string, def string, allowed ...string) string {
	key = r.p + key
	r.used[key] = true
	v, ok := r.o[key]
	if !ok {
		return def
	}
	if len(allowed) > 0 && !slices.Contains(allowed, v) && r.err == nil {
		r.err = fmt.Errorf("option %s=%s: want one of %s", key, v, strings.Join(allowed, ", "))
	}
	return v
}

func (r *optReader) int(key string, def, min, max int) int {
	key = r.p + key
	r.used[key] = true
	v, ok := r.o[key]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if (err != nil || n < min || n > max) && r.err == nil {
		r.err = fmt.Errorf("option %s=%s: want an integer in %d..%d", key, v, min, max)
	}
	return n
}

func (r *optReader) float(key string, def, min, max float64) float64 {
	key = r.p + key
	r.used[key] = true
	v, ok := r.o[key]
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if (err != nil || f < min || f > max) && r.err == nil {
		r.err = fmt.Errorf("option %s=%s: want a number in %g..%g", key, v, min, max)
	}
	return f
}

func (r *optReader) bool(key string, def bool) bool {
	key = r.p + key
	r.used[key] = true
	v, ok := r.o[key]
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("option %s=%s: want true or false", key, v)
	}
	return b
}

// done reports the first error, or an unknown key.
func (r *optReader) done() error {
	if r.err != nil {
		return r.err
	}
	var unknown []string
	for k := range r.o {
		if !r.used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		known := make([]string, 0, len(r.used))
		for k := range r.used {
			known = append(known, k)
		}
		sort.Strings(known)
		return fmt.Errorf("unknown option %s (known: %s)", strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	return nil
}
