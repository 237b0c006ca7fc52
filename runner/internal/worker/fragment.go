package worker

import (
	"fmt"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// A Chunk is a run of top-level items of one kind in a cell: imports,
// declarations or statements. The interpreter cannot evaluate a mix in one
// piece, and the Go toolchain engine puts each kind in its own place.
type Chunk struct {
	Kind string // "import", "decl" or "stmt"
	Code string
	Line int // line of the first byte of Code, in the chapter
	Col  int // column of the first byte of Code
	// Imports lists the import specs of an import chunk as "name path".
	Imports []ImportSpec
	// Compound holds the byte ranges in Code of the top-level compound
	// statements (loops, if, switch, select, blocks, labeled statements,
	// calls of a func literal) of a statement chunk: see WrapCompound.
	Compound [][2]int
	startOff int
}

// An ImportSpec is one import of an import chunk.
type ImportSpec struct{ Name, Path string }

// SplitFragment splits a fragment's code into chunks; line is the chapter
// line of the code's first line. A syntax error the scanner finds is left
// for the compiler to report.
func SplitFragment(code string, line int) []Chunk {
	file, items := scanItems(code)
	var chunks []Chunk
	for _, it := range items {
		text := code[it.start:it.end]
		if n := len(chunks); n > 0 && chunks[n-1].Kind == it.kind && it.kind != "import" {
			// Extend the previous chunk up to this item, keeping the
			// bytes between (comments, newlines) so lines stay put.
			c := &chunks[n-1]
			c.Code = code[c.startOff:it.end]
			if it.compound {
				c.Compound = append(c.Compound, [2]int{it.start - c.startOff, it.end - c.startOff})
			}
			continue
		}
		p := file.Position(file.Pos(it.start))
		c := Chunk{Kind: it.kind, Code: text, Line: line + p.Line - 1, Col: p.Column, startOff: it.start}
		if it.compound {
			c.Compound = [][2]int{{0, len(text)}}
		}
		if it.kind == "import" {
			c.Imports = parseImports(text)
		}
		chunks = append(chunks, c)
	}
	for i := range chunks {
		chunks[i].startOff = 0
	}
	return chunks
}

// An item is one top-level import, declaration or statement of a fragment.
type item struct {
	kind       string
	start, end int // byte offsets in the fragment
	compound   bool
}

// scanItems cuts code into its top-level items, by its tokens: an item
// ends at a semicolon (explicit or automatic) outside brackets.
func scanItems(code string) (*token.File, []item) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var s scanner.Scanner
	s.Init(file, []byte(code), nil, 0)
	var items []item
	depth := 0
	cur := -1 // index in items of the item being scanned
	var toks []token.Token
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		if cur < 0 && tok != token.SEMICOLON {
			items = append(items, item{start: off, end: off})
			cur = len(items) - 1
			toks = toks[:0]
		}
		if cur >= 0 {
			toks = append(toks, tok)
			end := off + len(tokText(tok, lit))
			if tok == token.SEMICOLON && lit == "\n" {
				end = off
			}
			items[cur].end = max(items[cur].end, end)
		}
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
		// The init statements of for, if and switch headers end in an
		// explicit semicolon that does not end the statement.
		header := len(toks) > 0 && (toks[0] == token.FOR || toks[0] == token.IF || toks[0] == token.SWITCH)
		if tok == token.SEMICOLON && depth <= 0 && cur >= 0 && !(header && lit == ";") {
			items[cur].kind, items[cur].compound = kindOf(toks), isCompound(toks)
			cur = -1
		}
	}
	if cur >= 0 {
		items[cur].kind, items[cur].compound = kindOf(toks), isCompound(toks)
		items[cur].end = len(code)
	}
	return file, items
}

func tokText(tok token.Token, lit string) string {
	if lit != "" {
		return lit
	}
	return tok.String()
}

// isCompound reports whether a top-level statement holds statements or
// calls a func literal: see WrapCompound.
func isCompound(toks []token.Token) bool {
	if len(toks) == 0 {
		return false
	}
	switch toks[0] {
	case token.FOR, token.IF, token.SWITCH, token.SELECT, token.LBRACE:
		return true
	case token.IDENT:
		return len(toks) > 1 && toks[1] == token.COLON // a label
	case token.FUNC:
		return kindOf(toks) == "stmt"
	}
	return false
}

// WrapCompound runs each compound statement of a statement chunk inside a
// func literal in a block, `{ func() { … }() }`, on the same lines. At
// package scope, where the interpreter runs a fragment's statements, it
// gets closures created in loops wrong (they see the last iteration's
// variables even after the rewrite), and it runs a bare top-level call of a
// func literal again at every later evaluation of the session. Inside a
// function both behave as in Go. A /*line*/ comment keeps columns right.
func WrapCompound(c Chunk, file string) string {
	if len(c.Compound) == 0 {
		return c.Code
	}
	var b strings.Builder
	last := 0
	for _, r := range c.Compound {
		b.WriteString(c.Code[last:r[0]])
		line, col := c.Line, c.Col+r[0]
		if i := strings.LastIndexByte(c.Code[:r[0]], '\n'); i >= 0 {
			line += strings.Count(c.Code[:r[0]], "\n")
			col = r[0] - i
		}
		fmt.Fprintf(&b, "{ func() { /*line %s:%d:%d*/%s }() }", file, line, col, c.Code[r[0]:r[1]])
		last = r[1]
	}
	b.WriteString(c.Code[last:])
	return b.String()
}

// kindOf classifies a top-level item by its first tokens.
func kindOf(toks []token.Token) string {
	if len(toks) == 0 {
		return "stmt"
	}
	switch toks[0] {
	case token.IMPORT:
		return "import"
	case token.TYPE, token.CONST, token.VAR:
		return "decl"
	case token.FUNC:
		if len(toks) > 1 && toks[1] == token.IDENT {
			return "decl" // func name(
		}
		if len(toks) > 1 && toks[1] == token.LPAREN {
			// A method declaration: func (r T) Name(; a literal:
			// func(args) {…}(…).
			depth := 0
			for i := 1; i < len(toks); i++ {
				switch toks[i] {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					if i+2 < len(toks) && toks[i+1] == token.IDENT && (toks[i+2] == token.LPAREN || toks[i+2] == token.LBRACK) {
						return "decl"
					}
					return "stmt"
				}
			}
		}
	}
	return "stmt"
}

// parseImports lists the specs of an import declaration.
func parseImports(text string) []ImportSpec {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(text))
	var s scanner.Scanner
	s.Init(file, []byte(text), nil, 0)
	var specs []ImportSpec
	name := ""
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.EOF:
			return specs
		case token.IDENT, token.PERIOD:
			name = tokText(tok, lit)
		case token.STRING:
			p, err := strconv.Unquote(lit)
			if err == nil {
				specs = append(specs, ImportSpec{name, p})
			}
			name = ""
		}
	}
}

// String renders the import spec as Go source.
func (s ImportSpec) String() string {
	if s.Name == "" {
		return strconv.Quote(s.Path)
	}
	return s.Name + " " + strconv.Quote(s.Path)
}

// LineDirective positions what follows at line:col of path, so that the
// compiler's messages name the chapter's own lines.
func LineDirective(path string, line, col int) string {
	return fmt.Sprintf("\n//line %s:%d:%d\n", strings.ReplaceAll(path, "\n", ""), line, col)
}
