package timing

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/concurrency101/book/runner/chapter"
)

// The confidence a verdict needs (see package runner's documentation,
// "Timing expectations"): a fail, which turns a CI run red, needs more.
const (
	PassLevel = 0.05 // the chance a pass is wrong, at most
	FailLevel = 0.01 // the chance a fail is wrong, at most
)

// RatioEstimate returns the Hodges-Lehmann estimate of a set of ratios
// measured side by side, with confidence bounds from the Wilcoxon
// signed-rank test, both on their logarithms (a ratio and its inverse are
// symmetric there): the estimate is the median of the Walsh averages, the
// geometric means of every pair of ratios (each with itself included); the
// bounds are the Walsh averages of rank k and M-1-k, for the largest k with
// P(T <= k) <= alpha, T the signed-rank statistic of n samples. The ratio
// is at least lower, and at most upper, each with probability 1-alpha when
// the log ratios are symmetric about their center, which pairs of timings
// taken side by side are. Robust like the median (it breaks down at 29% of
// outliers, the median at 50%), it needs about two thirds as many samples
// as the sign test for the same precision. Too few samples for that
// confidence give -Inf and +Inf: five samples all on one side of a value
// happen by chance one time in 32.
func RatioEstimate(ratios []float64, alpha float64) (estimate, lower, upper float64) {
	if len(ratios) == 0 {
		return 0, math.Inf(-1), math.Inf(1)
	}
	w := newWalsh(ratios)
	lower, upper = w.bounds(alpha)
	return w.estimate(), lower, upper
}

// walsh holds the sorted Walsh averages of the log ratios of n samples,
// from which RatioEstimate takes the estimate and bounds at any level.
type walsh struct {
	n   int
	avg []float64
}

func newWalsh(ratios []float64) walsh {
	n := len(ratios)
	logs := make([]float64, n)
	for i, r := range ratios {
		logs[i] = math.Log(r)
	}
	w := walsh{n: n, avg: make([]float64, 0, n*(n+1)/2)}
	for i := range logs {
		for j := i; j < n; j++ {
			w.avg = append(w.avg, (logs[i]+logs[j])/2)
		}
	}
	sort.Float64s(w.avg)
	return w
}

func (w walsh) estimate() float64 { return math.Exp(Median(w.avg)) }

func (w walsh) bounds(alpha float64) (lower, upper float64) {
	k := signedRankCritical(w.n, alpha)
	if k < 0 {
		return math.Inf(-1), math.Inf(1)
	}
	return math.Exp(w.avg[k]), math.Exp(w.avg[len(w.avg)-1-k])
}

// signedRankCritical returns the largest k with P(T <= k) <= alpha, T the
// Wilcoxon signed-rank statistic of n samples under the null hypothesis,
// or -1 when even P(T <= 0) = 2^-n is more. The distribution is computed
// exactly up to 500 samples, by the normal approximation beyond.
func signedRankCritical(n int, alpha float64) int {
	m := n * (n + 1) / 2
	if n > 500 {
		sd := math.Sqrt(float64(n*(n+1)*(2*n+1)) / 24)
		z := math.Sqrt2 * math.Erfinv(1-2*alpha)
		return int(math.Floor(float64(m)/2 - z*sd - 0.5))
	}
	// p[t] = P(T = t): each rank 1..n is in the sum with probability 1/2.
	p := make([]float64, m+1)
	p[0] = 1
	top := 0
	for r := 1; r <= n; r++ {
		top += r
		for t := top; t >= 0; t-- {
			v := p[t]
			if t >= r {
				v += p[t-r]
			}
			p[t] = v / 2
		}
	}
	k, cdf := -1, 0.0
	for t := 0; t <= m; t++ {
		if cdf += p[t]; cdf > alpha {
			break
		}
		k = t
	}
	return k
}

// Judge checks an expectation against its paired ratios, time(Over) /
// time(Cell) of runs made side by side, as measured with no load to
// account for: see JudgeLoaded.
func Judge(e *chapter.Expectation, samples []float64, lo, hi int) (r *ExpectResult, decided bool) {
	s := make([]Sample, len(samples))
	for i, v := range samples {
		s[i] = Sample{Ratio: v, Low: v, High: v}
	}
	return JudgeLoaded(e, s, lo, hi)
}

// minMarginRounds is how many rounds an expectation gets before the load's
// margin alone may end it inconclusive.
const minMarginRounds = 10

// JudgeLoaded checks an expectation against its samples for every core
// count from lo to hi, by the rules of package runner's documentation
// ("Timing expectations"): the ratio is estimated as RatioEstimate does; a
// pass needs the PassLevel bound of the least favourable corrections
// (Sample.Low for >=, High for <=) on the right side of the bound, a fail
// the FailLevel bound of the most favourable ones on the wrong side. The
// Walsh averages, and so the bounds, grow with every sample: whatever the
// unloaded ratios are inside their ranges, their bounds are no worse.
// decided is false when more rounds may decide.
func JudgeLoaded(e *chapter.Expectation, samples []Sample, lo, hi int) (r *ExpectResult, decided bool) {
	r = newResult(e)
	r.Cores = hi
	if len(samples) == 0 {
		r.Status, r.Reason = ExpectSkip, "no measurements"
		return r, true
	}
	ratios, lows, highs := make([]float64, len(samples)), make([]float64, len(samples)), make([]float64, len(samples))
	for i, s := range samples {
		ratios[i], lows[i], highs[i] = s.Ratio, s.Low, s.High
		r.Unloaded = append(r.Unloaded, [2]float64{finite(s.Low), finite(s.High)})
	}
	r.Samples = ratios
	raw, low, high := newWalsh(ratios), newWalsh(lows), newWalsh(highs)
	r.Ratio = raw.estimate()
	var j judged
	j.passLo, _ = low.bounds(PassLevel)
	_, j.passHi = high.bounds(PassLevel)
	j.failLo, _ = low.bounds(FailLevel)
	_, j.failHi = high.bounds(FailLevel)
	if !math.IsInf(j.passLo, 0) {
		r.Low, r.High = finite(j.passLo), finite(j.passHi)
	}
	if !e.UsesCores() {
		lo = hi
	}
	if hi > lo {
		r.CoresRange = fmt.Sprintf("%d-%d", lo, hi)
	}
	verdicts := map[int][]int{}
	for c := lo; c <= hi; c++ {
		b, err := e.Bound.Eval(c)
		if err != nil {
			r.Status, r.Reason = ExpectFail, "bound: "+err.Error()
			return r, true
		}
		if c == hi { // shown: what the machine offers when nothing else runs
			r.Bound = b
			if e.Ideal != nil {
				if r.Ideal, err = e.Ideal.Eval(c); err != nil {
					r.Status, r.Reason = ExpectFail, "ideal: "+err.Error()
					return r, true
				}
			}
		}
		v := j.verdict(e.Op, b)
		verdicts[v] = append(verdicts[v], c)
	}
	return conclude(e, r, verdicts, j, raw, low, high, lo, hi)
}

// judged holds the confidence bounds of the corrected samples: the pass
// bounds at PassLevel, the fail bounds at FailLevel.
type judged struct{ passLo, passHi, failLo, failHi float64 }

const (
	verdictPass = iota + 1
	verdictFail
	verdictOpen
)

func (j judged) verdict(op string, b float64) int {
	switch {
	case op == ">=" && j.passLo >= b, op == "<=" && j.passHi <= b:
		return verdictPass
	case op == ">=" && j.failHi < b, op == "<=" && j.failLo > b:
		return verdictFail
	}
	return verdictOpen
}

// conclude turns the verdicts by core count into the result's status and
// reason.
func conclude(e *chapter.Expectation, r *ExpectResult, verdicts map[int][]int, j judged, raw, low, high walsh, lo, hi int) (*ExpectResult, bool) {
	n := len(r.Samples)
	what := "speedup"
	if e.Kind == "parallelism" {
		what = "parallelism"
	}
	switch {
	case len(verdicts[verdictPass]) > 0 && len(verdicts[verdictFail]) > 0:
		r.Status = ExpectInconclusive
		r.Reason = fmt.Sprintf("the machine offered between %d and %d usable cores: the bound holds for %s, not for %s",
			lo, hi, coreList(verdicts[verdictPass]), coreList(verdicts[verdictFail]))
		return r, true
	case len(verdicts[verdictOpen]) > 0:
		r.Status = ExpectInconclusive
		if math.IsInf(j.passLo, 0) {
			r.Reason = fmt.Sprintf("%d rounds are too few to decide", n)
			return r, false
		}
		// Would the samples as measured decide? Then the load's margin
		// is what keeps the verdict open.
		var m judged
		m.passLo, m.passHi = raw.bounds(PassLevel)
		m.failLo, m.failHi = raw.bounds(FailLevel)
		if m.verdict(e.Op, r.Bound) != verdictOpen {
			lo, hi := low.estimate(), high.estimate()
			r.Reason = fmt.Sprintf("the load could explain the gap: over %d rounds the %s is %.2f as measured, between %.2f and %.2f without the load (90%% confidence), the bound %s %.2f is inside",
				n, what, r.Ratio, j.passLo, j.passHi, e.Op, r.Bound)
			// More rounds narrow the confidence, not the load's margin.
			return r, n >= minMarginRounds && lo <= r.Bound && r.Bound <= hi
		}
		r.Reason = fmt.Sprintf("%d rounds do not decide: the %s is between %.2f and %.2f (90%% confidence), the bound %s %.2f is inside",
			n, what, j.passLo, j.passHi, e.Op, r.Bound)
		return r, false
	case len(verdicts[verdictFail]) > 0:
		r.Status = ExpectFail
		val := fmt.Sprintf("%.2f", r.Ratio)
		if what == "speedup" {
			val += "x"
		}
		if e.Op == ">=" {
			r.Reason = fmt.Sprintf("%s %s is not >= %.2f: over %d rounds it is at most %.2f (99%% confidence)", what, val, r.Bound, n, j.failHi)
		} else {
			r.Reason = fmt.Sprintf("%s %s is not <= %.2f: over %d rounds it is at least %.2f (99%% confidence)", what, val, r.Bound, n, j.failLo)
		}
		return r, true
	}
	r.Status = ExpectPass
	return r, true
}

// finite returns v, or 0 for an infinite bound (JSON has no infinity).
func finite(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	return v
}

func coreList(cs []int) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = strconv.Itoa(c)
	}
	if len(s) == 1 && s[0] == "1" {
		return "1 core"
	}
	return strings.Join(s, ", ") + " cores"
}

// Median returns the median of v (the mean of the middle two for an even
// count), or 0 for none.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}
