package match

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadTableLatin1CRLF(t *testing.T) {
	recs, err := LoadTable(filepath.Join("testdata", "latin1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records, want 2", len(recs))
	}
	want := Record{ID: "1", Title: `Sony Bravia KDL-46V3000 46" LCD TV`, Brand: "Sony",
		Description: "Café noir® finish, 1080p", Price: "$1,299.00"}
	if recs[0] != want {
		t.Errorf("record 0 = %+v\nwant %+v", recs[0], want)
	}
	// A quoted field may span lines; CRLF inside it is kept as a line break.
	if d := recs[1].Description; !strings.Contains(d, "camera") || !strings.Contains(d, "two lines") {
		t.Errorf("multi-line description = %q", d)
	}
	if recs[1].Price != "" || recs[1].Brand != "Canon" {
		t.Errorf("record 1 = %+v", recs[1])
	}
}

func TestLoadTableColumns(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, csv string
		want      Record
		err       string
	}{
		{"title+manufacturer", "id,title,manufacturer,price\n7,Adobe Photoshop CS3,adobe,649.0\n",
			Record{ID: "7", Title: "Adobe Photoshop CS3", Brand: "adobe", Price: "649.0"}, ""},
		{"first column is id", "sku,name,brand,modelno,category\nX1,Widget,Acme,W-100,Tools\n",
			Record{ID: "X1", Title: "Widget", Brand: "Acme", ModelNo: "W-100", Category: "Tools"}, ""},
		{"utf8 bom", "\xef\xbb\xbfid,name\n1,Café\n", Record{ID: "1", Title: "Café"}, ""},
		{"no title", "id,price\n1,2\n", Record{}, "no title"},
		{"duplicate id", "id,name\n1,a\n1,b\n", Record{}, "already on row 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".csv")
			if err := os.WriteFile(p, []byte(tc.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			recs, err := LoadTable(p)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if recs[0] != tc.want {
				t.Errorf("got %+v, want %+v", recs[0], tc.want)
			}
		})
	}
}

func TestLoadPairsAndMapping(t *testing.T) {
	ps, err := LoadPairs(filepath.Join("testdata", "pairs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{"1", "2", 1}, {"2", "1", 0}}
	if len(ps.Pairs) != 2 || ps.Pairs[0] != want[0] || ps.Pairs[1] != want[1] {
		t.Errorf("pairs = %+v", ps.Pairs)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("ltable_id,rtable_id,label\n1,2,yes\n"), 0o644)
	if _, err := LoadPairs(bad); err == nil {
		t.Error("label yes accepted")
	}
	mp := filepath.Join(dir, "map.csv")
	os.WriteFile(mp, []byte("\"idAbt\",\"idBuy\"\r\n38477,10011646\r\n"), 0o644)
	m, err := LoadMapping(mp)
	if err != nil || len(m) != 1 || m[0] != [2]string{"38477", "10011646"} {
		t.Errorf("mapping = %v, %v", m, err)
	}
}

func TestDecode(t *testing.T) {
	if got := decode([]byte("caf\xe9")); got != "café" {
		t.Errorf("latin-1: %q", got)
	}
	if got := decode([]byte("café")); got != "café" {
		t.Errorf("utf-8: %q", got)
	}
}

func TestDataDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VITRINE_DATA", dir)
	if d, err := DataDir(); err != nil || d != dir {
		t.Errorf("DataDir = %q, %v", d, err)
	}
	t.Setenv("VITRINE_DATA", filepath.Join(dir, "missing"))
	if _, err := DataDir(); err == nil {
		t.Error("missing VITRINE_DATA accepted")
	}
}
