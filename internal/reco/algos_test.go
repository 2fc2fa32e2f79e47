package reco

import (
	"context"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// sessions builds training sessions from "A B C" strings; session i ends at
// time i+1, so later sessions are more recent.
func sessions(specs ...string) []Session {
	var out []Session
	for i, sp := range specs {
		s := Session{ID: string(rune('a' + i))}
		for _, it := range strings.Fields(sp) {
			s.Items = append(s.Items, it)
			s.Times = append(s.Times, float64(i+1))
		}
		out = append(out, s)
	}
	return out
}

func train(t *testing.T, name, opts string, ss []Session) *Trained {
	t.Helper()
	o, err := ParseOptions(opts)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Train(name, o, ss)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func items(rs []Scored) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Item)
	}
	return out
}

type known struct {
	query  string
	items  []string
	scores []float64 // nil: not checked
}

func checkKnown(t *testing.T, m Model, cases []known) {
	t.Helper()
	for _, c := range cases {
		got := m.Recommend(strings.Fields(c.query), 10)
		if !reflect.DeepEqual(items(got), c.items) {
			t.Errorf("after %q: %v, want %v", c.query, items(got), c.items)
			continue
		}
		for i, s := range c.scores {
			if math.Abs(got[i].Score-s) > 1e-12 {
				t.Errorf("after %q: score of %s %v, want %v", c.query, got[i].Item, got[i].Score, s)
			}
		}
	}
}

func TestSKNN(t *testing.T) {
	ss := sessions("A B C", "A D", "E F")
	c1, c2 := 1/math.Sqrt(3), 1/math.Sqrt(2)
	// Neighbours of [A]: s0 (cosine 1/sqrt(3)) and s1 (1/sqrt(2)); B and C tie
	// and go in training order.
	checkKnown(t, train(t, "sknn", "", ss), []known{
		{"A", []string{"A", "D", "B", "C"}, []float64{c1 + c2, c2, c1, c1}},
		{"E", []string{"E", "F"}, []float64{1 / math.Sqrt(2), 1 / math.Sqrt(2)}},
		{"unknown", []string{}, nil},
		{"A unknown", []string{"A", "D", "B", "C"}, nil},
	})
	// Only the most recent candidate session is sampled.
	checkKnown(t, train(t, "sknn", "sample_size=1", ss), []known{{"A", []string{"A", "D"}, nil}})
	// Only the most similar neighbour is used.
	checkKnown(t, train(t, "sknn", "k=1", ss), []known{{"A", []string{"A", "D"}, nil}})
	// [A B]: s0 shares 2 of 3 items (2/sqrt(6)), s1 one (1/sqrt(4)).
	checkKnown(t, train(t, "sknn", "", ss), []known{
		{"A B", []string{"A", "B", "C", "D"}, []float64{2/math.Sqrt(6) + 0.5, 2 / math.Sqrt(6), 2 / math.Sqrt(6), 0.5}},
	})
}

func TestVSKNN(t *testing.T) {
	ss := sessions("A Z", "B Y")
	// [A B] with div weights: A 1/2, B 1. vec similarity (divided by 2
	// distinct items): s0 0.25, s1 0.5. s0's last shared item is 2 steps
	// back (decay 1/2), s1's 1 step back (decay 1).
	checkKnown(t, train(t, "vsknn", "", ss), []known{
		{"A B", []string{"B", "Y", "A", "Z"}, []float64{0.5, 0.5, 0.125, 0.125}},
	})
	// Without reminders the session's own items are left out.
	checkKnown(t, train(t, "vsknn", "remind=false", ss), []known{
		{"A B", []string{"Y", "Z"}, []float64{0.5, 0.125}},
	})
	// IDF: every item is in 1 of 2 sessions, so scores grow by log(2)*w.
	f := 1 + math.Log(2)*2
	checkKnown(t, train(t, "vsknn", "idf_weighting=2", ss), []known{
		{"A B", []string{"B", "Y", "A", "Z"}, []float64{0.5 * f, 0.5 * f, 0.125 * f, 0.125 * f}},
	})
}

func TestSR(t *testing.T) {
	ss := sessions("A B C", "A B", "B C")
	// A->B: 1 + 1, A->C: 1/2 (two steps), B->C: 1 + 1. Only the last item counts.
	checkKnown(t, train(t, "sr", "", ss), []known{
		{"A", []string{"B", "C"}, []float64{2, 0.5}},
		{"C A", []string{"B", "C"}, []float64{2, 0.5}},
		{"A B", []string{"C"}, []float64{2}},
		{"C", []string{}, nil},
	})
	checkKnown(t, train(t, "sr", "steps=1", ss), []known{{"A", []string{"B"}, []float64{2}}})
	checkKnown(t, train(t, "sr", "weighting=quadratic,steps=3", sessions("A B C D")), []known{
		{"A", []string{"B", "C", "D"}, []float64{1, 0.25, 1.0 / 9}},
	})
	// Pruning keeps the strongest rules, ties going to the rule created first.
	checkKnown(t, train(t, "sr", "pruning=1", sessions("X P", "X Q")), []known{{"X", []string{"P"}, nil}})
	checkKnown(t, train(t, "sr", "pruning=1", sessions("X Q", "X P")), []known{{"X", []string{"Q"}, nil}})
	checkKnown(t, train(t, "sr", "pruning=1", sessions("X Q", "X P", "X P")), []known{{"X", []string{"P"}, nil}})
}

func TestAR(t *testing.T) {
	ss := sessions("A B C", "A B", "D D")
	// Co-occurrence counts, both directions; an item repeated in a session
	// pairs with itself twice.
	checkKnown(t, train(t, "ar", "", ss), []known{
		{"A", []string{"B", "C"}, []float64{2, 1}},
		{"C", []string{"A", "B"}, []float64{1, 1}},
		{"B A C", []string{"A", "B"}, []float64{1, 1}},
		{"D", []string{"D"}, []float64{2}},
	})
}

func TestWeightedHybrid(t *testing.T) {
	ss := sessions("A B C", "A B", "B C")
	// SR part: after A, B 2 and C 0.5 -> normalised 1 and 0.25.
	m := train(t, "vsknn+sr", "w.knn=0,w.sr=2", ss)
	checkKnown(t, m, []known{{"A", []string{"B", "C"}, []float64{2, 0.5}}})
}

func TestUpdateEqualsTrainingOnEverything(t *testing.T) {
	ss := sessions("A B C", "A D", "E F A", "B C B", "D A C", "F E", "C A B D", "G A")
	queries := []string{"A", "B", "A B", "E", "F A", "C A B", "G", "D C"}
	for _, a := range Algorithms() {
		t.Run(a.Name, func(t *testing.T) {
			all := train(t, a.Name, "", ss)
			inc := train(t, a.Name, "", ss[:3])
			for _, s := range ss[3:] {
				inc.Update(s)
			}
			for _, q := range queries {
				want := all.Recommend(strings.Fields(q), 5)
				got := inc.Recommend(strings.Fields(q), 5)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("after %q: incremental %v, batch %v", q, got, want)
				}
			}
		})
	}
}

func TestConcurrentRecommendAndUpdate(t *testing.T) {
	m := train(t, Default, "", sessions("A B C", "A D", "E F A"))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if g == 0 && i%10 == 0 {
					m.Update(Session{ID: "u", Items: []string{"A", "N" + string(rune('a'+i%26))}, Times: []float64{9, 10}})
				}
				if len(m.Recommend([]string{"A"}, 5)) == 0 {
					t.Error("no recommendation after A")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestOptions(t *testing.T) {
	if _, err := Train("nope", nil, nil); err == nil || !strings.Contains(err.Error(), "known: sknn") {
		t.Errorf("unknown algorithm: %v", err)
	}
	for _, c := range []struct{ algo, opts, want string }{
		{"sknn", "k=0", "want an integer in 1.."},
		{"sknn", "similarity=vec", "want one of cosine, jaccard"},
		{"sr", "stepz=3", "unknown option stepz"},
		{"vstan+sr", "w.sr=x", "option w.sr=x"},
	} {
		o, err := ParseOptions(c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Train(c.algo, o, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v, want %q", c.algo, c.opts, err, c.want)
		}
	}
	if _, err := ParseOptions("k"); err == nil {
		t.Error("option without = accepted")
	}
}

func TestEvaluateNextItemProtocol(t *testing.T) {
	m := train(t, "sr", "", sessions("A B", "A B", "B D", "C A"))
	test := sessions("A B C", "C A B", "Z A")
	// Targets: A->B hit@1; A B->C miss (B's rules: D);
	// C->A hit@1; C A->B hit@1; Z->A miss (Z unknown).
	res, err := Evaluate(context.Background(), m, test, 20, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Targets != 5 || res.Hits != 3 || fmt4(res.HR()) != "0.6000" || fmt4(res.MRR()) != "0.6000" {
		t.Fatalf("%+v", res)
	}
	// A rank beyond the cut-off is a miss; rank 2 adds 1/2.
	a := Accuracy{N: 2}
	a.AddList([]string{"x", "y", "z"}, "y")
	a.AddList([]string{"x", "y", "z"}, "z")
	if a.Hits != 1 || a.RRSum != 0.5 || a.Targets != 2 {
		t.Fatalf("%+v", a)
	}
}
