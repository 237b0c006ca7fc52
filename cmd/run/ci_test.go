package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"github.com/concurrency101/book/runner/chapter"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gotest.tools/gotestsum/testjson"

	"github.com/concurrency101/book/runner/report"
)

// ciRun runs the command on runner/testdata/ci/ci.md, as chapters/ci.md
// in a directory of its own, with GITHUB_ACTIONS set to github.
func ciRun(t *testing.T, github string, args ...string) (dir, stdout, stderr string) {
	bin := buildRun(t)
	dir = t.TempDir()
	src, err := os.ReadFile("../../runner/testdata/ci/ci.md")
	require.NoError(t, err)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "chapters"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "chapters", "ci.md"), src, 0o644))
	cmd := exec.Command(bin, append(args, "chapters/ci.md")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GITHUB_ACTIONS="+github)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	var x *exec.ExitError
	require.ErrorAs(t, err, &x, "the chapter fails: %s%s", o.String(), e.String())
	require.Equal(t, 1, x.ExitCode(), e.String())
	return dir, o.String(), e.String()
}

// TestCIClients reads the -json report of a chapter with a cell that
// passes, two that fail, one skipped, a failing and a skipped expectation
// with gotestsum's own parser, and its JUnit report as JUnit readers do:
// each cell and expectation counted where it belongs, under its name, at
// its file:line.
func TestCIClients(t *testing.T) {
	dir, out, _ := ciRun(t, "", "-json", "-junit", "report.xml", "-summary", "summary.md")

	exec, err := testjson.ScanTestOutput(testjson.ScanConfig{Stdout: strings.NewReader(out)})
	require.NoError(t, err)
	assert.Empty(t, exec.Errors())
	assert.Equal(t, []string{"chapters/ci.md"}, exec.Packages())
	pkg := exec.Package("chapters/ci.md")
	assert.Equal(t, testjson.ActionFail, pkg.Result())
	assert.Equal(t, 4+1+2, pkg.Total, "four cells, the test expect and its two subtests")
	assert.Equal(t, []string{"adds"}, testNames(pkg.Passed))
	assert.Equal(t, []string{"miscounts", "injects", "expect/L61", "expect"}, testNames(pkg.Failed))
	assert.Equal(t, []string{"later", "expect/L62"}, testNames(pkg.Skipped))
	assert.Contains(t, pkg.OutputLines(pkg.Failed[0]), "sum = 2\n")

	b, err := os.ReadFile(filepath.Join(dir, "report.xml"))
	require.NoError(t, err)
	var r struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Cases    []struct {
			Name    string    `xml:"name,attr"`
			File    string    `xml:"file,attr"`
			Line    int       `xml:"line,attr"`
			Failure *struct{} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testsuite>testcase"`
	}
	require.NoError(t, xml.Unmarshal(b, &r))
	assert.Equal(t, []int{6, 3, 2}, []int{r.Tests, r.Failures, r.Skipped})
	var where []string
	for _, c := range r.Cases {
		status := "ok"
		if c.Failure != nil {
			status = "FAIL"
		} else if c.Skipped != nil {
			status = "skip"
		}
		where = append(where, c.File+":"+strconv.Itoa(c.Line)+" "+c.Name+" "+status)
	}
	lines := fenceLines(t)
	assert.Equal(t, []string{
		"chapters/ci.md:" + lines["adds"] + " adds ok",
		"chapters/ci.md:" + lines["miscounts"] + " miscounts FAIL",
		"chapters/ci.md:" + lines["later"] + " later skip",
		"chapters/ci.md:" + lines["injects"] + " injects FAIL",
		"chapters/ci.md:" + lines["expect"] + " expect/L" + lines["expect"] + " FAIL",
		"chapters/ci.md:" + lines["expect+1"] + " expect/L" + lines["expect+1"] + " skip",
	}, where)

	// The JUnit report is made from the -json events.
	var j report.JUnit
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e report.Event
		require.NoError(t, json.Unmarshal([]byte(line), &e))
		j.Add(e)
	}
	var b2 bytes.Buffer
	require.NoError(t, j.Write(&b2))
	assert.Equal(t, string(b), b2.String())

	sum, err := os.ReadFile(filepath.Join(dir, "summary.md"))
	require.NoError(t, err)
	assert.Contains(t, string(sum), "| chapters/ci.md | ❌ FAIL | 4 | 1 | 2 | 1 | 1 failed, 1 skipped |")
}

func testNames(tcs []testjson.TestCase) []string {
	var n []string
	for _, tc := range tcs {
		n = append(n, tc.Test.Name())
	}
	return n
}

// fenceLines returns the lines of the fixture's cells, by name, and of its
// expect block's first line ("expect") and second ("expect+1").
func fenceLines(t *testing.T) map[string]string {
	ch, err := chapter.ReadFile("../../runner/testdata/ci/ci.md")
	require.NoError(t, err)
	lines := map[string]string{}
	for _, c := range ch.Cells {
		lines[c.Name] = strconv.Itoa(c.Line)
	}
	require.Len(t, ch.Expects, 2)
	lines["expect"], lines["expect+1"] = strconv.Itoa(ch.Expects[0].Line), strconv.Itoa(ch.Expects[1].Line)
	require.Len(t, lines, 6)
	return lines
}

// workflowCommands reads a log as the GitHub Actions runner reads a
// step's output: line by line (ended by \n, \r\n or \r), a line that
// starts with :: after white space is a command, and after
// ::stop-commands::TOKEN none is until the line ::TOKEN::.
func workflowCommands(log string) []string {
	var cmds []string
	token := ""
	for _, line := range regexp.MustCompile(`\r\n|\r|\n`).Split(log, -1) {
		l := strings.TrimLeftFunc(line, unicode.IsSpace)
		switch {
		case token != "":
			if strings.TrimSpace(l) == "::"+token+"::" {
				token = ""
			}
		case strings.HasPrefix(l, "::stop-commands::"):
			token = strings.TrimPrefix(l, "::stop-commands::")
		case strings.HasPrefix(l, "::"):
			cmds = append(cmds, l)
		}
	}
	return cmds
}

// TestGitHubActions runs the chapter as in a GitHub Actions job: each
// failure gives an ::error at the chapter's line, and the cell whose
// output holds ::error::pwned, ::set-env and other commands (on stdout
// and stderr, indented, after a carriage return, in its panic) gives none
// of them.
func TestGitHubActions(t *testing.T) {
	_, out, _ := ciRun(t, "true")
	lines := fenceLines(t)
	cmds := workflowCommands(out)
	require.Len(t, cmds, 3, "%q", cmds)
	assert.True(t, strings.HasPrefix(cmds[0], "::error file=chapters/ci.md,line=32,title=cell miscounts::chapters/ci.md:32: cell miscounts: output mismatch%0A"), cmds[0])
	assert.Equal(t, "::error file=chapters/ci.md,line="+lines["injects"]+",title=cell injects::chapters/ci.md:"+lines["injects"]+": cell injects: panic: ::error::pwned in a panic", cmds[1])
	assert.True(t, strings.HasPrefix(cmds[2], "::error file=chapters/ci.md,line="+lines["expect"]+",title=speedup \"one\" over \"two\" in adds::"), cmds[2])
	assert.Contains(t, out, "        ::set-env name=X::y\n", "the output is shown")
	raw := "::error::pwned\n::set-env name=X::y\n   ::add-mask::indented\ncarriage\r::warning::returned\n"
	assert.Len(t, workflowCommands(raw), 4, "the check sees the commands of the cell's output")

	// With -json, the events on stdout and the commands on stderr.
	_, out, errs := ciRun(t, "true", "-json")
	assert.Empty(t, workflowCommands(out))
	assert.Equal(t, cmds, workflowCommands(errs))

	// Outside GitHub Actions, or with -github=false, no command; -github
	// gives them anywhere.
	for _, run := range [][]string{{""}, {"true", "-github=false"}} {
		_, out, errs = ciRun(t, run[0], run[1:]...)
		assert.NotContains(t, out+errs, "::stop-commands::")
		assert.NotContains(t, out+errs, "::error file=chapters")
	}
	_, out, _ = ciRun(t, "", "-github")
	assert.Equal(t, cmds, workflowCommands(out))
}

// TestDocJSON: the example of runner/doc.go's section "JSON events" is
// what the command prints with -json for the example chapter of
// "Running, updating", runner/testdata/doc/cpu.md run as chapters/cpu.md,
// times aside.
func TestDocJSON(t *testing.T) {
	doc, err := os.ReadFile("../../runner/doc.go")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(doc), "\n# JSON events\n")
	require.True(t, ok, "doc.go has no section JSON events")
	var want []string
	for _, line := range strings.Split(section, "\n") {
		if text, ok := strings.CutPrefix(line, "\t"); ok {
			want = append(want, maskJSONTimes(text))
		} else if len(want) > 0 {
			break
		}
	}
	require.NotEmpty(t, want)

	dir := t.TempDir()
	src, err := os.ReadFile("../../runner/testdata/doc/cpu.md")
	require.NoError(t, err)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "chapters"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "chapters", "cpu.md"), src, 0o644))
	cmd := exec.Command(buildRun(t), "-json", "chapters/cpu.md")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GITHUB_ACTIONS=")
	out, _ := cmd.Output()
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		got = append(got, maskJSONTimes(regexp.MustCompile(`^\{"Time":"[^"]+",`).ReplaceAllString(line, "{")))
	}
	assert.Equal(t, want, got, "doc.go's example (want) is not what the command prints (got)")
}

// maskJSONTimes replaces the times of events by T.
func maskJSONTimes(s string) string {
	for _, re := range []string{`"Elapsed":[0-9.]+`, `"CPU":[0-9.e-]+`, `\([0-9.]+s\)`, `\\t[0-9.]+s\\n`} {
		s = regexp.MustCompile(re).ReplaceAllStringFunc(s, func(m string) string {
			return regexp.MustCompile(`[0-9][0-9.e-]*`).ReplaceAllString(m, "T")
		})
	}
	return s
}
