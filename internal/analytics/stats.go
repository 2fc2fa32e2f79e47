package analytics

import (
	"math"
	"sort"
)

// z95 is the two-sided 95% standard normal quantile.
const z95 = 1.959963984540054

// Interval is a confidence interval.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Wilson returns the Wilson score interval of a proportion x/n at the
// normal quantile z (use z95 for 95%). n = 0 gives [0, 1].
func Wilson(x, n int64, z float64) Interval {
	if n <= 0 {
		return Interval{0, 1}
	}
	p := float64(x) / float64(n)
	nn := float64(n)
	z2 := z * z
	den := 1 + z2/nn
	center := (p + z2/(2*nn)) / den
	half := z / den * math.Sqrt(p*(1-p)/nn+z2/(4*nn*nn))
	return Interval{math.Max(0, center-half), math.Min(1, center+half)}
}

// DiffInterval returns Newcombe's hybrid score interval (method 10 of
// Newcombe 1998) of the difference p1 - p2 of two independent proportions,
// built from the Wilson intervals of each: unlike the Wald interval it
// stays inside [-1, 1] and behaves for small counts and rates near 0 or 1.
func DiffInterval(x1, n1, x2, n2 int64, z float64) Interval {
	if n1 <= 0 || n2 <= 0 {
		return Interval{-1, 1}
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	a, b := Wilson(x1, n1, z), Wilson(x2, n2, z)
	d := p1 - p2
	lo := d - math.Sqrt((p1-a.Low)*(p1-a.Low)+(b.High-p2)*(b.High-p2))
	hi := d + math.Sqrt((a.High-p1)*(a.High-p1)+(p2-b.Low)*(p2-b.Low))
	return Interval{math.Max(-1, lo), math.Min(1, hi)}
}

// AUC returns the area under the ROC curve of scores against binary
// labels (the Mann-Whitney statistic, ties counted half). It is 0.5 when
// one class is absent.
func AUC(scores []float64, labels []bool) float64 {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
	var pos, neg float64
	var rankSum float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		rank := float64(i+j+1) / 2 // average 1-based rank of the tie group
		for t := i; t < j; t++ {
			if labels[idx[t]] {
				rankSum += rank
				pos++
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return 0.5
	}
	return (rankSum - pos*(pos+1)/2) / (pos * neg)
}

// Bin is one row of a reliability table.
type Bin struct {
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
	Count     int     `json:"count"`
	Predicted float64 `json:"predicted"` // mean predicted probability
	Observed  float64 `json:"observed"`  // observed positive rate
}

// Reliability bins predictions into equal-width bins and compares the mean
// prediction with the observed rate in each; it also returns the expected
// calibration error (the count-weighted mean absolute difference).
func Reliability(probs []float64, labels []bool, bins int) ([]Bin, float64) {
	out := make([]Bin, bins)
	sums := make([]float64, bins)
	pos := make([]float64, bins)
	for i := range out {
		out[i].Low, out[i].High = float64(i)/float64(bins), float64(i+1)/float64(bins)
	}
	for i, p := range probs {
		b := min(int(p*float64(bins)), bins-1)
		b = max(b, 0)
		out[b].Count++
		sums[b] += p
		if labels[i] {
			pos[b]++
		}
	}
	var ece float64
	for i := range out {
		if out[i].Count == 0 {
			continue
		}
		c := float64(out[i].Count)
		out[i].Predicted, out[i].Observed = sums[i]/c, pos[i]/c
		ece += c * math.Abs(out[i].Predicted-out[i].Observed)
	}
	if len(probs) > 0 {
		ece /= float64(len(probs))
	}
	return out, ece
}

// LogLoss is the mean negative log-likelihood of labels under probs.
func LogLoss(probs []float64, labels []bool) float64 {
	var s float64
	for i, p := range probs {
		p = math.Min(math.Max(p, 1e-12), 1-1e-12)
		if labels[i] {
			s -= math.Log(p)
		} else {
			s -= math.Log(1 - p)
		}
	}
	return s / math.Max(1, float64(len(probs)))
}

// Brier is the mean squared error of probs against labels.
func Brier(probs []float64, labels []bool) float64 {
	var s float64
	for i, p := range probs {
		y := 0.0
		if labels[i] {
			y = 1
		}
		s += (p - y) * (p - y)
	}
	return s / math.Max(1, float64(len(probs)))
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// Logistic is a logistic regression over standardised features.
type Logistic struct {
	Names   []string  `json:"features"`
	Mean    []float64 `json:"mean"`
	Std     []float64 `json:"std"`
	Weights []float64 `json:"weights"` // per standardised feature
	Bias    float64   `json:"bias"`
}

// FitLogistic fits a logistic regression with an L2 penalty lambda (not on
// the bias) by Newton's method (iteratively reweighted least squares),
// which converges in a handful of steps for a few features.
func FitLogistic(names []string, x [][]float64, y []bool, lambda float64) *Logistic {
	d := len(names)
	m := &Logistic{Names: names, Mean: make([]float64, d), Std: make([]float64, d), Weights: make([]float64, d)}
	n := float64(len(x))
	if len(x) == 0 {
		return m
	}
	for _, row := range x {
		for j, v := range row {
			m.Mean[j] += v / n
		}
	}
	for _, row := range x {
		for j, v := range row {
			m.Std[j] += (v - m.Mean[j]) * (v - m.Mean[j]) / n
		}
	}
	for j := range m.Std {
		m.Std[j] = math.Sqrt(m.Std[j])
		if m.Std[j] < 1e-9 {
			m.Std[j] = 1
		}
	}
	z := make([][]float64, len(x)) // standardised, with a leading 1 for the bias
	for i, row := range x {
		z[i] = make([]float64, d+1)
		z[i][0] = 1
		for j, v := range row {
			z[i][j+1] = (v - m.Mean[j]) / m.Std[j]
		}
	}
	w := make([]float64, d+1)
	for iter := 0; iter < 50; iter++ {
		grad := make([]float64, d+1)
		hess := make([][]float64, d+1)
		for j := range hess {
			hess[j] = make([]float64, d+1)
		}
		for i, zi := range z {
			var s float64
			for j, v := range zi {
				s += w[j] * v
			}
			p := sigmoid(s)
			yi := 0.0
			if y[i] {
				yi = 1
			}
			r := p * (1 - p)
			for j, vj := range zi {
				grad[j] += (p - yi) * vj
				for k := j; k < len(zi); k++ {
					hess[j][k] += r * vj * zi[k]
				}
			}
		}
		for j := 0; j <= d; j++ {
			for k := 0; k < j; k++ {
				hess[j][k] = hess[k][j]
			}
			if j > 0 {
				grad[j] += lambda * w[j]
				hess[j][j] += lambda
			}
			hess[j][j] += 1e-9
		}
		step := solve(hess, grad)
		var delta float64
		for j := range w {
			w[j] -= step[j]
			delta = math.Max(delta, math.Abs(step[j]))
		}
		if delta < 1e-8 {
			break
		}
	}
	m.Bias = w[0]
	copy(m.Weights, w[1:])
	return m
}

// Predict returns the probability of the positive class for raw features.
func (m *Logistic) Predict(x []float64) float64 {
	s := m.Bias
	for j, v := range x {
		s += m.Weights[j] * (v - m.Mean[j]) / m.Std[j]
	}
	return sigmoid(s)
}

// solve solves a x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64{}, a[i]...), b[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if math.Abs(m[c][c]) < 1e-300 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		if math.Abs(m[r][r]) > 1e-300 {
			x[r] = s / m[r][r]
		}
	}
	return x
}
