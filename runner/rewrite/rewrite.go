//lint:file-ignore SA1019 the rewrite has no type information: the parser's object resolution is all it can use, and it refuses where that is not enough.

// Package rewrite makes yaegi v0.16.1 run Go source with Go 1.22+ semantics.
//
// The interpreter that runs the book's cells predates Go 1.22: loop
// variables are shared by all iterations, deferred-call arguments are read
// when the function returns, range over an integer and the min, max and
// clear builtins are missing, and a labeled break written directly in a
// select case leaves only the select. This package closes those gaps with a
// source-to-source rewrite on the go/ast syntax tree, before the source is
// handed to the interpreter, and refuses, with a [Refusal], the constructs it
// cannot make faithful, so that the runner can tell the author to run the
// cell with the Go toolchain instead of showing output that go run would not
// print.
//
// # Line numbers
//
// The runner prefixes each chunk with a //line directive, so the rewrite
// never adds or removes a newline: text is only inserted or replaced inside
// a line, and every token of the input stays on its line (inserted
// statements go right after the { of a loop body, or before the statement
// they guard, on the same line).
//
// # Rewrites
//
//   - Per-iteration loop variables. A range loop whose body captures a
//     variable it declares (in a func literal, with &, or as the operand of a
//     selector or slice expression, which may take its address) gets `v := v`
//     at the start of its body. A three-clause loop gets the Go 1.22 copy
//     semantics by renaming the header variable: `for i := 0; i < n; i++ {`
//     becomes `for _lvN := 0; _lvN < n; _lvN++ { i := _lvN;` and every path
//     to the next iteration (the end of the body and each continue) copies i
//     back, so a body that modifies i behaves as in Go 1.22.
//   - Func literals in loops. yaegi runs a func literal that is passed
//     straight to a call (wg.Go(func(){…}), errgroup.Go, time.AfterFunc) or
//     stored in a composite literal against the live frame of the caller, so
//     it sees the last value of every per-iteration variable (upstream
//     #1634). Such a literal that uses a variable declared inside an
//     enclosing loop is wrapped as `func() T { return LIT }()`, which makes
//     the interpreter build a real closure; T is the literal's own type, so no
//     variable type is needed.
//   - Range over an integer, `for i := range n`, becomes
//     `for _rnN, _riN := n, (n)-(n); _riN < _rnN; _riN++ { i := _riN; … }`
//     (or, when n is not a plain operand that can be read again,
//     `{ _rnN := n; for _riN := _rnN - _rnN; …; … { … } }`): n is evaluated
//     once, i has the type of n and a fresh copy per iteration, and
//     assignments to i in the body do not change the count.
//   - Deferred-call arguments are hoisted into block-scoped temporaries,
//     `{ _dN := x; defer f(_dN) }`, so they are evaluated at the defer.
//   - min, max and clear: `m := min(a, b)` and `m = min(m, b)` as whole
//     statements become comparisons (`m := a; if b < m { m = b }`), min and
//     max of constants are folded, and `clear(m)` as a statement becomes a
//     delete loop (for a slice the interpreter then reports a compile error
//     rather than running wrong). Other uses are refused.
//   - `break L` and `continue L` directly in a select case become
//     `if true { break L }`.
//   - print and println: the interpreter writes them to standard output
//     with fmt's formatting. A call becomes a block that evaluates the
//     operands into temporaries and passes their addresses to a package
//     the runner provides ([RuntimePath]), which formats each by its
//     static type as runtime/print.go does (Go 1.26: floats in shortest
//     form, interfaces as (type,data) words) and writes to standard error.
//   - Named results: the interpreter keeps their values from the previous
//     call (three calls of a function counting into n return 2, 4, 6; Go
//     returns 2, 2, 2). The body starts with `n = *new(T);`.
//   - Assignments of several values: the interpreter evaluates the
//     right-hand side while assigning, so `x[1], y[0] = at(0), at(1)` with
//     y aliasing x reads the new x[1] (Go: [2 1 3], interpreter: [1 1 3]),
//     and `y[f()], ok = g(), h()` assigned ok wrong. The operands go to
//     temporaries first, index operands on the left too.
//   - Range over a string known syntactically to be one (a literal, a
//     conversion, a string variable or parameter): the interpreter gives a
//     one-variable range rune counts instead of byte offsets (10 for the
//     sum of the indices of "héllo", Go 13) and advances three bytes for an
//     invalid byte ("\xca\xfeGo": offsets 0 3 6 7, Go 0 1 2 3). The loop
//     ranges over RuntimePath's decoding instead.
//
// # Refusals
//
// A [Refusal] names the first construct the interpreter would run wrong or
// crash on: packages and functions added after Go 1.22 (iter, unique,
// testing/synctest, strings.Lines, slices.Sort, maps.Clone, sync.OnceValue,
// atomic.Pointer, …), range over a function, errors.As into a variable whose
// type is not from an imported package, method expressions of local types,
// a deferred closure or interpreted method that depends on a loop variable,
// runtime.NumGoroutine, fmt verbs on values of a type with a String or
// Format method, %T and %#v in a program with local types (the interpreter
// prints their underlying types and ignores GoString), %+v in a program
// whose struct types have unexported fields (printed with an X in front),
// type assertions on errors holding interpreted types, a type switch case
// for error (never matched), a method value of a value-receiver method
// (the receiver is read at the call, not when the value is made), any use
// of recover's result but a comparison with nil (the interpreter's runtime
// errors read "reflect: slice index out of range" and the like, a negative
// shift count does not panic), a range that assigns to an index
// expression, an assignment of several values written over several lines,
// and generic calls that infer type arguments from a func literal.
// Programs go build rejects and the interpreter runs are refused too: an
// unused local variable or import, a missing return, an integer constant
// that overflows its type.
//
// # Known gaps
//
// Without type information some wrong runs stay undetected: a range
// with one variable over a string the rewrite cannot see is one (a field,
// a call's result) yields rune counts; a struct value stored in an
// interface and changed afterwards is changed in the interface too (the
// interpreter does not copy it); a negative shift count does not panic.
// Such cells are caught where the toolchain runs them too (-engine=both,
// go test).
//
// A range over a variable declared as a slice of channels (the fan-in
// merge(cs ...<-chan T) idiom), on which yaegi panics, becomes an index loop.
package rewrite

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
)

// Refusal reports a construct that the interpreter cannot run with the
// semantics of the Go toolchain and that the rewrite cannot fix. It is
// returned as an error; use errors.As to recognize it.
type Refusal struct {
	Line, Col int    // position in the source given to File, Stmts or Decls (1-based)
	Construct string // what was found, for example "range over func"
	Msg       string // why it cannot run under the interpreter
}

// Error implements the error interface.
func (r *Refusal) Error() string {
	return fmt.Sprintf("%d:%d: %s is not supported by the interpreter: %s; add engine=\"go\" to the cell",
		r.Line, r.Col, r.Construct, r.Msg)
}

// File rewrites a complete Go source file (package clause included).
func File(src []byte) ([]byte, error) {
	return rewrite(src, "", "", nil)
}

// Stmts rewrites top-level statements of a notebook fragment (no package
// clause, no declarations).
func Stmts(src []byte) ([]byte, error) {
	return new(Session).Stmts(src)
}

// Decls rewrites top-level declarations of a fragment (func, type, var and
// const declarations, no package clause; imports may be present).
func Decls(src []byte) ([]byte, error) {
	return new(Session).Decls(src)
}

// A Session rewrites the pieces of one notebook session in order and
// remembers what earlier pieces declared at package level that the rewrite
// needs to know of later ones: which names hold integers, so that
// `for range n` over a constant of an earlier cell is recognized as a range
// over an integer. The zero value is an empty session.
type Session struct {
	ints map[string]bool
	rt   bool // a piece uses RuntimePath
}

// Imports returns the import declarations that the pieces rewritten so
// far need and that the caller must evaluate in the session before it
// runs them: RuntimeImport once a piece used print, println or a range
// over a string.
func (s *Session) Imports() []string {
	if s.rt {
		return []string{RuntimeImport}
	}
	return nil
}

// Stmts rewrites top-level statements of a fragment, like the function
// Stmts, knowing the session's earlier declarations.
func (s *Session) Stmts(src []byte) ([]byte, error) {
	return rewrite(src, "package p; func _() {", "\n}", s)
}

// Decls rewrites top-level declarations of a fragment, like the function
// Decls, knowing the session's earlier declarations.
func (s *Session) Decls(src []byte) ([]byte, error) {
	return rewrite(src, "package p;", "", s)
}

// learn records the package-level names a piece declared: in a Decls
// piece its var and const specs, in a Stmts piece its top-level :=
// assignments and declarations. A name declared again as something other
// than an integer is forgotten.
func (s *Session) learn(r *rewriter) {
	if s.ints == nil {
		s.ints = map[string]bool{}
	}
	note := func(id *ast.Ident) {
		if id == nil || id.Name == "_" {
			return
		}
		if r.isIntObj(id) {
			s.ints[id.Name] = true
		} else {
			delete(s.ints, id.Name)
		}
	}
	specs := func(d *ast.GenDecl) {
		for _, sp := range d.Specs {
			if vs, ok := sp.(*ast.ValueSpec); ok {
				for _, id := range vs.Names {
					note(id)
				}
			}
		}
	}
	if r.stmts == nil {
		for _, d := range r.file.Decls {
			if gd, ok := d.(*ast.GenDecl); ok {
				specs(gd)
			}
		}
		return
	}
	for _, st := range r.stmts.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					id, _ := l.(*ast.Ident)
					note(id)
				}
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok {
				specs(gd)
			}
		}
	}
}

// edit replaces src[pos:end] (offsets in the parsed text) with text.
type edit struct {
	pos, end int
	text     string
	seq      int
}

func rewrite(src []byte, prefix, suffix string, sess *Session) ([]byte, error) {
	full := make([]byte, 0, len(prefix)+len(src)+len(suffix))
	full = append(full, prefix...)
	full = append(full, src...)
	full = append(full, suffix...)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", full, parser.ParseComments)
	if err != nil {
		return nil, shiftError(err, len(prefix))
	}
	r := &rewriter{fset: fset, file: f, src: full, prefix: len(prefix)}
	if sess != nil {
		r.known = sess.ints
	}
	r.tf = fset.File(f.Pos())
	if strings.HasSuffix(prefix, "{") {
		r.stmts = f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body
	}
	r.run()
	if r.refusal != nil {
		return nil, r.refusal
	}
	out, err := r.apply()
	if err != nil {
		return nil, err
	}
	out = out[len(prefix) : len(out)-len(suffix)]
	if bytes.Count(out, []byte("\n")) != bytes.Count(src, []byte("\n")) {
		return nil, fmt.Errorf("rewrite: internal error: line count changed")
	}
	if sess != nil {
		sess.learn(r)
		sess.rt = sess.rt || r.usesRuntime
	}
	return out, nil
}

// shiftError moves the positions of a parse error from the wrapped text back
// to src: only line 1 carries the wrapper's prefix.
func shiftError(err error, prefix int) error {
	var list scanner.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	for _, e := range list {
		if e.Pos.Line == 1 {
			e.Pos.Column -= prefix
			if e.Pos.Column < 1 {
				e.Pos.Column = 1
			}
		}
		e.Pos.Filename = ""
	}
	return list
}

// apply returns the source with all edits applied.
func (r *rewriter) apply() ([]byte, error) {
	sort.SliceStable(r.edits, func(i, j int) bool {
		a, b := r.edits[i], r.edits[j]
		if a.pos != b.pos {
			return a.pos < b.pos
		}
		// An insertion goes before a replacement that starts where it does.
		if ai, bi := a.end == a.pos, b.end == b.pos; ai != bi {
			return ai
		}
		return a.seq < b.seq
	})
	var out bytes.Buffer
	last := 0
	for _, e := range r.edits {
		if e.pos < last {
			return nil, fmt.Errorf("rewrite: internal error: overlapping edits at offset %d", e.pos)
		}
		out.Write(r.src[last:e.pos])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(r.src[last:])
	return out.Bytes(), nil
}

type rewriter struct {
	fset    *token.FileSet
	tf      *token.File
	file    *ast.File
	src     []byte
	prefix  int
	edits   []edit
	seq     int
	tmp     int
	refusal *Refusal

	usesRuntime bool // a print or println call was rewritten

	imports  map[string]string    // local name -> import path
	methods  map[string]bool      // names of methods declared in the source
	stringer map[string]bool      // local types with a String method
	iterFunc map[*ast.Object]bool // local funcs that are or return iterators
	iterMeth map[string]bool      // local methods that return iterators
	parents  map[ast.Node]ast.Node
	stmts    *ast.BlockStmt  // the body holding a Stmts fragment
	known    map[string]bool // integer names declared by earlier pieces of a session

	intType    map[string]bool      // local types defined as an integer type
	localTypes map[string]bool      // all local type names
	errType    map[string]bool      // local types with an Error method
	ifaceType  map[string]bool      // local interface types
	generic    map[*ast.Object]bool // local generic functions

	valueMethods map[string]bool // names of local methods with a value receiver
	unexported   bool            // a local struct type has an unexported field
}

func (r *rewriter) off(p token.Pos) int { return r.tf.Offset(p) }

func (r *rewriter) insert(p token.Pos, text string) {
	r.seq++
	o := r.off(p)
	r.edits = append(r.edits, edit{pos: o, end: o, text: text, seq: r.seq})
}

func (r *rewriter) replace(p, end token.Pos, text string) {
	r.seq++
	r.edits = append(r.edits, edit{pos: r.off(p), end: r.off(end), text: text, seq: r.seq})
}

func (r *rewriter) text(n ast.Node) string {
	return string(r.src[r.off(n.Pos()):r.off(n.End())])
}

func (r *rewriter) name(kind string) string {
	r.tmp++
	return fmt.Sprintf("_%s%d", kind, r.tmp)
}

// refuse records the first refusal, in source order.
func (r *rewriter) refuse(p token.Pos, construct, format string, args ...any) {
	pos := r.fset.Position(p)
	col := pos.Column
	if pos.Line == 1 {
		col -= r.prefix
	}
	ref := &Refusal{Line: pos.Line, Col: col, Construct: construct, Msg: fmt.Sprintf(format, args...)}
	if r.refusal == nil || ref.Line < r.refusal.Line || ref.Line == r.refusal.Line && ref.Col < r.refusal.Col {
		r.refusal = ref
	}
}
