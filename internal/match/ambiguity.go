package match

import (
	"hash/fnv"
	"slices"
	"strings"
)

// Products that share a title apart from their model number (a drill in
// 18 and 20 volt versions with one title, colours of one headphone sold
// under one name) cannot be told apart by a page that does not name the
// model: the matcher must abstain rather than offer one of them at random.
// The matcher counts, for every title key (the title's tokens without its
// model-number-like codes), the live products holding it; a candidate is
// ambiguous for a page when another live product shares its title key and
// the page names none of the candidate's codes.

// titleKey returns the hash of a record's title tokens other than codes
// (sorted, distinct), whether there is any such token, and the record's
// codes: the code-like tokens of its title and of its model number (both
// as Tokenize gives them).
func titleKey(title, modelNo []string) (key uint64, ok bool, codes []string) {
	var words []string
	for _, t := range title {
		if isCodeToken(t) {
			codes = append(codes, t)
		} else {
			words = append(words, t)
		}
	}
	for _, t := range modelNo {
		if isCodeToken(t) {
			codes = append(codes, t)
		}
	}
	if len(words) == 0 {
		return 0, false, codes
	}
	slices.Sort(words)
	words = slices.Compact(words)
	h := fnv.New64a()
	for _, w := range words {
		h.Write([]byte(w))
		h.Write([]byte{0})
	}
	return h.Sum64(), true, codes
}

// namesAny reports whether the page's tokens name one of codes: the code
// itself, or a longer or shorter form of it (a regional suffix such as
// "ln46b650t1fxza" for "ln46b650"; the shorter has at least 5 characters).
func namesAny(page []string, codes []string) bool {
	for _, c := range codes {
		for _, p := range page {
			if p == c || (min(len(p), len(c)) >= 5 && (strings.HasPrefix(p, c) || strings.HasPrefix(c, p))) {
				return true
			}
		}
	}
	return false
}

// markAmbiguous sets Ambiguous on the best candidate (the one an answer
// is decided on) when the page q cannot tell it apart from another live
// product. Call without the lock held.
func (x *Matcher) markAmbiguous(q Record, cands []LiveCandidate) {
	if len(cands) == 0 {
		return
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	d, ok := x.liveDoc(cands[0].ID)
	if !ok {
		return
	}
	r := x.rec(d)
	key, ok, codes := titleKey(Tokenize(r.Title), Tokenize(r.ModelNo))
	if !ok || x.titles[key] <= 1 {
		return
	}
	page := Tokenize(q.Title)
	if q.ModelNo != "" {
		page = append(page, Tokenize(q.ModelNo)...)
	}
	cands[0].Ambiguous = !namesAny(page, codes)
}
