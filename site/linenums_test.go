package site

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency101/book/runner/chapter"
)

func TestParseLineNums(t *testing.T) {
	for in, want := range map[string]lineNums{
		"":       {},
		"1":      {Start: 1, Step: 1},
		"7":      {Start: 7, Step: 1},
		"1 2":    {Start: 1, Step: 2},
		"1 2 4":  {Start: 1, Step: 2, Special: 4},
		"0":      {}, // none
		"x":      {},
		"3 0":    {Start: 3, Step: 1},
		" 5\t1 ": {Start: 5, Step: 1},
	} {
		assert.Equal(t, want, parseLineNums(in), "linenums=%q", in)
	}
	hl, ln := displayAttrs([]chapter.Attr{{Key: "linenums", Value: "3"}, {Key: "hl_lines", Value: "2 4-5"}})
	assert.Equal(t, lineNums{Start: 3, Step: 1}, ln)
	assert.Equal(t, map[int]bool{2: true, 4: true, 5: true}, hl)
}

// TestLineNumsColumn: one number a line from the start, a blank where the
// step skips one (Pygments: the numbers the step divides), every
// special-th marked.
func TestLineNumsColumn(t *testing.T) {
	assert.Equal(t, "7\n8\n9", lineNums{Start: 7, Step: 1}.column(3))
	assert.Equal(t, "\n2\n\n<span class=\"special\">4</span>\n", lineNums{Start: 1, Step: 2, Special: 4}.column(5))
	assert.Equal(t, "1", lineNums{Start: 1, Step: 1}.column(1))
}

// TestBrowserLineNums opens the linenums fixture in Chromium: each number
// stands beside its line, highlighted lines included (as tall as the
// others), and the copy button copies the code without the numbers.
func TestBrowserLineNums(t *testing.T) {
	ctx := browser(t)
	out := buildFixture(t, "linenums", false)
	ts := httptest.NewServer(&Server{Dir: out})
	defer ts.Close()
	do(t, ctx, chromedp.Navigate(ts.URL+"/lines.html"), chromedp.WaitVisible("#cell-counted"))
	// For each highlighted line of the counted cell (hl_lines="2 4-5"), its
	// offset in the code and that of its number, in lines.
	got := run(t, ctx, chromedp.Evaluate[[][]float64](`(function () {
		var cell = document.getElementById("cell-counted");
		var code = cell.querySelector("pre.chroma"), nums = cell.querySelector("pre.linenos");
		var lh = parseFloat(getComputedStyle(code).lineHeight);
		var top = code.getBoundingClientRect().top + parseFloat(getComputedStyle(code).paddingTop);
		var ntop = nums.getBoundingClientRect().top + parseFloat(getComputedStyle(nums).paddingTop);
		var out = [[parseFloat(getComputedStyle(nums).lineHeight) / lh, nums.getBoundingClientRect().height / code.getBoundingClientRect().height]];
		cell.querySelectorAll(".hl").forEach(function (h) {
			var r = h.getBoundingClientRect();
			out.push([(r.top - top) / lh, r.height / lh]);
		});
		return out;
	})()`))
	require.Len(t, got, 4, "the ratios, then three highlighted lines")
	assert.InDelta(t, 1, got[0][0], 0.01, "numbers and code share a line height")
	assert.InDelta(t, 1, got[0][1], 0.01, "the column is as tall as the code")
	for i, line := range []float64{1, 3, 4} { // 0-based: lines 2, 4 and 5
		assert.InDelta(t, line, got[i+1][0], 0.05, "highlighted line %v starts where its line does", line+1)
		assert.InDelta(t, 1, got[i+1][1], 0.05, "highlighted line %v is one line tall", line+1)
	}
	run(t, ctx, chromedp.Evaluate[any](`window.copied = null;
		navigator.clipboard.writeText = function (s) { window.copied = s; return Promise.resolve(); }`))
	do(t, ctx, chromedp.Click("#cell-later button.copy"))
	assert.Equal(t, "package main\n\nfunc main() {}\n", run(t, ctx, chromedp.Evaluate[string](`window.copied`)), "the code only")
	shot(t, ctx, "linenums")
}
