package match

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadDatasetAndOriginalView(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"shop/deepmatcher/tableA.csv":         "id,name,price\n0,sony tv kdl46 ,\n1,bose radio awr1 ,\n",
		"shop/deepmatcher/tableB.csv":         "id,name,price\n0,sony kdl46 television,\n1,bose awr1 wave radio,\n",
		"shop/deepmatcher/train.csv":          "ltable_id,rtable_id,label\n0,0,1\n0,1,0\n",
		"shop/deepmatcher/valid.csv":          "ltable_id,rtable_id,label\n1,1,1\n",
		"shop/deepmatcher/test.csv":           "ltable_id,rtable_id,label\n1,0,0\n",
		"shop/deepmatcher/leipzig_id_map.csv": "table,deepmatcher_id,leipzig_id\nA,0,a-77\nA,1,a-78\nB,0,900\nB,1,901\n",
		"shop/leipzig/Left.csv":               "\"id\",\"name\",\"description\"\r\n\"a-77\",\"Sony TV - KDL46\",\"46\"\" LCD\"\r\n\"a-78\",\"Bose Radio - AWR1\",\r\n",
		"shop/leipzig/Right.csv":              "\"id\",\"name\",\"manufacturer\"\r\n900,\"Sony KDL-46 Television\",\"Sony\"\r\n901,\"Bose AWR1 Wave Radio\",\"Bose\"\r\n",
		"shop/leipzig/map.csv":                "\"idLeft\",\"idRight\"\r\n\"a-77\",900\r\n",
	})
	dir := filepath.Join(root, "shop", "deepmatcher")
	d, err := LoadDataset(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "shop" || len(d.Train.Pairs) != 2 || len(d.Valid.Pairs) != 1 || len(d.Test) != 1 {
		t.Fatalf("dataset %+v", d)
	}
	v, ok, err := LoadOriginalView(dir, d)
	if err != nil || !ok {
		t.Fatalf("view: %v %v", ok, err)
	}
	if v.A[0].ID != "0" || v.A[0].Title != "Sony TV - KDL46" || v.A[0].Description != `46" LCD` {
		t.Errorf("A[0] = %+v", v.A[0])
	}
	if v.B[1].ID != "1" || v.B[1].Brand != "Bose" {
		t.Errorf("B[1] = %+v", v.B[1])
	}
	if len(v.Test) != 1 || v.Train.Path != d.Train.Path {
		t.Error("view must keep the pair lists, including the test guard")
	}
	// No map: no view.
	os.Remove(filepath.Join(dir, "leipzig_id_map.csv"))
	if _, ok, err := LoadOriginalView(dir, d); ok || err != nil {
		t.Errorf("without a map: ok=%v err=%v", ok, err)
	}
}

func TestRunEvalSummaryLine(t *testing.T) {
	root := t.TempDir()
	A, B, pairs := synthetic(40)
	var a, b, p strings.Builder
	a.WriteString("id,title,price\n")
	for _, r := range A {
		a.WriteString(r.ID + "," + r.Title + "," + r.Price + "\n")
	}
	b.WriteString("id,title,price\n")
	for _, r := range B {
		b.WriteString(r.ID + "," + r.Title + "," + r.Price + "\n")
	}
	p.WriteString("ltable_id,rtable_id,label\n")
	for _, q := range pairs[:30] {
		p.WriteString(q.Left + "," + q.Right + "," + map[int]string{0: "0", 1: "1"}[q.Label] + "\n")
	}
	writeFiles(t, root, map[string]string{"tableA.csv": a.String(), "tableB.csv": b.String(), "test.csv": p.String()})
	var out strings.Builder
	m, err := RunEval(root, "", &out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "f1=") || !strings.HasSuffix(last, " pairs=30") || m.N != 30 {
		t.Errorf("last line %q, metrics %+v", last, m)
	}
}

func TestRunLookupSummaryLine(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"cat.csv":  "id,name,manufacturer\nc1,Sony Bravia KDL-46V3000 LCD TV,Sony\nc2,Bose Wave Radio AWR1-1W,Bose\nc3,Canon PowerShot SD1000,Canon\n",
		"q.csv":    "id,title\nq1,sony kdl46v3000 46 inch bravia\nq2,bose awr11w wave radio\nq3,garden hose 50 ft\n",
		"gold.csv": "idQ,idC\nq1,c1\nq2,c2\n",
	})
	var out strings.Builder
	m, err := RunLookup(filepath.Join(root, "cat.csv"), filepath.Join(root, "q.csv"), filepath.Join(root, "gold.csv"), &out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "f1=") || !strings.Contains(last, " precision=") || !strings.Contains(last, " top1=") {
		t.Errorf("last line %q", last)
	}
	if m.Top1 != 1 {
		t.Errorf("top1 = %v on two obvious queries\n%s", m.Top1, out.String())
	}
}
