package chapter

import (
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
			line: "parallelism cpu-pool >= 0.7 * min(cores, 20) ideal min(cores, 20) # CPU time over wall time",
			cell: "cpu-pool", op: ">=", bound: "0.7 * min(cores, 20)", ideal: "min(cores, 20)",
			at: map[int][2]float64{1: {0.7, 1}, 2: {1.4, 2}},
		},
		{
			line: "parallelism cpu-sync <= 1.2",
			cell: "cpu-sync", op: "<=", bound: "1.2",
			at: map[int][2]float64{1: {1.2, 0}},
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
			if tt.over == "" {
				assert.Equal(t, "parallelism", e.Kind)
				assert.Equal(t, []string{tt.cell}, e.Cells())
			} else {
				assert.Equal(t, "speedup", e.Kind)
			}
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
		{"parallelism", "malformed expectation: want parallelism CELL"},
		{"parallelism a", "malformed expectation: want parallelism CELL"},
		{"parallelism a > 1", `comparison ">": want >= or <=`},
		{"parallelism a over b >= 1", `comparison "over": want >= or <=`},
		{`parallelism "a" >= 1`, "malformed expectation"},
		{"parallelism a >= 1 +", "bound: unexpected end"},
		{"parallelism a >= 1 ideal", "ideal: unexpected end"},
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
	src := "# T\n\n```{.go name=\"slow\"}\npackage main\nfunc main() {}\n```\n\n" +
		"```{.go name=\"fast\"}\npackage main\nfunc main() {}\n```\n\n" +
		"```{.go name=\"frag\"}\nx := 1\n```\n\n" +
		"```{.go name=\"off\" .norun}\npackage main\nfunc main() {}\n```\n\n" +
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
		"parallelism fast >= 1\n" + // line 33
		"parallelism frag >= 1\n" +
		"```\n"
	ch, err := Parse("x.md", []byte(src))
	require.NoError(t, err)
	es, errs := ParseExpects(ch)
	require.Len(t, es, 3)
	assert.Equal(t, 24, es[0].Line)
	assert.Equal(t, 32, es[1].Line)
	assert.Equal(t, []string{"fast"}, es[1].Cells())
	assert.Equal(t, 33, es[2].Line)
	assert.Equal(t, []string{"fast"}, es[2].Cells())
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
		`x.md:34: expect: cell frag is a fragment: only complete programs (package main) can be timed`,
	}, msgs)
}

// TestParseExpectsFileCell: a file cell does not run on its own, so it
// cannot be timed; a program built with it can.
func TestParseExpectsFileCell(t *testing.T) {
	src := "# T\n\n```{.go title=\"lib.go\" name=\"lib\" .file}\npackage main\n```\n\n" +
		"```{.go name=\"prog\" with=\"lib\"}\npackage main\nfunc main() {}\n```\n\n" +
		"```{.go name=\"alone\"}\npackage main\nfunc main() {}\n```\n\n" +
		"```expect\nspeedup prog over alone >= 1\nparallelism lib >= 1\n```\n"
	ch, err := Parse("x.md", []byte(src))
	require.NoError(t, err)
	es, errs := ParseExpects(ch)
	require.Len(t, es, 1)
	require.Len(t, errs, 1)
	assert.Equal(t, "x.md:19: expect: cell lib is a file cell: it does not run on its own; time a program built with it", errs[0].Error())
}
