package report

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// GitHub Actions reads workflow commands from what a step prints: a line
// that starts (after spaces) with ::error, ::warning, ::set-env, ... The
// printer prints its own (an Annotation for each failure, shown on the
// pull request's diff) and keeps the cells' output from doing the same:
// docs.github.com/actions/reference/workflow-commands-for-github-actions.

// An Annotation is an ::error or ::warning workflow command at a
// chapter's line.
type Annotation struct {
	Level   string // error or warning
	File    string // the chapter's path
	Line    int    // 0 when the message names none
	Title   string
	Message string
}

// maxMessage bounds an annotation's message, in bytes: the report has
// the rest.
const maxMessage = 4096

// String returns the workflow command, its data escaped as GitHub's
// toolkit escapes it (% \r \n, and in properties also : and ,), so that
// no text in it can end it or start another.
func (a Annotation) String() string {
	props := []string{"file=" + escapeProperty(a.File)}
	if a.Line > 0 {
		props = append(props, "line="+strconv.Itoa(a.Line))
	}
	if a.Title != "" {
		props = append(props, "title="+escapeProperty(a.Title))
	}
	msg := strings.ToValidUTF8(strings.TrimRight(a.Message, "\n"), "\uFFFD")
	if len(msg) > maxMessage {
		n := maxMessage
		for n > 0 && !utf8.RuneStart(msg[n]) {
			n--
		}
		msg = msg[:n] + "[…]"
	}
	return fmt.Sprintf("::%s %s::%s", a.Level, strings.Join(props, ","), escapeData(msg))
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

// lineOf returns the line a message names after the chapter's path
// ("chapters/cpu.md:38: ..."), or def.
func lineOf(path, msg string, def int) int {
	rest, ok := strings.CutPrefix(msg, path+":")
	if !ok {
		return def
	}
	digits, _, _ := strings.Cut(rest, ":")
	if n, err := strconv.Atoi(digits); err == nil && n > 0 {
		return n
	}
	return def
}

// stopWriter is the printer's text output under GitHub Actions: before
// the first line, and after every command the printer gives, it stops
// workflow commands until a random token, so that nothing the report
// echoes (a cell's output, a diff, a chapter's text) is read as one.
type stopWriter struct{ p *Printer }

func (s stopWriter) Write(b []byte) (int, error) {
	p := s.p
	if !p.stopped && len(b) > 0 {
		if p.token == "" {
			p.token = rand.Text()
		}
		if _, err := fmt.Fprintf(p.W, "::stop-commands::%s\n", p.token); err != nil {
			return 0, err
		}
		p.stopped = true
	}
	return p.W.Write(b)
}

// annotate prints a workflow command, under GitHub Actions: after the
// text report's own lines, the commands resumed for it; with JSON, to
// Commands.
func (p *Printer) annotate(a Annotation) {
	switch {
	case !p.GitHub:
	case p.JSON:
		if p.Commands != nil {
			fmt.Fprintln(p.Commands, a)
		}
	case p.W != nil:
		p.resume()
		fmt.Fprintln(p.W, a)
	}
}

// resume ends the stop of workflow commands.
func (p *Printer) resume() {
	if p.stopped {
		fmt.Fprintf(p.W, "::%s::\n", p.token)
		p.stopped = false
	}
}

// Close ends the report: under GitHub Actions, workflow commands work
// again after it.
func (p *Printer) Close() {
	if p.GitHub && !p.JSON && p.W != nil {
		p.resume()
	}
}
