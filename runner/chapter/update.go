package chapter

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Update returns the chapter's source with the output blocks of the given
// cells rewritten to hold their captured output. Only cells whose run
// behaved as the chapter says (passed, or differ only in output) are
// written, a block is rewritten when its text is not exactly what the run
// printed (a stale duration or address is refreshed, though the comparison
// masks it: the chapter shows a real run; see Same), and a block is created after a cell that has none but printed something,
// in the cell's container (list item, quote, admonition, tab) at the cell's
// indentation. Every other byte of the file is kept. It returns the cells it
// changed, and an error for each cell whose output cannot be written.
func Update(ch *Chapter, results map[string]*Result) (src []byte, changed []string, err error) {
	return UpdateMarking(ch, results, nil)
}

// UpdateMarking is Update that also marks the cells named in mark
// engine="go": the attribute is added before the closing brace of the
// attribute list ({.go ...}), and a bare info string (go title="x.go"),
// which may not carry it, is turned into an attribute list. It is the one change
// outside the output blocks -update makes: the rewritten chapter must parse
// to the same cells, the marked ones with engine "go". A marked cell is
// among the changed ones.
func UpdateMarking(ch *Chapter, results map[string]*Result, mark []string) (src []byte, changed []string, err error) {
	u := &updater{ch: ch, marks: map[int]bool{}}
	for _, name := range mark {
		ci := slices.IndexFunc(ch.Cells, func(c *Cell) bool { return c.Name == name })
		if ci < 0 || ch.Cells[ci].Engine == "go" || u.marks[ci] {
			continue
		}
		u.marks[ci] = true
		u.marking = append(u.marking, markEdit(ch.Source, ch.Cells[ci]))
	}
	u.edits = append(u.edits, u.marking...)
	for ci, c := range ch.Cells {
		did := u.marks[ci]
		if r := results[c.Name]; r != nil && !c.NoRun && r.Status != Skip && OnlyMismatch(c, r) {
			for _, stream := range []string{"stdout", "stderr"} {
				got := r.Stdout
				if stream == "stderr" {
					got = r.Stderr
				}
				did = u.stream(ci, stream, got) || did
			}
		}
		if did {
			changed = append(changed, c.Name)
		}
	}
	out := u.apply()
	// Markdown is subtle (lazy lines, list items, fences closed from
	// another indentation): a rewrite that would not parse back to the same
	// cells with the new outputs is not written.
	if len(u.edits) > 0 {
		if err := u.sameCells(out); err != nil {
			u.errs = append(u.errs, &Error{Path: ch.Path, Line: 1, Msg: "not updated: " + err.Error()})
			return ch.Source, nil, u.errs
		}
	}
	if len(u.errs) > 0 {
		return out, changed, u.errs
	}
	return out, changed, nil
}

// An updater plans the edits of one Update.
type updater struct {
	ch      *Chapter
	marks   map[int]bool // cells to mark engine="go", by index
	marking []edit       // the insertions that mark them, also in edits
	edits   []edit
	wants   []want // what the parse of the result must find
	errs    ErrorList
}

// An edit replaces the bytes of span with text.
type edit struct {
	span Span
	text string
}

// A want is an output block the rewritten chapter must hold.
type want struct {
	cell         int
	stream, text string
	unordered    bool
}

// stream plans the block of one stream of cell ci, which printed got; it
// reports whether the block changes.
func (u *updater) stream(ci int, stream, got string) bool {
	c := u.ch.Cells[ci]
	o := c.Output(stream)
	if o != nil && Same(o.Text, got, o.Unordered) {
		return false
	}
	if o == nil && (strings.TrimSpace(got) == "" || c.Unchecked) {
		return false
	}
	if msg := notText(got); msg != "" {
		u.errs = append(u.errs, &Error{Path: u.ch.Path, Line: c.Line, Msg: fmt.Sprintf("cell %s: %s not written: %s", c.Name, stream, msg)})
		return false
	}
	if o != nil {
		// The opening line stays as written; the rest follows it.
		open := strings.TrimRight(string(u.ch.Source[o.Block.Start:o.Content.Start]), "\r\n")
		info := strings.TrimLeft(open[len(o.Indent):], "`~")
		u.edits = append(u.edits, edit{o.Block, block(o.Indent, continuation(o.Indent), info, got)})
	} else {
		info := "output"
		if stream == "stderr" {
			info = "{.output .stderr}" // MkDocs shows a bare "output stderr" as text
		}
		at := c.Block.End
		if prev := c.Output("stdout"); stream == "stderr" && prev != nil {
			at = prev.Block.End
		}
		// The new block continues the cell's container: what precedes
		// the cell's fence, with list markers turned into spaces.
		cont := continuation(c.Indent)
		lead := strings.TrimRight(cont, " \t") + "\n"
		if at > 0 && u.ch.Source[at-1] != '\n' {
			lead = "\n" + lead
		}
		u.edits = append(u.edits, edit{Span{at, at}, lead + block(cont, cont, info, got)})
	}
	u.wants = append(u.wants, want{ci, stream, got, o != nil && o.Unordered})
	return true
}

// apply returns the source with the edits made.
func (u *updater) apply() []byte {
	sort.SliceStable(u.edits, func(i, j int) bool { return u.edits[i].span.Start < u.edits[j].span.Start })
	var out bytes.Buffer
	last := 0
	for _, e := range u.edits {
		out.Write(u.ch.Source[last:e.span.Start])
		out.WriteString(e.text)
		last = e.span.End
	}
	out.Write(u.ch.Source[last:])
	return out.Bytes()
}

// check says what is wrong with the parse of the rewritten chapter: a
// block that did not land where it was written, text outside the blocks
// that changed, a block that changed hands.
func (u *updater) check(again *Chapter) error {
	ch := u.ch
	if len(u.marks) > 0 {
		// The text outside the output blocks is compared with the
		// chapter's marked, and nothing else.
		marked, err := Parse(ch.Path, (&updater{ch: ch, edits: slices.Clone(u.marking)}).apply())
		if err != nil || len(marked.Cells) != len(ch.Cells) {
			return fmt.Errorf("marking engine=\"go\" would change the chapter's cells")
		}
		ch = marked
	}
	streams := make([]map[string]bool, len(ch.Cells))
	for i, c := range ch.Cells {
		streams[i] = map[string]bool{}
		for _, o := range c.Outputs {
			streams[i][o.Stream] = true
		}
	}
	for _, w := range u.wants {
		c := again.Cells[w.cell]
		if o := c.Output(w.stream); o == nil || !Match(o.Text, w.text, w.unordered) {
			return fmt.Errorf("cell %s would not get its %s block where it stands", c.Name, w.stream)
		}
		streams[w.cell][w.stream] = true
	}
	// Nothing outside the output blocks may change, but the newline that
	// ends a last line when a block is added after it.
	a, b := outsideOutputs(ch), outsideOutputs(again)
	if a != b && !(len(ch.Source) > 0 && ch.Source[len(ch.Source)-1] != '\n' && a+"\n" == b) {
		return fmt.Errorf("text outside the output blocks would change")
	}
	for i, c := range again.Cells {
		if len(c.Outputs) != len(streams[i]) {
			return fmt.Errorf("the output blocks of cell %s would change", c.Name)
		}
		for _, o := range c.Outputs {
			if !streams[i][o.Stream] {
				return fmt.Errorf("the output blocks of cell %s would change", c.Name)
			}
		}
	}
	return nil
}

// sameCells checks that src parses to the cells of the chapter, in order,
// with the same code and attributes (a marked cell with the same code and
// name, and engine "go"), and then what check says of the new parse.
func (u *updater) sameCells(src []byte) error {
	ch := u.ch
	again, err := Parse(ch.Path, src)
	if err != nil {
		return fmt.Errorf("the rewritten chapter would not parse: %v", err)
	}
	if len(again.Cells) != len(ch.Cells) {
		return fmt.Errorf("the rewritten chapter would have %d cells instead of %d", len(again.Cells), len(ch.Cells))
	}
	for i, c := range ch.Cells {
		d := again.Cells[i]
		same := d.Code == c.Code && d.Info == c.Info
		if u.marks[i] {
			same = d.Code == c.Code && d.Name == c.Name && d.Engine == "go" && len(d.Attrs) == len(c.Attrs)+1
		}
		if !same {
			return fmt.Errorf("cell %s would change in the rewritten chapter", c.Name)
		}
	}
	return u.check(again)
}

// markEdit is the edit that marks cell c engine="go" in its opening fence:
// the attribute goes before the closing brace of an attribute list
// ({.go title="x.go"}); a bare info string (go title="x.go") becomes one,
// since MkDocs renders a bare fence with other attributes as text.
func markEdit(src []byte, c *Cell) edit {
	end := lineEnd(src, c.Block.Start)
	for end > c.Block.Start && (src[end-1] == ' ' || src[end-1] == '\t' || src[end-1] == '\r') {
		end--
	}
	if info := strings.TrimSpace(c.Info); strings.HasPrefix(info, "{") && strings.HasSuffix(info, "}") && src[end-1] == '}' {
		end--
		for end > c.Block.Start && (src[end-1] == ' ' || src[end-1] == '\t') {
			end--
		}
		return edit{Span{end, end}, ` engine="go"`}
	}
	start := c.Block.Start + len(c.Indent)
	for start < end && (src[start] == '`' || src[start] == '~') {
		start++
	}
	for start < end && (src[start] == ' ' || src[start] == '\t') {
		start++
	}
	lang, rest := SplitInfo(string(src[start:end]))
	attrs := "." + lang
	if rest != "" {
		attrs += " " + rest
	}
	return edit{Span{start, end}, "{" + attrs + ` engine="go"}`}
}

// continuation turns what precedes a fence on its line into what continues
// the same container on the next lines: block quote markers stay, list
// markers ("* ", "1. ") become spaces.
func continuation(prefix string) string {
	b := []byte(prefix)
	for i, c := range b {
		if c != '>' && c != '\t' {
			b[i] = ' '
		}
	}
	return string(b)
}

// block renders a fenced output block, its opening fence after first and
// its other lines after indent; the fence is made longer than any run of
// backticks at the start of a line of the text.
func block(first, indent, info, text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	width := 3
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimLeft(l, " ")
		n := 0
		for n < len(l) && l[n] == '`' {
			n++
		}
		width = max(width, n+1)
	}
	fence := strings.Repeat("`", width)
	var b strings.Builder
	b.WriteString(first + fence + info + "\n")
	for _, l := range strings.SplitAfter(text, "\n") {
		if l == "" {
			continue
		}
		if l == "\n" {
			b.WriteString(strings.TrimRight(indent, " \t") + "\n")
			continue
		}
		b.WriteString(indent + l)
	}
	b.WriteString(indent + fence + "\n")
	return b.String()
}

// notText explains why s cannot be written into a Markdown file, or
// returns "".
func notText(s string) string {
	if !utf8.ValidString(s) {
		return "output is not valid UTF-8"
	}
	for i, r := range s {
		if r != '\n' && r != '\t' && r != '\r' && unicode.IsControl(r) {
			return fmt.Sprintf("output contains control character %U at byte %d", r, i)
		}
	}
	return ""
}

// outsideOutputs is the chapter without its output blocks and the blank
// lines before them (-update adds one before a block it creates).
func outsideOutputs(ch *Chapter) string {
	var b bytes.Buffer
	last := 0
	for _, c := range ch.Cells {
		for _, o := range c.Outputs {
			start := o.Block.Start
			for start > last && ch.Source[start-1] == '\n' && start-1 > 0 && isBlankBefore(ch.Source, start-1) {
				start = lineStartOf(ch.Source, start-1)
			}
			b.Write(ch.Source[last:start])
			last = o.Block.End
		}
	}
	b.Write(ch.Source[last:])
	return b.String()
}

// isBlankBefore reports whether the line ending at the newline at i holds
// only spaces, tabs and quote markers.
func isBlankBefore(src []byte, i int) bool {
	s := lineStartOf(src, i)
	return strings.Trim(string(src[s:i]), " \t>") == "" && s < i+1 && s != i+1
}

func lineStartOf(src []byte, i int) int {
	return bytes.LastIndexByte(src[:i], '\n') + 1
}
