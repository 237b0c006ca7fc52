package report

import (
	"fmt"
	"io"
	"strings"
)

// A Summary makes a Markdown summary of a run from its events, for
// GitHub's job summary ($GITHUB_STEP_SUMMARY): a table of the chapters
// (result, cells passed, failed and skipped, expectations, time), the
// failed cells with their first problem, the timing expectations with
// their ratios, and every cell in a collapsed table. The zero value is
// empty.
type Summary struct {
	chapters []*sumChapter
	byName   map[string]*sumChapter
}

type sumChapter struct {
	name    string
	result  string // the chapter's action: pass, fail or skip; "" while it runs
	elapsed float64
	cells   []Event // results
	expects []Event // results
}

// Add takes the next event of the run.
func (s *Summary) Add(e Event) {
	if s.byName == nil {
		s.byName = map[string]*sumChapter{}
	}
	ch := s.byName[e.Package]
	if ch == nil {
		ch = &sumChapter{name: e.Package}
		s.byName[e.Package] = ch
		s.chapters = append(s.chapters, ch)
	}
	if e.Elapsed == nil { // not a result
		return
	}
	switch {
	case e.Kind == KindExpectations:
	case e.Test == "":
		ch.result, ch.elapsed = e.Action, *e.Elapsed
	case e.Kind == KindExpect:
		ch.expects = append(ch.expects, e)
	default:
		ch.cells = append(ch.cells, e)
	}
}

// mdEscaper makes text literal in a Markdown table cell: ASCII
// punctuation that could start markup is escaped, line breaks become
// spaces.
var mdEscaper = strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"<", "\\<", ">", "\\>", "|", "\\|", "#", "\\#", "!", "\\!", "~", "\\~", "&", "\\&", "\r", " ", "\n", " ")

func md(s string) string {
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return mdEscaper.Replace(s)
}

var resultWord = map[string]string{ActionPass: "✅ ok", ActionFail: "❌ FAIL", ActionSkip: "➖ no go cells", "": "❌ did not end"}

// Write writes the summary as Markdown.
func (s *Summary) Write(w io.Writer) error {
	var b strings.Builder
	b.WriteString("### Chapters\n\n| chapter | result | cells | passed | failed | skipped | expectations | time |\n|---|---|--:|--:|--:|--:|---|--:|\n")
	var failed, expects, cells []string
	for _, ch := range s.chapters {
		n := map[string]int{}
		for _, c := range ch.cells {
			n[c.Action]++
			where := md(fmt.Sprintf("%s:%d", ch.name, c.Line))
			if c.Action == ActionFail {
				problem := c.Error
				if len(c.Problems) > 0 {
					problem = firstLine(c.Problems[0])
				}
				failed = append(failed, fmt.Sprintf("| %s | %s | %s |\n", md(c.Test), where, md(problem)))
			}
			cells = append(cells, fmt.Sprintf("| %s | %s | %s | %s | %.2fs |\n", md(c.Test), where, c.Action, md(c.Engine), *c.Elapsed))
		}
		verdicts := map[string]int{}
		for _, x := range ch.expects {
			verdicts[x.Verdict]++
			expects = append(expects, expectRow(ch.name, x))
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %s | %.2fs |\n", md(ch.name), resultWord[ch.result],
			len(ch.cells), n[ActionPass], n[ActionFail], n[ActionSkip], verdictCounts(verdicts), ch.elapsed)
	}
	if len(failed) > 0 {
		b.WriteString("\n### Failed cells\n\n| cell | where | problem |\n|---|---|---|\n" + strings.Join(failed, ""))
	}
	if len(expects) > 0 {
		b.WriteString("\n### Timing expectations\n\n| where | expectation | ratio | 90% interval | bound | ideal | verdict |\n|---|---|--:|---|---|--:|---|\n" + strings.Join(expects, ""))
	}
	if len(cells) > 0 {
		b.WriteString("\n<details><summary>Every cell</summary>\n\n| cell | where | result | engine | time |\n|---|---|---|---|--:|\n" + strings.Join(cells, "") + "\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// expectRow is an expectation's row: where, the line as written, the
// ratio, its interval, the bound, the ideal and the verdict with its
// reason.
func expectRow(chapter string, x Event) string {
	ratio, interval, bound, ideal := "–", "–", "–", "–"
	if x.Ratio > 0 {
		ratio = fmt.Sprintf("%.2f×", x.Ratio)
	}
	if len(x.Interval) == 2 {
		interval = fmt.Sprintf("%.2f – %.2f", x.Interval[0], x.Interval[1])
	}
	if x.Bound > 0 {
		bound = md(fmt.Sprintf("%s %.2f", x.Op, x.Bound))
	}
	if x.Ideal > 0 {
		ideal = fmt.Sprintf("%.2f", x.Ideal)
	}
	verdict := x.Verdict
	if x.Reason != "" {
		verdict += ": " + x.Reason
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |\n", md(fmt.Sprintf("%s:%d", chapter, x.Line)),
		md(x.Expect), ratio, interval, bound, ideal, md(verdict))
}

// verdictCounts says "2 ok, 1 inconclusive", or "–".
func verdictCounts(n map[string]int) string {
	var parts []string
	for _, v := range []struct{ verdict, word string }{{"pass", "ok"}, {"fail", "failed"}, {"inconclusive", "inconclusive"}, {"skip", "skipped"}} {
		if n[v.verdict] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[v.verdict], v.word))
		}
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}
