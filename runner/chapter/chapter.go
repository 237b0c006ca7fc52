// Package chapter parses the Markdown chapters of the book into cells,
// compares captured output with the golden output written in a chapter, and
// rewrites a chapter's output blocks in place. The goldmark tree it parses,
// with admonitions and content tabs, is the one the site renders.
//
// It does not execute anything, so the site builder can use it without
// linking the interpreter. The format is specified in the documentation of
// package [github.com/concurrency101/book/runner].
package chapter

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A Chapter is one parsed Markdown file.
type Chapter struct {
	Path        string // file name as given, used in diagnostics
	Source      []byte // the whole file
	FrontMatter string // the YAML between the leading --- lines, if any
	Cells       []*Cell
	Expects     []*Expect
	// Doc is the goldmark tree of the whole chapter, which the site
	// renders (and may change: it replaces the cells' nodes). Its
	// segments index Source.
	Doc   ast.Node
	Lines *LineIndex // line numbers of Source
}

// A Cell is a fenced code block in Go, with its golden outputs.
type Cell struct {
	Name     string // unique in the chapter
	Line     int    // line of the opening fence
	CodeLine int    // line of the first line of code
	Info     string // the raw info string
	Attrs    []Attr // the attributes in the order written
	Title    string
	Timeout  time.Duration // 0: the runner's default
	NoRun    bool
	// Unchecked: the cell prints what differs from run to run or machine
	// to machine; it runs and must not fail, it has no output block, and
	// -update does not create one.
	Unchecked bool
	Fails     *Failure // non-nil: the cell is expected to fail this way
	Engine    string   // "" (any) or "go"
	Race      bool
	Code      string
	Program   bool // the code has a package clause
	// File: a file cell (.file), a source file of package main that
	// programs of the chapter are built with (with=); it does not run on
	// its own. Title is its file name.
	File bool
	// Test: a test cell, whose title names a test file (title="x_test.go"):
	// a test file of package main, run as go test -v runs it, under the
	// toolchain alone. It is also a Program (it has a package clause);
	// Parse refuses one that is not.
	Test bool
	// With names the file cells this program is built with, in the order
	// written (with="a b"); Uses are those cells, set by Parse when every
	// name is right.
	With    []string
	Uses    []*Cell
	Outputs []*Output
	Block   Span // the fenced block, from the opening fence to after the closing one
	Indent  string
	InQuote bool                 // inside a block quote: -update cannot create blocks there
	Unnamed bool                 // Name was derived from the line
	Node    *ast.FencedCodeBlock // the cell's node in the chapter's Doc
	// Invalid is the problem of the cell's info string (an unknown or
	// malformed attribute). Such a cell is kept, with every attribute
	// that could be read, so its output blocks and expectations still
	// find it; it is never run, and fails with this error.
	Invalid *Error
}

// A Failure is the way a cell is expected to fail.
type Failure struct {
	Kind FailKind // an expectable one: see FailKind.Expectable
	Msg  string   // if not empty, the failure message must start with it
}

func (f *Failure) String() string {
	if f.Msg == "" {
		return string(f.Kind)
	}
	return string(f.Kind) + ": " + f.Msg
}

// An Output is a golden output block.
type Output struct {
	Stream    string // "stdout" or "stderr"
	Unordered bool
	Text      string
	Line      int                  // line of the opening fence
	Block     Span                 // the whole fenced block
	Content   Span                 // the bytes between the fences
	Indent    string               // what precedes the opening fence on its line
	Node      *ast.FencedCodeBlock // the block's node in the chapter's Doc
}

// A Span is a byte range [Start, End) of the chapter's source.
type Span struct{ Start, End int }

// An Expect is one line of an expect block: a timing expectation.
type Expect struct {
	Line int
	Text string
	Node *ast.FencedCodeBlock // the expect block it stands in
}

// An Error is a problem in a chapter at a line.
type Error struct {
	Path string
	Line int
	Msg  string
	// Cell is set when the error is a cell's own (Cell.Invalid): the
	// cell is kept and a run reports the error as the cell's failure.
	Cell *Cell
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg) }

// ErrorList is every problem found in a chapter.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// ReadFile reads and parses the chapter at path.
func ReadFile(path string) (*Chapter, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// md parses every block syntax the site renders: GitHub Flavored Markdown,
// heading attributes ({#id}, as attr_list), admonitions and details, and
// content tabs. The runner and the site read the same tree, so every Go
// fence the site shows is a cell the runner runs.
var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(
		parser.WithAttribute(),
		parser.WithBlockParsers(
			util.Prioritized(admonitionParser{}, 150),
			util.Prioritized(tabParser{}, 150),
		),
		parser.WithASTTransformers(util.Prioritized(tabGrouper{}, 100)),
	),
)

// Parse parses a chapter. It returns the chapter together with an ErrorList
// when some cells are malformed; cells that parsed are kept. The chapter's
// Doc is built even then.
func Parse(path string, src []byte) (*Chapter, error) {
	p := &parseState{ch: &Chapter{Path: path, Source: src, Lines: NewLineIndex(src)}, body: src}
	if fm, end, ok := frontMatter(src); ok {
		p.ch.FrontMatter = fm
		// Blank the front matter out without moving anything, so offsets
		// and line numbers stay those of the file.
		p.body = bytes.Clone(src)
		for i := range end {
			if p.body[i] != '\n' {
				p.body[i] = ' '
			}
		}
	}
	p.ch.Doc = md.Parser().Parse(text.NewReader(p.body))
	if !utf8.Valid(src) {
		off := invalidUTF8(src)
		p.errorf(off, "invalid UTF-8 (byte 0x%02x)", src[off])
		return p.ch, p.errs
	}
	_ = ast.Walk(p.ch.Doc, p.visit)
	seen := map[string]*Cell{}
	for _, c := range p.ch.Cells {
		if prev, ok := seen[c.Name]; ok {
			p.errs = append(p.errs, &Error{Path: path, Line: c.Line, Msg: fmt.Sprintf("cell name %q already used at line %d", c.Name, prev.Line)})
			continue
		}
		seen[c.Name] = c
	}
	p.checkFiles()
	sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
	if len(p.errs) > 0 {
		return p.ch, p.errs
	}
	return p.ch, nil
}

// parseState is a chapter being parsed.
type parseState struct {
	ch   *Chapter
	body []byte // the source, front matter blanked out
	errs ErrorList
	last *Cell // the cell an output block may attach to
}

func (p *parseState) errorf(off int, format string, args ...any) {
	p.errs = append(p.errs, &Error{Path: p.ch.Path, Line: p.ch.Lines.Line(off), Msg: fmt.Sprintf(format, args...)})
}

// visit looks at each block of the tree: fenced blocks make cells, outputs
// and expectations; any other block but a container (a list, a quote, an
// admonition, a tab) parts an output block from the cell before it.
func (p *parseState) visit(n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	fb, ok := n.(*ast.FencedCodeBlock)
	if !ok {
		if n.Type() == ast.TypeBlock && n.Kind() != ast.KindDocument && !isContainer(n) {
			p.last = nil
		}
		return ast.WalkContinue, nil
	}
	blk, err := fenceOf(p.body, fb)
	if err != nil {
		p.errorf(fb.Pos(), "%v", err)
		p.last = nil
		return ast.WalkSkipChildren, nil
	}
	info, ierr := ParseInfo(blk.info)
	if ierr == nil && info.Braced && info.Lang != "go" && slices.ContainsFunc(info.Attrs, func(a Attr) bool { return a.Class && a.Key == "go" }) {
		ierr = fmt.Errorf("attribute list: .go must be the first class (MkDocs takes the first class as the language)")
		info.Lang = "go"
	}
	switch info.Lang {
	case "go":
		p.last = nil
		c := newCell(blk, info, ierr, p.ch.Lines)
		if c.Invalid != nil {
			c.Invalid.Path = p.ch.Path
			p.errs = append(p.errs, c.Invalid)
		}
		c.Node = fb
		p.ch.Cells = append(p.ch.Cells, c)
		p.last = c
	case "output":
		p.output(fb, blk, info, ierr) // last stays: a cell may have one block per stream
	case "expect":
		for i, l := range blk.lines {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
				p.ch.Expects = append(p.ch.Expects, &Expect{Line: blk.codeLine + i, Text: t, Node: fb})
			}
		}
		p.last = nil
	default:
		p.last = nil
	}
	return ast.WalkSkipChildren, nil
}

// output attaches an output block to the cell before it.
func (p *parseState) output(fb *ast.FencedCodeBlock, blk *fence, info Info, ierr error) {
	o, err := newOutput(blk, info, p.ch.Lines)
	if ierr != nil {
		err = fmt.Errorf("output block: %v", ierr)
	}
	last := p.last
	switch {
	case err != nil:
		p.errorf(blk.span.Start, "%v", err)
	case last == nil || fb.PreviousSibling() == nil:
		p.errorf(blk.span.Start, "output block with no go cell before it")
	case last.NoRun:
		p.errorf(blk.span.Start, "output block after a norun cell")
	case last.Unchecked:
		p.errorf(blk.span.Start, "output block after an unchecked cell")
	case last.File:
		p.errorf(blk.span.Start, "output block after the file cell %s (line %d): a file cell does not run on its own; the output is the programs' that use it", last.Name, last.Line)
	case last.Output(o.Stream) != nil:
		p.errorf(blk.span.Start, "second %s output block for cell %s", o.Stream, last.Name)
	default:
		o.Node = fb
		last.Outputs = append(last.Outputs, o)
	}
}

// Cell returns the cell with the given name, or nil.
func (ch *Chapter) Cell(name string) *Cell {
	for _, c := range ch.Cells {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Output returns the cell's golden block for stream ("stdout" or "stderr"), or nil.
func (c *Cell) Output(stream string) *Output {
	for _, o := range c.Outputs {
		if o.Stream == stream {
			return o
		}
	}
	return nil
}

// Pos returns "path:line" for the cell, as diagnostics print it.
func (ch *Chapter) Pos(line int) string { return fmt.Sprintf("%s:%d", ch.Path, line) }

func isContainer(n ast.Node) bool {
	switch n.Kind() {
	case ast.KindList, ast.KindListItem, ast.KindBlockquote, KindAdmonition, KindTabbedSet, KindTab:
		return true
	}
	return false
}

// newCell makes the cell of a Go fence; a problem of its info string
// (ierr, or one of its attributes) makes it Invalid, not absent.
func newCell(b *fence, info Info, ierr error, lines *LineIndex) *Cell {
	c := &Cell{
		Line:     lines.Line(b.span.Start),
		CodeLine: b.codeLine,
		Info:     b.info,
		Code:     strings.Join(b.lines, ""),
		Block:    b.span,
		Indent:   b.indent,
	}
	if ierr == nil {
		ierr = c.setAttrs(b.info, info)
	}
	if ierr != nil {
		c.Invalid = &Error{Line: c.Line, Msg: ierr.Error(), Cell: c}
	}
	if c.Name == "" {
		c.Name = fmt.Sprintf("L%d", c.Line)
		c.Unnamed = true
		if c.Title != "" {
			c.Name = strings.TrimSuffix(c.Title, ".go")
			c.Unnamed = false
		}
	}
	c.Program = hasPackageClause(c.Code)
	c.Test = !c.File && strings.HasSuffix(c.Title, "_test.go")
	return c
}

func newOutput(b *fence, info Info, lines *LineIndex) (*Output, error) {
	o := &Output{Stream: "stdout", Line: lines.Line(b.span.Start), Block: b.span, Content: b.content, Text: strings.Join(b.lines, ""), Indent: b.indent}
	seen := map[string]bool{}
	for _, a := range info.Attrs {
		w := a.Key
		if !a.Flag {
			return nil, fmt.Errorf("output block: unknown attribute %s=%q (want stdout, stderr or unordered)", a.Key, a.Value)
		}
		if seen[w] {
			return nil, fmt.Errorf("output block: %q given twice", w)
		}
		seen[w] = true
		switch w {
		case "stdout", "stderr":
			if seen["stdout"] && seen["stderr"] {
				return nil, fmt.Errorf("output block: both stdout and stderr")
			}
			o.Stream = w
		case "unordered":
			o.Unordered = true
		default:
			return nil, fmt.Errorf("output block: unknown word %q (want stdout, stderr or unordered)", w)
		}
	}
	return o, nil
}

// hasPackageClause reports whether the first Go token of src is "package".
func hasPackageClause(src string) bool {
	s := src
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		switch {
		case strings.HasPrefix(s, "//"):
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return false
			}
			s = s[i:]
		case strings.HasPrefix(s, "/*"):
			i := strings.Index(s, "*/")
			if i < 0 {
				return false
			}
			s = s[i+2:]
		default:
			return strings.HasPrefix(s, "package") && len(s) > 7 && (s[7] == ' ' || s[7] == '\t')
		}
	}
}

// SplitInfo splits a fenced block's info string into its language, the
// first word, and the rest (a cell's attributes).
func SplitInfo(info string) (lang, rest string) {
	info = strings.TrimSpace(info)
	i := strings.IndexAny(info, " \t")
	if i < 0 {
		return info, ""
	}
	return info[:i], strings.TrimSpace(info[i:])
}

// frontMatter recognises YAML front matter: a first line "---", and a line
// "---" or "..." closing it. end is the offset after the closing line.
func frontMatter(src []byte) (fm string, end int, ok bool) {
	first, rest, found := bytes.Cut(src, []byte("\n"))
	if !found || strings.TrimRight(string(first), " \r") != "---" {
		return "", 0, false
	}
	off := len(first) + 1
	for len(rest) > 0 {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		t := strings.TrimRight(string(line), " \r")
		next := off + len(line) + 1
		if next > len(src) {
			next = len(src)
		}
		if t == "---" || t == "..." {
			return string(src[len(first)+1 : off]), next, true
		}
		off = next
		rest = after
	}
	return "", 0, false
}

func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// A LineIndex maps byte offsets of a source to 1-based line numbers.
type LineIndex struct{ starts []int }

// NewLineIndex indexes the lines of src.
func NewLineIndex(src []byte) *LineIndex {
	li := &LineIndex{starts: []int{0}}
	for i, b := range src {
		if b == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

// Line returns the line of the byte at off; 0 for a negative offset (a
// node without a position).
func (li *LineIndex) Line(off int) int {
	if off < 0 {
		return 0
	}
	return sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off })
}
