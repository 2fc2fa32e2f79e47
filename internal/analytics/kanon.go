package analytics

// DefaultK is the smallest number of distinct installs (shoppers) an
// aggregate may describe. Every report row, funnel stage, cohort cell and
// experiment arm with fewer distinct installs is left out of the API, the
// pages and the CSV exports.
const DefaultK = 10

// Suppress returns the rows whose distinct-install count is at least k, in
// their order, and how many rows it dropped. It is the one k-anonymity
// filter of the package: every aggregate goes through it before it leaves
// the server. k below 1 is treated as DefaultK, so a zero configuration
// never disables the protection.
func Suppress[T any](rows []T, k int, installs func(T) int64) ([]T, int) {
	if k < 1 {
		k = DefaultK
	}
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		if installs(r) >= int64(k) {
			out = append(out, r)
		}
	}
	return out, len(rows) - len(out)
}

// Visible reports whether a count of n distinct installs may be shown on
// its own: zero (nobody) or at least k. It is Suppress for one value.
func Visible(n int64, k int) bool {
	if n == 0 {
		return true
	}
	kept, _ := Suppress([]int64{n}, k, func(v int64) int64 { return v })
	return len(kept) == 1
}
