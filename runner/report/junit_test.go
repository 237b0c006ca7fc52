package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// JUnitReport is what a JUnit reader sees of the file.
type JUnitReport struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Tests int    `xml:"tests,attr"`
		Cases []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			File      string `xml:"file,attr"`
			Line      int    `xml:"line,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestJUnit: the JUnit report of a run has a testsuite per chapter and a
// testcase per cell and expectation, at its file:line, with its failure
// or skip; a chapter's own problem is a testcase of its own. It is the
// same whether made as the events are printed or from the -json report
// read back.
func TestJUnit(t *testing.T) {
	var j JUnit
	var out bytes.Buffer
	fixtureRun(&Printer{W: &out, JSON: true, Listen: j.Add})
	var b bytes.Buffer
	require.NoError(t, j.Write(&b))
	require.True(t, strings.HasPrefix(b.String(), `<?xml version="1.0" encoding="UTF-8"?>`))
	var r JUnitReport
	require.NoError(t, xml.Unmarshal(b.Bytes(), &r))

	assert.Equal(t, 3+4+1, r.Tests)
	assert.Equal(t, 3, r.Failures, "cpu-pool, expect/L51, the chapter bad.md")
	assert.Equal(t, 3, r.Skipped)
	require.Len(t, r.Suites, 3)
	var where []string
	for _, c := range r.Suites[0].Cases {
		where = append(where, c.File+":"+itoa(c.Line)+" "+c.Name)
		assert.Equal(t, "chapters/cpu.md", c.Classname)
	}
	assert.Equal(t, []string{"chapters/cpu.md:6 cpu-sync", "chapters/cpu.md:24 cpu-pool", "chapters/cpu.md:42 cpu-note",
		"chapters/cpu.md:50 expect/L50", "chapters/cpu.md:51 expect/L51", "chapters/cpu.md:52 expect/L52",
		"chapters/cpu.md:53 expect/L53"}, where)
	pool := r.Suites[0].Cases[1]
	require.NotNil(t, pool.Failure)
	assert.Equal(t, "chapters/cpu.md:38: cell cpu-pool: output mismatch", pool.Failure.Message)
	assert.Contains(t, pool.Failure.Text, "sum = 2997\n")
	assert.Contains(t, pool.Failure.Text, "        +sum = 2997\n")
	assert.Equal(t, "0.350", pool.Time)
	assert.Nil(t, r.Suites[0].Cases[0].Failure)
	assert.Nil(t, r.Suites[0].Cases[0].Skipped)
	require.NotNil(t, r.Suites[0].Cases[5].Skipped)
	assert.Equal(t, "busy", r.Suites[0].Cases[5].Skipped.Message)
	assert.Equal(t, "chapters/x.md", r.Suites[1].Name)
	assert.Zero(t, r.Suites[1].Tests)
	require.Len(t, r.Suites[2].Cases, 1)
	bad := r.Suites[2].Cases[0]
	assert.Equal(t, "(chapter)", bad.Name)
	assert.Equal(t, 3, bad.Line)
	require.NotNil(t, bad.Failure)

	// The -json report read back makes the same file.
	var back JUnit
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e Event
		require.NoError(t, json.Unmarshal([]byte(line), &e))
		back.Add(e)
	}
	var b2 bytes.Buffer
	require.NoError(t, back.Write(&b2))
	assert.Equal(t, b.String(), b2.String())
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestSummary: the Markdown summary tables the chapters, the failed
// cells, the expectations with their ratios, and every cell; text from
// chapters is escaped.
func TestSummary(t *testing.T) {
	var s Summary
	fixtureRun(&Printer{Listen: s.Add})
	var b strings.Builder
	require.NoError(t, s.Write(&b))
	got := b.String()
	for _, want := range []string{
		"| chapter | result | cells | passed | failed | skipped | expectations | time |\n",
		"| chapters/cpu.md | ❌ FAIL | 3 | 1 | 1 | 1 | 1 ok, 1 failed, 1 inconclusive, 1 skipped | 1.20s |\n",
		"| chapters/x.md | ➖ no go cells | 0 | 0 | 0 | 0 | – | 0.00s |\n",
		"| chapters/bad.md | ❌ FAIL | 0 | 0 | 0 | 0 | – | 0.00s |\n",
		"| cpu-pool | chapters/cpu.md:24 | chapters/cpu.md:38: cell cpu-pool: output mismatch |\n",
		"| chapters/cpu.md:50 | speedup cpu-pool over cpu-sync \\>= 1.6 ideal 2 | 1.93× | 1.88 – 1.97 | \\>= 1.60 | 2.00 | pass |\n",
		"| chapters/cpu.md:52 |  | 1.30× | – | \\>= 1.60 | – | inconclusive: busy |\n",
		"| cpu-sync | chapters/cpu.md:6 | pass | yaegi | 0.61s |\n",
	} {
		assert.Contains(t, got, want)
	}
	assert.NotContains(t, got, "| expect |", "the parent of the expectations is none of them")
	assert.Equal(t, `a\|b \<img\> \*x\* c`, md("a|b <img> *x*\nc"))
}
