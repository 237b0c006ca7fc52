package site

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
)

// An expect block is drawn as a chart (speedupChart): one row per compared
// pair of cells (or of values one cell reports, or per cell for
// parallelism) and engine, however many lines of the block bound it.
// A row shows today's ratio as a bar from 1× with its 90% confidence
// interval as a whisker, the figure of the chapter's timing record as a
// thinner bar below it, each bound as a dashed line coloured by its
// verdict and the physical ideal as a diamond, on a logarithmic axis
// (a ratio of 2 is as far from 1 as a ratio of 1/2). Positions are
// percentages of the chart's width and text keeps its size: the chart
// fills any width, a phone's included, without shrinking its labels.

// A chartMeasure is one figure of a row: today's or the record's.
type chartMeasure struct {
	Ratio, Low, High float64
	Rounds           int
	Status           timing.ExpectStatus
	Note             string // the record's date
}

// A chartBound is one line's bound, at the cores it was evaluated with.
type chartBound struct {
	Op     string
	Value  float64
	Status timing.ExpectStatus // today's verdict; "" when not checked today
}

// A chartRow is one compared pair (for parallelism, one cell) under one
// engine, with every line of the block about it.
type chartRow struct {
	Kind, Cell, Over, In, Engine string
	Today, Record                *chartMeasure
	Bounds                       []chartBound
	Ideal                        float64
	Statuses                     []timing.ExpectStatus // today's verdicts, one per line checked
	Why                          []string              // why a line has no decided verdict today
}

// chartRows groups the block's expectations by what they compare, in the
// order of their first line. Of several lines about one pair, today's
// figure is the one measured over the most rounds, the record's the
// first one the record holds. A line that does not parse has no row: the
// block's source, shown with the chart, keeps it.
func chartRows(items []*chapter.Expect, rep *report.Report, records *timing.Timings) []*chartRow {
	var rows []*chartRow
	index := map[string]*chartRow{}
	for _, e := range items {
		x, err := chapter.ParseExpect(e)
		if err != nil {
			continue
		}
		results := resultsFor(e.Line, rep)
		if len(results) == 0 {
			results = []*timing.ExpectResult{nil}
		}
		for _, r := range results {
			engine := ""
			if r != nil {
				engine = r.Engine
			}
			key := strings.Join([]string{x.Kind, x.Cell, x.Over, x.In, engine}, "\x00")
			row := index[key]
			if row == nil {
				row = &chartRow{Kind: x.Kind, Cell: x.Cell, Over: x.Over, In: x.In, Engine: engine}
				index[key] = row
				rows = append(rows, row)
			}
			rec, tr := recordFor(records, recordEngine(r, rep, records), e.Text)
			row.add(e, x, r, rec, tr, rep != nil)
		}
	}
	return rows
}

// resultsFor returns the report's results for the expectation at line:
// one, or one per engine with -engine=both.
func resultsFor(line int, rep *report.Report) []*timing.ExpectResult {
	if rep == nil {
		return nil
	}
	var out []*timing.ExpectResult
	for _, r := range rep.Expectations {
		if r.Line == line {
			out = append(out, r)
		}
	}
	return out
}

// recordEngine is the engine whose timing record stands beside a result:
// the result's own under -engine=both, else the engine the expectations
// were timed with; without a run, the interpreter's record if there is
// one, else the first.
func recordEngine(r *timing.ExpectResult, rep *report.Report, records *timing.Timings) string {
	switch {
	case r != nil && r.Engine != "":
		return r.Engine
	case rep != nil && rep.Machine != nil && rep.Machine.Engine != "":
		return rep.Machine.Engine
	case rep != nil && (rep.Engine == "yaegi" || rep.Engine == "go"):
		return rep.Engine
	case records != nil && records.Record("yaegi") == nil && len(records.Records) > 0:
		return records.Records[0].Engine
	}
	return "yaegi"
}

// recordFor returns the recorded result of the expectation written as
// text under the engine, and its record; nils when there is none.
func recordFor(records *timing.Timings, engine, text string) (*timing.ExpectResult, *timing.TimingRecord) {
	if records == nil {
		return nil, nil
	}
	tr := records.Record(engine)
	if tr == nil {
		return nil, nil
	}
	x := tr.Find(text)
	if x == nil || x.Ratio <= 0 {
		return nil, nil
	}
	return x, tr
}

// add takes one line of the block into the row: today's result r (nil
// when the report has none), the recorded one rec (nil when none).
func (row *chartRow) add(e *chapter.Expect, x *chapter.Expectation, r, rec *timing.ExpectResult, tr *timing.TimingRecord, ran bool) {
	if r != nil && len(r.Samples) > 0 && (row.Today == nil || len(r.Samples) > row.Today.Rounds) {
		row.Today = &chartMeasure{Ratio: r.Ratio, Low: r.Low, High: r.High, Rounds: len(r.Samples), Status: r.Status}
	}
	if rec != nil && row.Record == nil {
		row.Record = &chartMeasure{Ratio: rec.Ratio, Low: rec.Low, High: rec.High, // its rounds: the record's count
			Status: rec.Status, Note: tr.Date.Format("2006-01-02")}
	}
	b := chartBound{Op: x.Op}
	ideal := 0.0
	switch {
	case r != nil && (len(r.Samples) > 0 || r.Cores > 0):
		b.Value, ideal = r.Bound, r.Ideal
	case rec != nil:
		b.Value, ideal = rec.Bound, rec.Ideal
	default: // neither measured nor recorded: only what needs no cores
		b.Value = evalFree(x.Bound)
		ideal = evalFree(x.Ideal)
	}
	if r != nil {
		b.Status = r.Status
		row.Statuses = append(row.Statuses, r.Status)
		if r.Status != timing.ExpectPass && r.Reason != "" {
			row.Why = append(row.Why, fmt.Sprintf("line %d, %s: %s", e.Line, r.Status, r.Reason))
		}
	} else if ran {
		row.Why = append(row.Why, fmt.Sprintf("line %d: today's run checked no such expectation", e.Line))
	}
	if b.Value > 0 {
		row.Bounds = append(row.Bounds, b)
	}
	if ideal > 0 && row.Ideal == 0 {
		row.Ideal = ideal
	}
}

// evalFree evaluates an expression that does not depend on the number of
// cores; 0 for one that does, or none.
func evalFree(e *chapter.Expr) float64 {
	if e == nil || e.UsesCores() {
		return 0
	}
	v, err := e.Eval(0)
	if err != nil {
		return 0
	}
	return v
}

// verdict sums up the row's verdicts today: fail if a line failed, then
// inconclusive, skip, pass; "" when none was checked.
func (row *chartRow) verdict() timing.ExpectStatus {
	order := []timing.ExpectStatus{timing.ExpectFail, timing.ExpectInconclusive, timing.ExpectSkip, timing.ExpectPass}
	for _, s := range order {
		for _, t := range row.Statuses {
			if s == t {
				return s
			}
		}
	}
	return ""
}

// name is what the row compares: "cpu-pool over cpu-sync", "“4 at once”
// over “4 in a row” in blocking", "cpu-pool" (parallelism).
func (row *chartRow) name() string {
	s := row.Cell + " over " + row.Over
	switch {
	case row.Kind == "parallelism":
		s = row.Cell
	case row.In != "":
		s = "“" + row.Cell + "” over “" + row.Over + "” in " + row.In
	}
	if row.Engine != "" {
		s += " (" + row.Engine + ")"
	}
	return s
}

// unit is how a row's figures read: a speedup is a ratio (1.93×), a
// parallelism a number of cores.
func (row *chartRow) unit(v float64) string {
	if row.Kind == "parallelism" {
		return fmt.Sprintf("%.2f cores", v)
	}
	return fmt.Sprintf("%.2f×", v)
}

// chartLabel is the chart's text alternative (aria-label): what it shows,
// then each row's figures. It begins with "Speedup" when the block has a
// speedup line (those comparing two values one cell reports are
// speedups too: the grammar's and the report's word), "Parallelism" when
// it has only parallelism lines.
func chartLabel(rows []*chartRow) string {
	speedup, par := false, false
	for _, r := range rows {
		speedup = speedup || r.Kind != "parallelism"
		par = par || r.Kind == "parallelism"
	}
	title := "Speedup"
	switch {
	case speedup && par:
		title = "Speedup and parallelism"
	case par:
		title = "Parallelism"
	}
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = r.summary()
	}
	return title + ": " + strings.Join(parts, "; ")
}

// summary is one row in words, for the chart's label.
func (row *chartRow) summary() string {
	var b strings.Builder
	b.WriteString(row.name())
	if t := row.Today; t != nil {
		fmt.Fprintf(&b, ", today %s", row.unit(t.Ratio))
		if t.High > 0 {
			fmt.Fprintf(&b, " (90%% confidence %.2f to %.2f)", t.Low, t.High)
		}
	} else {
		b.WriteString(", not measured today")
	}
	if v := row.verdict(); v != "" {
		fmt.Fprintf(&b, ", %s", v)
	}
	for _, bd := range row.Bounds {
		fmt.Fprintf(&b, ", bound %s %.2f", map[string]string{">=": "at least", "<=": "at most"}[bd.Op], bd.Value)
	}
	if row.Ideal > 0 {
		fmt.Fprintf(&b, ", ideal %.2f", row.Ideal)
	}
	if r := row.Record; r != nil {
		fmt.Fprintf(&b, ", recorded %s on %s", row.unit(r.Ratio), r.Note)
	}
	return b.String()
}

// chartScale maps values to percentages of the chart's width on a
// logarithmic axis from lo to hi.
type chartScale struct{ lo, hi float64 }

const chartLeft, chartRight = 5.0, 95.0 // the plot's edges, in percent of the width

// newChartScale returns a scale holding 1 and every figure of the rows,
// with a margin.
func newChartScale(rows []*chartRow) chartScale {
	lo, hi := 1.0, 1.0
	add := func(v float64) {
		if v > 0 && !math.IsInf(v, 0) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	for _, r := range rows {
		for _, m := range []*chartMeasure{r.Today, r.Record} {
			if m != nil {
				add(m.Ratio)
				add(m.Low)
				add(m.High)
			}
		}
		for _, b := range r.Bounds {
			add(b.Value)
		}
		add(r.Ideal)
	}
	return chartScale{lo / 1.25, hi * 1.25}
}

// x is the position of v in percent of the width.
func (s chartScale) x(v float64) float64 {
	v = math.Min(math.Max(v, s.lo), s.hi)
	return chartLeft + (chartRight-chartLeft)*math.Log(v/s.lo)/math.Log(s.hi/s.lo)
}

// ticks returns the axis' ticks: 1, 2 and 5 times powers of ten in the
// range; powers of ten alone when that gives more than six (their labels
// would collide on a phone), a finer series when it gives fewer than three.
func (s chartScale) ticks() []float64 {
	ticks := s.series(1, 2, 5)
	if len(ticks) > 6 {
		return s.series(1)
	}
	for _, mult := range [][]float64{{1, 1.5, 2, 3, 5, 7}, {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8}} {
		if len(ticks) >= 3 {
			break
		}
		ticks = s.series(mult...)
	}
	return ticks
}

// series returns the multiples mult of powers of ten in the scale's range.
func (s chartScale) series(mult ...float64) []float64 {
	var ticks []float64
	for p := math.Floor(math.Log10(s.lo)); p <= math.Ceil(math.Log10(s.hi)); p++ {
		for _, m := range mult {
			if v := m * math.Pow(10, p); v >= s.lo && v <= s.hi {
				ticks = append(ticks, v)
			}
		}
	}
	return ticks
}

// The chart's geometry, in pixels down the chart (across it, percent).
const (
	chartTop   = 30.0  // below the legend
	chartRowH  = 104.0 // one row: name, bars, three lines of figures
	chartAxisH = 22.0
	chartName  = 46 // runes of a row's name before it is cut (the label has it whole)
)

// speedupChart draws the rows as an inline SVG (no script): see chartRows.
func speedupChart(rows []*chartRow) string {
	s := newChartScale(rows)
	ticks := s.ticks()
	height := chartTop + float64(len(rows))*chartRowH + chartAxisH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="speedup-chart" width="100%%" height="%.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		height, html.EscapeString(chartLabel(rows)))
	chartLegend(&b)
	for i, r := range rows {
		chartRowSVG(&b, r, s, ticks, chartTop+float64(i)*chartRowH)
	}
	axisY := chartTop + float64(len(rows))*chartRowH + 14
	unit := "×"
	if strings.HasPrefix(chartLabel(rows), "Parallelism") { // a number of cores
		unit = ""
	}
	for _, t := range ticks {
		fmt.Fprintf(&b, `<text class="sc-tick" x="%.2f%%" y="%.0f" text-anchor="middle">%s%s</text>`, s.x(t), axisY, formatTick(t), unit)
	}
	b.WriteString("</svg>")
	return b.String()
}

// chartLegend writes the key: today's bar, the record's, a bound, the ideal.
func chartLegend(b *strings.Builder) {
	b.WriteString(`<rect class="sc-today" x="0%" y="6" width="12" height="12"/><text class="sc-key" x="0%" dx="16" y="16">today</text>`)
	b.WriteString(`<rect class="sc-record" x="25%" y="8" width="12" height="8"/><text class="sc-key" x="25%" dx="16" y="16">record</text>`)
	b.WriteString(`<line class="sc-bound" x1="50%" x2="50%" y1="4" y2="20" transform="translate(6 0)"/><text class="sc-key" x="50%" dx="16" y="16">bound</text>`)
	b.WriteString(`<svg x="75%" y="12" overflow="visible"><path class="sc-ideal" d="M6 -6L12 0L6 6L0 0Z"/></svg><text class="sc-key" x="75%" dx="16" y="16">ideal</text>`)
}

// chartRowSVG writes one row from y0 down: its name; the grid, today's
// bar, the record's, the bounds and the ideal; three lines of figures.
func chartRowSVG(b *strings.Builder, r *chartRow, s chartScale, ticks []float64, y0 float64) {
	name := r.name()
	short := name
	if rs := []rune(name); len(rs) > chartName {
		short = string(rs[:chartName-1]) + "…"
	}
	fmt.Fprintf(b, `<g class="sc-row"><text class="sc-name" x="0%%" y="%.0f">%s<title>%s</title></text>`,
		y0+13, html.EscapeString(short), html.EscapeString(name))
	top, bottom := y0+18, y0+47
	for _, t := range ticks {
		cls := "sc-grid"
		if t == 1 {
			cls = "sc-one"
		}
		fmt.Fprintf(b, `<line class="%s" x1="%.2f%%" x2="%.2f%%" y1="%.0f" y2="%.0f"/>`, cls, s.x(t), s.x(t), top, bottom)
	}
	if t := r.Today; t != nil {
		chartBar(b, s, t, "sc-today", y0+21, 12)
	}
	if m := r.Record; m != nil {
		chartBar(b, s, m, "sc-record", y0+37, 7)
	}
	for _, bd := range r.Bounds {
		fmt.Fprintf(b, `<line class="sc-bound sc-%s" x1="%.2f%%" x2="%.2f%%" y1="%.0f" y2="%.0f"><title>bound %s %.2f</title></line>`,
			boundClass(bd.Status), s.x(bd.Value), s.x(bd.Value), top, bottom, opSymbol(bd.Op), bd.Value)
	}
	if r.Ideal > 0 {
		fmt.Fprintf(b, `<svg x="%.2f%%" y="%.0f" overflow="visible"><path class="sc-ideal" d="M0 -6L6 0L0 6L-6 0Z"><title>ideal %.2f</title></path></svg>`,
			s.x(r.Ideal), y0+27, r.Ideal)
	}
	for i, line := range r.figures() {
		fmt.Fprintf(b, `<text class="sc-figure" x="0%%" y="%.0f">%s</text>`, y0+63+16*float64(i), line)
	}
	b.WriteString("</g>")
}

// chartBar draws a figure as a bar from 1 to its ratio, and its
// confidence interval as a whisker with end caps across the bar's middle.
func chartBar(b *strings.Builder, s chartScale, m *chartMeasure, cls string, y, h float64) {
	x1, x2 := s.x(1), s.x(m.Ratio)
	lo, w := math.Min(x1, x2), math.Max(math.Abs(x2-x1), 0.3)
	fmt.Fprintf(b, `<rect class="%s" x="%.2f%%" y="%.0f" width="%.2f%%" height="%.0f"><title>%.2f</title></rect>`, cls, lo, y, w, h, m.Ratio)
	if m.High <= 0 {
		return
	}
	mid := y + h/2
	l, hi := s.x(m.Low), s.x(m.High)
	fmt.Fprintf(b, `<line class="sc-whisker" x1="%.2f%%" x2="%.2f%%" y1="%.1f" y2="%.1f"/>`, l, hi, mid, mid)
	for _, x := range []float64{l, hi} {
		fmt.Fprintf(b, `<line class="sc-whisker" x1="%.2f%%" x2="%.2f%%" y1="%.1f" y2="%.1f"/>`, x, x, mid-h/2-2, mid+h/2+2)
	}
}

// figures are the row's three lines of text (HTML-escaped), each short
// enough for a phone: today's figure, the record's, and the bounds, each
// with today's verdict, and the ideal.
func (row *chartRow) figures() []string {
	today := "today: not measured"
	if len(row.Why) > 0 {
		today += " (see below)"
	}
	if t := row.Today; t != nil {
		today = "today " + row.figure(t)
	}
	record := "record: none"
	if m := row.Record; m != nil {
		record = "record " + row.figure(m)
		if m.Status != timing.ExpectPass {
			record += ", " + html.EscapeString(string(m.Status))
		}
		record += ", " + m.Note
	}
	var bounds []string
	for i, b := range row.Bounds {
		s := opSymbol(b.Op) + " " + formatTick(b.Value)
		// A verdict once for a run of bounds that share it: "≥ 1.4, ≤ 2.2 pass".
		if b.Status != "" && (i+1 == len(row.Bounds) || row.Bounds[i+1].Status != b.Status) {
			s += fmt.Sprintf(` <tspan class="sc-%s">%s</tspan>`, boundClass(b.Status), html.EscapeString(string(b.Status)))
		}
		bounds = append(bounds, s)
	}
	limits := "bound " + strings.Join(bounds, ", ")
	if len(bounds) == 0 {
		limits = "bound: depends on the cores; no run to know them"
	}
	if row.Ideal > 0 {
		limits += " · ideal " + formatTick(row.Ideal)
	}
	return []string{today, record, limits}
}

// figure is a measure as text: "1.93× (90%: 1.88–1.97), 10 rounds".
func (row *chartRow) figure(m *chartMeasure) string {
	s := html.EscapeString(row.unit(m.Ratio))
	if m.High > 0 {
		s += fmt.Sprintf(" (90%%: %.2f–%.2f)", m.Low, m.High)
	}
	if m.Rounds > 0 {
		s += fmt.Sprintf(", %d rounds", m.Rounds)
	}
	return s
}

// formatTick prints a tick or a bound with at most 3 significant digits.
func formatTick(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

func opSymbol(op string) string {
	if op == "<=" {
		return "≤"
	}
	return "≥"
}

// boundClass is the class of a verdict's colour.
func boundClass(s timing.ExpectStatus) string {
	switch s {
	case timing.ExpectPass:
		return "pass"
	case timing.ExpectFail:
		return "fail"
	case "":
		return "none"
	}
	return "open"
}

// writeExpectChart writes the chart of an expect block, with what it
// cannot draw in words below it: why a line has no decided verdict
// today. It writes nothing, and returns false, when no line of the block
// parses.
func writeExpectChart(w io.Writer, n *expectNode) bool {
	rows := chartRows(n.Items, n.Report, n.Records)
	if len(rows) == 0 {
		return false
	}
	io.WriteString(w, `<figure class="expect-chart">`+speedupChart(rows))
	var notes strings.Builder
	for _, r := range rows {
		if len(r.Why) > 0 {
			fmt.Fprintf(&notes, "<li><strong>%s</strong>: %s</li>", html.EscapeString(r.name()), html.EscapeString(strings.Join(r.Why, "; ")))
		}
	}
	if notes.Len() > 0 {
		io.WriteString(w, `<figcaption><ul class="expect-why">`+notes.String()+"</ul></figcaption>")
	}
	io.WriteString(w, "</figure>\n")
	return true
}

// writeExpectSource writes the block's expectations as written, with
// today's figures in words (items), in a details element: closed under a
// chart, open when there is none.
func writeExpectSource(w io.Writer, items string, chart bool) {
	open := " open"
	if chart {
		open = ""
	}
	fmt.Fprintf(w, "<details class=\"expect-source\"%s><summary>Expectations as written</summary>\n<ul>\n%s</ul></details>", open, items)
}
