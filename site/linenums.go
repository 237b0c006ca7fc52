package site

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/yuin/goldmark/util"
)

// Line numbers, as MkDocs-Material draws a fence with linenums="N" (the
// pymdownx.highlight "table" style): a column of numbers left of the code,
// right-aligned, muted, set apart by a thin rule, that neither selection
// nor the copy button takes; lines of hl_lines highlighted across the
// whole width of the block. hl_lines counts from the block's first line,
// whatever number linenums gives it, as in pymdownx.

// lineNums is a fence's linenums="START [STEP [SPECIAL]]": the first
// line's number, a number shown only every STEP lines (on the lines whose
// number STEP divides), and every SPECIAL-th number marked. A zero
// lineNums (no linenums, or a start of 0) shows no numbers.
type lineNums struct{ Start, Step, Special int }

// parseLineNums parses a linenums value; the chapter has checked its form
// (chapter.Attr), so a malformed one is only shown without numbers.
func parseLineNums(s string) lineNums {
	f := strings.Fields(s)
	var n [3]int
	for i := range min(len(f), 3) {
		v, err := strconv.Atoi(f[i])
		if err != nil || v < 0 {
			return lineNums{}
		}
		n[i] = v
	}
	if n[0] == 0 {
		return lineNums{}
	}
	return lineNums{Start: n[0], Step: max(n[1], 1), Special: n[2]}
}

// displayAttrs reads a fence's display attributes: hl_lines and linenums.
func displayAttrs(attrs []chapter.Attr) (hl map[int]bool, ln lineNums) {
	for _, a := range attrs {
		switch a.Key {
		case "hl_lines":
			hl = parseLines(a.Value)
		case "linenums":
			ln = parseLineNums(a.Value)
		}
	}
	return hl, ln
}

// writeCodeLines writes a code block, with its line numbers when ln has
// any (else as writeCodeCopy does).
func writeCodeLines(w util.BufWriter, lang, code string, hl map[int]bool, ln lineNums, copyText string) {
	if ln.Start == 0 {
		writeCodeCopy(w, lang, code, hl, copyText)
		return
	}
	w.WriteString(`<div class="highlight linenums">` + copyButton(copyText))
	// <span></span>, as Pygments writes: a newline right after <pre> is
	// dropped by HTML parsers, which would move a blank first number.
	w.WriteString(`<div class="highlighttable"><pre class="linenos" aria-hidden="true"><span></span>`)
	w.WriteString(ln.column(strings.Count(strings.TrimSuffix(code, "\n"), "\n") + 1))
	w.WriteString(`</pre><pre class="chroma"><code` + langClass(lang) + ">")
	w.WriteString(highlight(code, lang, hl))
	w.WriteString("</code></pre></div></div>\n")
}

// column is the numbers of n lines, one a line: blank where STEP skips
// one, <span class="special"> around every SPECIAL-th.
func (ln lineNums) column(n int) string {
	var b strings.Builder
	for i := ln.Start; i < ln.Start+n; i++ {
		switch {
		case i%ln.Step != 0:
		case ln.Special > 0 && i%ln.Special == 0:
			fmt.Fprintf(&b, `<span class="special">%d</span>`, i)
		default:
			b.WriteString(strconv.Itoa(i))
		}
		if i < ln.Start+n-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
