package chapter

import (
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
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := ParseExpect(&Expect{Text: tt.line})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
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
		"```\n"
	ch, err := Parse("x.md", []byte(src))
	require.NoError(t, err)
	es, errs := ParseExpects(ch)
	require.Len(t, es, 1)
	assert.Equal(t, 24, es[0].Line)
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
	tests := []struct {
		name    string
		e       *Expectation
		samples []float64
		lo, hi  int
		want    ExpectStatus
		summary string
	}{
		{"parallel on 2", pool, []float64{1.9, 1.95, 2.0}, 2, 2, ExpectPass,
			"speedup p over s: 1.95x (bound >= 1.60, ideal 2.00; 98% of ideal)"},
		{"sequential on 2", pool, []float64{1.0, 1.01, 0.99}, 2, 2, ExpectFail, ""},
		{"median resists one outlier", pool, []float64{1.9, 0.6, 1.95}, 2, 2, ExpectPass, ""},
		{"sequential on 1", pool, []float64{1.0}, 1, 1, ExpectPass, ""},
		{"loaded: 1 or 2 cores", pool, []float64{1.3, 1.35}, 1, 2, ExpectInconclusive,
			"speedup p over s: 1.33x (bound >= 1.60, ideal 2.00; 66% of ideal; cores 1-2)"},
		{"loaded upper bound", upper, []float64{1.33}, 1, 2, ExpectInconclusive, ""},
		{"too fast", upper, []float64{2.5, 2.6, 2.4}, 2, 2, ExpectFail, ""},
		{"hopeless in the whole range", pool, []float64{0.5}, 1, 2, ExpectFail, ""},
		{"range ignored without cores", flat, []float64{1.0}, 1, 2, ExpectPass, "speedup o over s: 1.00x (bound <= 1.25)"},
		{"no samples", flat, nil, 2, 2, ExpectSkip, "speedup o over s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Judge(tt.e, tt.samples, tt.lo, tt.hi)
			assert.Equal(t, tt.want, r.Status, "reason: %s", r.Reason)
			if tt.want != ExpectPass {
				assert.NotEmpty(t, r.Reason)
			}
			if tt.summary != "" {
				assert.Equal(t, tt.summary, r.Summary())
			}
		})
	}
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
}
