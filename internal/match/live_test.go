package match

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vitrine/vitrine/internal/synth"
)

func liveModel(t testing.TB) *Model {
	t.Helper()
	m, err := BuiltinLive()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// synthCatalog returns n generated products as records.
func synthCatalog(n int) []Record {
	g := synth.Generator{Seed: 7}
	out := make([]Record, n)
	for i := range out {
		p := g.Product(i)
		out[i] = Record{ID: p.ID, Title: p.Title, Brand: p.Brand, ModelNo: p.MPN, Category: p.Category,
			Price: fmt.Sprintf("%d.%02d", p.PriceCents/100, p.PriceCents%100)}
	}
	return out
}

// reword writes a product title the way another retailer might: other
// order, the model number without its hyphen, no brand column.
func reword(r Record) Record {
	words := strings.Fields(strings.NewReplacer("(", "", ")", "", ",", "").Replace(r.Title))
	mpn := strings.ReplaceAll(r.ModelNo, "-", "")
	var rest []string
	for _, w := range words[1:] {
		if w != r.ModelNo {
			rest = append(rest, w)
		}
	}
	return Record{ID: "q-" + r.ID, Title: fmt.Sprintf("%s %s - Model %s", words[0], strings.Join(rest, " "), mpn), Price: r.Price}
}

func TestBuiltinLive(t *testing.T) {
	m := liveModel(t)
	if !m.Live || len(m.Stage1) == 0 || m.LookupThreshold <= 0 {
		t.Fatalf("live model: live=%v stage1=%d lookup threshold %v", m.Live, len(m.Stage1), m.LookupThreshold)
	}
}

func TestMatcherFindsRewordedTitles(t *testing.T) {
	cat := synthCatalog(2000)
	x := NewMatcher(liveModel(t))
	x.Upsert(cat)
	if x.Len() != len(cat) {
		t.Fatalf("len %d", x.Len())
	}
	hit := 0
	for i := 0; i < 100; i++ {
		r := cat[i*17]
		got := x.Match(reword(r), 5)
		if len(got) > 0 && got[0].ID == r.ID && got[0].Prob >= x.Threshold() {
			hit++
		}
	}
	if hit < 95 {
		t.Fatalf("found %d of 100 reworded titles above the threshold", hit)
	}
}

func TestMatcherAbstainsOnUnrelatedPages(t *testing.T) {
	x := NewMatcher(liveModel(t))
	x.Upsert(synthCatalog(2000))
	for _, title := range []string{
		"zxqv blorf wibble",
		"Garden hose 50 ft, green, kink resistant",
		"Organic cotton bath towel set of 4",
		"Paperback novel: The quiet harbour",
		"Sonix Wireless Headphones", // too vague for one product
	} {
		got := x.Match(Record{ID: "q", Title: title}, 3)
		if len(got) > 0 && got[0].Prob >= x.Threshold() {
			t.Errorf("%q matched %s with %.3f (threshold %.3f)", title, got[0].ID, got[0].Prob, x.Threshold())
		}
	}
	if got := NewMatcher(liveModel(t)).Match(Record{Title: "anything"}, 3); got != nil {
		t.Fatalf("empty catalog: %v", got)
	}
}

// On a small catalog (every posting list short) retrieval is exact BM25:
// the same candidates as the batch Index.
func tied(c []Candidate, k int) bool {
	return k > 0 && math.Abs(c[k-1].Score-c[k].Score) < 1e-9 || k+1 < len(c) && math.Abs(c[k+1].Score-c[k].Score) < 1e-9
}

func TestMatcherSearchEqualsIndex(t *testing.T) {
	cat := synthCatalog(800)
	x := NewMatcher(liveModel(t))
	x.Upsert(cat)
	ix := NewIndex(cat)
	for i := 0; i < 60; i++ {
		q := reword(cat[i*13])
		want := ix.Search(q, 20)
		x.mu.RLock()
		got := x.search(termsOf(q), 20, nil)
		x.mu.RLock()
		ids := make([]string, len(got))
		for k, g := range got {
			ids[k] = x.docID(g.doc)
		}
		x.mu.RUnlock()
		x.mu.RUnlock()
		if len(got) != len(want) {
			t.Fatalf("query %d: %d candidates, index %d", i, len(got), len(want))
		}
		for k := range want {
			// Ties may come in another order (the live index breaks them by id).
			if math.Abs(got[k].score-want[k].Score) > 1e-9 || ids[k] != want[k].ID && !tied(want, k) {
				t.Fatalf("query %d rank %d: %s (%.4f), index %s (%.4f)", i, k, ids[k], got[k].score, want[k].ID, want[k].Score)
			}
		}
	}
}

// Building incrementally (in small batches, with records first added with
// other text and then replaced, and records deleted) gives the same answers
// as one Upsert of the final catalog.
func TestMatcherIncrementalEqualsBatch(t *testing.T) {
	m := liveModel(t)
	cat := synthCatalog(600)
	batch := NewMatcher(m)
	batch.Upsert(cat)

	inc := NewMatcher(m)
	other := synthCatalog(1200)[600:]
	for i := 0; i < len(cat); i += 37 {
		// A first version of each record with another product's text.
		chunk := make([]Record, 0, 37)
		for k := i; k < min(i+37, len(cat)); k++ {
			r := other[k]
			r.ID = cat[k].ID
			chunk = append(chunk, r)
		}
		inc.Upsert(chunk)
	}
	inc.Upsert([]Record{{ID: "gone-1", Title: "Sonix Laptop SO-1111A1"}, {ID: "gone-2", Title: "Lumina Blender LU-2222B2"}})
	for i := len(cat) - 1; i >= 0; i -= 50 {
		lo := max(0, i-49)
		inc.Upsert(cat[lo : i+1])
	}
	inc.Delete([]string{"gone-1", "gone-2"})
	// A price-only change is applied in place.
	p := cat[3]
	p.Price = "1.00"
	inc.Upsert([]Record{p})
	inc.Upsert([]Record{cat[3]})
	if inc.Len() != batch.Len() {
		t.Fatalf("incremental holds %d, batch %d", inc.Len(), batch.Len())
	}
	inc.mu.RLock()
	compacted := inc.deadPos
	inc.mu.RUnlock()
	t.Logf("tombstoned postings left after compaction: %d", compacted)
	check := func(when string) {
		for i := 0; i < 40; i++ {
			q := reword(cat[i*15])
			a, b := batch.Match(q, 5), inc.Match(q, 5)
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("%s: query %q:\nbatch       %v\nincremental %v", when, q.Title, a, b)
			}
		}
	}
	check("with tombstones")
	inc.mu.Lock()
	inc.compact()
	inc.mu.Unlock()
	check("after compaction")
}

func TestMatcherScorePair(t *testing.T) {
	cat := synthCatalog(500)
	x := NewMatcher(liveModel(t))
	x.Upsert(cat)
	q := reword(cat[10])
	best := x.Match(q, 1)
	p, ok := x.ScorePair(q, cat[10].ID)
	if !ok || len(best) == 0 || best[0].ID != cat[10].ID || p != best[0].Prob {
		t.Fatalf("ScorePair %v %v, Match %v", p, ok, best)
	}
	// A record outside the candidates is scored too, and low.
	if p, ok := x.ScorePair(q, cat[11].ID); !ok || p >= x.Threshold() {
		t.Fatalf("unrelated pair: %v %v", p, ok)
	}
	if _, ok := x.ScorePair(q, "nope"); ok {
		t.Fatal("unknown id scored")
	}
}

// Concurrent Match calls with Upserts running (go test -race).
func TestMatcherConcurrent(t *testing.T) {
	cat := synthCatalog(1500)
	x := NewMatcher(liveModel(t))
	x.Upsert(cat[:1000])
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1000; i < len(cat); i += 50 {
			x.Upsert(cat[i : i+50])
			r := cat[i-1000]
			r.Price = "9.99"
			x.Upsert([]Record{r})
			r.Title += " (renewed)"
			x.Upsert([]Record{r})
		}
		close(stop)
	}()
	errs := make(chan string, 8)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; ; i += 4 {
				select {
				case <-stop:
					return
				default:
				}
				r := cat[500+i%500]
				got := x.Match(reword(r), 3)
				if len(got) == 0 || got[0].ID != r.ID {
					errs <- fmt.Sprintf("%s: %v", r.ID, got)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if x.Len() != len(cat) {
		t.Fatalf("len %d", x.Len())
	}
}

// Concurrent Match calls (each with its own scratch state from the pool)
// give exactly the answers of sequential calls.
func TestMatcherConcurrentSameAnswers(t *testing.T) {
	cat := synthCatalog(3000)
	x := NewMatcher(liveModel(t))
	x.Upsert(cat)
	qs := make([]Record, 300)
	for i := range qs {
		qs[i] = reword(cat[i*9])
		if i%3 == 0 {
			qs[i].Description = cat[i*7].Title + " " + cat[i*5].Description
		}
	}
	want := make([][]LiveCandidate, len(qs))
	for i, q := range qs {
		want[i] = x.Match(q, 5)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for n := 0; n < 2*len(qs); n++ {
				i := (n*7 + w*31) % len(qs)
				if got := x.Match(qs[i], 5); !slices.Equal(got, want[i]) {
					errs <- fmt.Sprintf("query %d: got %v, want %v", i, got, want[i])
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func BenchmarkMatcherMatch(b *testing.B) {
	cat := synthCatalog(20000)
	x := NewMatcher(liveModel(b))
	x.Upsert(cat)
	qs := make([]Record, 500)
	for i := range qs {
		qs[i] = reword(cat[i*37])
	}
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		x.Match(qs[i%len(qs)], 5)
	}
	// CPU time is what matters on a shared machine (wall time includes
	// waiting for other processes).
	b.ReportMetric(float64((cpuTime()-c0).Microseconds())/float64(b.N), "cpu-us/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// The flat-tree scoring gives exactly the probabilities of the model's own
// stacking code (Model.vectorizer, Model.Prob).
func TestLiveFastScoringEqualsModel(t *testing.T) {
	cat := synthCatalog(700)
	fast := NewMatcher(liveModel(t))
	if fast.fast == nil {
		t.Fatal("the live model should use the fast path")
	}
	fast.Upsert(cat)
	slow := NewMatcher(fast.model)
	slow.fast = nil
	slow.Upsert(cat)
	qs := []Record{{ID: "q", Title: "Sonix Wireless Headphones"}, {ID: "q2", Title: "Kestrel Drill 18V"}}
	for i := 0; i < 30; i++ {
		qs = append(qs, reword(cat[i*21]))
	}
	for _, q := range qs {
		a, b := fast.Match(q, 20), slow.Match(q, 20)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("%q:\nfast %v\nslow %v", q.Title, a, b)
		}
		p1, ok1 := fast.ScorePair(q, cat[699].ID)
		p2, ok2 := slow.ScorePair(q, cat[699].ID)
		if p1 != p2 || ok1 != ok2 {
			t.Fatalf("%q: ScorePair fast %v slow %v", q.Title, p1, p2)
		}
	}
}

// BenchmarkLiveMatch measures one Match on 100,000 generated products, with
// its allocations (the garbage collector's work at serving time):
//
//	go test ./internal/match -run XXX -bench LiveMatch -benchtime 2000x
func BenchmarkLiveMatch(b *testing.B) {
	cat := synthCatalog(100000)
	x := NewMatcher(liveModel(b))
	x.Upsert(cat)
	qs := make([]Record, 500)
	for i := range qs {
		qs[i] = reword(cat[i*197])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Match(qs[i%len(qs)], 5)
	}
}

// Training with live statistics (GBDTParams.LiveStats) sees exactly the
// features the live matcher computes: a pair's row from liveSource, scored
// by the live model, is ScorePair's probability, for pairs inside and
// outside the page's candidates.
func TestLiveSourceEqualsScorePair(t *testing.T) {
	m := liveModel(t)
	cat := synthCatalog(400)
	var pages []Record
	var pairs []Pair
	for i := 0; i < 40; i += 3 {
		q := reword(cat[i])
		pages = append(pages, q)
		pairs = append(pairs, Pair{Left: cat[i].ID, Right: q.ID, Label: 1}, Pair{Left: cat[i+1].ID, Right: q.ID})
	}
	src := liveSource(cat, pages, m.BrandSet(), GBDTParams{Live: true, LiveStats: true, StackK: m.StackK})
	x := NewMatcher(m)
	x.Upsert(cat)
	byID := map[string]Record{}
	for _, q := range pages {
		byID[q.ID] = q
	}
	for _, p := range pairs {
		f, i, j, err := src(p)
		if err != nil {
			t.Fatal(err)
		}
		got := m.Prob(m.vectorizer(f)(i, j))
		want, ok := x.ScorePair(byID[p.Right], p.Left)
		if !ok || got != want {
			t.Fatalf("pair %v: training features give %v, ScorePair %v (%v)", p, got, want, ok)
		}
	}
	if _, _, _, err := src(Pair{Left: "nope", Right: pages[0].ID}); err == nil {
		t.Fatal("a pair with an unknown catalog id was featurized")
	}
}

// Products that share a title apart from their model number are told
// apart only by a page that names the model; otherwise the best candidate
// is Ambiguous. Deleting a sibling ends the ambiguity.
func TestMatcherAmbiguousSiblings(t *testing.T) {
	x := NewMatcher(liveModel(t))
	cat := synthCatalog(300)
	cat = append(cat,
		Record{ID: "drill-18", Title: "Zephyrine Cordless Drill Driver 20V, 1/4 in. (ZE-1800A1)", Brand: "Zephyrine", ModelNo: "ZE-1800A1", Price: "99.00"},
		Record{ID: "drill-20", Title: "Zephyrine Cordless Drill Driver 20V, 1/4 in. (ZE-2000B2)", Brand: "Zephyrine", ModelNo: "ZE-2000B2", Price: "99.00"})
	x.Upsert(cat)
	named := x.Match(Record{ID: "p", Title: "Zephyrine cordless drill driver 20V 1/4 in - Model ZE2000B2"}, 1)
	if len(named) == 0 || named[0].ID != "drill-20" || named[0].Ambiguous {
		t.Fatalf("a page naming the model: %+v", named)
	}
	suffixed := x.Match(Record{ID: "p", Title: "Zephyrine cordless drill driver 20V 1/4 in ZE2000B2US"}, 1)
	if len(suffixed) == 0 || suffixed[0].Ambiguous {
		t.Fatalf("a page naming the model with a regional suffix: %+v", suffixed)
	}
	bare := Record{ID: "p", Title: "Zephyrine Cordless Drill Driver 20V, 1/4 in."}
	c := x.Match(bare, 1)
	if len(c) == 0 || !strings.HasPrefix(c[0].ID, "drill-") || !c[0].Ambiguous {
		t.Fatalf("a page without the model: %+v, want an ambiguous drill", c)
	}
	x.Delete([]string{"drill-18"})
	if c := x.Match(bare, 1); len(c) == 0 || c[0].ID != "drill-20" || c[0].Ambiguous {
		t.Fatalf("after deleting the sibling: %+v", c)
	}
	x.Upsert([]Record{{ID: "drill-18", Title: "Zephyrine Cordless Drill Driver 20V, 1/4 in. (ZE-1800A1)", Brand: "Zephyrine", ModelNo: "ZE-1800A1"}})
	if c := x.Match(bare, 1); len(c) == 0 || !c[0].Ambiguous {
		t.Fatalf("after adding the sibling back: %+v", c)
	}
}
