package match

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// datasetName names a DeepMatcher folder: ".../abt-buy/deepmatcher" -> "abt-buy".
func datasetName(dir string) string {
	dir = filepath.Clean(dir)
	if n := filepath.Base(dir); n != "deepmatcher" {
		return n
	}
	return filepath.Base(filepath.Dir(dir))
}

// LoadDataset reads tableA.csv, tableB.csv, train.csv and valid.csv of a
// DeepMatcher-style folder. When test.csv exists its pairs are read only as
// the list of pairs training must not see.
func LoadDataset(dir string) (Dataset, error) {
	d := Dataset{Name: datasetName(dir)}
	var err error
	if d.A, err = LoadTable(filepath.Join(dir, "tableA.csv")); err != nil {
		return d, err
	}
	if d.B, err = LoadTable(filepath.Join(dir, "tableB.csv")); err != nil {
		return d, err
	}
	if d.Train, err = LoadPairs(filepath.Join(dir, "train.csv")); err != nil {
		return d, err
	}
	if d.Valid, err = LoadPairs(filepath.Join(dir, "valid.csv")); err != nil {
		return d, err
	}
	tp := filepath.Join(dir, "test.csv")
	if _, err := os.Stat(tp); err == nil {
		t, err := LoadPairs(tp)
		if err != nil {
			return d, err
		}
		d.Test = t.Pairs
	}
	return d, nil
}

// RunTrain trains one model on the train/valid splits of every folder (and,
// where a folder has one, the same pairs over its original tables; see
// LoadOriginalView) and writes it to out. A test.csv next to the splits is
// read only to refuse overlapping training pairs. The model's lookup
// threshold is left unset (lookup then uses the pair threshold); the built-in
// model's was tuned as described in RESULTS.md.
func RunTrain(dirs []string, out string, w io.Writer) error {
	return RunTrainParams(dirs, out, DefaultGBDTParams(), w)
}

// RunTrainParams is RunTrain with explicit training parameters.
func RunTrainParams(dirs []string, out string, p GBDTParams, w io.Writer) error {
	if len(dirs) == 0 {
		return errors.New("match: train: no data folders")
	}
	var data []Dataset
	for _, dir := range dirs {
		d, err := LoadDataset(dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "loaded %s: %d + %d records, %d train, %d valid pairs\n", d.Name, len(d.A), len(d.B), len(d.Train.Pairs), len(d.Valid.Pairs))
		data = append(data, d)
		if p.OriginalViews {
			v, ok, err := LoadOriginalView(dir, d)
			if err != nil {
				return err
			}
			if ok {
				fmt.Fprintf(w, "loaded %s: the same pairs over the original tables\n", v.Name)
				data = append(data, v)
			}
		}
	}
	start := time.Now()
	m, err := Train(data, p, w)
	if err != nil {
		return err
	}
	if err := m.Save(out); err != nil {
		return err
	}
	fmt.Fprintf(w, "trained in %v, wrote %s: trees=%d threshold=%.4f\n", time.Since(start).Round(time.Millisecond), out, len(m.Trees), m.Threshold)
	return nil
}

// modelOrBuiltin loads the model at path, or the built-in model when path is "".
func modelOrBuiltin(path string) (*Model, error) {
	if path == "" {
		return Builtin()
	}
	return LoadModel(path)
}

// RunEval classifies the pairs of dir/test.csv (tables dir/tableA.csv and
// dir/tableB.csv) with the model at modelPath ("" = built-in) and prints the
// metrics, ending with "f1=F precision=P recall=R pairs=N".
func RunEval(dir, modelPath string, w io.Writer) (Metrics, error) {
	m, err := modelOrBuiltin(modelPath)
	if err != nil {
		return Metrics{}, err
	}
	A, err := LoadTable(filepath.Join(dir, "tableA.csv"))
	if err != nil {
		return Metrics{}, err
	}
	B, err := LoadTable(filepath.Join(dir, "tableB.csv"))
	if err != nil {
		return Metrics{}, err
	}
	test, err := LoadPairs(filepath.Join(dir, "test.csv"))
	if err != nil {
		return Metrics{}, err
	}
	for _, p := range test.Pairs {
		if p.Label < 0 {
			return Metrics{}, fmt.Errorf("match: %s: pairs need a label column", test.Path)
		}
	}
	start := time.Now()
	met, _, err := EvalPairs(m, A, B, test.Pairs)
	if err != nil {
		return Metrics{}, err
	}
	fmt.Fprintf(w, "%s: %d + %d records, %d pairs, threshold %.4f, %v\n", datasetName(dir), len(A), len(B), len(test.Pairs), m.Threshold, time.Since(start).Round(time.Millisecond))
	fprintMetrics(w, "pairs", met)
	fmt.Fprintf(w, "f1=%.4f precision=%.4f recall=%.4f pairs=%d\n", met.F1, met.Precision, met.Recall, met.N)
	return met, nil
}

// RunLookup matches every record of the queries table against the catalog
// table with the built-in model and scores the answers against the gold
// mapping, ending with "f1=F precision=P recall=R top1=T".
func RunLookup(catalog, queries, gold string, w io.Writer) (Metrics, error) {
	return RunLookupModel(catalog, queries, gold, "", LookupOptions{}, w)
}

// LoadLookup reads a lookup benchmark: the catalog and query tables and
// the gold mapping as query id -> catalog ids.
func LoadLookup(catalog, queries, gold string) (cat, qs []Record, partners map[string]map[string]bool, err error) {
	if cat, err = LoadTable(catalog); err != nil {
		return
	}
	if qs, err = LoadTable(queries); err != nil {
		return
	}
	g, err := LoadMapping(gold)
	if err != nil {
		return
	}
	partners, err = goldPartners(g, cat, qs)
	return
}

// RunLookupModel is RunLookup with a model file ("" = built-in) and options.
func RunLookupModel(catalog, queries, gold, modelPath string, opt LookupOptions, w io.Writer) (Metrics, error) {
	m, err := modelOrBuiltin(modelPath)
	if err != nil {
		return Metrics{}, err
	}
	cat, qs, partners, err := LoadLookup(catalog, queries, gold)
	if err != nil {
		return Metrics{}, err
	}
	start := time.Now()
	ix := NewIndex(cat)
	pc := PairCompleteness(ix, qs, partners, 10)
	res := Lookup(m, cat, qs, opt)
	met := ScoreLookup(res, partners)
	met.PC10 = pc
	fmt.Fprintf(w, "catalog %d records, %d queries (%d with a gold partner), %v\n", len(cat), len(qs), len(partners), time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(w, "candidates: PC@10=%.4f\n", pc)
	fprintMetrics(w, "lookup", met)
	fmt.Fprintf(w, "f1=%.4f precision=%.4f recall=%.4f top1=%.4f\n", met.F1, met.Precision, met.Recall, met.Top1)
	return met, nil
}

// LoadOriginalView re-expresses a DeepMatcher dataset over the original
// tables it was derived from, when dir holds a leipzig_id_map.csv (columns
// table, deepmatcher_id, leipzig_id) and dir/../leipzig holds the two tables
// it refers to. The records keep their DeepMatcher ids, so the pair lists are
// unchanged; only the text differs (original case and punctuation, columns
// such as description or manufacturer that the DeepMatcher tables dropped).
// ok is false when there is no such view.
func LoadOriginalView(dir string, d Dataset) (view Dataset, ok bool, err error) {
	_, rows, err := readCSV(filepath.Join(dir, "leipzig_id_map.csv"))
	if err != nil {
		return Dataset{}, false, nil
	}
	orig := map[string]map[string]string{"A": {}, "B": {}}
	for _, r := range rows {
		if len(r) >= 3 && orig[r[0]] != nil {
			orig[r[0]][r[1]] = r[2]
		}
	}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(filepath.Clean(dir)), "leipzig", "*.csv"))
	find := func(ids map[string]string) map[string]Record {
		for _, f := range files {
			recs, err := LoadTable(f)
			if err != nil {
				continue
			}
			byID := make(map[string]Record, len(recs))
			for _, r := range recs {
				byID[r.ID] = r
			}
			all := len(ids) > 0
			for _, lid := range ids {
				if _, ok := byID[lid]; !ok {
					all = false
					break
				}
			}
			if all {
				return byID
			}
		}
		return nil
	}
	ta, tb := find(orig["A"]), find(orig["B"])
	if ta == nil || tb == nil {
		return Dataset{}, false, nil
	}
	remap := func(recs []Record, ids map[string]string, tab map[string]Record) ([]Record, error) {
		out := make([]Record, len(recs))
		for i, r := range recs {
			o, ok := tab[ids[r.ID]]
			if !ok {
				return nil, fmt.Errorf("match: %s: no original record for id %s", dir, r.ID)
			}
			o.ID = r.ID
			out[i] = o
		}
		return out, nil
	}
	view = d
	view.Name = d.Name + "/original"
	if view.A, err = remap(d.A, orig["A"], ta); err != nil {
		return Dataset{}, false, err
	}
	if view.B, err = remap(d.B, orig["B"], tb); err != nil {
		return Dataset{}, false, err
	}
	return view, true, nil
}
