// Package flat holds large in-memory catalogs in pointer-free storage, so
// that the garbage collector has almost nothing to mark in them: strings in
// byte arenas addressed by integer references, hash tables of integers whose
// keys are looked up through those references, and many small lists packed
// into one slab.
//
// A Go string or slice is a pointer; a million products held as structs of
// strings, maps and slices are millions of pointers the collector traces on
// every cycle. The types here hold the same data in a few large allocations
// of pointer-free memory (noscan spans), which the collector marks in
// constant time whatever their size.
package flat

import (
	"encoding/binary"
	"hash/maphash"
	"unsafe"
)

// Ref names a byte run in an Arena: chunk number << 32 | offset in chunk.
type Ref uint64

// chunkSize is the size of an arena chunk. A run longer than this gets a
// chunk of its own.
const chunkSize = 1 << 20

// Arena is append-only byte storage in chunks. Bytes once written are never
// changed or moved, so strings made from them (Strings) stay valid as long
// as they are referenced, even after the arena itself is dropped.
// It is not safe for concurrent writes; reads may run concurrently with
// each other.
type Arena struct {
	chunks [][]byte
	size   int64 // bytes allocated
}

// Size is the number of bytes allocated.
func (a *Arena) Size() int64 { return a.size }

// alloc reserves n bytes and returns their reference and the bytes to fill.
func (a *Arena) alloc(n int) (Ref, []byte) {
	last := len(a.chunks) - 1
	if last < 0 || cap(a.chunks[last])-len(a.chunks[last]) < n {
		a.chunks = append(a.chunks, make([]byte, 0, max(chunkSize, n)))
		last++
	}
	c := a.chunks[last]
	off := len(c)
	a.chunks[last] = c[:off+n]
	a.size += int64(n)
	return Ref(uint64(last)<<32 | uint64(off)), a.chunks[last][off : off+n : off+n]
}

// AddStrings stores the strings ss as one run (each prefixed with its
// length) and returns its reference; Strings reads them back.
func (a *Arena) AddStrings(ss ...string) Ref {
	n := 0
	for _, s := range ss {
		n += uvarintLen(uint64(len(s))) + len(s)
	}
	r, b := a.alloc(n)
	b = b[:0]
	for _, s := range ss {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return r
}

// Strings fills dst with the strings stored at r by AddStrings (which must
// have stored at least len(dst) strings). The strings share the arena's
// memory: no copy is made.
func (a *Arena) Strings(r Ref, dst []string) {
	b := a.chunks[r>>32][uint32(r):]
	for i := range dst {
		n, k := binary.Uvarint(b)
		b = b[k:]
		if n == 0 {
			dst[i] = ""
			continue
		}
		dst[i] = unsafe.String(&b[0], int(n))
		b = b[n:]
	}
}

// String returns the first string stored at r.
func (a *Arena) String(r Ref) string {
	var s [1]string
	a.Strings(r, s[:])
	return s[0]
}

// AddBytes stores b as one run and returns its reference; Bytes reads it
// back given its length.
func (a *Arena) AddBytes(b []byte) Ref {
	r, dst := a.alloc(len(b))
	copy(dst, b)
	return r
}

// Bytes returns the n bytes stored at r (shared, not copied; do not modify).
func (a *Arena) Bytes(r Ref, n int) []byte {
	off := uint32(r)
	return a.chunks[r>>32][off : off+uint32(n) : off+uint32(n)]
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// Table is an open-addressing hash table (linear probing) mapping string
// keys to uint32 values, holding only integers: each slot keeps the key's
// 32-bit hash and the value; the key itself is found through the value, by
// the key function the caller passes (typically a string in an Arena). A
// key may have several values (Add) or one (Put).
// It is not safe for concurrent writes.
type Table struct {
	slots []uint64 // hash<<32 | value+1; 0 is empty, tombstone marks a removed slot
	used  int      // slots not empty (values and tombstones)
	n     int      // values held
	seed  maphash.Seed
	init  bool
}

const tombstone = 0xFFFFFFFF // low half of a removed slot

// Hash returns the hash of key used by the table.
func (t *Table) Hash(key string) uint32 {
	if !t.init {
		t.seed, t.init = maphash.MakeSeed(), true
	}
	h := maphash.String(t.seed, key)
	return uint32(h ^ h>>32)
}

// Len is the number of values held.
func (t *Table) Len() int { return t.n }

// Get returns the first value whose key (as keyOf gives it) is key.
func (t *Table) Get(key string, keyOf func(uint32) string) (uint32, bool) {
	if t.n == 0 {
		return 0, false
	}
	h := t.Hash(key)
	mask := uint64(len(t.slots) - 1)
	for i := uint64(h) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if uint32(s>>32) == h && uint32(s) != tombstone && keyOf(uint32(s)-1) == key {
			return uint32(s) - 1, true
		}
	}
}

// Each calls fn with every value whose key is key, until fn returns false.
func (t *Table) Each(key string, keyOf func(uint32) string, fn func(uint32) bool) {
	if t.n == 0 {
		return
	}
	h := t.Hash(key)
	mask := uint64(len(t.slots) - 1)
	for i := uint64(h) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return
		}
		if uint32(s>>32) == h && uint32(s) != tombstone && keyOf(uint32(s)-1) == key {
			if !fn(uint32(s) - 1) {
				return
			}
		}
	}
}

// Put sets the value of key to v, replacing the value of the first slot
// holding key, or adding one.
func (t *Table) Put(key string, v uint32, keyOf func(uint32) string) {
	t.grow()
	h := t.Hash(key)
	mask := uint64(len(t.slots) - 1)
	for i := uint64(h) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			t.slots[i] = uint64(h)<<32 | uint64(v+1)
			t.used++
			t.n++
			return
		}
		if uint32(s>>32) == h && uint32(s) != tombstone && keyOf(uint32(s)-1) == key {
			t.slots[i] = uint64(h)<<32 | uint64(v+1)
			return
		}
	}
}

// Add adds the value v under key, whatever values key already has.
func (t *Table) Add(key string, v uint32) {
	t.grow()
	h := t.Hash(key)
	mask := uint64(len(t.slots) - 1)
	for i := uint64(h) & mask; ; i = (i + 1) & mask {
		if t.slots[i] == 0 {
			t.slots[i] = uint64(h)<<32 | uint64(v+1)
			t.used++
			t.n++
			return
		}
	}
}

// Remove removes the value v stored under key (one slot), reporting whether
// it was there.
func (t *Table) Remove(key string, v uint32) bool {
	if t.n == 0 {
		return false
	}
	h := t.Hash(key)
	mask := uint64(len(t.slots) - 1)
	want := uint64(h)<<32 | uint64(v+1)
	for i := uint64(h) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return false
		}
		if s == want {
			t.slots[i] = uint64(h)<<32 | tombstone
			t.n--
			return true
		}
	}
}

// grow makes room for one more slot: the table is rebuilt (twice as large,
// or as large, dropping tombstones) when it would be over 3/4 full.
func (t *Table) grow() {
	if (t.used+1)*4 <= len(t.slots)*3 {
		return
	}
	size := max(16, len(t.slots))
	for (t.n+1)*2 > size {
		size *= 2
	}
	old := t.slots
	t.slots = make([]uint64, size)
	t.used = 0
	mask := uint64(size - 1)
	for _, s := range old {
		if s == 0 || uint32(s) == tombstone {
			continue
		}
		for i := (s >> 32) & mask; ; i = (i + 1) & mask {
			if t.slots[i] == 0 {
				t.slots[i] = s
				t.used++
				break
			}
		}
	}
}

// Lists holds many growable lists of pointer-free values, numbered 0..N-1,
// packed in one slab. A full list moves to the end of the slab with twice
// its capacity; the space left behind is reclaimed when it becomes large.
// It is not safe for concurrent writes; the slices List returns are valid
// until the next write.
type Lists[T any] struct {
	slab    []T
	heads   []head
	garbage int // slab elements no list uses
}

type head struct{ off, n, cap uint32 }

// Len is the number of lists.
func (l *Lists[T]) Len() int { return len(l.heads) }

// Elems is the number of values held in all lists.
func (l *Lists[T]) Elems() int { return len(l.slab) - l.garbage - l.slack() }

func (l *Lists[T]) slack() int {
	s := 0
	for _, h := range l.heads {
		s += int(h.cap - h.n)
	}
	return s
}

// Extend adds empty lists so that there are at least n.
func (l *Lists[T]) Extend(n int) {
	for len(l.heads) < n {
		l.heads = append(l.heads, head{})
	}
}

// List returns list i (shared with the slab: do not modify or keep across
// writes).
func (l *Lists[T]) List(i uint32) []T {
	h := l.heads[i]
	return l.slab[h.off : h.off+h.n : h.off+h.n]
}

// Count is the length of list i.
func (l *Lists[T]) Count(i uint32) int { return int(l.heads[i].n) }

// Append adds v at the end of list i.
func (l *Lists[T]) Append(i uint32, v T) {
	h := &l.heads[i]
	if h.n == h.cap {
		if h.off+h.cap == uint32(len(l.slab)) && h.cap > 0 {
			// The last list of the slab grows in place.
			l.slab = append(l.slab, v)
			h.n++
			h.cap++
			return
		}
		nc := max(2, 2*h.cap)
		off := uint32(len(l.slab))
		l.slab = append(l.slab, l.slab[h.off:h.off+h.n]...)
		var zero T
		for k := h.n; k < nc; k++ {
			l.slab = append(l.slab, zero)
		}
		l.garbage += int(h.cap)
		h.off, h.cap = off, nc
		if l.garbage > 1<<20 && l.garbage > len(l.slab)/2 {
			l.Compact(nil)
			h = &l.heads[i]
		}
	}
	l.slab[h.off+h.n] = v
	h.n++
}

// Filter keeps the values of list i for which keep returns true, in order.
func (l *Lists[T]) Filter(i uint32, keep func(T) bool) {
	h := &l.heads[i]
	s := l.slab[h.off : h.off+h.n]
	out := s[:0]
	for _, v := range s {
		if keep(v) {
			out = append(out, v)
		}
	}
	h.n = uint32(len(out))
}

// Compact rewrites the slab without the space no list uses, keeping (when
// keep is not nil) only the values for which keep returns true.
func (l *Lists[T]) Compact(keep func(T) bool) {
	total := 0
	for _, h := range l.heads {
		total += int(h.n) + int(h.n)/4
	}
	slab := make([]T, 0, total)
	for i := range l.heads {
		h := &l.heads[i]
		off := uint32(len(slab))
		for _, v := range l.slab[h.off : h.off+h.n] {
			if keep == nil || keep(v) {
				slab = append(slab, v)
			}
		}
		n := uint32(len(slab)) - off
		c := n + n/4
		var zero T
		for k := n; k < c; k++ {
			slab = append(slab, zero)
		}
		h.off, h.n, h.cap = off, n, c
	}
	l.slab, l.garbage = slab, 0
}
