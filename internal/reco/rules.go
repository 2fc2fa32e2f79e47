package reco

import "slices"

// rules are session-rec's rule models, scored from the last item of the
// current session only.
//
// SR (SequentialRules): every time y follows x within steps clicks in a
// training session, the rule x -> y gains stepWeight(weighting, distance).
//
// AR (AssociationRules): every time x and y occur in the same training
// session (any order, each pair of clicks once, an item with itself
// included), x -> y and y -> x gain 1.
//
// Both keep, per source item, the pruning strongest rules (0: all), ties
// going to the rule created first, exactly as session-rec's Counter.most_common
// does. Counts are kept unpruned so that add (incremental training) stays
// exact; the pruned lists are rebuilt for the sources a session touched.
type rules struct {
	assoc     bool
	steps     int
	weighting string
	pruning   int

	out    []ruleList    // source item -> rules in creation order
	pruned [][]itemScore // source item -> the rules used for scoring
}

type ruleList struct {
	at map[int32]int32 // target -> position in to/w
	to []int32
	w  []float64
}

func (m *rules) fit(c *corpus) {
	m.out, m.pruned = nil, nil
	for i := range c.sessions {
		m.learn(c, i, nil)
	}
	m.pruned = make([][]itemScore, len(m.out))
	for src := range m.out {
		m.prune(int32(src))
	}
}

func (m *rules) add(c *corpus, i int) {
	touched := map[int32]bool{}
	m.learn(c, i, touched)
	for src := range touched {
		m.prune(src)
	}
}

func (m *rules) learn(c *corpus, i int, touched map[int32]bool) {
	if n := len(c.names); len(m.out) < n {
		m.out = append(m.out, make([]ruleList, n-len(m.out))...)
		m.pruned = append(m.pruned, make([][]itemScore, n-len(m.pruned))...)
	}
	inc := func(x, y int32, w float64) {
		l := &m.out[x]
		if l.at == nil {
			l.at = map[int32]int32{}
		}
		p, ok := l.at[y]
		if !ok {
			p = int32(len(l.to))
			l.at[y] = p
			l.to = append(l.to, y)
			l.w = append(l.w, 0)
		}
		l.w[p] += w
		if touched != nil {
			touched[x] = true
		}
	}
	seq := c.sessions[i].seq
	for j := 1; j < len(seq); j++ {
		y := seq[j]
		if m.assoc {
			for _, x := range seq[:j] {
				inc(x, y, 1)
				inc(y, x, 1)
			}
			continue
		}
		for d := 1; d <= min(m.steps, j); d++ {
			inc(seq[j-d], y, stepWeight(m.weighting, d))
		}
	}
}

func (m *rules) prune(src int32) {
	l := m.out[src]
	r := m.pruned[src][:0]
	for p, y := range l.to {
		r = append(r, itemScore{y, l.w[p]})
	}
	slices.SortStableFunc(r, func(a, b itemScore) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	if m.pruning > 0 && len(r) > m.pruning {
		r = r[:m.pruning]
	}
	m.pruned[src] = slices.Clip(r)
}

func (m *rules) score(c *corpus, prefix []int32, s *scratch) {
	last := prefix[len(prefix)-1]
	if int(last) >= len(m.pruned) {
		return
	}
	for _, r := range m.pruned[last] {
		s.add(r.item, r.score)
	}
}

// weighted is session-rec's WeightedHybrid: each part's scores divided by
// their maximum, then summed with the part's weight.
type weighted struct {
	parts   []algorithm
	weights []float64
}

func (m *weighted) fit(c *corpus) {
	for _, p := range m.parts {
		p.fit(c)
	}
}

func (m *weighted) add(c *corpus, i int) {
	for _, p := range m.parts {
		p.add(c, i)
	}
}

func (m *weighted) score(c *corpus, prefix []int32, s *scratch) {
	if len(s.parts) < len(m.parts) {
		s.parts = make([][]itemScore, len(m.parts))
	}
	parts := s.parts[:len(m.parts)]
	for i, p := range m.parts {
		p.score(c, prefix, s)
		parts[i] = s.take(parts[i][:0])
	}
	for i, part := range parts {
		var mx float64
		for _, x := range part {
			mx = max(mx, x.score)
		}
		if mx <= 0 {
			continue
		}
		for _, x := range part {
			if x.score > 0 {
				s.add(x.item, m.weights[i]*x.score/mx)
			}
		}
	}
}
