package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// A JUnit makes a JUnit XML report of a run from its events (those of
// -json, as they come or read back): a testsuite per chapter, a testcase
// per cell and per expectation, named as the events name them (classname
// the chapter, name the cell or expect/L401), with file and line
// attributes at the cell's fence or the expectation's line, its time, and
// a failure or skipped element with the first line of the first problem
// (or the reason) as message and the test's output as text. A chapter's
// own problems make a testcase named (chapter). The zero value is empty.
type JUnit struct {
	suites []*junitSuite
	byName map[string]*junitSuite
}

type junitSuites struct {
	XMLName  xml.Name      `xml:"testsuites"`
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Errors   int           `xml:"errors,attr"`
	Skipped  int           `xml:"skipped,attr"`
	Time     string        `xml:"time,attr"`
	Suites   []*junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string       `xml:"name,attr"`
	Tests     int          `xml:"tests,attr"`
	Failures  int          `xml:"failures,attr"`
	Errors    int          `xml:"errors,attr"`
	Skipped   int          `xml:"skipped,attr"`
	Time      string       `xml:"time,attr"`
	Timestamp string       `xml:"timestamp,attr,omitempty"`
	Cases     []*junitCase `xml:"testcase"`
	elapsed   float64
	byName    map[string]*junitCase
	groups    map[string]bool // tests that group expectations
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	output    strings.Builder
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Add takes the next event of the run.
func (j *JUnit) Add(e Event) {
	if j.byName == nil {
		j.byName = map[string]*junitSuite{}
	}
	s := j.byName[e.Package]
	if s == nil {
		s = &junitSuite{Name: e.Package, byName: map[string]*junitCase{}, groups: map[string]bool{}}
		if !e.Time.IsZero() {
			s.Timestamp = e.Time.UTC().Format("2006-01-02T15:04:05Z")
		}
		j.byName[e.Package] = s
		j.suites = append(j.suites, s)
	}
	if e.Test == "" {
		s.chapterEvent(e)
		return
	}
	if e.Kind == KindExpectations {
		s.groups[e.Test] = true
	}
	if s.groups[e.Test] { // the parent of the expectations, not one
		return
	}
	c := s.byName[e.Test]
	if c == nil {
		c = &junitCase{Classname: e.Package, Name: e.Test, File: e.Package, Time: "0.000"}
		s.byName[e.Test] = c
		s.Cases = append(s.Cases, c)
	}
	if e.Line > 0 {
		c.Line = e.Line
	}
	switch e.Action {
	case ActionOutput:
		c.output.WriteString(e.Output)
	case ActionPass, ActionFail, ActionSkip:
		c.end(e)
	}
}

// chapterEvent takes a chapter's result: its time, and its own problems
// as a testcase.
func (s *junitSuite) chapterEvent(e Event) {
	if e.Elapsed == nil {
		return
	}
	s.elapsed = *e.Elapsed
	if e.Action == ActionFail && len(e.Problems) > 0 {
		c := &junitCase{Classname: e.Package, Name: "(chapter)", File: e.Package,
			Line: lineOf(e.Package, e.Problems[0], 0), Time: "0.000"}
		c.Failure = &junitMessage{Message: firstLine(e.Problems[0]), Type: "chapter", Text: strings.Join(e.Problems, "\n")}
		s.Cases = append(s.Cases, c)
	}
}

func (c *junitCase) end(e Event) {
	if e.Elapsed != nil {
		c.Time = fmt.Sprintf("%.3f", *e.Elapsed)
	}
	msg := e.Reason
	if len(e.Problems) > 0 {
		msg = e.Problems[0]
	}
	if msg == "" {
		msg = e.Error
	}
	m := &junitMessage{Message: firstLine(msg), Type: e.FailKind, Text: c.output.String()}
	if e.Kind == KindExpect {
		m.Type = e.Verdict
	}
	switch e.Action {
	case ActionFail:
		c.Failure = m
	case ActionSkip:
		c.Skipped = m
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Write writes the report as XML.
func (j *JUnit) Write(w io.Writer) error {
	all := &junitSuites{Suites: j.suites}
	var elapsed float64
	for _, s := range j.suites {
		s.Tests, s.Failures, s.Skipped = len(s.Cases), 0, 0
		for _, c := range s.Cases {
			switch {
			case c.Failure != nil:
				s.Failures++
			case c.Skipped != nil:
				s.Skipped++
			}
		}
		s.Time = fmt.Sprintf("%.3f", s.elapsed)
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Skipped += s.Skipped
		elapsed += s.elapsed
	}
	all.Time = fmt.Sprintf("%.3f", elapsed)
	b, err := xml.MarshalIndent(all, "", "\t")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, b)
	return err
}
