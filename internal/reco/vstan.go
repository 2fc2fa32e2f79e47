package reco

import (
	"math"
)

// vstan is V-STAN (Ludewig, Latifi and Jannach 2021; session-rec
// VSKNN_STAN): session kNN with the three exponential decays of STAN (Garg et
// al. 2019) and V-SKNN's IDF boost.
//
//   - spw: an item at 1-based position p of the n items of the current
//     session weighs exp((p-n)/spw) in a cosine similarity (last occurrence
//     wins);
//   - snh: a neighbour that ended d days before the most recent training
//     session is down-weighted by exp(-d/snh). session-rec measures d from
//     the time of the test event instead; within one prediction that only
//     multiplies every neighbour by the same factor, so the ranking is the
//     same, and the model needs no clock;
//   - inh: an item of a neighbour scores exp(-|q-q*|/inh), q being its last
//     position in the neighbour and q* the last position there of an item of
//     the current session;
//   - ipw: a neighbour's contribution decays by exp((p*-n)/ipw), p* being the
//     last position in the current session of an item it shares;
//   - idf: score += score * log(sessions/clicks of the item) * idf.
//
// A zero lambda switches its decay off.
type vstan struct {
	k, sampleSize           int
	spw, snh, inh, ipw, idf float64
	remind                  bool
}

func (m *vstan) fit(c *corpus)        {}
func (m *vstan) add(c *corpus, i int) {}

func (m *vstan) score(c *corpus, prefix []int32, s *scratch) {
	st := s.nextIStamp()
	n := len(prefix)
	uniq := s.uniq[:0]
	for p, it := range prefix {
		if s.imark[it] != st {
			s.imark[it] = st
			uniq = append(uniq, it)
		}
		w := 1.0
		if m.spw > 0 {
			w = math.Exp(float64(p+1-n) / m.spw)
		}
		s.ival[it] = w
		s.istep[it] = int32(p + 1) // last 1-based position in the current session
	}
	s.uniq = uniq
	var norm float64
	for _, it := range uniq {
		norm += s.ival[it] * s.ival[it]
	}
	norm = math.Sqrt(norm)
	s.cand = (&knn{sampleSize: m.sampleSize}).sample(c, uniq, s)
	nb := s.nb[:0]
	for _, si := range s.cand {
		items := c.sessions[si].uniq
		var dot float64
		for _, it := range items {
			if s.imark[it] == st {
				dot += s.ival[it]
			}
		}
		if dot == 0 {
			continue
		}
		sim := dot / (norm * math.Sqrt(float64(len(items))))
		if m.snh > 0 {
			sim *= math.Exp(-(c.maxEnd - c.sessions[si].end) / (m.snh * 86400))
		}
		if sim > 0 {
			nb = append(nb, neighbor{si, sim})
		}
	}
	nb = topNeighbors(nb, m.k)
	s.nb = nb
	nsess := float64(len(c.sessions))
	for _, x := range nb {
		ns := c.sessions[x.s]
		star := int32(0)
		pstar := int32(0)
		for j, it := range ns.seq {
			s.ipos[it] = int32(j + 1)
			if s.imark[it] == st {
				star = int32(j + 1)
				pstar = max(pstar, s.istep[it])
			}
		}
		w := x.sim
		if m.ipw > 0 {
			w *= math.Exp(float64(int(pstar)-n) / m.ipw)
		}
		for _, it := range ns.uniq {
			if !m.remind && s.imark[it] == st {
				continue
			}
			v := w
			if m.inh > 0 {
				v *= math.Exp(-math.Abs(float64(s.ipos[it]-star)) / m.inh)
			}
			if m.idf != 0 {
				v += v * math.Log(nsess/float64(c.clicks[it])) * m.idf
			}
			s.add(it, v)
		}
	}
}
