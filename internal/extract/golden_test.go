package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/pages/*.json from the extractor's output (review every change by hand)")

// corpusDir is the golden corpus shared with the extension's JavaScript extractor.
const corpusDir = "../../testdata/pages"

// goldenFile is the content of testdata/pages/NAME.json: the URL the page is
// extracted as and the expected facts (format: testdata/pages/README.md).
type goldenFile struct {
	URL   string `json:"url"`
	Facts Facts  `json:"facts"`
}

// TestGolden runs Extract on every testdata/pages/NAME.html and compares the
// result, exactly, with NAME.json.
func TestGolden(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(corpusDir, "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatalf("no pages in %s", corpusDir)
	}
	for _, page := range pages {
		name := strings.TrimSuffix(filepath.Base(page), ".html")
		t.Run(name, func(t *testing.T) {
			jsonPath := strings.TrimSuffix(page, ".html") + ".json"
			want, err := readGolden(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(page)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := Extract(f, want.URL)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if *update {
				want.Facts = got
				b, err := marshalGolden(want)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(jsonPath, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, d := range diffFacts(want.Facts, got) {
				t.Error(d)
			}
		})
	}
}

// readGolden reads an expected file, refusing unknown keys so that a typo
// in a hand-written expectation is an error, not a silently missing fact.
func readGolden(path string) (goldenFile, error) {
	var g goldenFile
	b, err := os.ReadFile(path)
	if err != nil {
		return g, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return g, err
	}
	return g, nil
}

func marshalGolden(g goldenFile) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(g); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// diffFacts lists the differences between two Facts, one line per field.
func diffFacts(want, got Facts) []string {
	var out []string
	fact := func(name string, w, g *Fact) {
		switch {
		case w == nil && g == nil:
		case w == nil:
			out = append(out, name+": want none, got "+g.Value+" ("+g.Source+")")
		case g == nil:
			out = append(out, name+": want "+w.Value+" ("+w.Source+"), got none")
		case *w != *g:
			out = append(out, name+": want "+w.Value+" ("+w.Source+"), got "+g.Value+" ("+g.Source+")")
		}
	}
	if want.IsProduct != got.IsProduct {
		out = append(out, "is_product: want "+boolText(want.IsProduct)+", got "+boolText(got.IsProduct))
	}
	fact("title", want.Title, got.Title)
	fact("brand", want.Brand, got.Brand)
	fact("gtin", want.GTIN, got.GTIN)
	fact("mpn", want.MPN, got.MPN)
	fact("sku", want.SKU, got.SKU)
	fact("price", want.Price, got.Price)
	fact("currency", want.Currency, got.Currency)
	fact("availability", want.Availability, got.Availability)
	fact("condition", want.Condition, got.Condition)
	fact("image", want.Image, got.Image)
	fact("canonical_url", want.CanonicalURL, got.CanonicalURL)
	fact("description", want.Description, got.Description)
	if want.PriceIsRange != got.PriceIsRange {
		out = append(out, "price_is_range: want "+boolText(want.PriceIsRange)+", got "+boolText(got.PriceIsRange))
	}
	wv, _ := json.Marshal(want.Variants)
	gv, _ := json.Marshal(got.Variants)
	if !bytes.Equal(wv, gv) {
		out = append(out, "variants: want "+string(wv)+", got "+string(gv))
	}
	if want.Source != got.Source {
		out = append(out, "source: want "+want.Source+", got "+got.Source)
	}
	return out
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
