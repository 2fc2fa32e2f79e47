package reco

import (
	"math"
	"slices"
)

// knn is session-based k-nearest-neighbours, in the two variants of
// session-rec:
//
// SKNN (ContextKNN): the neighbours of the current session are found among
// the sampleSize most recent training sessions that share an item with it,
// by a set similarity (cosine by default); each item of the k most similar
// neighbours scores the sum of the similarities of the neighbours that hold
// it.
//
// V-SKNN (VMContextKNN, vector = true): the current session is a vector
// whose weights grow towards its most recent item (weighting), the similarity
// is the dot product with the neighbour's binary vector ("vec", divided by the
// number of distinct current items) or a cosine on those vectors; a
// neighbour's contribution is decayed by how far back in the current session
// its most recent shared item lies (scoreWeighting), optionally boosted by
// the item's IDF (score += score * idf * idfWeight), and items of the current
// session may be left out (remind = false).
//
// Differences from session-rec, none of which changes a ranking on its
// own: SKNN's cosine is the textbook |A∩B|/sqrt(|A||B|) (session-rec computes
// |A∩B|/sqrt(|B|)*sqrt(|A|), the same ordering of neighbours and items times a
// constant per query); ties between equally recent or equally similar
// sessions go to the more recent, then later-indexed session (session-rec:
// Python set order).
type knn struct {
	k, sampleSize  int
	similarity     string // cosine, jaccard (SKNN); vec, cosine (V-SKNN)
	vector         bool
	weighting      string // position weight of current items (V-SKNN)
	scoreWeighting string // decay of a neighbour by the step of its last shared item (V-SKNN)
	idfWeight      float64
	remind         bool
}

func (m *knn) fit(c *corpus)        {}
func (m *knn) add(c *corpus, i int) {}

func (m *knn) score(c *corpus, prefix []int32, s *scratch) {
	// The current session as a set, with position weights and steps.
	st := s.nextIStamp()
	n := len(prefix)
	uniq := s.uniq[:0]
	for p, it := range prefix {
		if s.imark[it] != st {
			s.imark[it] = st
			uniq = append(uniq, it)
		}
		// the last occurrence wins, as in session-rec's pos_map
		s.ival[it] = posWeight(m.weighting, p+1, n)
		s.istep[it] = int32(n - p)
	}
	s.uniq = uniq
	distinct := len(uniq)
	s.cand = m.sample(c, uniq, s)
	var norm float64 // V-SKNN cosine: the norm of the current session's vector
	for _, it := range uniq {
		norm += s.ival[it] * s.ival[it]
	}
	norm = math.Sqrt(norm)
	nb := s.nb[:0]
	for _, si := range s.cand {
		items := c.sessions[si].uniq
		inter := 0
		var dot float64
		for _, it := range items {
			if s.imark[it] == st {
				inter++
				dot += s.ival[it]
			}
		}
		if inter == 0 {
			continue
		}
		var sim float64
		switch {
		case !m.vector && m.similarity == "jaccard":
			sim = float64(inter) / float64(distinct+len(items)-inter)
		case !m.vector:
			sim = float64(inter) / math.Sqrt(float64(distinct)*float64(len(items)))
		case m.similarity == "cosine":
			sim = dot / (norm * math.Sqrt(float64(len(items))))
		default: // vec
			sim = dot / float64(distinct)
		}
		if sim > 0 {
			nb = append(nb, neighbor{si, sim})
		}
	}
	nb = topNeighbors(nb, m.k)
	s.nb = nb
	nsess := float64(len(c.sessions))
	for _, x := range nb {
		items := c.sessions[x.s].uniq
		if !m.vector {
			for _, it := range items {
				s.add(it, x.sim)
			}
			continue
		}
		step := int32(math.MaxInt32)
		for _, it := range items {
			if s.imark[it] == st && s.istep[it] < step {
				step = s.istep[it]
			}
		}
		decay := stepWeight(m.scoreWeighting, int(step))
		for _, it := range items {
			if !m.remind && s.imark[it] == st {
				continue
			}
			v := x.sim
			if m.idfWeight != 0 {
				v += v * math.Log(nsess/float64(c.clicks[it])) * m.idfWeight
			}
			s.add(it, v*decay)
		}
	}
}

// sample returns the sampleSize most recent training sessions that contain
// one of the items (all of them when there are fewer), most recent first. It
// merges the items' postings lists from their recent ends.
func (m *knn) sample(c *corpus, items []int32, s *scratch) []int32 {
	cand := s.cand[:0]
	heads := s.heads[:0]
	for _, it := range items {
		heads = append(heads, len(c.postings[it])-1)
	}
	ss := s.nextSStamp()
	limit := m.sampleSize
	if limit <= 0 {
		limit = math.MaxInt
	}
	for len(cand) < limit {
		best := -1
		var bestS int32
		for l, h := range heads {
			if h < 0 {
				continue
			}
			if si := c.postings[items[l]][h]; best < 0 || later(c, si, bestS) {
				best, bestS = l, si
			}
		}
		if best < 0 {
			break
		}
		heads[best]--
		if s.smark[bestS] == ss {
			continue
		}
		s.smark[bestS] = ss
		cand = append(cand, bestS)
	}
	s.heads = heads
	return cand
}

// later orders sessions by end time, then index.
func later(c *corpus, a, b int32) bool {
	ea, eb := c.sessions[a].end, c.sessions[b].end
	if ea != eb {
		return ea > eb
	}
	return a > b
}

// posWeight is V-SKNN's weight of the i-th (1-based) of n items of the
// current session (session-rec VMContextKNN.weighting).
func posWeight(kind string, i, n int) float64 {
	switch kind {
	case "div":
		return float64(i) / float64(n)
	case "quadratic":
		r := float64(i) / float64(n)
		return r * r
	case "log":
		return 1 / math.Log10(float64(n-i)+1.7)
	case "linear":
		if i <= 10 {
			return 1 - 0.1*float64(n-i)
		}
		return 0
	}
	return 1 // same
}

// stepWeight is the decay of a rule or neighbour i steps back (1-based):
// session-rec's div, quadratic, log, linear and same.
func stepWeight(kind string, i int) float64 {
	switch kind {
	case "div":
		return 1 / float64(i)
	case "quadratic":
		return 1 / float64(i*i)
	case "log":
		return 1 / math.Log10(float64(i)+1.7)
	case "linear":
		if i <= 100 {
			return 1 - 0.1*float64(i)
		}
		return 0
	}
	return 1 // same
}

// topNeighbors keeps the k most similar neighbours. The sort is stable: the
// candidates come most recent first, and that order stays among equal
// similarities.
func topNeighbors(nb []neighbor, k int) []neighbor {
	slices.SortStableFunc(nb, func(a, b neighbor) int {
		switch {
		case a.sim > b.sim:
			return -1
		case a.sim < b.sim:
			return 1
		}
		return 0
	})
	if len(nb) > k {
		nb = nb[:k]
	}
	return nb
}
