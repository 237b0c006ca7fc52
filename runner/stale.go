package runner

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/worker"
)

// Stale cells. When a fragment the reader edited runs, the names it
// declares may change: a function with a new body, a variable assigned
// another value, a type gone. The later fragments that use such a name
// showed results of code that no longer exists: the notebook marks them
// stale, and so, in turn, the later ones that use what a stale one
// declares (as marimo follows its dependency graph). The declarations are
// read with go/parser (funcs, methods by their name, types, vars, consts,
// := and = at the fragment's top level); the uses are every identifier of
// the later fragment's code, the code last run in the session or else
// the chapter's. A later fragment with a local variable of the same name
// is marked too: stale errs on the side of a re-run.

// stale returns the names of the fragments after c whose code uses a name
// that code declares differently from the code c last ran in the session
// (or, before that, the chapter's).
func (k *Kernel) stale(c *chapter.Cell, code string) []string {
	prev, ok := k.ran[c.Name]
	if !ok {
		prev = c.Code
	}
	changed := changedNames(declarations(prev), declarations(code))
	var stale []string
	for _, d := range k.ch.Cells[k.index(c)+1:] {
		if d.Program || d.NoRun || d.Invalid != nil || len(changed) == 0 {
			continue
		}
		dcode, ok := k.ran[d.Name]
		if !ok {
			dcode = d.Code
		}
		if !usesAny(dcode, changed) {
			continue
		}
		stale = append(stale, d.Name)
		for name := range declarations(dcode) {
			changed[name] = true
		}
	}
	return stale
}

// changedNames returns the names declared in a or b whose declarations
// differ.
func changedNames(a, b map[string]string) map[string]bool {
	changed := map[string]bool{}
	for n, t := range a {
		if b[n] != t {
			changed[n] = true
		}
	}
	for n, t := range b {
		if a[n] != t {
			changed[n] = true
		}
	}
	return changed
}

// declarations maps each name a fragment declares or assigns at its top
// level to the source of what declares it (all of it, in order, for a
// name assigned several times). A chunk that does not parse declares
// nothing.
func declarations(code string) map[string]string {
	decls := map[string]string{}
	add := func(name, text string) {
		if name != "_" && name != "" {
			decls[name] += text + "\n"
		}
	}
	for _, ch := range worker.SplitFragment(code, 1) {
		switch ch.Kind {
		case "import":
		case "decl":
			declsOf(ch.Code, add)
		default:
			stmtsOf(ch.Code, add)
		}
	}
	return decls
}

func declsOf(code string, add func(name, text string)) {
	const prefix = "package p\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+code, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	src := prefix + code
	text := func(n ast.Node) string { return src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset] }
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			add(d.Name.Name, text(d))
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					add(s.Name.Name, text(s))
				case *ast.ValueSpec:
					for _, n := range s.Names {
						add(n.Name, d.Tok.String()+" "+text(s))
					}
				}
			}
		}
	}
}

func stmtsOf(code string, add func(name, text string)) {
	const prefix = "package p; func _() {\n"
	src := prefix + code + "\n}"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	text := func(n ast.Node) string { return src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset] }
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					add(id.Name, text(st))
				}
			}
		case *ast.DeclStmt:
			declsOf(text(st), add)
		}
	}
}

// usesAny reports whether code has an identifier among names.
func usesAny(code string, names map[string]bool) bool {
	var s scanner.Scanner
	src := []byte(code)
	s.Init(token.NewFileSet().AddFile("", -1, len(src)), src, nil, 0)
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return false
		}
		if tok == token.IDENT && names[lit] {
			return true
		}
	}
}

// sortedKeys is for tests and messages.
func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
