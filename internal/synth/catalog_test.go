package synth

import (
	"strings"
	"testing"

	"github.com/vitrine/vitrine/internal/ident"
)

func TestGeneratorIsDeterministicAndValid(t *testing.T) {
	g := Generator{Seed: 7}
	seen := map[string]bool{}
	for i := range 2000 {
		p := g.Product(i)
		if p != g.Product(i) {
			t.Fatalf("product %d differs between calls", i)
		}
		if _, err := ident.NormalizeGTIN(p.GTIN); err != nil {
			t.Fatalf("product %d: %v", i, err)
		}
		if seen[p.GTIN] || seen[p.ID] {
			t.Fatalf("product %d: duplicate id or GTIN", i)
		}
		seen[p.GTIN], seen[p.ID] = true, true
		if p.PriceCents <= 0 || !strings.Contains(p.Title, p.MPN) {
			t.Fatalf("product %d: %+v", i, p)
		}
	}
}

func TestWriteTSVChangesOnlyMarkedRows(t *testing.T) {
	var a, b strings.Builder
	g := Generator{Seed: 1}
	g.WriteTSV(&a, 100, 0)
	g.WriteTSV(&b, 100, 50)
	la, lb := strings.Split(a.String(), "\n"), strings.Split(b.String(), "\n")
	diff := 0
	for i := range la {
		if la[i] != lb[i] {
			diff++
		}
	}
	if len(la) != 102 || diff != 2 {
		t.Fatalf("%d lines, %d differ; want 102 and 2", len(la), diff)
	}
}
