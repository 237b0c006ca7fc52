package chapter

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseExpect(t *testing.T) {
	tests := []struct {
		line  string
		cell  string
		over  string
		in    string
		op    string
		bound string // the bound as printed
		ideal string
		at    map[int][2]float64 // cores: bound, ideal
	}{
		{
			line: "speedup cpu-pool over cpu-sync >= 0.8 * min(cores, 20) ideal 20 / ceil(20 / min(cores, 20))",
			cell: "cpu-pool", over: "cpu-sync", op: ">=",
			bound: "0.8 * min(cores, 20)", ideal: "20 / ceil(20 / min(cores, 20))",
			at: map[int][2]float64{1: {0.8, 1}, 2: {1.6, 2}, 8: {6.4, 20.0 / 3}, 64: {16, 20}},
		},
		{
			line: "speedup cpu-one-core over cpu-sync <= 1.25  # no faster on one core",
			cell: "cpu-one-core", over: "cpu-sync", op: "<=", bound: "1.25",
			at: map[int][2]float64{1: {1.25, 0}, 4: {1.25, 0}},
		},
		{
			line: "speedup a over b >= (1 - 0.1) * -(-cores) - 2 * floor(max(cores, 3, 1) / 2) + 1",
			cell: "a", over: "b", op: ">=", bound: "(1 - 0.1) * -(-cores) - 2 * floor(max(cores, 3, 1) / 2) + 1",
			at: map[int][2]float64{2: {0.9*2 - 2 + 1, 0}, 4: {0.9*4 - 4 + 1, 0}},
		},
		{
			line: `speedup "waiting 4 at once" over "waiting 4 in a row" in classify >= 2.5 ideal 4`,
			cell: "waiting 4 at once", over: "waiting 4 in a row", in: "classify", op: ">=", bound: "2.5", ideal: "4",
			at: map[int][2]float64{1: {2.5, 4}},
		},
		{
			line: "speedup pool over sync in timings <= 1.1 # bare labels",
			cell: "pool", over: "sync", in: "timings", op: "<=", bound: "1.1",
			at: map[int][2]float64{1: {1.1, 0}},
		},
		{
			line: "speedup a over b <= 10 - (2 - 1) ideal 1_000 / 100",
			cell: "a", over: "b", op: "<=", bound: "10 - (2 - 1)", ideal: "1000 / 100",
			at: map[int][2]float64{1: {9, 10}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			e, err := ParseExpect(&Expect{Line: 7, Text: tt.line})
			require.NoError(t, err)
			assert.Equal(t, 7, e.Line)
			assert.Equal(t, tt.cell, e.Cell)
			assert.Equal(t, tt.over, e.Over)
			assert.Equal(t, tt.in, e.In)
			assert.Equal(t, tt.op, e.Op)
			assert.Equal(t, tt.bound, e.Bound.String())
			if tt.ideal == "" {
				assert.Nil(t, e.Ideal)
			} else {
				require.NotNil(t, e.Ideal)
				assert.Equal(t, tt.ideal, e.Ideal.String())
			}
			for cores, want := range tt.at {
				b, err := e.Bound.Eval(cores)
				require.NoError(t, err)
				assert.InDelta(t, want[0], b, 1e-9, "bound at %d cores", cores)
				if e.Ideal != nil {
					i, err := e.Ideal.Eval(cores)
					require.NoError(t, err)
					assert.InDelta(t, want[1], i, 1e-9, "ideal at %d cores", cores)
				}
			}
			// What String prints parses back to the same tree.
			again, err := ParseExpect(&Expect{Text: "speedup a over b >= " + e.Bound.String()})
			require.NoError(t, err)
			assert.Equal(t, e.Bound, again.Bound)
		})
	}
}

func TestParseExpectErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{"slowdown a over b >= 1", `unknown expectation "slowdown"`},
		{"speedup a b >= 1", "malformed expectation"},
		{"speedup a over b", "malformed expectation"},
		{"speedup a over b > 1", `comparison ">": want >= or <=`},
		{"speedup a over b >= ", "bound: unexpected end"},
		{"speedup a over b >= 2 *", "bound: unexpected end"},
		{"speedup a over b >= (2", "missing ) before"},
		{"speedup a over b >= 2 3", `unexpected "3" after the expression`},
		{"speedup a over b >= threads", `unexpected "threads"`},
		{"speedup a over b >= min", "min needs arguments"},
		{"speedup a over b >= min()", "unexpected \")\""},
		{"speedup a over b >= ceil(1, 2)", "ceil takes one argument, got 2"},
		{"speedup a over b >= max(1 2)", "want , or )"},
		{"speedup a over b >= 1.2.3", `bad number "1.2.3"`},
		{"speedup a over b >= 1 ideal", "ideal: unexpected end"},
		{"speedup a over b >= 1 ideal 2 ideal 3", `unexpected "ideal"`},
		{`speedup "a b" over "c" >= 1`, "quoted labels name values a cell reports: add in CELL"},
		{`speedup "a" over b >= 1`, "quoted labels name values a cell reports"},
		{`speedup "a over "b" in c >= 1`, "malformed expectation"},
		{`speedup "" over "b" in c >= 1`, "malformed expectation"},
		{`speedup "a" over "b" in >= 1`, `comparison "1": want >= or <=`},
		{`speedup "a" over "b" in`, "in names no cell"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := ParseExpect(&Expect{Text: tt.line})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestReportedValue(t *testing.T) {
	out := "waiting   4 in a row: 80.9ms\nwaiting 4 at once:\t20µs\nwaitingly 3s\nrequests: 160 in 1m2.5s\ncount 42\nratio: 1.5e3 x\nnothing here\n"
	tests := []struct {
		label string
		want  float64
		err   string
	}{
		{"waiting 4 in a row", 0.0809, ""},
		{"waiting  4 at once", 20e-6, ""}, // spaces collapse
		{"waiting", 0.0809, ""},           // the first line that starts with it
		{"waitingly", 3, ""},
		{"requests", 62.5, ""}, // a duration before a number
		{"count", 42, ""},
		{"ratio", 1500, ""},
		{"nothing", 0, `the line "nothing here" reports no number or duration`},
		{"missing", 0, `no line of output starts with "missing"`},
		{"wait", 0, `no line of output starts with "wait"`}, // not a prefix of a word
	}
	for _, tt := range tests {
		v, err := ReportedValue(out, tt.label)
		if tt.err != "" {
			assert.EqualError(t, err, tt.err, tt.label)
			continue
		}
		require.NoError(t, err, tt.label)
		assert.InDelta(t, tt.want, v, 1e-12, tt.label)
	}
}

func TestEvalDivisionByZero(t *testing.T) {
	e, err := ParseExpect(&Expect{Text: "speedup a over b >= 1 / (cores - 2)"})
	require.NoError(t, err)
	_, err = e.Bound.Eval(2)
	require.ErrorContains(t, err, "division by zero in 1 / (cores - 2)")
	v, err := e.Bound.Eval(4)
	require.NoError(t, err)
	assert.Equal(t, 0.5, v)
}

func TestParseExpects(t *testing.T) {
	src := "# T\n\n```go name=\"slow\"\npackage main\nfunc main() {}\n```\n\n" +
		"```go name=\"fast\"\npackage main\nfunc main() {}\n```\n\n" +
		"```go name=\"frag\"\nx := 1\n```\n\n" +
		"```go name=\"off\" norun\npackage main\nfunc main() {}\n```\n\n" +
		"```expect\n" +
		"# a comment line\n" +
		"speedup fast over slow >= 1.5 * min(cores, 2) ideal min(cores, 2)\n" + // line 24
		"speedup fast over nope >= 1\n" +
		"speedup frag over slow >= 1\n" +
		"speedup off over slow >= 1\n" +
		"speedup fast over slow >= 1 +\n" +
		"speedup fast over fast >= 1\n" +
		"speedup \"a\" over \"b\" in frag >= 1\n" +
		"speedup \"a\" over \"a\" in fast >= 1\n" +
		"speedup \"a\" over \"b\" in fast >= 1\n" + // line 32
		"```\n"
	ch, err := Parse("x.md", []byte(src))
	require.NoError(t, err)
	es, errs := ParseExpects(ch)
	require.Len(t, es, 2)
	assert.Equal(t, 24, es[0].Line)
	assert.Equal(t, 32, es[1].Line)
	assert.Equal(t, []string{"fast"}, es[1].Cells())
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	assert.Equal(t, []string{
		`x.md:25: expect: no cell named "nope"`,
		`x.md:26: expect: cell frag is a fragment: only complete programs (package main) can be timed`,
		`x.md:27: expect: cell off is norun`,
		`x.md:28: expect: bound: unexpected end of the expression`,
		`x.md:29: expect: a cell's speedup over itself`,
		`x.md:30: expect: cell frag is a fragment: only complete programs (package main) can be timed`,
		`x.md:31: expect: a value's speedup over itself`,
	}, msgs)
}

func TestJudge(t *testing.T) {
	parse := func(s string) *Expectation {
		e, err := ParseExpect(&Expect{Line: 3, Text: s})
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
		e       *Expectation
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
			"10 rounds do not decide: the ratio is between 1.55 and 1.64 (90% confidence), the bound >= 1.60 is inside"},
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

func TestTimingsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ch := filepath.Join(dir, "cpu.md")
	assert.Equal(t, filepath.Join(dir, "cpu.timings.json"), TimingsPath(ch))
	empty, err := ReadTimings(ch)
	require.NoError(t, err)
	assert.Nil(t, empty.Record("yaegi"))

	rec := &TimingRecord{Engine: "yaegi", Count: 3, Machine: Machine{CPUs: 2, Engine: "yaegi"},
		Expectations: []*ExpectResult{{Line: 4, Text: "speedup a over b >= 1", Ratio: 1.9, Status: ExpectPass}}}
	empty.Set(&TimingRecord{Engine: "go"})
	empty.Set(rec)
	empty.Set(rec)
	require.NoError(t, WriteTimings(ch, empty))
	got, err := ReadTimings(ch)
	require.NoError(t, err)
	require.Len(t, got.Records, 2, "one record per engine")
	y := got.Record("yaegi")
	require.NotNil(t, y)
	assert.Equal(t, 1.9, y.Find("speedup a over b >= 1").Ratio)
	assert.Nil(t, y.Find("speedup b over a >= 1"))
	assert.True(t, strings.HasPrefix(y.Machine.String(), "2 cpus"))
	raw, err := os.ReadFile(TimingsPath(ch))
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"text": "speedup a over b >= 1"`, "written for people: no \\u003e")
}
