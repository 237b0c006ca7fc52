//lint:file-ignore SA1019 the rewrite has no type information: the parser's object resolution is all it can use, and it refuses where that is not enough.

package rewrite

import (
	"fmt"
	"go/ast"
	"strings"
)

// RuntimePath is the import path of the package through which the rewrite
// routes what the interpreter cannot do itself. The program that runs the
// interpreter provides it (runner/internal/worker does), with:
//
//   - Print and Println, the builtins print and println. The interpreter
//     writes them to standard output with fmt's formatting; gc writes them
//     to standard error with the runtime's (runtime/print.go). Each takes
//     one pointer per operand, to a temporary holding the operand, so that
//     the operand's static type (an interface, a slice, a float32, …),
//     which decides the runtime's format, survives the call.
//   - RangeString(s string) []StringRune, the iterations of a range over a
//     string: the byte offset (Off) and code point (Rune) of each, as gc
//     decodes them (an invalid byte is U+FFFD and advances one byte). The
//     interpreter yields rune counts for the index of a one-variable
//     range, and advances three bytes for an invalid byte.
const RuntimePath = "bookruntime"

// printName is the name the rewrite imports RuntimePath under.
const printName = "_bookrt"

// RuntimeImport is the import declaration a rewritten piece that uses
// RuntimePath needs: File adds it to the file; a Session reports it in Imports.
const RuntimeImport = `import ` + printName + ` "` + RuntimePath + `"`

// printCall rewrites a call of the builtin print or println, which is a
// statement (an expression statement, or the call of a go or defer
// statement), into a block that evaluates the operands into temporaries
// and passes their addresses to RuntimePath:
//
//	println(a, b)       { _pa1, _pa2 := a, b; _bookrt.Println(&_pa1, &_pa2) }
//	defer println(a)    { _pa1 := a; defer _bookrt.Println(&_pa1) }
//
// Only the text before the first operand and after the last one is
// replaced, so the operands keep their lines and the edits inside them.
func (r *rewriter) printCall(c *ast.CallExpr) {
	fn := "Print"
	if builtin(c) == "println" {
		fn = "Println"
	}
	stmt, ok := r.parents[c].(ast.Stmt)
	switch stmt.(type) {
	case *ast.ExprStmt, *ast.GoStmt, *ast.DeferStmt:
	default:
		ok = false
	}
	if !ok {
		r.refuse(c.Pos(), "builtin "+builtin(c)+" in an expression", "it has no value")
		return
	}
	keyword := ""
	switch stmt.(type) {
	case *ast.GoStmt:
		keyword = "go "
	case *ast.DeferStmt:
		keyword = "defer "
	}
	r.usesRuntime = true
	if len(c.Args) == 0 {
		r.replace(stmt.Pos(), c.Fun.End(), keyword+printName+"."+fn)
		return
	}
	n := len(c.Args)
	if n == 1 {
		n = r.results(c.Args[0])
	}
	temps := make([]string, n)
	addrs := make([]string, n)
	for i := range temps {
		temps[i] = r.name("pa")
		addrs[i] = "&" + temps[i]
	}
	first, last := c.Args[0], c.Args[len(c.Args)-1]
	head := r.src[r.off(stmt.Pos()):r.off(first.Pos())]
	tail := r.src[r.off(last.End()):r.off(stmt.End())]
	r.replace(stmt.Pos(), first.Pos(), "{ "+strings.Join(temps, ", ")+" :="+newlines(head)+" ")
	r.replace(last.End(), stmt.End(), fmt.Sprintf("; %s%s.%s(%s)%s }",
		keyword, printName, fn, strings.Join(addrs, ", "), newlines(tail)))
}

// results returns how many values the only operand of a print call has:
// the number of results of a local function it calls, or 1.
func (r *rewriter) results(e ast.Expr) int {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return 1
	}
	id, ok := c.Fun.(*ast.Ident)
	if !ok || id.Obj == nil {
		return 1
	}
	fd, ok := id.Obj.Decl.(*ast.FuncDecl)
	if !ok || fd.Type.Results == nil {
		return 1
	}
	n := 0
	for _, f := range fd.Type.Results.List {
		n += max(len(f.Names), 1)
	}
	return max(n, 1)
}

func newlines(b []byte) string {
	return strings.Repeat("\n", strings.Count(string(b), "\n"))
}

// addRuntimeImport adds RuntimeImport to a complete file, on the line of its
// package clause.
func (r *rewriter) addRuntimeImport() {
	if !r.usesRuntime || r.stmts != nil || r.prefix > 0 {
		return
	}
	r.insert(r.file.Name.End(), "; "+RuntimeImport)
}

// printStmt reports whether the deferred or started call is a builtin
// print, which printCall rewrites whole.
func printStmt(c *ast.CallExpr) bool {
	b := builtin(c)
	return b == "print" || b == "println"
}
