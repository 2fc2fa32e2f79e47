package demo

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/vitrine/vitrine"
	"github.com/vitrine/vitrine/internal/ident"
)

// testNow has sub-millisecond digits, which stores may drop.
var testNow = time.Date(2025, 6, 1, 12, 30, 45, 123456789, time.UTC)

func TestHistoryImports(t *testing.T) {
	snaps := HistoryImports(testNow)
	if n := len(snaps); n < 4 || n > 6 {
		t.Fatalf("%d snapshots, want 4 to 6", n)
	}
	last := snaps[len(snaps)-1]
	if !last.At.Equal(testNow) {
		t.Errorf("last snapshot at %v, want now", last.At)
	}
	if !reflect.DeepEqual(last.Items, CatalogAt(DefaultBase, testNow)) {
		t.Error("last snapshot is not CatalogAt(DefaultBase, now)")
	}
	if age := testNow.Sub(snaps[0].At); age < 60*24*time.Hour || age > 100*24*time.Hour {
		t.Errorf("first snapshot is %v old, want about 90 days", age)
	}
	for k := 1; k < len(snaps); k++ {
		if !snaps[k-1].At.Before(snaps[k].At) {
			t.Fatalf("snapshot %d is not after snapshot %d", k, k-1)
		}
	}
	for k, s := range snaps {
		for _, it := range s.Items {
			if g, err := ident.NormalizeGTIN(it.GTIN); err != nil || g != it.GTIN {
				t.Fatalf("snapshot %d, %s: GTIN %q: %v", k, it.ID, it.GTIN, err)
			}
			if it.Offer.Price.Amount <= 0 || it.Offer.Price.Currency != "USD" || !it.Offer.Availability.Valid() {
				t.Fatalf("snapshot %d, %s: offer %+v", k, it.ID, it.Offer)
			}
			if k < len(snaps)-1 && it.Offer.SalePrice != nil {
				t.Fatalf("snapshot %d, %s: a past snapshot has a sale", k, it.ID)
			}
		}
	}
	if len(snaps[0].Items) >= len(last.Items) {
		t.Errorf("first snapshot has %d items, last %d: want products added over time", len(snaps[0].Items), len(last.Items))
	}

	// Replay the snapshots as a store does and look at the price histories.
	s := newFakeStore()
	for _, snap := range snaps {
		if _, err := importSnapshot(context.Background(), s, snap); err != nil {
			t.Fatal(err)
		}
	}
	var drops, rises, availChanges, multi int
	for _, it := range last.Items {
		h := s.hist[it.ID]
		if len(h) < 1 || len(h) > 6 {
			t.Errorf("%s: %d history points, want 1 to 6", it.ID, len(h))
		}
		if len(h) > 1 {
			multi++
		}
		for i := 1; i < len(h); i++ {
			switch {
			case h[i].Price.Amount < h[i-1].Price.Amount:
				drops++
			case h[i].Price.Amount > h[i-1].Price.Amount:
				rises++
			}
			if h[i].Availability != h[i-1].Availability {
				availChanges++
			}
		}
	}
	t.Logf("%d products, %d with several points; %d drops, %d rises, %d availability changes", len(last.Items), multi, drops, rises, availChanges)
	if multi < len(last.Items)/5 || drops < 20 || rises < 10 || availChanges < 5 {
		t.Errorf("history too flat: %d products with several points, %d drops, %d rises, %d availability changes", multi, drops, rises, availChanges)
	}
	if n := len(s.hist[last.Items[sentinel].ID]); n != len(snaps) {
		t.Errorf("sentinel %s has %d points, want one per snapshot", last.Items[sentinel].ID, n)
	}
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	s := newFakeStore()
	st, err := Seed(ctx, s, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := CatalogAt(DefaultBase, testNow)
	if st.Imported != len(want) || st.History <= st.Imported || st.Rejected != 0 {
		t.Errorf("first seed: %+v, want %d imported and more history points than products", st, len(want))
	}
	if s.commits != numSnapshots {
		t.Errorf("%d commits, want %d", s.commits, numSnapshots)
	}
	for _, it := range want {
		got, err := s.Item(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, it) {
			t.Fatalf("%s: stored %+v, want %+v", it.ID, got, it)
		}
	}
	before := s.snapshot()

	// Seeding again at the same time changes nothing.
	st, err = Seed(ctx, s, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if st != (vitrine.ImportStats{}) {
		t.Errorf("second seed: %+v, want nothing done", st)
	}
	if !reflect.DeepEqual(s.snapshot(), before) || s.commits != numSnapshots {
		t.Error("second seed changed the store")
	}

	// Ten days later only the snapshots after the last seeding are imported.
	later := testNow.Add(10 * 24 * time.Hour)
	st, err = Seed(ctx, s, later)
	if err != nil {
		t.Fatal(err)
	}
	if s.commits != numSnapshots+2 {
		t.Errorf("%d commits after a later seed, want %d", s.commits, numSnapshots+2)
	}
	if st.Imported != 0 || st.History == 0 {
		t.Errorf("later seed: %+v, want no new products and some new history", st)
	}
	for _, it := range CatalogAt(DefaultBase, later) {
		got, _ := s.Item(ctx, it.ID)
		if !reflect.DeepEqual(got, it) {
			t.Fatalf("%s after the later seed: stored %+v, want %+v", it.ID, got, it)
		}
	}
}

func TestSeedRollsBackOnError(t *testing.T) {
	s := newFakeStore()
	s.failUpsert = 3
	_, err := Seed(context.Background(), s, testNow)
	if !errors.Is(err, errInjected) {
		t.Fatalf("err = %v, want the injected error", err)
	}
	if s.commits != 2 || s.rollbacks != 1 {
		t.Errorf("%d commits, %d rollbacks; want 2 and 1", s.commits, s.rollbacks)
	}
	// A later Seed finishes the job.
	s.failUpsert = 0
	if _, err := Seed(context.Background(), s, testNow); err != nil {
		t.Fatal(err)
	}
	if got := len(s.items); got != len(Catalog()) {
		t.Errorf("%d products after recovery, want %d", got, len(Catalog()))
	}
}

func TestSeedBatches(t *testing.T) {
	var items []vitrine.Item
	for i := range 3 {
		for _, it := range Catalog() {
			it.ID = fmt.Sprintf("%s-%d", it.ID, i)
			items = append(items, it)
		}
	}
	s := newFakeStore()
	st, err := importSnapshot(context.Background(), s, Snapshot{At: testNow, Items: items})
	if err != nil {
		t.Fatal(err)
	}
	if st.Imported != len(items) {
		t.Errorf("imported %d, want %d", st.Imported, len(items))
	}
	want := []int{SeedBatch}
	for n := len(items) - SeedBatch; n > 0; n -= SeedBatch {
		want = append(want, min(n, SeedBatch))
	}
	if !slices.Equal(s.batches, want) {
		t.Errorf("batches %v, want %v", s.batches, want)
	}
}

var errInjected = errors.New("injected failure")

// fakeStore is an in-memory vitrine.CatalogStore with the documented
// semantics: imports are atomic, a price point is appended when a product is
// new or its effective price or availability changes, and times are kept at
// millisecond precision, as the SQLite store keeps them.
type fakeStore struct {
	items      map[string]vitrine.Item
	hist       map[string][]vitrine.PricePoint
	batches    []int
	upserts    int
	failUpsert int // fail the n-th Upsert call (1-based); 0 never
	commits    int
	rollbacks  int
}

func newFakeStore() *fakeStore {
	return &fakeStore{items: map[string]vitrine.Item{}, hist: map[string][]vitrine.PricePoint{}}
}

func (s *fakeStore) snapshot() any {
	items := map[string]vitrine.Item{}
	for k, v := range s.items {
		items[k] = cloneItem(v)
	}
	hist := map[string][]vitrine.PricePoint{}
	for k, v := range s.hist {
		hist[k] = slices.Clone(v)
	}
	return []any{items, hist}
}

func (s *fakeStore) BeginImport(ctx context.Context, at time.Time) (vitrine.CatalogImport, error) {
	return &fakeImport{s: s, at: at.Truncate(time.Millisecond), items: map[string]vitrine.Item{}, hist: map[string][]vitrine.PricePoint{}}, nil
}

func (s *fakeStore) Item(ctx context.Context, id string) (vitrine.Item, error) {
	it, ok := s.items[id]
	if !ok {
		return vitrine.Item{}, vitrine.Errorf(vitrine.ENOTFOUND, "product %q not found", id)
	}
	return cloneItem(it), nil
}

func (s *fakeStore) Items(ctx context.Context, f vitrine.ProductFilter) (vitrine.ProductPage, error) {
	var p vitrine.ProductPage
	for _, it := range s.items {
		p.Items = append(p.Items, cloneItem(it))
	}
	slices.SortFunc(p.Items, func(a, b vitrine.Item) int {
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return p, nil
}

func (s *fakeStore) History(ctx context.Context, id string) ([]vitrine.PricePoint, error) {
	h, ok := s.hist[id]
	if !ok {
		return nil, vitrine.Errorf(vitrine.ENOTFOUND, "product %q not found", id)
	}
	return slices.Clone(h), nil
}

type fakeImport struct {
	s     *fakeStore
	at    time.Time
	items map[string]vitrine.Item
	hist  map[string][]vitrine.PricePoint
}

func (im *fakeImport) current(id string) (vitrine.Item, []vitrine.PricePoint, bool) {
	if it, ok := im.items[id]; ok {
		return it, im.hist[id], true
	}
	it, ok := im.s.items[id]
	return it, im.s.hist[id], ok
}

func (im *fakeImport) Upsert(ctx context.Context, items []vitrine.Item) (vitrine.ImportStats, error) {
	var st vitrine.ImportStats
	im.s.upserts++
	im.s.batches = append(im.s.batches, len(items))
	if im.s.upserts == im.s.failUpsert {
		return st, errInjected
	}
	for _, it := range items {
		if _, err := ident.NormalizeGTIN(it.GTIN); err != nil {
			return st, err
		}
		it.UpdatedAt = time.Time{}
		old, h, found := im.current(it.ID)
		switch {
		case !found:
			st.Imported++
		case reflect.DeepEqual(old, it):
			st.Unchanged++
		default:
			st.Updated++
		}
		eff := it.Offer.EffectivePrice(im.at)
		if n := len(h); n == 0 || h[n-1].Price != eff || h[n-1].Availability != it.Offer.Availability {
			h = append(slices.Clone(h), vitrine.PricePoint{At: im.at, Price: eff, Availability: it.Offer.Availability})
			st.History++
		}
		im.items[it.ID] = cloneItem(it)
		im.hist[it.ID] = h
	}
	return st, nil
}

func (im *fakeImport) Commit() error {
	im.s.commits++
	for id, it := range im.items {
		im.s.items[id] = it
		im.s.hist[id] = im.hist[id]
	}
	return nil
}

func (im *fakeImport) Rollback() error {
	im.s.rollbacks++
	return nil
}
