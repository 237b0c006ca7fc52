package site

import (
	"fmt"
	"path"
	"strings"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
	"go.yaml.in/yaml/v3"
)

// newMarkdown returns the goldmark instance that renders pages: GitHub
// Flavored Markdown, admonitions, content tabs, and the project's renderers
// for headings, code, cells and expectations. The tree comes from
// chapter.Parse, which parses the same syntax. Raw HTML stays dropped: a
// chapter cannot inject markup.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(
			util.Prioritized(pageRenderer{}, 100),
			util.Prioritized(blockRenderer{}, 500),
		)),
	)
}

// A tocEntry is a heading of a page.
type tocEntry struct {
	Level int
	Text  string
	ID    string
}

// A linkRef is a link or image of a page, to rewrite and check.
type linkRef struct {
	node ast.Node // *ast.Link or *ast.Image
	dest string
	line int
}

// A section is the text of a page from one heading to the next, for search.
type section struct {
	ID, Title string
	Text      strings.Builder
}

// page is one page being built.
type page struct {
	Page
	file     string // path for diagnostics: docs dir joined with Src
	src      []byte // the file, front matter blanked out
	doc      ast.Node
	ch       *chapter.Chapter
	lines    *chapter.LineIndex
	ids      map[string]bool
	toc      []tocEntry
	links    []*linkRef
	h1       string
	fmTitle  string
	sections []*section
	content  string
	out      []byte // the whole HTML file
	errs     []error
}

func (p *page) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, &chapter.Error{Path: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// parsePage parses a page, attaches the cell results of report (nil: show
// the golden outputs) and collects headings and links. Problems in the
// chapter's cells are recorded, the page is still built.
func parsePage(pg *page, src []byte, report *report.Report) {
	ch, err := chapter.Parse(pg.file, src)
	if el, ok := err.(chapter.ErrorList); ok {
		for _, e := range el {
			pg.errs = append(pg.errs, e)
		}
	} else if err != nil {
		pg.errs = append(pg.errs, err)
	}
	pg.ch, pg.doc, pg.src, pg.lines = ch, ch.Doc, ch.Source, ch.Lines
	if ch.FrontMatter != "" {
		var fm struct {
			Title string `yaml:"title"`
		}
		if err := yaml.Unmarshal([]byte(ch.FrontMatter), &fm); err != nil {
			pg.errorf(2, "front matter: %v", err)
		}
		pg.fmTitle = fm.Title
	}
	pg.ids = map[string]bool{}
	if h, ok := pg.doc.FirstChild().(*ast.Heading); ok && h.Level == 1 {
		pg.h1 = plainText(h, pg.src)
	}
	nodes := chapterNodes(ch, report)
	var replace [][2]ast.Node
	_ = ast.Walk(pg.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			pg.heading(n)
		case *ast.Link:
			pg.links = append(pg.links, &linkRef{node: n, dest: string(n.Destination), line: pg.lines.Line(n.Pos())})
		case *ast.Image:
			pg.links = append(pg.links, &linkRef{node: n, dest: string(n.Destination), line: pg.lines.Line(n.Pos())})
		case *ast.FencedCodeBlock:
			repl := nodes[n]
			if repl == nil {
				repl = codeNode(n, pg.src, report)
			}
			replace = append(replace, [2]ast.Node{n, repl})
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, r := range replace {
		r[0].Parent().ReplaceChild(r[0].Parent(), r[0], r[1])
	}
	pg.collectSections()
}

// heading gives a heading its id: the {#id} written, else the slug of its
// text, made unique in the page.
func (pg *page) heading(n *ast.Heading) {
	t := plainText(n, pg.src)
	id := ""
	if v, ok := n.AttributeString("id"); ok {
		if b, ok := v.([]byte); ok {
			id = string(b)
		}
	}
	if id == "" {
		id = Slugify(t)
	}
	id = uniqueID(id, pg.ids)
	n.SetAttributeString("id", []byte(id))
	pg.toc = append(pg.toc, tocEntry{Level: n.Level, Text: t, ID: id})
}

// chapterNodes maps the fenced blocks the chapter made something of to the
// nodes that show them: a cell with its result, nothing for an output block
// (shown inside its cell), the expectations of an expect block.
func chapterNodes(ch *chapter.Chapter, report *report.Report) map[ast.Node]ast.Node {
	nodes := map[ast.Node]ast.Node{}
	ids := map[string]bool{}
	anchors := map[*chapter.Cell]string{} // first, so that a program can link to a file cell after it
	for _, c := range ch.Cells {
		anchors[c] = cellAnchor(c, ids)
	}
	for _, c := range ch.Cells {
		cn := &cellNode{Cell: c, Code: c.Code, Report: report, ID: anchors[c]}
		if len(c.Uses) > 0 {
			cn.Uses, cn.Copy = programFiles(c, anchors)
		}
		if report != nil {
			cn.Result = report.Result(c.Name)
		}
		nodes[c.Node] = cn
		for _, o := range c.Outputs {
			nodes[o.Node] = &dropNode{}
		}
	}
	for _, e := range ch.Expects {
		en, _ := nodes[e.Node].(*expectNode)
		if en == nil {
			en = &expectNode{Report: report, Records: readRecords(ch.Path)}
			nodes[e.Node] = en
		}
		en.Items = append(en.Items, e)
	}
	return nodes
}

// codeNode shows a fenced block that is no cell: code in another language,
// or a block the chapter found malformed (shown as written). An expect
// block with no expectations still shows as one.
func codeNode(n *ast.FencedCodeBlock, src []byte, report *report.Report) ast.Node {
	info, err := chapter.ParseInfo(string(n.Info.Value(src)))
	if info.Lang == "expect" {
		return &expectNode{Report: report}
	}
	cn := &cellNode{Lang: info.Lang, Code: blockText(n, src)}
	if err == nil {
		for _, a := range info.Attrs {
			switch a.Key {
			case "title":
				cn.Title = a.Value
			case "hl_lines":
				cn.HL = parseLines(a.Value)
			case "linenums":
				cn.Nums = parseLineNums(a.Value)
			}
		}
	}
	return cn
}

// collectSections splits the text of the page at its headings.
func (pg *page) collectSections() {
	cur := &section{Title: pg.Title}
	pg.sections = []*section{cur}
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Heading:
				id, _ := c.AttributeString("id")
				b, _ := id.([]byte)
				cur = &section{ID: string(b), Title: plainText(c, pg.src)}
				pg.sections = append(pg.sections, cur)
			case *cellNode:
				cur.Text.WriteString(c.Code)
				cur.Text.WriteByte('\n')
			case *chapter.Admonition, *chapter.TabbedSet, *chapter.Tab, *ast.List, *ast.ListItem, *ast.Blockquote:
				walk(c)
			default:
				if c.Type() == ast.TypeBlock {
					cur.Text.WriteString(plainText(c, pg.src))
					cur.Text.WriteByte('\n')
				}
			}
		}
	}
	walk(pg.doc)
}

// plainText is the text of an inline tree: what Python-Markdown's toc slugs
// and what search indexes.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.RawHTML, *ast.HTMLBlock:
			default:
				if c.Type() == ast.TypeBlock && b.Len() > 0 {
					b.WriteByte(' ')
				}
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// blockText is the content of a fenced block.
func blockText(n *ast.FencedCodeBlock, src []byte) string {
	var b strings.Builder
	for i := range n.Lines().Len() {
		s := n.Lines().At(i)
		b.Write(s.Value(src))
	}
	return b.String()
}

// resolveLinks rewrites the relative links of a page to .md files into
// links to their .html pages, and checks that every relative target exists
// (a page, a #fragment of a page, or another file of the docs directory).
func (pg *page) resolveLinks(pages map[string]*page, files map[string]bool) {
	for _, l := range pg.links {
		dest := l.dest
		if dest == "" || isExternal(dest) {
			continue
		}
		target, frag, _ := strings.Cut(dest, "#")
		target, _, _ = strings.Cut(target, "?")
		if target == "" {
			if frag != "" && !pg.ids[frag] {
				pg.errorf(l.line, "link to #%s: no such heading in this page", frag)
			}
			continue
		}
		if strings.HasPrefix(target, "/") {
			pg.errorf(l.line, "link to %s: absolute paths break when the site is opened from a file; use a relative link", dest)
			continue
		}
		resolved := path.Join(path.Dir(pg.Src), target)
		if strings.HasSuffix(target, "/") {
			resolved = path.Join(resolved, "index.md")
		}
		if t, ok := pages[resolved]; ok {
			if frag != "" && !t.ids[frag] {
				pg.errorf(l.line, "link to %s: no heading #%s in %s", dest, frag, resolved)
			}
			href := relURL(pg.URL, t.URL)
			if frag != "" {
				href += "#" + frag
			}
			setDest(l.node, href)
			continue
		}
		if strings.HasSuffix(resolved, ".md") {
			pg.errorf(l.line, "link to %s: no page %s in the docs directory", dest, resolved)
			continue
		}
		if !files[resolved] {
			pg.errorf(l.line, "link to %s: no file %s in the docs directory", dest, resolved)
		}
	}
}

func setDest(n ast.Node, d string) {
	switch n := n.(type) {
	case *ast.Link:
		n.Destination = []byte(d)
	case *ast.Image:
		n.Destination = []byte(d)
	}
}

// relURL is the relative URL from the page at from to the file at to, both
// relative to the site root.
func relURL(from, to string) string {
	return rootOf(from) + to
}

// rootOf is the relative URL of the site root seen from the page at url:
// "" at the top, "../" one directory down.
func rootOf(url string) string {
	return strings.Repeat("../", strings.Count(url, "/"))
}
