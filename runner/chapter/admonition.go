package chapter

import (
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindAdmonition is the node kind of an admonition.
var KindAdmonition = ast.NewNodeKind("Admonition")

// An Admonition is a block written in Python-Markdown's admonition syntax,
//
//	!!! note "Title"
//	    Body, indented four spaces.
//
// or in pymdownx.details' collapsible form, ??? (closed) and ???+ (open).
// Its children are the blocks of the body.
type Admonition struct {
	ast.BaseBlock
	Classes  []string // the type first ("note", "warning"), then extra classes
	Title    string   // the quoted title; "" when none was written
	HasTitle bool     // a quoted title was written (an empty one hides the title)
	Details  bool     // ??? or ???+
	Open     bool     // ???+
}

// Kind implements ast.Node.
func (n *Admonition) Kind() ast.NodeKind { return KindAdmonition }

// Dump implements ast.Node.
func (n *Admonition) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Classes": strings.Join(n.Classes, " "), "Title": n.Title}, nil)
}

var admonitionRe = regexp.MustCompile(`^(!!!|\?\?\?\+?) ?([\w-]+(?: +[\w-]+)*)(?: +"(.*?)")? *$`)

type admonitionParser struct{}

func (admonitionParser) Trigger() []byte { return []byte{'!', '?'} }

func (admonitionParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, _ := reader.PeekLine()
	m := admonitionRe.FindSubmatch(util.TrimRightSpace(line))
	if m == nil {
		return nil, parser.NoChildren
	}
	n := &Admonition{Classes: strings.Fields(string(m[2]))}
	switch string(m[1]) {
	case "???":
		n.Details = true
	case "???+":
		n.Details, n.Open = true, true
	}
	if m[3] != nil {
		n.Title, n.HasTitle = string(m[3]), true
	}
	reader.AdvanceToEOL()
	return n, parser.HasChildren
}

func (admonitionParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	return continueIndented(reader)
}

func (admonitionParser) Close(ast.Node, text.Reader, parser.Context) {}
func (admonitionParser) CanInterruptParagraph() bool                 { return true }
func (admonitionParser) CanAcceptIndentedLine() bool                 { return false }

// continueIndented continues a block whose body is indented four columns
// (an admonition's, a content tab's): a blank line stays inside, a line
// indented less closes it.
func continueIndented(reader text.Reader) parser.State {
	line, _ := reader.PeekLine()
	if util.IsBlank(line) {
		reader.AdvanceToEOL()
		return parser.Continue | parser.HasChildren
	}
	indent, _ := util.IndentWidth(line, reader.LineOffset())
	if indent < 4 {
		return parser.Close
	}
	pos, padding := util.IndentPosition(line, reader.LineOffset(), 4)
	reader.AdvanceAndSetPadding(pos, padding)
	return parser.Continue | parser.HasChildren
}
