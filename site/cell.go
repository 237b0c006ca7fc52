package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"math"
	"strings"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

var (
	kindCell   = ast.NewNodeKind("Cell")
	kindExpect = ast.NewNodeKind("Expect")
	kindDrop   = ast.NewNodeKind("Drop")
)

// A cellNode replaces a fenced code block: a Go cell of the chapter (Cell
// set, with its Result when the chapter ran) or any other code.
type cellNode struct {
	ast.BaseBlock
	Cell   *chapter.Cell
	Result *chapter.Result
	Report *report.Report
	Lang   string
	Title  string
	Code   string
	HL     map[int]bool
	Nums   lineNums
	ID     string // a Go cell's anchor, unique in its page: see cellAnchor
	// Uses links a program to the file cells it is built with (HTML),
	// and Copy is what its copy button copies: the whole program.
	Uses string
	Copy string
}

// programFiles gives a program built with file cells the links to them,
// "uses site.go", and the text its copy button copies: one file that go
// run builds (chapter.Program), or, when its files cannot be one, each
// file after a comment with its name, as separate files to create.
func programFiles(c *chapter.Cell, anchors map[*chapter.Cell]string) (uses, copyText string) {
	var links []string
	for _, f := range c.Uses {
		links = append(links, fmt.Sprintf(`<a href="#%s">%s</a>`, html.EscapeString(anchors[f]), html.EscapeString(f.Title)))
	}
	uses = `<span class="cell-uses">uses ` + strings.Join(links, ", ") + `</span>`
	srcs := c.Sources()
	copyText, err := chapter.Program(srcs)
	if err != nil {
		var b strings.Builder
		for _, s := range srcs {
			fmt.Fprintf(&b, "// file %s\n\n%s\n", s.Name, strings.TrimRight(s.Code, "\n"))
		}
		copyText = b.String()
	}
	return uses, copyText
}

func (n *cellNode) Kind() ast.NodeKind           { return kindCell }
func (n *cellNode) Dump(src []byte, level int)   { ast.DumpHelper(n, src, level, nil, nil) }
func (n *expectNode) Kind() ast.NodeKind         { return kindExpect }
func (n *expectNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
func (n *dropNode) Kind() ast.NodeKind           { return kindDrop }
func (n *dropNode) Dump(src []byte, level int)   { ast.DumpHelper(n, src, level, nil, nil) }
func (n *cellNode) IsRaw() bool                  { return true }
func (n *expectNode) IsRaw() bool                { return true }
func (n *dropNode) IsRaw() bool                  { return true }
func (pageRenderer) heading(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	h := n.(*ast.Heading)
	id, _ := h.AttributeString("id")
	b, _ := id.([]byte)
	if entering {
		fmt.Fprintf(w, `<h%d id="%s">`, h.Level, html.EscapeString(string(b)))
		return ast.WalkContinue, nil
	}
	fmt.Fprintf(w, `<a class="headerlink" href="#%s" title="Permanent link">&para;</a></h%d>`+"\n", html.EscapeString(string(b)), h.Level)
	return ast.WalkContinue, nil
}

// An expectNode is an expect block: the timing expectations of a chapter.
type expectNode struct {
	ast.BaseBlock
	Items  []*chapter.Expect
	Report *report.Report
	// Records is the chapter's timing record (.timings.json): its
	// figures stand where today's run decided nothing.
	Records *timing.Timings
}

// A dropNode is an output block shown inside its cell.
type dropNode struct{ ast.BaseBlock }

// pageRenderer renders the nodes the site adds or overrides.
type pageRenderer struct{}

func (r pageRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.heading)
	reg.Register(kindCell, renderCell)
	reg.Register(kindExpect, renderExpect)
	reg.Register(kindDrop, func(util.BufWriter, []byte, ast.Node, bool) (ast.WalkStatus, error) {
		return ast.WalkSkipChildren, nil
	})
}

// renderCell writes a code block; for a Go cell, also its title, its
// verification badge, engine and duration, the captured stdout and stderr
// (or the golden output when the chapter did not run), the failure and a
// timing diagram. Everything captured is HTML-escaped.
func renderCell(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*cellNode)
	c, r := n.Cell, n.Result
	if c == nil {
		if n.Title != "" {
			fmt.Fprintf(w, "<div class=\"code\"><div class=\"code-title\">%s</div>\n", html.EscapeString(n.Title))
		}
		writeCodeLines(w, n.Lang, n.Code, n.HL, n.Nums, "")
		if n.Title != "" {
			w.WriteString("</div>\n")
		}
		return ast.WalkSkipChildren, nil
	}
	writeCellHead(w, n.ID, c, r, n.Uses)
	hl, ln := displayAttrs(c.Attrs) // linenums.go
	writeCodeLines(w, "go", n.Code, hl, ln, n.Copy)
	if r != nil && !(c.File && c.Invalid == nil) { // a file's runs are its programs'
		writeResult(w, c, r)
	} else {
		for _, o := range c.Outputs {
			writeStream(w, o.Stream+" golden", streamLabel(c, o.Stream), o.Text)
		}
	}
	w.WriteString("</div>\n")
	return ast.WalkSkipChildren, nil
}

// writeCellHead opens a cell's box and writes its title line: the title,
// and the badge, engine and duration of its result.
func writeCellHead(w util.BufWriter, id string, c *chapter.Cell, r *chapter.Result, uses string) {
	status := "norun"
	if r != nil {
		status = string(r.Status)
	}
	fmt.Fprintf(w, "<div class=\"cell cell-%s\" id=\"%s\">\n<div class=\"cell-head\">", status, html.EscapeString(id))
	fmt.Fprintf(w, `<span class="cell-title">%s</span>`, html.EscapeString(cellTitle(c)))
	w.WriteString(uses)
	if c.File && c.Invalid == nil { // shown here, run in the programs that use it
		w.WriteString(`<span class="badge badge-skip">shared file</span>`)
		if r != nil {
			fmt.Fprintf(w, `<span class="cell-meta">%s</span>`, html.EscapeString(strings.TrimPrefix(r.Error, "file cell: ")))
		}
	} else if r != nil {
		cls, text := badge(c, r)
		fmt.Fprintf(w, `<span class="badge badge-%s">%s</span>`, cls, text)
		meta := []string{html.EscapeString(r.Engine)}
		if r.Routed != "" { // run under the toolchain, and why
			meta[0] = html.EscapeString(r.Engine + ": " + r.Routed)
		}
		if r.Status != chapter.Skip {
			meta = append(meta, formatDuration(r.Time))
		}
		fmt.Fprintf(w, `<span class="cell-meta">%s</span>`, strings.Join(meta, " · "))
	} else if c.Invalid != nil {
		w.WriteString(`<span class="badge badge-fail">invalid</span>`)
	} else if c.NoRun {
		w.WriteString(`<span class="badge badge-skip">not run</span>`)
	}
	w.WriteString("</div>\n")
}

// cellTitle is what a cell's head shows: its title, else its name; a cell
// the runner named by its line is called what it is, since the line moves.
func cellTitle(c *chapter.Cell) string {
	switch {
	case c.Title != "":
		return c.Title
	case !c.Unnamed:
		return c.Name
	case c.Program:
		return "program"
	}
	return "fragment"
}

// badge is the class and text of a result's badge: a pass says what was
// checked (the output; the failure the cell expects; only that an
// unchecked cell ran without failing).
func badge(c *chapter.Cell, r *chapter.Result) (class, text string) {
	switch {
	case r.Status != chapter.Pass:
		return string(r.Status), string(r.Status)
	case c.Fails != nil:
		return "expected", "expected failure"
	case c.Unchecked:
		return "unchecked", "unchecked"
	}
	return "pass", "pass"
}

// streamLabel labels a stream's output, saying when its golden block is
// compared as unordered lines.
func streamLabel(c *chapter.Cell, stream string) string {
	label := "output"
	if stream == "stderr" {
		label = "stderr"
	}
	if o := c.Output(stream); o != nil && o.Unordered {
		label += " (unordered)"
	}
	return label
}

// cellAnchor gives a cell an id that survives edits of the prose around
// it: cell-NAME for a named cell (or one named by its title), else
// cell-HASH, from the cell's code, made unique in the page (ids).
func cellAnchor(c *chapter.Cell, ids map[string]bool) string {
	id := "cell-" + c.Name
	if c.Unnamed {
		sum := sha256.Sum256([]byte(c.Code))
		id = "cell-" + hex.EncodeToString(sum[:4])
	}
	return uniqueID(id, ids)
}

// writeResult writes what a cell's run gave: its output, its failure, what
// verification found, its timing diagram.
func writeResult(w util.BufWriter, c *chapter.Cell, r *chapter.Result) {
	if r.Stdout != "" {
		writeStream(w, "stdout", streamLabel(c, "stdout"), r.Stdout)
	}
	if r.Stderr != "" {
		writeStream(w, "stderr", streamLabel(c, "stderr"), r.Stderr)
	}
	if r.Truncated {
		w.WriteString("<p class=\"cell-note\">Output truncated.</p>\n")
	}
	if r.Error != "" {
		cls := "cell-error"
		if r.Status == chapter.Pass {
			cls += " expected" // fails="…": the failure is the point
		}
		fmt.Fprintf(w, "<pre class=\"%s\">%s</pre>\n", cls, html.EscapeString(r.Error))
	}
	if len(r.Problems) > 0 {
		w.WriteString("<details class=\"problems\" open><summary>Verification failed</summary>\n<pre>")
		w.WriteString(html.EscapeString(strings.Join(r.Problems, "\n\n")))
		w.WriteString("</pre></details>\n")
	}
	if len(r.Spans) > 0 {
		w.WriteString(timelineSVG(r.Spans))
	}
}

// writeCodeCopy writes a code block whose copy button copies copyText
// instead of the code shown, when it is not empty.
func writeCodeCopy(w util.BufWriter, lang, code string, hl map[int]bool, copyText string) {
	w.WriteString(`<div class="highlight">` + copyButton(copyText) + `<pre class="chroma"><code` + langClass(lang) + ">")
	w.WriteString(highlight(code, lang, hl))
	w.WriteString("</code></pre></div>\n")
}

// copyButton is a code block's copy button; a program built with file
// cells copies copyText, the whole program, instead of the code shown.
func copyButton(copyText string) string {
	title, data := "Copy code", ""
	if copyText != "" {
		title = "Copy the whole program (with the files it uses)"
		data = ` data-copy="` + html.EscapeString(copyText) + `"`
	}
	return `<button class="copy" type="button" title="` + title + `" aria-label="` + title + `"` + data + `>Copy</button>`
}

func langClass(lang string) string {
	if lang == "" {
		return ""
	}
	return ` class="language-` + html.EscapeString(lang) + `"`
}

func writeStream(w util.BufWriter, cls, label, text string) {
	fmt.Fprintf(w, "<div class=\"stream %s\"><div class=\"stream-label\">%s</div><pre>%s</pre></div>\n",
		cls, label, html.EscapeString(strings.TrimRight(text, "\n")))
}

// formatDuration rounds a duration for display: 3 significant digits.
func formatDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond).String()
	}
	return d.String()
}

// renderExpect writes an expect block as a chart (chart.go), the machine,
// and the list of expectations as written, each with what the run
// measured (ratio, bound, ideal, verdict), in a details element.
func renderExpect(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*expectNode)
	w.WriteString("<div class=\"expect\"><div class=\"expect-title\">Expectations</div>\n")
	chart := writeExpectChart(w, n) // chart.go
	var items strings.Builder
	measured := false
	for _, e := range n.Items {
		item, ok := expectationItem(e, n.Report, n.Records)
		measured = measured || ok
		items.WriteString(item)
	}
	if measured && n.Report.Machine != nil {
		fmt.Fprintf(w, "<div class=\"expect-machine\">Measured on %s.</div>", html.EscapeString(n.Report.Machine.String()))
	}
	writeExpectSource(w, items.String(), chart) // chart.go
	w.WriteString("</div>\n")
	return ast.WalkSkipChildren, nil
}

// expectationItem renders one expectation, with each result the report
// has for it (one per engine with -engine=both); ok reports whether it
// had any. Where today's verdict is inconclusive or missing, the figure
// of record from the chapter's timing record comes first.
func expectationItem(e *chapter.Expect, rep *report.Report, records *timing.Timings) (item string, ok bool) {
	var results []*timing.ExpectResult
	if rep != nil {
		for _, x := range rep.Expectations {
			if x.Line == e.Line {
				results = append(results, x)
			}
		}
	}
	var b strings.Builder
	if len(results) == 0 {
		fmt.Fprintf(&b, "<li data-line=\"%d\"><code>%s</code>", e.Line, html.EscapeString(e.Text))
		b.WriteString(recordedFigure(records, "yaegi", e.Text))
		b.WriteString("</li>\n")
		return b.String(), false
	}
	for _, r := range results {
		fmt.Fprintf(&b, "<li data-line=\"%d\" class=\"expect-%s\"><code>%s</code> <span class=\"badge badge-%s\">%s</span>",
			e.Line, r.Status, html.EscapeString(e.Text), expectBadge(r.Status), html.EscapeString(string(r.Status)))
		if r.Engine != "" {
			fmt.Fprintf(&b, " <span class=\"expect-engine\">%s</span>", html.EscapeString(r.Engine))
		}
		if r.Status == timing.ExpectInconclusive || r.Status == timing.ExpectSkip {
			engine := r.Engine
			if engine == "" {
				engine = rep.Engine
			}
			b.WriteString(recordedFigure(records, engine, e.Text))
		}
		b.WriteString(measuredToday(r))
		b.WriteString("</li>\n")
	}
	return b.String(), true
}

// measuredToday renders what today's run measured of an expectation and
// the reason of its verdict.
func measuredToday(r *timing.ExpectResult) string {
	var b strings.Builder
	if len(r.Samples) > 0 {
		op := map[string]string{">=": "≥", "<=": "≤"}[r.Op]
		fmt.Fprintf(&b, "<div class=\"expect-measure\">measured <strong>%.2f×</strong> (%d rounds", r.Ratio, len(r.Samples))
		if r.High > 0 {
			fmt.Fprintf(&b, "; 90%% confidence %.2f–%.2f", r.Low, r.High)
		}
		fmt.Fprintf(&b, "), bound %s %.2f", op, r.Bound)
		if r.Ideal > 0 {
			fmt.Fprintf(&b, ", ideal %.2f: %.0f%% of ideal", r.Ideal, 100*r.Ratio/r.Ideal)
		}
		if r.Recorded > 0 {
			fmt.Fprintf(&b, "; recorded %.2f× on %s", r.Recorded, html.EscapeString(r.RecordedOn))
		}
		b.WriteString("</div>")
	}
	if r.Reason != "" { // a pass has one when a first fail was not confirmed
		fmt.Fprintf(&b, "<div class=\"expect-reason\">%s</div>", html.EscapeString(r.Reason))
	}
	return b.String()
}

// recordedFigure renders the figure of record of an expectation: its
// ratio in the chapter's timing record for the engine, with the verdict,
// machine and date it was recorded with; "" when there is none.
func recordedFigure(records *timing.Timings, engine, text string) string {
	if records == nil {
		return ""
	}
	if engine == "" || engine == "both" {
		engine = "yaegi"
	}
	rec := records.Record(engine)
	if rec == nil {
		return ""
	}
	x := rec.Find(text)
	if x == nil || x.Ratio <= 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<div class=\"expect-record\">figure of record: <strong>%.2f×</strong>", x.Ratio)
	if x.High > 0 {
		fmt.Fprintf(&b, " (90%% confidence %.2f–%.2f)", x.Low, x.High)
	}
	fmt.Fprintf(&b, ", %s, on %s, %s</div>", html.EscapeString(string(x.Status)),
		html.EscapeString(rec.Machine.String()), rec.Date.Format("2006-01-02"))
	return b.String()
}

// readRecords reads the chapter's timing record, or nil.
func readRecords(chapterPath string) *timing.Timings {
	if chapterPath == "" {
		return nil
	}
	t, err := timing.ReadTimings(chapterPath)
	if err != nil {
		return nil
	}
	return t
}

func expectBadge(s timing.ExpectStatus) string {
	switch s {
	case timing.ExpectPass:
		return "pass"
	case timing.ExpectFail:
		return "fail"
	}
	return "skip"
}

// timelineSVG draws spans as a timing diagram: one lane per distinct Lane
// (in order of first start), a bar per span from start to end, a time axis.
func timelineSVG(spans []chapter.Region) string {
	const (
		width  = 640.0
		left   = 110.0
		right  = 16.0
		laneH  = 22.0
		top    = 8.0
		axisH  = 26.0
		maxLen = 14
	)
	var lanes []string
	index := map[string]int{}
	var end time.Duration
	for _, s := range spans {
		if _, ok := index[s.Lane]; !ok {
			index[s.Lane] = len(lanes)
			lanes = append(lanes, s.Lane)
		}
		end = max(end, s.End)
	}
	if end <= 0 {
		end = 1
	}
	step := niceStep(end)
	height := top + float64(len(lanes))*laneH + axisH
	scale := (width - left - right) / float64(end)
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="timeline"><svg viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="Timing diagram: %d spans in %d lanes" xmlns="http://www.w3.org/2000/svg">`,
		width, height, len(spans), len(lanes))
	for i, l := range lanes {
		y := top + float64(i)*laneH
		name := l
		if r := []rune(name); len(r) > maxLen {
			name = string(r[:maxLen-1]) + "…"
		}
		fmt.Fprintf(&b, `<text class="tl-lane" x="%.0f" y="%.1f" text-anchor="end">%s</text>`, left-8, y+laneH/2+4, html.EscapeString(name))
	}
	axisY := top + float64(len(lanes))*laneH + 4
	for t := time.Duration(0); t <= end; t += step {
		x := left + float64(t)*scale
		fmt.Fprintf(&b, `<line class="tl-grid" x1="%.1f" x2="%.1f" y1="%.0f" y2="%.0f"/>`, x, x, top, axisY)
		fmt.Fprintf(&b, `<text class="tl-tick" x="%.1f" y="%.0f" text-anchor="middle">%s</text>`, x, axisY+14, t)
	}
	for _, s := range spans {
		y := top + float64(index[s.Lane])*laneH + 3
		x := left + float64(s.Start)*scale
		w := math.Max(float64(s.End-s.Start)*scale, 1)
		tip := s.Lane
		if s.Label != "" {
			tip += ": " + s.Label
		}
		fmt.Fprintf(&b, `<rect class="tl-bar" x="%.1f" y="%.1f" width="%.1f" height="%.0f" rx="2"><title>%s (%s–%s)</title></rect>`,
			x, y, w, laneH-6, html.EscapeString(tip), s.Start.Round(time.Microsecond), s.End.Round(time.Microsecond))
	}
	b.WriteString("</svg></figure>\n")
	return b.String()
}

// niceStep returns a tick interval of 1, 2 or 5 times a power of ten giving
// at most 8 ticks over d.
func niceStep(d time.Duration) time.Duration {
	step := time.Duration(1)
	for {
		for _, m := range []time.Duration{1, 2, 5} {
			if d/(step*m) <= 8 {
				return step * m
			}
		}
		step *= 10
	}
}
