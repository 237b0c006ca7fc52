//lint:file-ignore SA1019 the rewrite has no type information: the parser's object resolution is all it can use, and it refuses where that is not enough.

package rewrite

import (
	"go/ast"
	"go/constant"
	"go/token"
	"strings"
)

// run walks the file once, recording edits and refusals.
func (r *rewriter) run() {
	r.collect()
	handled := map[*ast.CallExpr]bool{}
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			r.selector(n)
		case *ast.RangeStmt:
			r.rangeStmt(n)
		case *ast.ForStmt:
			r.forStmt(n)
		case *ast.FuncLit:
			r.funcLit(n)
			r.resetResults(n.Type, n.Body)
		case *ast.DeferStmt:
			r.deferStmt(n)
		case *ast.AssignStmt:
			if call := r.minMaxAssign(n); call != nil {
				handled[call] = true
			}
			r.tupleAssign(n)
		case *ast.FuncDecl:
			r.resetResults(n.Type, n.Body)
		case *ast.ExprStmt:
			if call, ok := n.X.(*ast.CallExpr); ok && builtin(call) == "clear" {
				r.clearStmt(n, call)
				handled[call] = true
			}
		case *ast.CallExpr:
			r.call(n, handled[n])
		case *ast.BranchStmt:
			r.branch(n)
		case *ast.TypeAssertExpr:
			if n.Type != nil {
				r.assertion(n.Type)
			}
		case *ast.TypeSwitchStmt:
			for _, c := range n.Body.List {
				for _, t := range c.(*ast.CaseClause).List {
					r.assertion(t)
				}
			}
		}
		return true
	})
	r.unused()
	r.detect()
	r.addRuntimeImport()
}

func (r *rewriter) selector(s *ast.SelectorExpr) {
	if path := r.pkgOf(s); path != "" {
		if why, ok := deniedSelectors[path][s.Sel.Name]; ok {
			r.refuse(s.Pos(), path+"."+s.Sel.Name, "%s", why)
		}
		return
	}
	// Method expressions: (*T).M and T.M for a local type T.
	x := s.X
	if p, ok := x.(*ast.ParenExpr); ok {
		if st, ok := p.X.(*ast.StarExpr); ok {
			x = st.X
		}
	}
	if id, ok := x.(*ast.Ident); ok && id.Obj != nil && id.Obj.Kind == ast.Typ {
		r.refuse(s.Pos(), "method expression "+r.text(s), "the interpreter panics on method expressions")
	}
}

func (r *rewriter) call(c *ast.CallExpr, handled bool) {
	switch builtin(c) {
	case "print", "println":
		r.printCall(c)
		return
	case "min", "max":
		if !handled && !r.foldMinMax(c) {
			r.refuse(c.Pos(), "builtin "+builtin(c)+" in an expression",
				"only m := %s(a, b) and m = %s(m, b) as whole statements can be rewritten", builtin(c), builtin(c))
		}
		return
	case "clear":
		if !handled {
			r.refuse(c.Pos(), "builtin clear in an expression", "only clear(m) as a statement can be rewritten")
		}
		return
	}
	if r.isCall(c, "errors", "As") && len(c.Args) == 2 && !r.nativeTarget(c.Args[1]) {
		r.refuse(c.Pos(), "errors.As with an interpreted error type", "the interpreter panics on it")
	}
	if r.isFmtCall(c) {
		r.stringerVerbs(c)
		r.stringerSlices(c)
	}
	if id, ok := c.Fun.(*ast.Ident); ok && id.Obj != nil && r.generic[id.Obj] {
		for _, a := range c.Args {
			if _, ok := a.(*ast.FuncLit); ok {
				r.refuse(c.Pos(), "generic call inferring types from a func literal",
					"the interpreter cannot infer them; instantiate explicitly, as in %s[T](...)", id.Name)
				return
			}
		}
	}
}

// assertion refuses a type assertion or type switch case to a local error
// type or a local interface type in a program with local error types: an
// error holding an interpreted type fails such assertions (upstream #1558).
func (r *rewriter) assertion(t ast.Expr) {
	name := baseTypeName(t)
	if name == "" {
		return
	}
	if id, ok := t.(*ast.Ident); ok && id.Obj == nil {
		return // predeclared, or from an earlier cell
	}
	if r.errType[name] || r.ifaceType[name] && len(r.errType) > 0 {
		r.refuse(t.Pos(), "type assertion to "+name+" on an interpreted error",
			"the interpreter fails assertions on errors holding interpreted types")
	}
}

// stringerSlices refuses printing a slice, array or map of a local type with
// a String method: the interpreter prints the underlying values.
func (r *rewriter) stringerSlices(c *ast.CallExpr) {
	for _, a := range c.Args {
		if t := r.collectionType(a); t != nil {
			var elt ast.Expr
			switch t := t.(type) {
			case *ast.ArrayType:
				elt = t.Elt
			case *ast.MapType:
				elt = t.Value
			}
			if elt != nil && r.stringer[baseTypeName(elt)] {
				r.refuse(a.Pos(), "printing a collection of Stringers",
					"the interpreter ignores their String method")
				return
			}
		}
	}
}

// collectionType returns the declared slice, array or map type of e, if it
// is visible syntactically.
func (r *rewriter) collectionType(e ast.Expr) ast.Expr {
	switch e := e.(type) {
	case *ast.CompositeLit:
		return e.Type
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && id.Name == "make" && id.Obj == nil && len(e.Args) > 0 {
			return e.Args[0]
		}
	case *ast.Ident:
		if e.Obj == nil || e.Obj.Kind != ast.Var {
			return nil
		}
		switch d := e.Obj.Decl.(type) {
		case *ast.ValueSpec:
			if d.Type != nil {
				return d.Type
			}
			for i, n := range d.Names {
				if n.Obj == e.Obj && i < len(d.Values) {
					return r.collectionType(d.Values[i])
				}
			}
		case *ast.AssignStmt:
			if len(d.Lhs) == len(d.Rhs) {
				for i, l := range d.Lhs {
					if l, ok := l.(*ast.Ident); ok && l.Obj == e.Obj {
						return r.collectionType(d.Rhs[i])
					}
				}
			}
		case *ast.Field:
			return d.Type
		}
	}
	return nil
}

// nativeTarget reports whether the target of errors.As is provably a
// variable of a type from an imported package.
func (r *rewriter) nativeTarget(e ast.Expr) bool {
	u, ok := e.(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return false
	}
	id, ok := u.X.(*ast.Ident)
	if !ok || id.Obj == nil {
		return false
	}
	vs, ok := id.Obj.Decl.(*ast.ValueSpec)
	if !ok || vs.Type == nil {
		return false
	}
	t := vs.Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	s, ok := t.(*ast.SelectorExpr)
	return ok && r.pkgOf(s) != ""
}

var fmtFuncs = map[string]int{ // name -> index of the format argument, -1 if none
	"Printf": 0, "Sprintf": 0, "Errorf": 0, "Fprintf": 1, "Appendf": 1,
	"Println": -1, "Print": -1, "Sprintln": -1, "Sprint": -1, "Fprintln": -1, "Fprint": -1,
}

func (r *rewriter) isFmtCall(c *ast.CallExpr) bool {
	s, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || r.pkgOf(s) != "fmt" {
		return false
	}
	_, ok = fmtFuncs[s.Sel.Name]
	return ok
}

// stringerVerbs refuses fmt calls that may print a value of a local type
// with a String method under a verb the interpreter gets wrong (%d, %x, …;
// the interpreter ignores String for them or for slices of such values).
// %T prints the underlying type of interpreted named types. Types are
// unknown syntactically, so any argument that is not a literal
// counts, once the source declares a String method.
func (r *rewriter) stringerVerbs(c *ast.CallExpr) {
	s := c.Fun.(*ast.SelectorExpr)
	fi := fmtFuncs[s.Sel.Name]
	if fi < 0 || fi >= len(c.Args) {
		return
	}
	lit, ok := c.Args[fi].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return
	}
	f := lit.Value
	if strings.Contains(f, "%T") && len(r.localTypes) > 0 {
		r.refuse(c.Pos(), "fmt verb %T in a program with local types",
			"the interpreter prints the underlying type of an interpreted named type")
		return
	}
	if strings.Contains(f, "%#v") && len(r.localTypes) > 0 {
		r.refuse(c.Pos(), "fmt verb %#v in a program with local types",
			"the interpreter prints the underlying type of an interpreted named type and ignores GoString")
		return
	}
	if strings.Contains(f, "%+v") && r.unexported {
		r.refuse(c.Pos(), "fmt verb %+v in a program with unexported struct fields",
			"the interpreter prints an unexported field's name with an X in front")
		return
	}
	if len(r.stringer) == 0 {
		return
	}
	plain := true // every argument is a literal or a conversion to a predeclared type
	for _, a := range c.Args[fi+1:] {
		switch a := a.(type) {
		case *ast.BasicLit:
		case *ast.CallExpr:
			if id, ok := a.Fun.(*ast.Ident); !ok || id.Obj != nil {
				plain = false
			}
		default:
			plain = false
		}
	}
	if plain {
		return
	}
	for _, verb := range []string{"%d", "%x", "%X", "%o", "%b", "%c", "%q", "%U"} {
		if strings.Contains(f, verb) {
			r.refuse(c.Pos(), "fmt verb "+verb+" in a program with a String method",
				"the interpreter may print a Stringer's String result instead of the value")
			return
		}
	}
}

// deferStmt hoists deferred-call arguments so that they are evaluated at the
// defer, and refuses deferred calls the interpreter cannot run faithfully.
func (r *rewriter) deferStmt(d *ast.DeferStmt) {
	c := d.Call
	if printStmt(c) {
		return // printCall evaluates the operands at the defer
	}
	switch f := c.Fun.(type) {
	case *ast.FuncLit:
		if v := r.freeLoopVars(f); len(v) > 0 {
			r.refuse(d.Pos(), "deferred closure using loop variable "+v[0],
				"the interpreter runs it with the variable's last value; pass it as an argument")
			return
		}
	case *ast.SelectorExpr:
		if id, ok := rootIdent(f.X); ok && id.Obj != nil && id.Obj.Kind == ast.Var && r.methods[f.Sel.Name] &&
			(r.loopScoped(id.Obj, d) || r.assigned(id.Obj)) {
			r.refuse(d.Pos(), "deferred method call on a variable that changes",
				"the interpreter reads the receiver when the function returns, or hangs")
			return
		}
	}
	var decls []string
	for _, a := range c.Args {
		if r.isConst(a) {
			continue
		}
		if _, ok := a.(*ast.FuncLit); ok {
			continue
		}
		t := r.text(a)
		if strings.Contains(t, "\n") {
			r.refuse(a.Pos(), "deferred call with a multi-line argument", "the rewrite keeps lines; put the argument in a variable")
			return
		}
		name := r.name("d")
		decls = append(decls, name+" := "+t+"; ")
		r.replace(a.Pos(), a.End(), name)
	}
	if len(decls) > 0 {
		r.insert(d.Pos(), "{ "+strings.Join(decls, ""))
		r.insert(d.End(), " }")
	}
}

func rootIdent(e ast.Expr) (*ast.Ident, bool) {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x, true
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil, false
		}
	}
}

// assigned reports whether obj is assigned or has its address taken
// anywhere after its declaration.
func (r *rewriter) assigned(obj *ast.Object) bool {
	found := false
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Obj == obj && id.Pos() != obj.Pos() {
					found = true
				}
			}
		case *ast.IncDecStmt:
			found = found || isObj(n.X, obj)
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND && isObj(n.X, obj)
		}
		return !found
	})
	return found
}

// isConst reports whether e is a constant whose value cannot change
// between the defer and the call: literals, local constants, predeclared
// constants and package-qualified names.
func (r *rewriter) isConst(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		if e.Obj == nil {
			switch e.Name {
			case "nil", "true", "false", "iota":
				return true
			}
			return false
		}
		return e.Obj.Kind == ast.Con
	case *ast.ParenExpr:
		return r.isConst(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.AND && e.Op != token.ARROW && r.isConst(e.X)
	case *ast.BinaryExpr:
		return r.isConst(e.X) && r.isConst(e.Y)
	case *ast.SelectorExpr:
		return r.pkgOf(e) != ""
	}
	return false
}

// branch wraps a labeled break or continue that is directly in a select
// case: yaegi would leave only the select.
func (r *rewriter) branch(b *ast.BranchStmt) {
	if b.Label == nil || (b.Tok != token.BREAK && b.Tok != token.CONTINUE) {
		return
	}
	if _, ok := r.parents[b].(*ast.CommClause); !ok {
		return
	}
	r.insert(b.Pos(), "if true { ")
	r.insert(b.End(), " }")
}

// simple reports whether e can be evaluated twice without a visible
// difference.
func (r *rewriter) simple(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit, *ast.Ident:
		return true
	case *ast.SelectorExpr:
		return r.simple(e.X)
	case *ast.IndexExpr:
		return r.simple(e.X) && r.simple(e.Index)
	case *ast.ParenExpr:
		return r.simple(e.X)
	case *ast.StarExpr:
		return r.simple(e.X)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && r.simple(e.X)
	case *ast.BinaryExpr:
		return r.simple(e.X) && r.simple(e.Y)
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok && id.Obj == nil && (id.Name == "len" || id.Name == "cap") {
			return len(e.Args) == 1 && r.simple(e.Args[0])
		}
	}
	return false
}

// minMaxAssign rewrites m := min(a, b, …) and m = min(m, b, …) statements
// into comparisons, and returns the call it handled.
func (r *rewriter) minMaxAssign(s *ast.AssignStmt) *ast.CallExpr {
	if len(s.Lhs) != 1 || len(s.Rhs) != 1 || (s.Tok != token.DEFINE && s.Tok != token.ASSIGN) {
		return nil
	}
	c, ok := s.Rhs[0].(*ast.CallExpr)
	if !ok || (builtin(c) != "min" && builtin(c) != "max") || len(c.Args) < 1 || c.Ellipsis.IsValid() {
		return nil
	}
	if r.constArgs(c) {
		return nil // folded by call
	}
	op := "<"
	if builtin(c) == "max" {
		op = ">"
	}
	lhs := r.text(s.Lhs[0])
	if !r.simple(s.Lhs[0]) || strings.Contains(r.text(s), "\n") {
		return nil
	}
	for _, a := range c.Args {
		if !r.simple(a) {
			return nil
		}
	}
	// The first argument that is not a constant gives the result its type.
	first := -1
	for i, a := range c.Args {
		if !r.isConst(a) {
			first = i
			break
		}
	}
	if s.Tok == token.ASSIGN {
		// m = min(a, m) must not read m after it was overwritten.
		for i, a := range c.Args {
			if r.text(a) == lhs {
				first = i
			}
		}
		root, _ := rootIdent(s.Lhs[0])
		for i, a := range c.Args {
			if i != first && root != nil && mentions(a, root.Name) {
				return nil
			}
		}
	}
	var b strings.Builder
	if s.Tok == token.DEFINE || r.text(c.Args[first]) != lhs {
		b.WriteString(lhs + " " + s.Tok.String() + " " + r.text(c.Args[first]))
	}
	for i, a := range c.Args {
		if i == first {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		t := r.text(a)
		b.WriteString("if " + t + " " + op + " " + lhs + " { " + lhs + " = " + t + " }")
	}
	r.replace(s.Pos(), s.End(), b.String())
	return c
}

func mentions(e ast.Expr, name string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

func (r *rewriter) constArgs(c *ast.CallExpr) bool {
	for _, a := range c.Args {
		if _, ok := litValue(a); !ok {
			return false
		}
	}
	return len(c.Args) > 0
}

// litValue returns the value of a literal, possibly negated.
func litValue(e ast.Expr) (constant.Value, bool) {
	neg := false
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.SUB {
		neg, e = true, u.X
	}
	if p, ok := e.(*ast.ParenExpr); ok {
		return litValue(p.X)
	}
	l, ok := e.(*ast.BasicLit)
	if !ok || l.Kind == token.IMAG {
		return nil, false
	}
	v := constant.MakeFromLiteral(l.Value, l.Kind, 0)
	if neg {
		v = constant.UnaryOp(token.SUB, v, 0)
	}
	return v, v.Kind() != constant.Unknown
}

// foldMinMax replaces min or max of literals of one kind with the chosen
// literal.
func (r *rewriter) foldMinMax(c *ast.CallExpr) bool {
	if !r.constArgs(c) {
		return false
	}
	best := 0
	bv, _ := litValue(c.Args[0])
	for i, a := range c.Args[1:] {
		v, _ := litValue(a)
		if v.Kind() != bv.Kind() {
			return false
		}
		op := token.LSS
		if builtin(c) == "max" {
			op = token.GTR
		}
		if constant.Compare(v, op, bv) {
			best, bv = i+1, v
		}
	}
	r.replace(c.Pos(), c.End(), "("+r.text(c.Args[best])+")")
	return true
}

// clearStmt rewrites clear(m) as a statement into a delete loop. For a slice
// the interpreter then reports a compile error instead of running wrong.
func (r *rewriter) clearStmt(s *ast.ExprStmt, c *ast.CallExpr) {
	if len(c.Args) != 1 || !r.simple(c.Args[0]) || strings.Contains(r.text(c), "\n") {
		r.refuse(c.Pos(), "builtin clear of a complex expression", "only clear(m) of a variable can be rewritten")
		return
	}
	k, m := r.name("ck"), r.text(c.Args[0])
	r.replace(c.Pos(), c.End(), "for "+k+" := range "+m+" { delete("+m+", "+k+") }")
}

// unused refuses local variables that are declared and never used: the
// interpreter accepts them, the compiler does not.
func (r *rewriter) unused() {
	decls := map[*ast.Object]*ast.Ident{}
	var order []*ast.Object
	declare := func(e ast.Expr) {
		id := blank(e)
		if id == nil || id.Obj == nil || id.Obj.Kind != ast.Var || id.Obj.Pos() != id.Pos() || decls[id.Obj] != nil {
			return
		}
		if r.topLevelStmt(id) {
			return
		}
		decls[id.Obj] = id
		order = append(order, id.Obj)
	}
	ast.Inspect(r.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body == nil {
				return false
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					declare(l)
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				declare(n.Key)
				if n.Value != nil {
					declare(n.Value)
				}
			}
		case *ast.DeclStmt:
			if g, ok := n.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, sp := range g.Specs {
					for _, id := range sp.(*ast.ValueSpec).Names {
						declare(id)
					}
				}
			}
		}
		return true
	})
	used := map[*ast.Object]bool{}
	ast.Inspect(r.file, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || id.Obj == nil || decls[id.Obj] == nil || id.Pos() == id.Obj.Pos() {
			return true
		}
		if as, ok := r.parents[id].(*ast.AssignStmt); ok && as.Tok == token.ASSIGN {
			for _, l := range as.Lhs {
				if l == ast.Expr(id) {
					return true
				}
			}
		}
		used[id.Obj] = true
		return true
	})
	for _, obj := range order {
		if !used[obj] {
			id := decls[obj]
			r.refuse(id.Pos(), "unused variable "+id.Name,
				"%s declared and not used: go build rejects the program, the interpreter runs it", id.Name)
		}
	}
}

// topLevelStmt reports whether id is declared by a top-level statement of a
// Stmts fragment, where variables are package-level and may stay unused.
func (r *rewriter) topLevelStmt(id *ast.Ident) bool {
	if r.stmts == nil {
		return false
	}
	for _, a := range r.ancestors(id) {
		if b, ok := a.(*ast.BlockStmt); ok {
			return b == r.stmts
		}
	}
	return false
}
