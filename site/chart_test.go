package site

import (
	"encoding/xml"
	"io"
	"math"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/concurrency101/book/runner/timing"
)

// svgElem is an element of a parsed chart: its name, attributes and text.
type svgElem struct {
	Name  string
	Attr  map[string]string
	Text  string
	Depth int
}

// parseSVG parses the first <svg> of s as XML, strictly, and returns its
// elements in document order: it fails the test when the SVG is not
// well-formed.
func parseSVG(t *testing.T, s string) []*svgElem {
	t.Helper()
	i := strings.Index(s, "<svg")
	require.GreaterOrEqual(t, i, 0, "no <svg> in %q", s)
	d := xml.NewDecoder(strings.NewReader(s[i:]))
	d.Strict = true
	var out, stack []*svgElem
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "the chart is not well-formed XML")
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &svgElem{Name: tok.Name.Local, Attr: map[string]string{}, Depth: len(stack)}
			for _, a := range tok.Attr {
				e.Attr[a.Name.Local] = a.Value
			}
			out = append(out, e)
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return out
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		}
	}
	require.Fail(t, "the chart's <svg> is not closed")
	return nil
}

// pct reads a percentage attribute ("12.50%").
func pct(t *testing.T, e *svgElem, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSuffix(e.Attr[attr], "%"), 64)
	require.NoError(t, err, "%s=%q", attr, e.Attr[attr])
	return v
}

func byClass(elems []*svgElem, name, class string) []*svgElem {
	var out []*svgElem
	for _, e := range elems {
		if e.Name == name && strings.Contains(" "+e.Attr["class"]+" ", " "+class+" ") {
			out = append(out, e)
		}
	}
	return out
}

func expectResult(line int, cell string, ratio, low, high, bound, ideal float64, status timing.ExpectStatus) *timing.ExpectResult {
	return &timing.ExpectResult{Line: line, Text: "speedup " + cell + " over base >= 1", Cell: cell, Over: "base", Op: ">=",
		Status: status, Ratio: ratio, Low: low, High: high, Samples: []float64{ratio, ratio, ratio, ratio, ratio},
		Bound: bound, Ideal: ideal, Cores: 2}
}

// TestChartBarsFollowNumbers draws three pairs, at 2× (with its interval
// and a record of 4×), 4× and 0.5×, and reads the SVG back: on the
// logarithmic axis a bar runs from the 1× tick to its ratio, 2× ends at
// the 2× tick, 4× is twice as long as 2×, 0.5× as long the other way; the
// whiskers, the record, the bound and the ideal stand at their values.
func TestChartBarsFollowNumbers(t *testing.T) {
	items := []*chapter.Expect{{Line: 1, Text: "speedup a over base >= 1.5 ideal 2"},
		{Line: 2, Text: "speedup b over base >= 1"}, {Line: 3, Text: "speedup c over base <= 1"}}
	rep := &report.Report{Engine: "yaegi", Expectations: []*timing.ExpectResult{
		expectResult(1, "a", 2, 1.5, 3, 1.5, 2, timing.ExpectPass),
		expectResult(2, "b", 4, 0, 0, 1, 0, timing.ExpectPass),
		expectResult(3, "c", 0.5, 0, 0, 1, 0, timing.ExpectPass),
	}}
	records := &timing.Timings{}
	records.Set(&timing.TimingRecord{Engine: "yaegi", Date: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
		Expectations: []*timing.ExpectResult{{Text: items[0].Text, Status: timing.ExpectPass, Ratio: 4, Low: 3, High: 5}}})
	rows := chartRows(items, rep, records)
	require.Len(t, rows, 3)
	elems := parseSVG(t, speedupChart(rows))

	tick := map[string]float64{}
	for _, e := range byClass(elems, "text", "sc-tick") {
		tick[e.Text] = pct(t, e, "x")
	}
	require.Contains(t, tick, "1×")
	require.Contains(t, tick, "2×")
	one := tick["1×"]
	pos := func(v float64) float64 { return one + (tick["2×"]-one)*math.Log2(v) } // the axis, from two of its ticks
	bars := byClass(elems, "rect", "sc-today")[1:]                                // the legend's swatch first
	require.Len(t, bars, 3)
	for i, want := range []float64{2, 4, 0.5} {
		x, w := pct(t, bars[i], "x"), pct(t, bars[i], "width")
		lo, hi := math.Min(one, pos(want)), math.Max(one, pos(want))
		assert.InDelta(t, lo, x, 0.02, "bar %v× starts at min(1×, its ratio)", want)
		assert.InDelta(t, hi-lo, w, 0.02, "bar %v× is as long as log(ratio)", want)
	}
	whiskers := byClass(elems, "line", "sc-whisker")
	require.NotEmpty(t, whiskers)
	assert.InDelta(t, pos(1.5), pct(t, whiskers[0], "x1"), 0.02, "the interval's low end")
	assert.InDelta(t, pos(3), pct(t, whiskers[0], "x2"), 0.02, "the interval's high end")
	rec := byClass(elems, "rect", "sc-record")[1:]
	require.Len(t, rec, 1, "one record")
	assert.InDelta(t, pos(4)-one, pct(t, rec[0], "width"), 0.02, "the record's bar reaches 4×")
	bounds := byClass(elems, "line", "sc-bound")[1:]
	require.Len(t, bounds, 3)
	assert.InDelta(t, pos(1.5), pct(t, bounds[0], "x1"), 0.02, "the bound of a")
	assert.Equal(t, "sc-bound sc-pass", bounds[0].Attr["class"])
	var ideal []*svgElem
	for _, e := range elems {
		if e.Name == "svg" && e.Depth == 2 { // in a row (the legend's is at depth 1)
			ideal = append(ideal, e)
		}
	}
	require.Len(t, ideal, 1)
	assert.InDelta(t, pos(2), pct(t, ideal[0], "x"), 0.02, "the ideal's mark")
}

// TestChartLabel: the chart is an image with a text alternative that says
// what it shows and every figure.
func TestChartLabel(t *testing.T) {
	speed := &chartRow{Kind: "speedup", Cell: "a", Over: "b", Today: &chartMeasure{Ratio: 1.93, Low: 1.88, High: 1.97}}
	par := &chartRow{Kind: "parallelism", Cell: "p", Today: &chartMeasure{Ratio: 1.8}}
	for _, c := range []struct {
		rows []*chartRow
		want string
	}{
		{[]*chartRow{speed}, "Speedup: a over b, today 1.93× (90% confidence 1.88 to 1.97)"},
		{[]*chartRow{par}, "Parallelism: p, today 1.80 cores"},
		{[]*chartRow{speed, par}, "Speedup and parallelism: a over b"},
	} {
		root := parseSVG(t, speedupChart(c.rows))[0]
		assert.Equal(t, "svg", root.Name)
		assert.Equal(t, "img", root.Attr["role"])
		assert.True(t, strings.HasPrefix(root.Attr["aria-label"], c.want), "aria-label %q, want prefix %q", root.Attr["aria-label"], c.want)
	}
}

// TestChartRows: lines about one pair make one row; under -engine=both,
// one row per engine, each with its engine's record; a report of engine
// auto finds the record of the engine that timed the cells; a line that
// does not parse makes no row.
func TestChartRows(t *testing.T) {
	items := []*chapter.Expect{{Line: 1, Text: "speedup a over b >= 1.5"}, {Line: 2, Text: "speedup a over b <= 3"},
		{Line: 3, Text: "speedup a over >= 1"}}
	records := &timing.Timings{}
	records.Set(&timing.TimingRecord{Engine: "go", Expectations: []*timing.ExpectResult{{Text: items[0].Text, Ratio: 2.5}}})
	records.Set(&timing.TimingRecord{Engine: "yaegi", Expectations: []*timing.ExpectResult{{Text: items[1].Text, Ratio: 1.9}}})

	rep := &report.Report{Engine: "auto", Machine: &timing.Machine{Engine: "go"}, Expectations: []*timing.ExpectResult{
		{Line: 1, Text: items[0].Text, Op: ">=", Status: timing.ExpectPass, Ratio: 2, Samples: []float64{2}, Bound: 1.5, Cores: 2},
		{Line: 2, Text: items[1].Text, Op: "<=", Status: timing.ExpectPass, Ratio: 2.1, Samples: []float64{2, 2.2}, Bound: 3, Cores: 2},
	}}
	rows := chartRows(items, rep, records)
	require.Len(t, rows, 1, "one pair")
	assert.Len(t, rows[0].Bounds, 2)
	assert.Equal(t, 2.1, rows[0].Today.Ratio, "the line measured over the most rounds")
	require.NotNil(t, rows[0].Record)
	assert.Equal(t, 2.5, rows[0].Record.Ratio, "the go record: the engine the cells were timed with")

	both := &report.Report{Engine: "both"}
	for _, e := range []string{"yaegi", "go"} {
		both.Expectations = append(both.Expectations, &timing.ExpectResult{Line: 2, Text: items[1].Text, Engine: e, Op: "<=",
			Status: timing.ExpectInconclusive, Reason: "load", Ratio: 2, Samples: []float64{2}, Bound: 3, Cores: 2})
	}
	rows = chartRows(items, both, records)
	require.Len(t, rows, 3, "line 1 has no result: one row; line 2 one row per engine")
	assert.Equal(t, "a over b (yaegi)", rows[1].name())
	assert.Equal(t, "a over b (go)", rows[2].name())
	require.NotNil(t, rows[1].Record)
	assert.Equal(t, 1.9, rows[1].Record.Ratio)
	assert.Nil(t, rows[2].Record, "the go record has no line 2")
	assert.Equal(t, []string{"line 2, inconclusive: load"}, rows[1].Why)
	assert.Equal(t, []string{"line 1: today's run checked no such expectation"}, rows[0].Why)
}

// TestChartsWellFormed parses every chart of the charts golden site.
func TestChartsWellFormed(t *testing.T) {
	data, err := os.ReadFile("../testdata/site/charts.txtar")
	require.NoError(t, err)
	s, _, err := buildArchive(t, parseArchive(string(data)))
	require.NoError(t, err)
	n := 0
	for _, p := range s.order {
		for rest := p.content; ; {
			i := strings.Index(rest, `<svg class="speedup-chart"`)
			if i < 0 {
				break
			}
			elems := parseSVG(t, rest[i:])
			assert.Equal(t, "img", elems[0].Attr["role"])
			n++
			rest = rest[i+1:]
		}
	}
	assert.Equal(t, 3, n, "the archive's three expect blocks")
}

// TestBrowserCharts opens the charts fixture in Chromium at a desktop's
// and a phone's width, light and dark: every text of every chart lies
// inside the chart and overlaps no other, and the page does not scroll
// sideways.
func TestBrowserCharts(t *testing.T) {
	ctx := browser(t)
	out := buildFixture(t, "charts", false)
	ts := httptest.NewServer(&Server{Dir: out})
	defer ts.Close()
	const check = `(function () {
		var problems = [], n = 0;
		document.querySelectorAll("svg.speedup-chart").forEach(function (svg, k) {
			n++;
			var box = svg.getBoundingClientRect();
			var texts = Array.prototype.slice.call(svg.querySelectorAll("text"));
			var rects = texts.map(function (t) { return t.getBoundingClientRect(); });
			rects.forEach(function (r, i) {
				if (r.left < box.left - 1 || r.right > box.right + 1) {
					problems.push("chart " + k + ": " + texts[i].textContent + " goes out of the chart");
				}
				for (var j = i + 1; j < rects.length; j++) {
					var q = rects[j];
					if (Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1 && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1) {
						problems.push("chart " + k + ": " + texts[i].textContent + " overlaps " + texts[j].textContent);
					}
				}
			});
		});
		if (n != 3) problems.push(n + " charts, want 3");
		if (document.documentElement.scrollWidth > innerWidth) problems.push("the page scrolls sideways");
		return problems;
	})()`
	for _, c := range []struct {
		name  string
		width int64
		theme string
	}{{"desktop-light", 1280, "light"}, {"desktop-dark", 1280, "dark"}, {"phone-light", 390, "light"}, {"phone-dark", 390, "dark"}, {"small-phone", 360, "light"}} {
		t.Run(c.name, func(t *testing.T) {
			opts := []chromedp.EmulateViewportOption{}
			if c.width < 600 {
				opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile)
			}
			do(t, ctx, chromedp.EmulateViewport(c.width, 900, opts...), chromedp.Navigate(ts.URL+"/charts.html"), chromedp.WaitVisible(".expect-chart"))
			run(t, ctx, chromedp.Evaluate[any](`document.documentElement.dataset.theme = "`+c.theme+`"`))
			assert.Empty(t, run(t, ctx, chromedp.Evaluate[[]string](check)))
			shot(t, ctx, "charts-"+c.name)
		})
	}
}

// TestChartFigures: the lines of text under a row's bars, short enough
// for a phone: a verdict said once for bounds that share it; a missing
// measurement said, with a pointer to its reason.
func TestChartFigures(t *testing.T) {
	open := `<tspan class="sc-open">inconclusive</tspan>`
	row := &chartRow{Kind: "speedup", Cell: "a", Over: "b", Ideal: 2,
		Today:  &chartMeasure{Ratio: 1.42, Low: 0.97, High: 7.13, Rounds: 15},
		Record: &chartMeasure{Ratio: 1.87, Low: 1.62, High: 1.93, Status: timing.ExpectPass, Note: "2026-11-25"},
		Bounds: []chartBound{{">=", 1.4, timing.ExpectInconclusive}, {"<=", 2.2, timing.ExpectInconclusive}}}
	assert.Equal(t, []string{"today 1.42× (90%: 0.97–7.13), 15 rounds", "record 1.87× (90%: 1.62–1.93), 2026-11-25",
		"bound ≥ 1.4, ≤ 2.2 " + open + " · ideal 2"}, row.figures())

	row.Bounds[1].Status = timing.ExpectPass
	row.Today, row.Why = nil, []string{"line 3: skip: cell a failed"}
	row.Record.Status = timing.ExpectInconclusive
	assert.Equal(t, []string{"today: not measured (see below)", "record 1.87× (90%: 1.62–1.93), inconclusive, 2026-11-25",
		"bound ≥ 1.4 " + open + `, ≤ 2.2 <tspan class="sc-pass">pass</tspan> · ideal 2`}, row.figures())
}
