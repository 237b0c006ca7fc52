//lint:file-ignore SA1019 the rewrite has no type information: the parser's object resolution is all it can use, and it refuses where that is not enough.

package rewrite

import (
	"go/ast"
	"go/constant"
	"go/token"
	"strconv"
	"strings"
)

// Detectors of constructs the interpreter runs differently from gc and
// that no rewrite can fix, found by running programs written from the
// language specification and the fmt documentation (testdata/corpus).

// detect runs the detectors that look at the whole file.
func (r *rewriter) detect() {
	r.unusedImports()
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			r.missingReturn(n.Type, n.Body)
		case *ast.FuncLit:
			r.missingReturn(n.Type, n.Body)
		case *ast.CallExpr:
			r.recoveredValue(n)
			if len(n.Args) == 1 {
				r.constOverflow(n.Fun, n.Args[0])
			}
		case *ast.ValueSpec:
			if n.Type != nil {
				for _, v := range n.Values {
					r.constOverflow(n.Type, v)
				}
			}
		case *ast.TypeSwitchStmt:
			r.switchOnError(n)
		case *ast.SelectorExpr:
			r.methodValue(n)
		}
		return true
	})
}

// recoveredValue refuses a use of recover's result other than comparing
// it with nil: the panics the interpreter raises for runtime errors carry
// its own texts ("reflect: slice index out of range" for "runtime error:
// index out of range [5] with length 3"), and some are not raised at all
// (a negative shift count).
func (r *rewriter) recoveredValue(c *ast.CallExpr) {
	id, ok := c.Fun.(*ast.Ident)
	if !ok || id.Name != "recover" || id.Obj != nil || len(c.Args) != 0 {
		return
	}
	switch p := r.parents[c].(type) {
	case *ast.ExprStmt:
		return
	case *ast.BinaryExpr:
		if isNil(p.X) || isNil(p.Y) {
			return
		}
	case *ast.AssignStmt:
		// r := recover(): every use of r must be a comparison with nil.
		if len(p.Lhs) == 1 && len(p.Rhs) == 1 {
			if v, ok := p.Lhs[0].(*ast.Ident); ok && v.Obj != nil && r.onlyNilChecks(v.Obj, p) {
				return
			}
		}
	}
	r.refuse(c.Pos(), "use of a recovered panic value",
		"the interpreter's runtime errors have other texts than gc's, and some do not panic")
}

func isNil(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "nil" && id.Obj == nil
}

// onlyNilChecks reports whether every use of obj, after its declaration
// in decl, is a comparison with nil.
func (r *rewriter) onlyNilChecks(obj *ast.Object, decl ast.Node) bool {
	ok := true
	ast.Inspect(r.file, func(n ast.Node) bool {
		id, isID := n.(*ast.Ident)
		if !isID || id.Obj != obj || id.Pos() == obj.Pos() {
			return ok
		}
		b, isBin := r.parents[id].(*ast.BinaryExpr)
		if !isBin || (b.Op != token.EQL && b.Op != token.NEQ) || !(isNil(b.X) || isNil(b.Y)) {
			ok = false
		}
		return ok
	})
	return ok
}

// switchOnError refuses a type switch with a case for the predeclared
// interface error: the interpreter never matches it (a type assertion to
// error works).
func (r *rewriter) switchOnError(s *ast.TypeSwitchStmt) {
	for _, c := range s.Body.List {
		for _, t := range c.(*ast.CaseClause).List {
			if id, ok := t.(*ast.Ident); ok && id.Name == "error" && id.Obj == nil {
				r.refuse(t.Pos(), "type switch case error", "the interpreter never matches it; use v, ok := x.(error)")
			}
		}
	}
}

// methodValue refuses a method value (x.M not called) of a local method
// with a value receiver: the interpreter reads the receiver when the
// function is called, not when it is made.
func (r *rewriter) methodValue(s *ast.SelectorExpr) {
	if !r.valueMethods[s.Sel.Name] || r.pkgOf(s) != "" {
		return
	}
	if id, ok := s.X.(*ast.Ident); ok && id.Obj != nil && id.Obj.Kind == ast.Typ {
		return // a method expression, refused by selector
	}
	if c, ok := r.parents[s].(*ast.CallExpr); ok && c.Fun == ast.Expr(s) {
		return
	}
	r.refuse(s.Pos(), "method value "+r.text(s), "the interpreter reads the receiver when the method value is called, not when it is made")
}

// unusedImports refuses an import whose name the file never uses: go build
// rejects it, the interpreter runs the program.
func (r *rewriter) unusedImports() {
	if r.stmts != nil || r.prefix > 0 {
		return // a fragment's imports serve later cells
	}
	used := map[string]bool{}
	ast.Inspect(r.file, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := s.X.(*ast.Ident); ok && id.Obj == nil {
				used[id.Name] = true
			}
		}
		return true
	})
	for _, imp := range r.file.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if name == "_" || name == "." || used[name] || r.imports[name] != path {
			continue
		}
		r.refuse(imp.Pos(), "unused import "+strconv.Quote(path),
			"%q imported and not used: go build rejects the program, the interpreter runs it", path)
	}
}

// missingReturn refuses a function with results whose body does not end
// in a terminating statement: go build rejects it ("missing return").
func (r *rewriter) missingReturn(ft *ast.FuncType, body *ast.BlockStmt) {
	if body == nil || ft.Results == nil || len(ft.Results.List) == 0 {
		return
	}
	if !terminating(body) {
		r.refuse(body.Rbrace, "missing return", "go build rejects the function, the interpreter runs it")
	}
}

// terminating reports whether s is a terminating statement as the
// specification defines it.
func terminating(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.GOTO
	case *ast.ExprStmt:
		c, ok := s.X.(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := c.Fun.(*ast.Ident)
		return ok && id.Obj == nil && id.Name == "panic"
	case *ast.BlockStmt:
		return len(s.List) > 0 && terminating(s.List[len(s.List)-1])
	case *ast.IfStmt:
		return s.Else != nil && terminating(s.Body) && terminating(s.Else)
	case *ast.ForStmt:
		return s.Cond == nil && !breaks(s.Body, s)
	case *ast.LabeledStmt:
		return terminating(s.Stmt)
	case *ast.SwitchStmt:
		return clausesTerminate(s.Body, s)
	case *ast.TypeSwitchStmt:
		return clausesTerminate(s.Body, s)
	case *ast.SelectStmt:
		return clausesTerminate(s.Body, s)
	}
	return false
}

func clausesTerminate(body *ast.BlockStmt, owner ast.Stmt) bool {
	hasDefault := false
	for _, c := range body.List {
		var list []ast.Stmt
		switch c := c.(type) {
		case *ast.CaseClause:
			hasDefault = hasDefault || c.List == nil
			list = c.Body
		case *ast.CommClause:
			hasDefault = true // a select needs no default
			list = c.Body
		}
		if len(list) == 0 {
			return false
		}
		last := list[len(list)-1]
		if b, ok := last.(*ast.BranchStmt); ok && b.Tok == token.FALLTHROUGH {
			continue
		}
		if !terminating(last) {
			return false
		}
		for _, st := range list {
			if breaks(st, owner) {
				return false
			}
		}
	}
	return hasDefault
}

// breaks reports whether n holds a break that leaves owner: an unlabeled
// break not inside a nested loop, switch or select, or a labeled one.
func breaks(n ast.Node, owner ast.Stmt) bool {
	found := false
	var walk func(n ast.Node, nested bool)
	walk = func(n ast.Node, nested bool) {
		ast.Inspect(n, func(m ast.Node) bool {
			if found || m == nil {
				return false
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BranchStmt:
				if m.Tok == token.BREAK && (m.Label != nil || !nested) {
					found = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if m != n {
					walk(m, true)
					return false
				}
			}
			return true
		})
	}
	walk(n, false)
	return found
}

// intRange gives the bounds of the predeclared integer types (int and
// uint as on 64-bit platforms).
var intRange = map[string][2]string{
	"int8": {"-128", "127"}, "int16": {"-32768", "32767"}, "int32": {"-2147483648", "2147483647"},
	"rune": {"-2147483648", "2147483647"}, "int64": {"-9223372036854775808", "9223372036854775807"},
	"int":   {"-9223372036854775808", "9223372036854775807"},
	"uint8": {"0", "255"}, "byte": {"0", "255"}, "uint16": {"0", "65535"}, "uint32": {"0", "4294967295"},
	"uint64": {"0", "18446744073709551615"}, "uint": {"0", "18446744073709551615"}, "uintptr": {"0", "18446744073709551615"},
}

// constOverflow refuses a constant given an integer type it does not fit,
// in a declaration with that type or a conversion: go build rejects it,
// the interpreter wraps the value around.
func (r *rewriter) constOverflow(typ ast.Expr, val ast.Expr) {
	id, ok := typ.(*ast.Ident)
	if !ok || id.Obj != nil {
		return
	}
	bounds, ok := intRange[id.Name]
	if !ok {
		return
	}
	v, ok := r.constValue(val, 0)
	if !ok || v.Kind() != constant.Int {
		return
	}
	lo := constant.MakeFromLiteral(bounds[0], token.INT, 0)
	hi := constant.MakeFromLiteral(bounds[1], token.INT, 0)
	if constant.Compare(v, token.LSS, lo) || constant.Compare(v, token.GTR, hi) {
		r.refuse(val.Pos(), "constant overflow", "%s overflows %s: go build rejects it, the interpreter wraps it around", v, id.Name)
	}
}

// constValue evaluates an untyped integer constant expression made of
// literals and local untyped constants.
func (r *rewriter) constValue(e ast.Expr, depth int) (constant.Value, bool) {
	if depth > 20 {
		return nil, false
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.INT {
			return nil, false
		}
		return constant.MakeFromLiteral(e.Value, e.Kind, 0), true
	case *ast.ParenExpr:
		return r.constValue(e.X, depth+1)
	case *ast.UnaryExpr:
		x, ok := r.constValue(e.X, depth+1)
		if !ok || (e.Op != token.SUB && e.Op != token.ADD) {
			return nil, false
		}
		return constant.UnaryOp(e.Op, x, 0), true
	case *ast.BinaryExpr:
		x, ok1 := r.constValue(e.X, depth+1)
		y, ok2 := r.constValue(e.Y, depth+1)
		if !ok1 || !ok2 {
			return nil, false
		}
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.AND, token.OR, token.XOR:
			return constant.BinaryOp(x, e.Op, y), true
		case token.QUO, token.REM:
			if constant.Sign(y) == 0 {
				return nil, false
			}
			op := e.Op
			if op == token.QUO {
				op = token.QUO_ASSIGN // integer division
			}
			return constant.BinaryOp(x, op, y), true
		case token.SHL, token.SHR:
			s, ok := constant.Uint64Val(y)
			if !ok || s > 1024 {
				return nil, false
			}
			return constant.Shift(x, e.Op, uint(s)), true
		}
	case *ast.Ident:
		if e.Obj == nil || e.Obj.Kind != ast.Con {
			return nil, false
		}
		vs, ok := e.Obj.Decl.(*ast.ValueSpec)
		if !ok || vs.Type != nil {
			return nil, false
		}
		for i, n := range vs.Names {
			if n.Obj == e.Obj && i < len(vs.Values) {
				if mentions(vs.Values[i], "iota") {
					return nil, false
				}
				return r.constValue(vs.Values[i], depth+1)
			}
		}
	}
	return nil, false
}
