package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/chapter"
)

// TestAnnotation: data is escaped as GitHub's toolkit escapes it, so no
// text can end the command or start another.
func TestAnnotation(t *testing.T) {
	a := Annotation{Level: "error", File: "chapters/a,b:c.md", Line: 57, Title: "cell 100%: x,y",
		Message: "50% done\r\n::set-env name=X::y\n"}
	assert.Equal(t, "::error file=chapters/a%2Cb%3Ac.md,line=57,title=cell 100%25%3A x%2Cy::50%25 done%0D%0A::set-env name=X::y", a.String())
	assert.Equal(t, "::warning file=c.md::m", Annotation{Level: "warning", File: "c.md", Message: "m"}.String())
	long := Annotation{Level: "error", File: "c.md", Message: strings.Repeat("é", 5000)}.String()
	assert.Less(t, len(long), maxMessage+100)
	assert.True(t, strings.HasSuffix(long, "é[…]"))
	assert.Equal(t, 38, lineOf("chapters/cpu.md", "chapters/cpu.md:38: cell x", 6))
	assert.Equal(t, 14, lineOf("c.md", "c.md:14:3: missing ','", 6))
	assert.Equal(t, 6, lineOf("c.md", "other.md:14: x", 6))
	assert.Equal(t, 6, lineOf("c.md", "c.md: no line", 6))
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

// TestGitHubCommands: under GitHub Actions the text report gives an
// ::error for each failed cell, expectation and chapter problem, a
// ::warning for an inconclusive expectation, and nothing else is read as a
// command: not a cell's output, not its diff. With -json the commands go
// to their own writer.
func TestGitHubCommands(t *testing.T) {
	var out bytes.Buffer
	fixtureRun(&Printer{W: &out, GitHub: true})
	want := []string{
		"::error file=chapters/cpu.md,line=38,title=cell cpu-pool::chapters/cpu.md:38: cell cpu-pool: output mismatch%0A--- want%0A+++ got%0A@@ -1,1 +1,1 @@%0A-sum = 3003%0A+sum = 2997",
		"::error file=chapters/cpu.md,line=51,title=speedup cpu-sync over cpu-pool::speedup cpu-sync over cpu-pool: 0.52x over 1 round (bound >= 1.00) FAIL: ratio under the bound",
		"::warning file=chapters/cpu.md,line=52,title=speedup cpu-pool over cpu-sync::speedup cpu-pool over cpu-sync: 1.30x over 1 round (bound >= 1.60) inconclusive: busy",
		"::error file=chapters/bad.md,line=3,title=chapter::chapters/bad.md:3: expect: no cell named \"x\"",
	}
	assert.Equal(t, want, workflowCommands(out.String()))
	var text bytes.Buffer
	fixtureRun(&Printer{W: &text})
	assert.Equal(t, text.String(), strings.Join(dropCommands(out.String()), ""), "the text report is unchanged around the commands")

	// A cell whose output and problems try to give commands.
	evil := "::error::pwned\n  ::set-env name=X::y\nx\r::add-mask::z\n"
	ch := &chapter.Chapter{Path: "c.md"}
	res := &chapter.Result{Status: chapter.Fail, Stdout: evil, Stderr: evil, Problems: []string{"c.md:3: cell e: output mismatch\n" + evil}}
	require.NotEmpty(t, workflowCommands(evil), "the check sees commands in the raw output")
	out.Reset()
	p := &Printer{W: &out, GitHub: true, Verbose: true}
	p.Cell(ch, &chapter.Cell{Name: "e", Line: 2}, res)
	p.Close()
	assert.Equal(t, []string{"::error file=c.md,line=3,title=cell e::c.md:3: cell e: output mismatch%0A::error::pwned%0A  ::set-env name=X::y%0Ax%0D::add-mask::z"},
		workflowCommands(out.String()))
	assert.Contains(t, out.String(), "        ::error::pwned\n", "the output is still shown")

	// -json: the events are on W, the commands on Commands.
	var events, cmds bytes.Buffer
	fixtureRun(&Printer{W: &events, JSON: true, GitHub: true, Commands: &cmds})
	assert.Empty(t, workflowCommands(events.String()))
	assert.Equal(t, want, workflowCommands(cmds.String()))
	assert.Equal(t, strings.Join(want, "\n")+"\n", cmds.String())
}

// dropCommands returns the lines of a log that are not workflow commands
// of the printer: its annotations and the fences around the text.
func dropCommands(log string) []string {
	var lines []string
	for _, l := range strings.SplitAfter(log, "\n") {
		if !regexp.MustCompile(`^::(error|warning|stop-commands)[ :]|^::[A-Z2-7]{26}::\n`).MatchString(l) {
			lines = append(lines, l)
		}
	}
	return lines
}
