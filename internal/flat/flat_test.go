package flat

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestArenaStrings(t *testing.T) {
	var a Arena
	big := strings.Repeat("x", chunkSize+10) // a run larger than a chunk
	type run struct {
		r  Ref
		ss []string
	}
	var runs []run
	for i := range 5000 {
		ss := []string{fmt.Sprint("id", i), "", strings.Repeat("é", i%300)}
		if i == 2500 {
			ss = append(ss, big)
		}
		runs = append(runs, run{a.AddStrings(ss...), ss})
	}
	b := a.AddBytes([]byte("raw bytes"))
	for _, r := range runs {
		got := make([]string, len(r.ss))
		a.Strings(r.r, got)
		if !slices.Equal(got, r.ss) {
			t.Fatalf("run %v: got %d strings, want %d", r.r, len(got), len(r.ss))
		}
		if a.String(r.r) != r.ss[0] {
			t.Fatalf("String = %q, want %q", a.String(r.r), r.ss[0])
		}
	}
	if string(a.Bytes(b, 9)) != "raw bytes" {
		t.Fatalf("Bytes = %q", a.Bytes(b, 9))
	}
}

// TestTableAgainstMap drives a Table and a map with the same random
// operations and compares every answer.
func TestTableAgainstMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var keys []string // value -> key
	keyOf := func(v uint32) string { return keys[v] }
	var tab Table
	want := map[string][]uint32{} // key -> values, in insertion order
	for step := range 200000 {
		k := fmt.Sprint("k", rng.IntN(3000))
		switch op := rng.IntN(10); {
		case op < 4: // Add
			v := uint32(len(keys))
			keys = append(keys, k)
			tab.Add(k, v)
			want[k] = append(want[k], v)
		case op < 6: // Remove one value of k
			if vs := want[k]; len(vs) > 0 {
				i := rng.IntN(len(vs))
				if !tab.Remove(k, vs[i]) {
					t.Fatalf("step %d: Remove(%s, %d) = false", step, k, vs[i])
				}
				want[k] = slices.Delete(vs, i, i+1)
			} else if tab.Remove(k, 0) && keys[0] != k {
				t.Fatalf("step %d: Remove of an absent value succeeded", step)
			}
		default: // Get and Each
			var got []uint32
			tab.Each(k, keyOf, func(v uint32) bool { got = append(got, v); return true })
			slices.Sort(got)
			exp := slices.Sorted(slices.Values(want[k]))
			if !slices.Equal(got, exp) {
				t.Fatalf("step %d: Each(%s) = %v, want %v", step, k, got, exp)
			}
			if v, ok := tab.Get(k, keyOf); ok != (len(exp) > 0) || ok && !slices.Contains(exp, v) {
				t.Fatalf("step %d: Get(%s) = %d, %v; values %v", step, k, v, ok, exp)
			}
		}
	}
	n := 0
	for _, vs := range want {
		n += len(vs)
	}
	if tab.Len() != n {
		t.Fatalf("Len = %d, want %d", tab.Len(), n)
	}
}

func TestTablePut(t *testing.T) {
	var tab Table
	ids := map[uint32]string{}
	keyOf := func(v uint32) string { return ids[v] }
	for i := range uint32(1000) {
		k := fmt.Sprint("p", i%100)
		ids[i] = k
		tab.Put(k, i, keyOf)
	}
	if tab.Len() != 100 {
		t.Fatalf("Len = %d, want 100 (Put replaces)", tab.Len())
	}
	for i := range uint32(100) {
		if v, ok := tab.Get(fmt.Sprint("p", i), keyOf); !ok || v != 900+i {
			t.Fatalf("Get(p%d) = %d, %v, want %d", i, v, ok, 900+i)
		}
	}
}

// TestListsAgainstSlices drives Lists and plain slices with the same
// random appends, filters and compactions.
func TestListsAgainstSlices(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var l Lists[uint32]
	var want [][]uint32
	check := func(step int) {
		t.Helper()
		for i := range want {
			if got := l.List(uint32(i)); !slices.Equal(got, want[i]) && !(len(got) == 0 && len(want[i]) == 0) {
				t.Fatalf("step %d: list %d = %v, want %v", step, i, got, want[i])
			}
			if l.Count(uint32(i)) != len(want[i]) {
				t.Fatalf("step %d: Count(%d) = %d, want %d", step, i, l.Count(uint32(i)), len(want[i]))
			}
		}
	}
	for step := range 100000 {
		switch op := rng.IntN(100); {
		case op < 2:
			l.Extend(len(want) + 1)
			want = append(want, nil)
		case len(want) == 0:
		case op < 95:
			i, v := rng.IntN(len(want)), rng.Uint32()
			l.Append(uint32(i), v)
			want[i] = append(want[i], v)
		case op < 98:
			i := rng.IntN(len(want))
			keep := func(v uint32) bool { return v%3 != 0 }
			l.Filter(uint32(i), keep)
			want[i] = slices.DeleteFunc(want[i], func(v uint32) bool { return !keep(v) })
		default:
			keep := func(v uint32) bool { return v%5 != 0 }
			l.Compact(keep)
			for i := range want {
				want[i] = slices.DeleteFunc(want[i], func(v uint32) bool { return !keep(v) })
			}
		}
		if step%5000 == 0 {
			check(step)
		}
	}
	check(-1)
	n := 0
	for _, w := range want {
		n += len(w)
	}
	if l.Elems() != n {
		t.Fatalf("Elems = %d, want %d", l.Elems(), n)
	}
}
