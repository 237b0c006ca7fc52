//lint:file-ignore SA1019 the rewrite has no type information: the parser's object resolution is all it can use, and it refuses where that is not enough.

package rewrite

import (
	"go/ast"
	"go/token"
	"strings"
)

// resetResults makes named results start at their zero value at every
// call: the interpreter keeps the values of the previous call (a function
// that counts into its result n returns 2, 4, 6 on three calls where Go
// returns 2, 2, 2). The body starts with `n, m = *new(T1), *new(T2);`.
func (r *rewriter) resetResults(ft *ast.FuncType, body *ast.BlockStmt) {
	if body == nil || ft.Results == nil {
		return
	}
	var names, zeros []string
	for _, f := range ft.Results.List {
		t := r.text(f.Type)
		if strings.Contains(t, "\n") {
			return // a type literal over several lines: rare, left alone
		}
		for _, n := range f.Names {
			if n.Name != "_" {
				names = append(names, n.Name)
				zeros = append(zeros, "*new("+t+")")
			}
		}
	}
	if len(names) > 0 {
		r.insert(body.Lbrace+1, " "+strings.Join(names, ", ")+" = "+strings.Join(zeros, ", ")+";")
	}
}

// tupleAssign evaluates the right-hand side of an assignment of several
// values, and the index operands on its left, into temporaries before
// assigning, as the specification orders it: the interpreter evaluates
// them while it assigns, so `x[1], y[0] = at(0), at(1)` with y aliasing x
// reads the new x[1]. The statement becomes
// `{ _aiN := i; _atN, _atM := e1, e2; x[_aiN], v = _atN, _atM }`.
// Constants stay in place (a temporary would give them their default
// type); an assignment in a statement list is rewritten, not one in a
// loop's post statement or an if's init.
func (r *rewriter) tupleAssign(s *ast.AssignStmt) {
	if s.Tok != token.ASSIGN || len(s.Lhs) < 2 || len(s.Lhs) != len(s.Rhs) {
		return
	}
	switch r.parents[s].(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
	default:
		return
	}
	var pre []string
	var lhs []string
	for _, l := range s.Lhs {
		lhs = append(lhs, r.hoistIndex(l, &pre))
	}
	var temps, rhs []string
	for _, e := range s.Rhs {
		if r.isConst(e) {
			rhs = append(rhs, r.text(e))
			continue
		}
		t := r.name("at")
		temps = append(temps, t)
		rhs = append(rhs, t)
	}
	if len(temps) == 0 && len(pre) == 0 {
		return
	}
	if strings.Contains(r.text(s), "\n") {
		r.refuse(s.Pos(), "assignment of several values over several lines",
			"the interpreter evaluates the right-hand side late, and the rewrite that fixes it keeps lines; put it on one line")
		return
	}
	head := "{ " + strings.Join(pre, "")
	if len(temps) > 0 {
		head += strings.Join(temps, ", ") + " := "
	}
	r.replace(s.Pos(), s.Rhs[0].Pos(), head)
	// The right-hand operands that are not constants stay where they are
	// (with the edits inside them), as the values of the declaration;
	// constants and the separators around them go.
	for i, e := range s.Rhs {
		next := s.End()
		if i+1 < len(s.Rhs) {
			next = s.Rhs[i+1].Pos()
		}
		if r.isConst(e) {
			r.replace(e.Pos(), next, "")
			continue
		}
		sep := ", "
		if r.restConst(s.Rhs[i+1:]) {
			sep = ""
		}
		r.replace(e.End(), next, sep)
	}
	sep := "; "
	if len(temps) == 0 {
		sep = ""
	}
	r.insert(s.End(), sep+strings.Join(lhs, ", ")+" = "+strings.Join(rhs, ", ")+" }")
}

func (r *rewriter) restConst(es []ast.Expr) bool {
	for _, e := range es {
		if !r.isConst(e) {
			return false
		}
	}
	return true
}

// hoistIndex returns the text of an assignment's left operand with the
// index of an index expression replaced by a temporary declared in pre,
// unless the index is a constant.
func (r *rewriter) hoistIndex(l ast.Expr, pre *[]string) string {
	ix, ok := l.(*ast.IndexExpr)
	if !ok || r.isConst(ix.Index) {
		return r.text(l)
	}
	t := r.name("ai")
	*pre = append(*pre, t+" := "+r.text(ix.Index)+"; ")
	return r.text(ix.X) + "[" + t + "]"
}

// rangeString rewrites a range over a string whose index is used into a
// range over RuntimePath's RangeString, which decodes as gc does:
// `for i, c := range s {` becomes
// `for _, _roN := range _bookrt.RangeString(s) { i := _roN.Off; c := _roN.Rune;`.
// Only a range expression known, syntactically, to be a string is
// rewritten. It reports whether it rewrote the loop.
func (r *rewriter) rangeString(n *ast.RangeStmt) bool {
	key, val := blank(n.Key), blank(n.Value)
	if key == nil || !r.isStringExpr(n.X) {
		return false
	}
	ro := r.name("ro")
	r.replace(n.Key.Pos(), n.X.Pos(), "_, "+ro+" := range "+printName+".RangeString(")
	r.insert(n.X.End(), ")")
	op := " = "
	if n.Tok == token.DEFINE {
		op = " := "
	}
	decl := " " + key.Name + op + ro + ".Off;"
	if val != nil {
		decl += " " + val.Name + op + ro + ".Rune;"
	}
	r.insert(n.Body.Lbrace+1, decl)
	r.usesRuntime = true
	return true
}

// stringFuncs are package functions known to return a string.
var stringFuncs = map[string]map[string]bool{
	"fmt":     {"Sprint": true, "Sprintf": true, "Sprintln": true},
	"strings": {"Repeat": true, "ToUpper": true, "ToLower": true, "Join": true, "TrimSpace": true, "Trim": true, "TrimPrefix": true, "TrimSuffix": true, "ReplaceAll": true, "Replace": true},
	"strconv": {"Itoa": true, "Quote": true, "FormatInt": true},
}

// isStringExpr reports whether e is known, syntactically, to be a string.
func (r *rewriter) isStringExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.ParenExpr:
		return r.isStringExpr(e.X)
	case *ast.BinaryExpr:
		return e.Op == token.ADD && (r.isStringExpr(e.X) || r.isStringExpr(e.Y))
	case *ast.SliceExpr:
		return r.isStringExpr(e.X)
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			return id.Name == "string" && id.Obj == nil
		}
		if s, ok := e.Fun.(*ast.SelectorExpr); ok {
			return stringFuncs[r.pkgOf(s)][s.Sel.Name]
		}
	case *ast.Ident:
		return r.isStringObj(e)
	}
	return false
}

func (r *rewriter) isStringObj(id *ast.Ident) bool {
	obj := id.Obj
	if obj == nil || (obj.Kind != ast.Var && obj.Kind != ast.Con) {
		return false
	}
	isString := func(t ast.Expr) bool {
		tid, ok := t.(*ast.Ident)
		return ok && tid.Name == "string" && tid.Obj == nil
	}
	switch d := obj.Decl.(type) {
	case *ast.ValueSpec:
		if d.Type != nil {
			return isString(d.Type)
		}
		for i, n := range d.Names {
			if n.Obj == obj && i < len(d.Values) {
				return r.isStringExpr(d.Values[i])
			}
		}
	case *ast.AssignStmt:
		if len(d.Lhs) != len(d.Rhs) {
			return false
		}
		for i, l := range d.Lhs {
			if l, ok := l.(*ast.Ident); ok && l.Obj == obj {
				return r.isStringExpr(d.Rhs[i])
			}
		}
	case *ast.Field:
		return isString(d.Type)
	}
	return false
}
