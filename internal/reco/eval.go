package reco

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Accuracy accumulates session-rec's HitRate@N and MRR@N over next-item
// targets: a target is a hit when it is among the first N recommended items,
// and contributes 1/rank (1-based) to the reciprocal-rank sum, 0 otherwise.
type Accuracy struct {
	N       int     // cut-off, 20 in the published comparisons
	Targets int     // next-item targets seen
	Hits    int     // targets in the top N
	RRSum   float64 // sum of 1/rank over hits
}

// AddRank records one target found at 1-based rank (0: not recommended).
func (a *Accuracy) AddRank(rank int) {
	a.Targets++
	if rank >= 1 && rank <= a.N {
		a.Hits++
		a.RRSum += 1 / float64(rank)
	}
}

// AddList records one target against a ranked list of items.
func (a *Accuracy) AddList(list []string, target string) {
	for i, it := range list {
		if i >= a.N {
			break
		}
		if it == target {
			a.AddRank(i + 1)
			return
		}
	}
	a.AddRank(0)
}

// Merge adds b's counts.
func (a *Accuracy) Merge(b Accuracy) {
	a.Targets += b.Targets
	a.Hits += b.Hits
	a.RRSum += b.RRSum
}

// HR is HitRate@N.
func (a Accuracy) HR() float64 {
	if a.Targets == 0 {
		return 0
	}
	return float64(a.Hits) / float64(a.Targets)
}

// MRR is MRR@N.
func (a Accuracy) MRR() float64 {
	if a.Targets == 0 {
		return 0
	}
	return a.RRSum / float64(a.Targets)
}

// EvalResult is the outcome of Evaluate.
type EvalResult struct {
	Accuracy
	Sessions int
	Elapsed  time.Duration
}

// Evaluate runs session-rec's next-item protocol: for every test session and
// every position p but the last, the model is given the items up to p and the
// target is the item at p+1. The test sessions never update the model.
// Sessions are split over workers (results do not depend on their number);
// progress, when not nil, is called with the sessions done so far.
func Evaluate(ctx context.Context, t *Trained, test []Session, n, workers int, progress func(done, total int)) (EvalResult, error) {
	start := time.Now()
	workers = max(1, min(workers, len(test)))
	per := make([]Accuracy, len(test))
	var mu sync.Mutex
	done := 0
	next := 0
	var wg sync.WaitGroup
	t.mu.RLock()
	defer t.mu.RUnlock()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := new(scratch)
			var seq []int32
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(test) || ctx.Err() != nil {
					return
				}
				seq = seq[:0]
				for _, name := range test[i].Items {
					it, ok := t.c.ids[name]
					if !ok {
						it = -1
					}
					seq = append(seq, it)
				}
				a := Accuracy{N: n}
				for p := 0; p+1 < len(seq); p++ {
					prefix := dropUnknown(seq[:p+1], &s.prefix)
					target := seq[p+1]
					if len(prefix) == 0 {
						a.AddRank(0)
						continue
					}
					top := t.recommendIdx(s, prefix, n)
					rank := 0
					for r, it := range top {
						if it == target {
							rank = r + 1
							break
						}
					}
					s.reset()
					a.AddRank(rank)
				}
				per[i] = a
				mu.Lock()
				done++
				d := done
				mu.Unlock()
				if progress != nil && (d%250 == 0 || d == len(test)) {
					progress(d, len(test))
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return EvalResult{}, err
	}
	res := EvalResult{Accuracy: Accuracy{N: n}, Sessions: len(test)}
	for _, a := range per {
		res.Merge(a)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// dropUnknown returns seq without unknown items (-1), reusing buf.
func dropUnknown(seq []int32, buf *[]int32) []int32 {
	clean := true
	for _, it := range seq {
		if it < 0 {
			clean = false
			break
		}
	}
	if clean {
		return seq
	}
	b := (*buf)[:0]
	for _, it := range seq {
		if it >= 0 {
			b = append(b, it)
		}
	}
	*buf = b
	return b
}

// RefList is one row of a session-rec recommendation dump (its Saver
// metric): after the item at 0-based Position of session SessionID, the
// ranked Items.
type RefList struct {
	SessionID string
	Position  int
	Items     []string
}

// ReadRefLists reads session-rec's semicolon-separated dump with header
// SessionId;Position;Recommendations;Scores, Recommendations being a
// comma-separated ranked list.
func ReadRefLists(path string) ([]RefList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reco: %w", err)
	}
	defer f.Close()
	return readRefLists(f, path)
}

func readRefLists(r io.Reader, name string) ([]RefList, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	var out []RefList
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if line == 1 {
			if !strings.HasPrefix(text, "SessionId;Position;Recommendations") {
				return nil, fmt.Errorf("%s:1: header %q: want SessionId;Position;Recommendations;Scores", name, text)
			}
			continue
		}
		if text == "" {
			continue
		}
		f := strings.Split(text, ";")
		if len(f) < 3 {
			return nil, fmt.Errorf("%s:%d: %d fields, want 4", name, line, len(f))
		}
		pos, err := strconv.Atoi(f[1])
		if err != nil || pos < 0 {
			return nil, fmt.Errorf("%s:%d: Position %q: want an integer >= 0", name, line, f[1])
		}
		var items []string
		if f[2] != "" {
			items = strings.Split(f[2], ",")
		}
		out = append(out, RefList{SessionID: f[0], Position: pos, Items: items})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// ScoreRefLists scores recommendation dumps against the test sessions: the
// target of a row is the item at Position+1 of its session.
func ScoreRefLists(test []Session, lists []RefList, n int) (Accuracy, error) {
	byID := make(map[string]*Session, len(test))
	for i := range test {
		byID[test[i].ID] = &test[i]
	}
	a := Accuracy{N: n}
	for _, l := range lists {
		s, ok := byID[l.SessionID]
		if !ok {
			return a, fmt.Errorf("reco: session %s of a recommendation list is not in the test data", l.SessionID)
		}
		if l.Position+1 >= len(s.Items) {
			return a, fmt.Errorf("reco: session %s has %d items, no target after position %d", l.SessionID, len(s.Items), l.Position)
		}
		a.AddList(l.Items, s.Items[l.Position+1])
	}
	return a, nil
}
