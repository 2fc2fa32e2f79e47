// Command bleve-bench measures bleve (github.com/blevesearch/bleve/v2) against
// Vitrine's own BM25 candidate index (internal/match.Index) as a candidate
// generator for catalog lookup, on the Leipzig Buy->Abt and Google->Amazon
// tables with the full perfect mappings: pair completeness PC@1/10/50, index
// build time, query latency and heap in use after build.
//
// It lives in its own module so that bleve never enters the main module's
// go.mod. It imports internal/match directly: the go command allows that
// because this module's path is under github.com/vitrine/vitrine, so both
// sides load the same records and the same gold pairs through the same code.
//
//	cd bench/bleve && GOMAXPROCS=1 go run .        # or: make bench-bleve
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/vitrine/vitrine/internal/match"
)

// dataset is one lookup benchmark: catalog, queries and gold mapping, relative
// to the product-matching data folder (the same files as TestBenchmarks).
type dataset struct {
	name, catalog, queries, gold string
}

var datasets = []dataset{
	{"Buy->Abt", "abt-buy/leipzig/Abt.csv", "abt-buy/leipzig/Buy.csv", "abt-buy/leipzig/abt_buy_perfectMapping.csv"},
	{"Google->Amazon", "amazon-google/leipzig/Amazon.csv", "amazon-google/leipzig/GoogleProducts.csv", "amazon-google/leipzig/Amzon_GoogleProducts_perfectMapping.csv"},
}

// searcher is one candidate generator under test.
type searcher interface {
	search(q match.Record, k int) ([]string, error)
}

// engine builds a searcher over a catalog.
type engine struct {
	name  string
	build func(cat []match.Record) (searcher, func(), error)
}

func main() {
	dataFlag := flag.String("data", "", "product-matching data folder (default: $VITRINE_DATA/product-matching or the first shared/data/product-matching above the working directory)")
	reps := flag.Int("reps", 3, "index builds per engine and dataset (the median build time is reported)")
	only := flag.String("only", "", "run only engines whose name contains this")
	flag.Parse()

	dir := *dataFlag
	if dir == "" {
		if d, err := match.DataDir(); err == nil {
			dir = filepath.Join(d, "product-matching")
		}
	}
	if dir == "" {
		fmt.Println("SKIP: no benchmark data (set VITRINE_DATA or -data to the folder holding product-matching; it is never committed)")
		return
	}
	if _, err := os.Stat(filepath.Join(dir, datasets[0].catalog)); errors.Is(err, fs.ErrNotExist) {
		fmt.Printf("SKIP: no benchmark data under %s (research data, read at run time only)\n", dir)
		return
	}

	fmt.Printf("bleve-bench: %s, GOMAXPROCS=%d, NumCPU=%d, data %s\n", runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), dir)
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("loadavg before: %s", b)
	}
	fmt.Println()
	fmt.Printf("%-15s %-34s %7s %7s %7s %9s %9s %9s %9s %9s\n", "dataset", "engine", "PC@1", "PC@10", "PC@50", "build", "p50@10", "p99@10", "p50@50", "heap MiB")
	for _, ds := range datasets {
		cat, qs, gold, err := match.LoadLookup(filepath.Join(dir, ds.catalog), filepath.Join(dir, ds.queries), filepath.Join(dir, ds.gold))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, e := range engines() {
			if *only != "" && !strings.Contains(e.name, *only) {
				continue
			}
			r, err := run(e, cat, qs, gold, *reps)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s %s: %v\n", ds.name, e.name, err)
				os.Exit(1)
			}
			fmt.Printf("%-15s %-34s %7.4f %7.4f %7.4f %9s %9s %9s %9s %9.1f\n", ds.name, e.name, r.pc1, r.pc10, r.pc50,
				r.build.Round(time.Millisecond/10), r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.p50k50.Round(time.Microsecond), r.heapMiB)
			if r.check >= 0 {
				fmt.Printf("%-15s %-34s %7s %7.4f   (match.PairCompleteness, cross-check)\n", "", "", "", r.check)
			}
		}
		fmt.Printf("%-15s catalog %d records, %d queries, %d queries with a gold partner, %d gold pairs\n\n", "", len(cat), len(qs), len(gold), countPairs(gold))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("loadavg after: %s", b)
	}
}

func countPairs(gold map[string]map[string]bool) int {
	n := 0
	for _, g := range gold {
		n += len(g)
	}
	return n
}

// result holds the measures of one engine on one dataset.
type result struct {
	pc1, pc10, pc50 float64
	check           float64 // match.PairCompleteness@10 for ours, -1 otherwise
	build           time.Duration
	p50, p99        time.Duration // per query, k=10
	p50k50          time.Duration // per query, k=50
	heapMiB         float64       // live heap held by the index after build
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func run(e engine, cat, qs []match.Record, gold map[string]map[string]bool, reps int) (result, error) {
	r := result{check: -1}
	var builds []time.Duration
	var s searcher
	var closeFn func()
	for i := 0; i < max(reps, 1); i++ {
		if closeFn != nil {
			closeFn()
			s, closeFn = nil, nil
		}
		before := liveHeap()
		start := time.Now()
		var err error
		s, closeFn, err = e.build(cat)
		if err != nil {
			return r, err
		}
		builds = append(builds, time.Since(start))
		r.heapMiB = float64(int64(liveHeap())-int64(before)) / (1 << 20)
	}
	defer closeFn()
	slices.Sort(builds)
	r.build = builds[len(builds)/2]

	// k=50 first (also warms the index), then the timed k=10 pass.
	hit1, hit10, hit50, total := 0, 0, 0, 0
	var lat50, lat10 []time.Duration
	for _, q := range qs {
		g := gold[q.ID]
		start := time.Now()
		ids, err := s.search(q, 50)
		lat50 = append(lat50, time.Since(start))
		if err != nil {
			return r, err
		}
		for _, id := range ids {
			if g[id] {
				hit50++
			}
		}
		total += len(g)
	}
	for _, q := range qs {
		g := gold[q.ID]
		start := time.Now()
		ids, err := s.search(q, 10)
		lat10 = append(lat10, time.Since(start))
		if err != nil {
			return r, err
		}
		for i, id := range ids {
			if g[id] {
				hit10++
				if i == 0 {
					hit1++
				}
			}
		}
	}
	r.pc1 = float64(hit1) / float64(total)
	r.pc10 = float64(hit10) / float64(total)
	r.pc50 = float64(hit50) / float64(total)
	r.p50, r.p99 = quantile(lat10, 0.50), quantile(lat10, 0.99)
	r.p50k50 = quantile(lat50, 0.50)
	if o, ok := s.(ours); ok {
		r.check = match.PairCompleteness(o.ix, qs, gold, 10)
	}
	return r, nil
}

func quantile(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(int(q*float64(len(s))), len(s)-1)]
}

// queryText is the text a query record contributes, and catalogText the text
// a catalog record contributes, to the bleve indexes: the fields our index
// reads as text (title/name, brand/manufacturer, model number).
func queryText(r match.Record) string {
	return strings.Join([]string{r.Title, r.Brand, r.ModelNo}, " ")
}

// ours is Vitrine's index: BM25 over match.Tokenize terms with model-number
// boosts and stems, plus the exact identifier map.
type ours struct{ ix *match.Index }

func (o ours) search(q match.Record, k int) ([]string, error) {
	cs := o.ix.Search(q, k)
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids, nil
}

// bleveSearcher runs a match query (OR of the analysed terms) on field "text".
type bleveSearcher struct{ ix bleve.Index }

func (b bleveSearcher) search(q match.Record, k int) ([]string, error) {
	text := strings.TrimSpace(queryText(q))
	if text == "" {
		return nil, nil
	}
	mq := bleve.NewMatchQuery(text)
	mq.SetField("text")
	req := bleve.NewSearchRequestOptions(mq, k, 0, false)
	res, err := b.ix.Search(req)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}

type doc struct {
	Text string `json:"text"`
}

// bleveBuild indexes every catalog record as one document {text: ...} in
// batches of 1000.
func bleveBuild(newIndex func() (bleve.Index, error), text func(match.Record) string) func([]match.Record) (searcher, func(), error) {
	return func(cat []match.Record) (searcher, func(), error) {
		ix, err := newIndex()
		if err != nil {
			return nil, nil, err
		}
		b := ix.NewBatch()
		for _, r := range cat {
			if err := b.Index(r.ID, doc{Text: text(r)}); err != nil {
				return nil, nil, err
			}
			if b.Size() >= 1000 {
				if err := ix.Batch(b); err != nil {
					return nil, nil, err
				}
				b = ix.NewBatch()
			}
		}
		if err := ix.Batch(b); err != nil {
			return nil, nil, err
		}
		if n, err := ix.DocCount(); err != nil || int(n) != len(cat) {
			return nil, nil, fmt.Errorf("bleve indexed %d of %d records (%v)", n, len(cat), err)
		}
		return bleveSearcher{ix}, func() { ix.Close() }, nil
	}
}

// leanMapping maps one text field with the given analyzer and scoring model,
// indexed only (no stored value, term vectors, doc values or _all).
func leanMapping(analyzer, scoring string) *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.ScoringModel = scoring
	if analyzer == vitrineAnalyzer {
		if err := im.AddCustomAnalyzer(vitrineAnalyzer, map[string]any{"type": custom.Name, "tokenizer": vitrineTokenizer}); err != nil {
			panic(err)
		}
	}
	f := bleve.NewTextFieldMapping()
	f.Analyzer = analyzer
	f.Store, f.IncludeTermVectors, f.DocValues, f.IncludeInAll = false, false, false, false
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("text", f)
	im.DefaultMapping = dm
	return im
}

// memScorch is an in-memory scorch index (no path: no persister, no merger,
// no files). bleve.NewMemOnly uses the older upsidedown index, whose reader
// lacks the field statistics BM25 needs.
func memScorch(im mapping.IndexMapping) func() (bleve.Index, error) {
	return func() (bleve.Index, error) { return bleve.NewUsing("", im, scorch.Name, scorch.Name, nil) }
}

func engines() []engine {
	withDesc := func(r match.Record) string { return queryText(r) + " " + r.Description }
	return []engine{
		{"ours (match.Index BM25+ids)", func(cat []match.Record) (searcher, func(), error) {
			return ours{match.NewIndex(cat)}, func() {}, nil
		}},
		{"bleve default (MemOnly, TF-IDF)", bleveBuild(func() (bleve.Index, error) {
			return bleve.NewMemOnly(bleve.NewIndexMapping())
		}, queryText)},
		{"bleve scorch mem, BM25", bleveBuild(memScorch(leanMapping(standard.Name, index.BM25Scoring)), queryText)},
		{"bleve scorch mem, BM25, +descr", bleveBuild(memScorch(leanMapping(standard.Name, index.BM25Scoring)), withDesc)},
		{"bleve scorch mem, BM25, our tokens", bleveBuild(memScorch(leanMapping(vitrineAnalyzer, index.BM25Scoring)), queryText)},
	}
}

// vitrineTokenizer is a bleve tokenizer emitting match.Tokenize's tokens, so
// that one bleve row differs from ours only in the engine (scoring, no
// model-number boost or identifier map), not in the tokens.
const (
	vitrineTokenizer = "vitrine_tokenize"
	vitrineAnalyzer  = "vitrine"
)

type tokenizer struct{}

func (tokenizer) Tokenize(input []byte) analysis.TokenStream {
	toks := match.Tokenize(string(input))
	out := make(analysis.TokenStream, len(toks))
	for i, t := range toks {
		out[i] = &analysis.Token{Term: []byte(t), Position: i + 1, Type: analysis.AlphaNumeric}
	}
	return out
}

func init() {
	err := registry.RegisterTokenizer(vitrineTokenizer, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return tokenizer{}, nil
	})
	if err != nil {
		panic(err)
	}
}
