package site

import (
	"fmt"
	"html"
	"strings"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// blockRenderer renders the container blocks chapter.Parse adds to
// Markdown: admonitions, details and content tabs, in the HTML of
// Python-Markdown and pymdownx, which Material's stylesheet targets.
type blockRenderer struct{}

func (blockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(chapter.KindAdmonition, renderAdmonition)
	reg.Register(chapter.KindTabbedSet, renderTabbedSet)
	reg.Register(chapter.KindTab, renderTab)
}

// renderAdmonition writes an admonition (a div) or, for ??? and ???+, a
// details element.
func renderAdmonition(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*chapter.Admonition)
	title := n.Title
	if !n.HasTitle {
		title = nameToTitle(n.Classes[0])
	}
	if n.Details {
		if entering {
			w.WriteString(`<details class="` + html.EscapeString(strings.Join(n.Classes, " ")) + `"`)
			if n.Open {
				w.WriteString(` open="open"`)
			}
			w.WriteString(">\n<summary>")
			w.Write(util.EscapeHTML([]byte(title)))
			w.WriteString("</summary>\n")
		} else {
			w.WriteString("</details>\n")
		}
		return ast.WalkContinue, nil
	}
	if entering {
		w.WriteString(`<div class="admonition ` + html.EscapeString(strings.Join(n.Classes, " ")) + "\">\n")
		if title != "" {
			w.WriteString(`<p class="admonition-title">`)
			w.Write(util.EscapeHTML([]byte(title)))
			w.WriteString("</p>\n")
		}
	} else {
		w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}

// renderTabbedSet writes a set of content tabs as pymdownx.tabbed does with
// alternate_style: a radio input per tab, the labels, then the bodies. The
// stylesheet shows the body of the checked input: no script is needed.
func renderTabbedSet(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*chapter.TabbedSet)
	if !entering {
		w.WriteString("</div>\n</div>\n")
		return ast.WalkContinue, nil
	}
	var labels strings.Builder
	fmt.Fprintf(w, `<div class="tabbed-set tabbed-alternate" data-tabs="%d:%d">`, n.Index, n.ChildCount())
	i := 0
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		i++
		id := fmt.Sprintf("__tabbed_%d_%d", n.Index, i)
		checked := ""
		if i == 1 {
			checked = `checked="checked" `
		}
		fmt.Fprintf(w, `<input %sid="%s" name="__tabbed_%d" type="radio">`, checked, id, n.Index)
		if t, ok := c.(*chapter.Tab); ok {
			fmt.Fprintf(&labels, `<label for="%s">%s</label>`, id, html.EscapeString(t.Title))
		}
	}
	w.WriteString(`<div class="tabbed-labels">` + labels.String() + "</div>\n")
	w.WriteString("<div class=\"tabbed-content\">\n")
	return ast.WalkContinue, nil
}

// renderTab writes the body of one tab.
func renderTab(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString("<div class=\"tabbed-block\">\n")
	} else {
		w.WriteString("</div>\n")
	}
	return ast.WalkContinue, nil
}
