package chapter

import (
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Node kinds of content tabs.
var (
	KindTabbedSet = ast.NewNodeKind("TabbedSet")
	KindTab       = ast.NewNodeKind("Tab")
)

// A TabbedSet is a group of content tabs written in pymdownx.tabbed's
// syntax, one tab after the other:
//
//	=== "Go"
//	    Body, indented four spaces.
//
//	=== "Output"
//	    Another body.
//
// Its children are the Tabs. A tab written "===!" starts a new set.
type TabbedSet struct {
	ast.BaseBlock
	Index int // the set's number in the chapter, from 1, as pymdownx counts them
}

// Kind implements ast.Node.
func (n *TabbedSet) Kind() ast.NodeKind { return KindTabbedSet }

// Dump implements ast.Node.
func (n *TabbedSet) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// A Tab is one tab of a TabbedSet; its children are the blocks of its body.
type Tab struct {
	ast.BaseBlock
	Title string
	New   bool // "===!": the tab starts a new set
}

// Kind implements ast.Node.
func (n *Tab) Kind() ast.NodeKind { return KindTab }

// Dump implements ast.Node.
func (n *Tab) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Title": n.Title}, nil)
}

var tabRe = regexp.MustCompile(`^===(!)? +"(.*?)" *$`)

type tabParser struct{}

func (tabParser) Trigger() []byte { return []byte{'='} }

func (tabParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, _ := reader.PeekLine()
	m := tabRe.FindSubmatch(util.TrimRightSpace(line))
	if m == nil {
		return nil, parser.NoChildren
	}
	reader.AdvanceToEOL()
	return &Tab{Title: string(m[2]), New: m[1] != nil}, parser.HasChildren
}

func (tabParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	return continueIndented(reader)
}

func (tabParser) Close(ast.Node, text.Reader, parser.Context) {}
func (tabParser) CanInterruptParagraph() bool                 { return true }
func (tabParser) CanAcceptIndentedLine() bool                 { return false }

// tabGrouper gathers consecutive tabs into sets once the document is
// parsed, and numbers the sets in document order.
type tabGrouper struct{}

func (tabGrouper) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	groupTabs(doc)
	index := 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if s, ok := n.(*TabbedSet); ok && entering {
			index++
			s.Index = index
		}
		return ast.WalkContinue, nil
	})
}

// groupTabs moves every Tab under n into a TabbedSet: into the set just
// before it, or into a new set standing where the tab stood.
func groupTabs(n ast.Node) {
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		if tab, ok := c.(*Tab); ok {
			set, ok := tab.PreviousSibling().(*TabbedSet)
			if !ok || tab.New {
				set = &TabbedSet{}
				n.ReplaceChild(n, tab, set)
			} else {
				n.RemoveChild(n, tab)
			}
			set.AppendChild(set, tab)
		}
		groupTabs(c)
		c = next
	}
}
