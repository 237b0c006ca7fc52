//lint:file-ignore SA1019 the rewrite has no type information: the parser's object resolution is all it can use, and it refuses where that is not enough.

package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// captured reports whether body captures obj: uses it in a func literal,
// takes its address, or uses it as the operand of a selector or slice
// expression (a method value or call with a pointer receiver, or slicing an
// array, takes the address implicitly).
func (r *rewriter) captured(body ast.Node, obj *ast.Object) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if found || !ok || id.Obj != obj {
			return !found
		}
		for _, a := range r.ancestors(id) {
			if a == body {
				break
			}
			if _, ok := a.(*ast.FuncLit); ok {
				found = true
				return false
			}
		}
		var child ast.Node = id
	walk:
		for p := r.parents[child]; p != nil; child, p = p, r.parents[p] {
			switch p := p.(type) {
			case *ast.SelectorExpr, *ast.SliceExpr:
				found = true
			case *ast.UnaryExpr:
				found = p.Op == token.AND
			case *ast.IndexExpr:
				if p.X == child {
					continue walk
				}
			case *ast.ParenExpr:
				continue walk
			}
			break walk
		}
		return !found
	})
	return found
}

// redeclared reports whether the top level of body declares name again.
func redeclared(body *ast.BlockStmt, name string) bool {
	for _, s := range body.List {
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok != token.DEFINE {
				continue
			}
			for _, l := range s.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					return true
				}
			}
		case *ast.DeclStmt:
			if g, ok := s.Decl.(*ast.GenDecl); ok {
				for _, sp := range g.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, id := range vs.Names {
							if id.Name == name {
								return true
							}
						}
					}
				}
			}
		}
	}
	return false
}

func blank(e ast.Expr) *ast.Ident {
	id, ok := e.(*ast.Ident)
	if !ok || id.Name == "_" {
		return nil
	}
	return id
}

// stmtOf returns the statement to wrap for loop n: its label, if any.
func (r *rewriter) stmtOf(n ast.Stmt) ast.Stmt {
	if l, ok := r.parents[n].(*ast.LabeledStmt); ok {
		return l
	}
	return n
}

func (r *rewriter) rangeStmt(n *ast.RangeStmt) {
	if r.rangeOverFunc(n.X) {
		r.refuse(n.X.Pos(), "range over func", "iterators need Go 1.23")
		return
	}
	if r.isIntExpr(n.X) {
		r.rangeInt(n)
		return
	}
	if n.Tok == token.ASSIGN && (!plainOrNil(n.Key) || !plainOrNil(n.Value)) {
		r.refuse(n.Pos(), "range assigning to an index or field expression",
			"the interpreter evaluates the operands of the iteration variables late")
		return
	}
	if r.rangeString(n) {
		return
	}
	if n.Tok != token.DEFINE && (n.Key != nil || n.Value != nil) {
		return
	}
	if r.chanSlice(n.X) {
		r.rangeChanSlice(n)
		return
	}
	var copies []string
	for _, e := range []ast.Expr{n.Key, n.Value} {
		id := blank(e)
		if id == nil || id.Obj == nil || redeclared(n.Body, id.Name) || !r.captured(n.Body, id.Obj) {
			continue
		}
		copies = append(copies, id.Name+" := "+id.Name+";")
	}
	if len(copies) > 0 {
		r.insert(n.Body.Lbrace+1, " "+strings.Join(copies, " "))
	}
}

// plainOrNil reports whether e is absent or an identifier.
func plainOrNil(e ast.Expr) bool {
	if e == nil {
		return true
	}
	_, ok := e.(*ast.Ident)
	return ok
}

// rangeInt rewrites a range over an integer into a three-clause loop over a
// hidden counter, with a per-iteration copy of the key.
func (r *rewriter) rangeInt(n *ast.RangeStmt) {
	key := blank(n.Key)
	if key != nil && n.Tok == token.ASSIGN {
		r.refuse(n.Pos(), "range over int assigning an outer variable", "rewrite it with :=")
		return
	}
	x := r.text(n.X)
	if strings.Contains(x, "\n") {
		r.refuse(n.X.Pos(), "range over a multi-line integer expression", "the rewrite keeps lines")
		return
	}
	rn, ri := r.name("rn"), r.name("ri")
	if r.simple(n.X) {
		// n can be read again: declare the bound in the loop's init.
		r.replace(n.For+token.Pos(len("for")), n.X.End(),
			" "+rn+", "+ri+" := "+x+", ("+x+")-("+x+"); "+ri+" < "+rn+"; "+ri+"++")
	} else {
		outer := r.stmtOf(n)
		r.insert(outer.Pos(), "{ "+rn+" := "+x+"; ")
		r.replace(n.For+token.Pos(len("for")), n.X.End(),
			" "+ri+" := "+rn+" - "+rn+"; "+ri+" < "+rn+"; "+ri+"++")
		r.insert(outer.End(), " }")
	}
	if key != nil {
		r.insert(n.Body.Lbrace+1, " "+key.Name+" := "+ri+";")
	}
}

var intTypes = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"uintptr": true, "byte": true, "rune": true,
}

// isIntExpr reports whether e is known, syntactically, to be an integer.
func (r *rewriter) isIntExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT
	case *ast.ParenExpr:
		return r.isIntExpr(e.X)
	case *ast.UnaryExpr:
		return e.Op == token.SUB && r.isIntExpr(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR:
			return r.isIntExpr(e.X) || r.isIntExpr(e.Y)
		}
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			if id.Obj != nil {
				return id.Obj.Kind == ast.Typ && r.intType[id.Name]
			}
			return id.Name == "len" || id.Name == "cap" || intTypes[id.Name]
		}
		return r.isCall(e, "runtime", "NumCPU") || r.isCall(e, "runtime", "GOMAXPROCS")
	case *ast.Ident:
		if e.Obj == nil && r.known[e.Name] {
			return true // declared by an earlier piece of the session
		}
		return r.isIntObj(e)
	}
	return false
}

func (r *rewriter) isIntObj(id *ast.Ident) bool {
	obj := id.Obj
	if obj == nil || (obj.Kind != ast.Var && obj.Kind != ast.Con) {
		return false
	}
	switch d := obj.Decl.(type) {
	case *ast.ValueSpec:
		if t, ok := d.Type.(*ast.Ident); ok {
			return intTypes[t.Name] || r.intType[t.Name]
		}
		for i, n := range d.Names {
			if n.Obj == obj && i < len(d.Values) {
				return r.isIntExpr(d.Values[i])
			}
		}
		if obj.Kind == ast.Con && d.Type == nil && len(d.Values) == 0 {
			return true // iota continuation
		}
	case *ast.AssignStmt:
		if len(d.Lhs) != len(d.Rhs) {
			return false
		}
		for i, l := range d.Lhs {
			if l, ok := l.(*ast.Ident); ok && l.Obj == obj {
				return r.isIntExpr(d.Rhs[i])
			}
		}
	case *ast.Field:
		if t, ok := d.Type.(*ast.Ident); ok {
			return intTypes[t.Name] || r.intType[t.Name]
		}
	}
	return false
}

// rangeOverFunc reports whether x is, syntactically, an iterator function.
func (r *rewriter) rangeOverFunc(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.FuncLit:
		return true
	case *ast.Ident:
		return x.Obj != nil && r.iterFunc[x.Obj] && isPushIterator(x.Obj.Decl.(*ast.FuncDecl).Type)
	case *ast.CallExpr:
		switch f := x.Fun.(type) {
		case *ast.Ident:
			return f.Obj != nil && r.iterFunc[f.Obj]
		case *ast.SelectorExpr:
			return r.pkgOf(f) == "" && r.iterMeth[f.Sel.Name]
		case *ast.IndexExpr:
			if id, ok := f.X.(*ast.Ident); ok {
				return id.Obj != nil && r.iterFunc[id.Obj]
			}
		}
	}
	return false
}

// forStmt gives the variables declared by a three-clause loop's init
// statement per-iteration semantics when the body captures them, by
// renaming the header's variable and copying it in and out of the body.
func (r *rewriter) forStmt(n *ast.ForStmt) {
	init, ok := n.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE {
		return
	}
	var objs []*ast.Object
	var names, hidden []string
	for _, l := range init.Lhs {
		id := blank(l)
		if id == nil || id.Obj == nil || id.Obj.Pos() != id.Pos() {
			continue
		}
		for _, h := range []ast.Node{n.Init, n.Cond, n.Post} {
			if h != nil && r.capturedInFuncLit(h, id.Obj) {
				r.refuse(h.Pos(), "closure in a for loop header", "per-iteration variables in the header cannot be rewritten")
				return
			}
		}
		if redeclared(n.Body, id.Name) || !r.captured(n.Body, id.Obj) {
			continue
		}
		objs = append(objs, id.Obj)
		names = append(names, id.Name)
		hidden = append(hidden, r.name("lv"))
	}
	if len(objs) == 0 {
		return
	}
	for i, obj := range objs {
		for _, h := range []ast.Node{n.Init, n.Cond, n.Post} {
			if h == nil {
				continue
			}
			ast.Inspect(h, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok && id.Obj == obj {
					r.replace(id.Pos(), id.End(), hidden[i])
				}
				return true
			})
		}
	}
	in := strings.Join(names, ", ") + " := " + strings.Join(hidden, ", ") + ";"
	back := strings.Join(hidden, ", ") + " = " + strings.Join(names, ", ")
	r.insert(n.Body.Lbrace+1, " "+in)
	r.insert(n.Body.Rbrace, "; "+back+" ")
	var label string
	if l, ok := r.parents[n].(*ast.LabeledStmt); ok {
		label = l.Label.Name
	}
	ast.Inspect(n.Body, func(m ast.Node) bool {
		b, ok := m.(*ast.BranchStmt)
		if !ok || b.Tok != token.CONTINUE {
			return true
		}
		if b.Label != nil && b.Label.Name == label || b.Label == nil && r.innermostLoop(b) == ast.Node(n) {
			r.replace(b.Pos(), b.End(), "{ "+back+"; "+r.text(b)+" }")
		}
		return true
	})
}

func (r *rewriter) innermostLoop(n ast.Node) ast.Node {
	for _, a := range r.ancestors(n) {
		if isLoop(a) {
			return a
		}
		if isFunc(a) {
			return nil
		}
	}
	return nil
}

func (r *rewriter) capturedInFuncLit(n ast.Node, obj *ast.Object) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if fl, ok := m.(*ast.FuncLit); ok {
			ast.Inspect(fl, func(k ast.Node) bool {
				if id, ok := k.(*ast.Ident); ok && id.Obj == obj {
					found = true
				}
				return !found
			})
			return false
		}
		return !found
	})
	return found
}

// funcLit wraps a func literal that uses per-iteration variables and is not
// called, assigned or started where it stands: yaegi would run it against
// the live frame of its creator (upstream #1634).
func (r *rewriter) funcLit(fl *ast.FuncLit) {
	switch p := r.parents[fl].(type) {
	case *ast.CallExpr:
		if p.Fun == ast.Expr(fl) {
			return // called where it stands (go, defer and plain calls)
		}
	case *ast.AssignStmt, *ast.ValueSpec:
		return
	}
	if len(r.freeLoopVars(fl)) == 0 {
		return
	}
	r.insert(fl.Pos(), "func() "+types.ExprString(fl.Type)+" { return ")
	r.insert(fl.End(), " }()")
}

// chanSlice reports whether x is a variable declared as a slice of channels
// (or a variadic channel parameter): yaegi panics ranging over one.
func (r *rewriter) chanSlice(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	if !ok || id.Obj == nil || id.Obj.Kind != ast.Var {
		return false
	}
	var t ast.Expr
	switch d := id.Obj.Decl.(type) {
	case *ast.Field:
		t = d.Type
	case *ast.ValueSpec:
		t = d.Type
	}
	var elt ast.Expr
	switch t := t.(type) {
	case *ast.ArrayType:
		elt = t.Elt
	case *ast.Ellipsis:
		elt = t.Elt
	}
	_, ok = elt.(*ast.ChanType)
	return ok
}

// rangeChanSlice rewrites a range over a slice of channels into an index
// loop, which yaegi runs.
func (r *rewriter) rangeChanSlice(n *ast.RangeStmt) {
	x := r.text(n.X)
	ri := r.name("ri")
	r.replace(n.For+token.Pos(len("for")), n.X.End(), " "+ri+" := 0; "+ri+" < len("+x+"); "+ri+"++")
	var decl string
	if k := blank(n.Key); k != nil {
		decl += " " + k.Name + " := " + ri + ";"
	}
	if v := blank(n.Value); v != nil {
		decl += " " + v.Name + " := " + x + "[" + ri + "];"
	}
	if decl != "" {
		r.insert(n.Body.Lbrace+1, decl)
	}
}
