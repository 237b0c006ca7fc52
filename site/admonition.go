package site

import (
	"html"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
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
type Admonition struct {
	ast.BaseBlock
	Classes []string // the type first ("note", "warning"), then extra classes
	Title   string
	NoTitle bool // an explicit empty title ""
	Details bool // ??? or ???+
	Open    bool // ???+
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
	switch {
	case m[3] != nil:
		n.Title = string(m[3])
		n.NoTitle = n.Title == ""
	default:
		n.Title = nameToTitle(n.Classes[0])
	}
	reader.AdvanceToEOL()
	return n, parser.HasChildren
}

func (admonitionParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
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

func (admonitionParser) Close(ast.Node, text.Reader, parser.Context) {}
func (admonitionParser) CanInterruptParagraph() bool                 { return true }
func (admonitionParser) CanAcceptIndentedLine() bool                 { return false }

type admonitionRenderer struct{}

func (admonitionRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindAdmonition, renderAdmonition)
}

// renderAdmonition writes the HTML of Python-Markdown's admonition and
// pymdownx.details, which Material's stylesheet targets.
func renderAdmonition(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Admonition)
	if n.Details {
		if entering {
			w.WriteString(`<details class="` + html.EscapeString(strings.Join(n.Classes, " ")) + `"`)
			if n.Open {
				w.WriteString(` open="open"`)
			}
			w.WriteString(">\n<summary>")
			w.Write(util.EscapeHTML([]byte(n.Title)))
			w.WriteString("</summary>\n")
		} else {
			w.WriteString("</details>\n")
		}
		return ast.WalkContinue, nil
	}
	if entering {
		w.WriteString(`<div class="admonition ` + html.EscapeString(strings.Join(n.Classes, " ")) + "\">\n")
		if !n.NoTitle {
			w.WriteString(`<p class="admonition-title">`)
			w.Write(util.EscapeHTML([]byte(n.Title)))
			w.WriteString("</p>\n")
		}
	} else {
		w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}

// admonitions is the goldmark extension for admonitions and details.
type admonitions struct{}

func (admonitions) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithBlockParsers(util.Prioritized(admonitionParser{}, 150)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(admonitionRenderer{}, 500)))
}
