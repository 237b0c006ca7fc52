package runner

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTestCells runs testdata/tests/tests.md: test cells run as go test -v
// runs them, under the toolchain, routed there under auto and both; a
// passing test, a failing one it expects, one built with a file cell, a
// race under the detector and a synctest bubble's deadlock all verify
// against their goldens.
func TestTestCells(t *testing.T) {
	for _, engine := range []string{"auto", "both"} {
		t.Run(engine, func(t *testing.T) {
			rep := runGo(t, "testdata/tests/tests.md", Options{Engine: engine})
			for _, r := range rep.Results {
				assert.NotEqual(t, chapter.Fail, r.Status, "cell %s: %s %v", r.Cell, r.Error, r.Problems)
			}
			for _, name := range []string{"pass", "fail", "counter-test", "bubble"} {
				r := rep.Result(name)
				assert.Equal(t, "go", r.Engine, name)
				assert.Equal(t, "a test: go test", r.Routed, name)
				assert.Equal(t, "test", r.Kind, name)
				assert.Nil(t, r.Other, "%s: only the toolchain runs a test", name)
			}
			assert.Equal(t, "race", rep.Result("race").Routed)
			assert.Equal(t, chapter.FailExit, rep.Result("fail").FailKind)
			assert.Equal(t, chapter.FailRace, rep.Result("race").FailKind)
			assert.Contains(t, rep.Result("race").Stderr, "WARNING: DATA RACE")
			assert.Equal(t, chapter.FailPanic, rep.Result("bubble").FailKind)
			assert.Equal(t, chapter.Skip, rep.Result("counter").Status)
		})
	}
}

// TestTestCellsYaegi: the interpreter refuses a test cell, clearly, at its
// line; a test cell with .race (engine go) runs under the toolchain as
// any cell that says so.
func TestTestCellsYaegi(t *testing.T) {
	rep := runGo(t, "testdata/tests/tests.md", Options{Engine: "yaegi"})
	for _, name := range []string{"pass", "counter-test"} {
		r := rep.Result(name)
		assert.Equal(t, chapter.Fail, r.Status, name)
		assert.Equal(t, chapter.FailCompile, r.FailKind, name)
		assert.Equal(t, "a test: go test", r.Refused, name)
		assert.Contains(t, strings.Join(r.Problems, "\n"), "testdata/tests/tests.md:"+strconv.Itoa(r.Line)+": cell "+name+": ", name)
		assert.Contains(t, r.Error, strings.TrimSuffix(name, "-test")+"_test.go is a test: the interpreter does not run tests", name)
	}
	assert.Equal(t, chapter.Pass, rep.Result("race").Status, "%v", rep.Result("race").Problems)
	assert.Equal(t, "go", rep.Result("race").Engine)
}

// TestTestCellsFail: what the fixture checks fails when the input is
// broken: a golden that shows the wrong test output, a failing test
// without fails=, a passing test with one, a compile error (reported at
// the chapter's line), and a test that runs past its timeout.
func TestTestCellsFail(t *testing.T) {
	src, err := os.ReadFile("testdata/tests/tests.md")
	require.NoError(t, err)
	md := string(src)
	md = strings.Replace(md, "    tests.md:15: 2 * 21 = 42\n", "    tests.md:15: 2 * 21 = 43\n", 1)
	md = strings.Replace(md, ` fails="exit: exit status 1: failed: TestWrong"`, "", 1)
	md = strings.Replace(md, ` fails="panic: deadlock: main bubble goroutine has exited but blocked goroutines remain"`, ` fails="panic: boom"`, 1)
	md = strings.Replace(md, "\t\t\twg.Wait()\n", "\t\t\twg.Wiat()\n", 1)
	md = strings.Replace(md, `{.go title="race_test.go" name="race" .race fails="race"}`, `{.go title="race_test.go" name="race" .race}`, 1)
	md += "\n```{.go title=\"slow_test.go\" name=\"slow\" timeout=\"1s\"}\npackage main\n\nimport (\n\t\"testing\"\n\t\"time\"\n)\n\n" +
		"func TestSlow(t *testing.T) { time.Sleep(time.Minute) }\n```\n"
	path := writeChapter(t, "tests.md", md)
	rep := runGo(t, path, Options{})
	for _, name := range []string{"pass", "fail", "counter-test", "race", "bubble", "slow"} {
		assert.Equal(t, chapter.Fail, rep.Result(name).Status, name)
	}
	problems := func(name string) string { return strings.Join(rep.Result(name).Problems, "\n") }
	assert.Contains(t, problems("pass"), "-    tests.md:15: 2 * 21 = 43")
	assert.Contains(t, problems("fail"), "exit status 1: failed: TestWrong")
	assert.Contains(t, problems("bubble"), `got "deadlock: main bubble goroutine has exited`)
	assert.Equal(t, chapter.FailRace, rep.Result("race").FailKind)
	ct := rep.Result("counter-test")
	assert.Equal(t, chapter.FailCompile, ct.FailKind)
	assert.Contains(t, ct.Error, "chapters/tests.md:"+strconv.Itoa(lineOf(t, md, "wg.Wiat()"))+":7: wg.Wiat undefined")
	slow := rep.Result("slow")
	assert.Equal(t, chapter.FailTimeout, slow.FailKind)
	assert.Contains(t, slow.Error, "chapters/tests.md:"+strconv.Itoa(lineOf(t, md, "time.Sleep(time.Minute)")))
}

// TestTestCellsUpdate: -update writes a test cell's golden from the
// toolchain's run, as for any cell.
func TestTestCellsUpdate(t *testing.T) {
	src, err := os.ReadFile("testdata/tests/tests.md")
	require.NoError(t, err)
	want := string(src)
	md := strings.Replace(want, "    tests.md:15: 2 * 21 = 42\n", "    tests.md:15: 2 * 21 = 43\n", 1)
	require.NotEqual(t, want, md)
	path := writeChapter(t, "tests.md", md)
	rep := runGo(t, path, Options{Update: true})
	assert.False(t, rep.Failed(), "%v", rep.Results)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	// The tests' durations and the race report's addresses and goroutine
	// numbers are refreshed too (they match, masked, but are not the
	// same): compare the rest.
	race := regexp.MustCompile("(?s)```\\{\\.output \\.stderr\\}.*?```")
	durations := regexp.MustCompile(`\([0-9.]+s\)`)
	norm := func(s string) string { return durations.ReplaceAllString(race.ReplaceAllString(s, ""), "(T)") }
	assert.Equal(t, norm(want), norm(string(got)))
	assert.NotContains(t, string(got), "= 43")
}

// TestTestCellParse: what Parse refuses in a test cell, at its line, and a
// timing expectation that names one.
func TestTestCellParse(t *testing.T) {
	for _, tc := range []struct{ cell, want string }{
		{"```{.go title=\"a_test.go\"}\npackage other\n```\n", `test cell: package other: a test cell is a test file of package main`},
		{"```{.go title=\"a_test.go\"}\nx := 1\n```\n", "test cell: a test cell is a test file: it starts with package main"},
		{"```{.go title=\"a_linux_test.go\"}\npackage main\n```\n", `go test leaves out a file so named (the suffix _linux restricts it`},
		{"```{.go title=\"_test.go\"}\npackage main\n```\n", `go test leaves out a file so named (it starts with _ or .)`},
		{"```{.go title=\"dir/a_test.go\"}\npackage main\n```\n", `a test cell's title is the name of its file, NAME_test.go`},
		{"```{.go title=\"a_test.go\" .file}\npackage main\n```\n", `go build leaves out a file so named (a _test.go file is a test)`},
	} {
		ch, err := chapter.Parse("x.md", []byte("# T\n\n"+tc.cell))
		require.Error(t, err, tc.cell)
		assert.Contains(t, err.Error(), "x.md:3: ", tc.cell)
		assert.Contains(t, err.Error(), tc.want, tc.cell)
		assert.NotNil(t, ch.Cells[0].Invalid, tc.cell)
	}
	ch, err := chapter.Parse("x.md", []byte("# T\n\n```{.go title=\"a_test.go\"}\npackage main\n```\n"))
	require.NoError(t, err)
	c := ch.Cells[0]
	assert.True(t, c.Test)
	assert.Equal(t, "a_test.go", c.FileName())
	assert.Equal(t, "a_test", c.Name)

	ch, err = chapter.Parse("x.md", []byte("# T\n\n```{.go title=\"a_test.go\" name=\"t\"}\npackage main\n```\n\n"+
		"```{.go name=\"p\"}\npackage main\n\nfunc main() {}\n```\n\n```expect\nspeedup t over p >= 1\n```\n"))
	require.NoError(t, err)
	_, errs := chapter.ParseExpects(ch)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "expect: cell t is a test")
}

// TestKernelTestCell: the notebook runs a test cell through the kernel
// under auto, routed to the toolchain, and streams go test -v's output.
func TestKernelTestCell(t *testing.T) {
	src, err := os.ReadFile("testdata/tests/tests.md")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "tests.md")
	require.NoError(t, os.WriteFile(path, src, 0o644))
	k := NewKernel(path, Options{})
	t.Cleanup(k.Close)
	ev := kernelRun(t, context.Background(), k, "counter-test", chapterCell(t, string(src), "counter-test"))
	res := ev.result()
	assert.Equal(t, report.ActionPass, res.Action, "%v %s", res.Problems, res.Error)
	assert.Equal(t, "go", res.Engine)
	assert.Equal(t, "test", res.Kind)
	assert.Contains(t, ev.output("stdout"), "--- PASS: TestCounter")

	ev = kernelRun(t, context.Background(), k, "pass", "package main\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) { t.Fatal(\"edited\") }\n")
	res = ev.result()
	assert.Equal(t, report.ActionFail, res.Action)
	assert.Contains(t, ev.output("stdout"), "--- FAIL: TestDouble")
}

// chapterCell returns the code of the named cell of md.
func chapterCell(t *testing.T, md, name string) string {
	t.Helper()
	ch, err := chapter.Parse("x.md", []byte(md))
	require.NoError(t, err)
	c := ch.Cell(name)
	require.NotNil(t, c)
	return c.Code
}
