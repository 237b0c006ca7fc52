package timing

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/chapter"
)

func TestJudge(t *testing.T) {
	parse := func(s string) *chapter.Expectation {
		e, err := chapter.ParseExpect(&chapter.Expect{Line: 3, Text: s})
		require.NoError(t, err)
		return e
	}
	pool := parse("speedup p over s >= 0.8 * min(cores, 20) ideal 20 / ceil(20 / min(cores, 20))")
	upper := parse("speedup p over s <= 1.1 * 20 / ceil(20 / min(cores, 20))")
	flat := parse("speedup o over s <= 1.25")
	rep := func(v float64, n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = v + float64(i%3)*0.01
		}
		return s
	}
	tests := []struct {
		name    string
		e       *chapter.Expectation
		samples []float64
		lo, hi  int
		want    ExpectStatus
		decided bool
		summary string
		reason  string
	}{
		{"parallel on 2", pool, []float64{1.9, 1.95, 2.0, 1.92, 1.97}, 2, 2, ExpectPass, true,
			"speedup p over s: 1.95x [1.90, 2.00] over 5 rounds (bound >= 1.60, ideal 2.00; 97% of ideal)", ""},
		{"three rounds cannot decide", pool, []float64{1.9, 1.95, 2.0}, 2, 2, ExpectInconclusive, false,
			"speedup p over s: 1.95x over 3 rounds (bound >= 1.60, ideal 2.00; 97% of ideal)", "3 rounds are too few to decide"},
		{"sequential on 2", pool, rep(1.0, 7), 2, 2, ExpectFail, true, "",
			"speedup 1.01x is not >= 1.60: over 7 rounds it is at most 1.02 (99% confidence)"},
		{"a fail needs more than a pass", pool, rep(1.0, 5), 2, 2, ExpectInconclusive, false, "", "5 rounds do not decide"},
		{"median resists one outlier", pool, []float64{1.9, 0.6, 1.95, 1.92, 1.97, 1.93, 1.99, 1.91, 1.94, 1.96}, 2, 2, ExpectPass, true, "", ""},
		{"straddling the bound", pool, []float64{1.5, 1.7, 1.55, 1.65, 1.58, 1.62, 1.52, 1.68, 1.59, 1.61}, 2, 2, ExpectInconclusive, false, "",
			"10 rounds do not decide: the speedup is between 1.55 and 1.64 (90% confidence), the bound >= 1.60 is inside"},
		{"sequential on 1", pool, rep(1.0, 5), 1, 1, ExpectPass, true, "", ""},
		{"loaded: 1 or 2 cores", pool, rep(1.3, 7), 1, 2, ExpectInconclusive, true,
			"speedup p over s: 1.31x [1.30, 1.31] over 7 rounds (bound >= 1.60, ideal 2.00; 65% of ideal; cores 1-2)",
			"the machine offered between 1 and 2 usable cores: the bound holds for 1 core, not for 2 cores"},
		{"loaded, too few to fail on 2", pool, rep(1.3, 5), 1, 2, ExpectInconclusive, false, "", "5 rounds do not decide"},
		{"loaded upper bound", upper, rep(1.33, 7), 1, 2, ExpectInconclusive, true, "", "holds for 2 cores, not for 1 core"},
		{"too fast", upper, rep(2.5, 7), 2, 2, ExpectFail, true, "",
			"speedup 2.51x is not <= 2.20: over 7 rounds it is at least 2.50 (99% confidence)"},
		{"hopeless in the whole range", pool, rep(0.5, 7), 1, 2, ExpectFail, true, "", ""},
		{"range ignored without cores", flat, rep(1.0, 5), 1, 2, ExpectPass, true, "speedup o over s: 1.01x [1.00, 1.02] over 5 rounds (bound <= 1.25)", ""},
		{"no samples", flat, nil, 2, 2, ExpectSkip, true, "speedup o over s", "no measurements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, decided := Judge(tt.e, tt.samples, tt.lo, tt.hi)
			assert.Equal(t, tt.want, r.Status, "reason: %s", r.Reason)
			assert.Equal(t, tt.decided, decided)
			if tt.want != ExpectPass {
				assert.NotEmpty(t, r.Reason)
			}
			if tt.summary != "" {
				assert.Equal(t, tt.summary, r.Summary())
			}
			if tt.reason != "" {
				assert.Contains(t, r.Reason, tt.reason)
			}
		})
	}
}

// TestRatioEstimate checks the signed-rank critical values against the
// distribution enumerated, and against published tables, and the estimate
// on samples worked by hand.
func TestRatioEstimate(t *testing.T) {
	for n := 1; n <= 14; n++ {
		// Enumerate the 2^n sign patterns: T is the sum of the ranks
		// marked positive.
		count := make([]int, n*(n+1)/2+1)
		for mask := 0; mask < 1<<n; mask++ {
			t := 0
			for r := 1; r <= n; r++ {
				if mask&(1<<(r-1)) != 0 {
					t += r
				}
			}
			count[t]++
		}
		for _, alpha := range []float64{PassLevel, FailLevel, 0.025} {
			want, cum := -1, 0
			for k, c := range count {
				cum += c
				if float64(cum)/float64(int(1)<<n) > alpha {
					break
				}
				want = k
			}
			assert.Equal(t, want, signedRankCritical(n, alpha), "n=%d alpha=%v", n, alpha)
		}
	}
	// Tables of the signed-rank test, one-sided 2.5%: n=10: 8, n=20: 52,
	// n=30: 137.
	assert.Equal(t, 8, signedRankCritical(10, 0.025))
	assert.Equal(t, 52, signedRankCritical(20, 0.025))
	assert.Equal(t, 137, signedRankCritical(30, 0.025))
	assert.Equal(t, 0, signedRankCritical(5, PassLevel), "5 of 5 on one side: 1/32")
	assert.Equal(t, -1, signedRankCritical(5, FailLevel))
	assert.Equal(t, 0, signedRankCritical(7, FailLevel), "1/128")
	// The normal approximation takes over smoothly after 500.
	exact, approx := signedRankCritical(500, PassLevel), signedRankCritical(501, PassLevel)
	assert.InDelta(t, float64(exact), float64(approx), 0.01*float64(exact))

	est, lo, hi := RatioEstimate([]float64{4, 1, 2}, PassLevel)
	assert.InDelta(t, 2, est, 1e-12, "the geometric mean of 1 and 4 is the middle Walsh average")
	assert.True(t, math.IsInf(lo, -1) && math.IsInf(hi, 1), "three samples give no 95%% bound")
	in := []float64{1.9, 1.8, 2.0, 1.7, 1.95}
	est, lo, hi = RatioEstimate(in, PassLevel)
	assert.Equal(t, []float64{1.9, 1.8, 2.0, 1.7, 1.95}, in, "RatioEstimate must not reorder its argument")
	assert.Equal(t, [2]float64{1.7, 2.0}, [2]float64{lo, hi}, "five samples: the extremes")
	assert.Greater(t, est, 1.8)
	assert.Less(t, est, 1.95)
	est, lo, hi = RatioEstimate([]float64{1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5}, FailLevel)
	assert.InDelta(t, 1.5, est, 1e-12)
	assert.InDelta(t, 1.5, lo, 1e-12)
	assert.InDelta(t, 1.5, hi, 1e-12)
}

func TestMedian(t *testing.T) {
	assert.Equal(t, 0.0, Median(nil))
	assert.Equal(t, 2.0, Median([]float64{3, 1, 2}))
	assert.Equal(t, 2.5, Median([]float64{4, 1, 3, 2}))
	in := []float64{3, 1, 2}
	Median(in)
	assert.Equal(t, []float64{3, 1, 2}, in, "Median must not reorder its argument")
}
