//lint:file-ignore SA1019 the rewrite has no type information: the parser's object resolution is all it can use, and it refuses where that is not enough.

package rewrite

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// newPackages are standard packages added after Go 1.22: the interpreter's
// symbol tables stop at go1.22.
var newPackages = map[string]bool{
	"iter": true, "unique": true, "weak": true, "structs": true,
	"testing/synctest": true, "crypto/mlkem": true, "crypto/hkdf": true,
	"crypto/pbkdf2": true, "crypto/sha3": true, "crypto/hpke": true,
	"encoding/json/v2": true, "encoding/json/jsontext": true,
	"runtime/secret": true,
}

// deniedSelectors lists, per import path, the package members the
// interpreter lacks (added after Go 1.22, or generic code it cannot run) or
// runs differently, with the reason.
var deniedSelectors = map[string]map[string]string{
	"slices": words("added after Go 1.22 or not runnable by the interpreter's generics",
		"Sort SortFunc SortStableFunc IsSorted IsSortedFunc BinarySearch BinarySearchFunc "+
			"All Values Backward Collect AppendSeq Sorted SortedFunc SortedStableFunc Chunk Repeat"),
	"maps": words("added after Go 1.22 or not runnable by the interpreter's generics",
		"Clone Keys Values All Insert Collect"),
	"sync":        words("generic function the interpreter cannot run", "OnceValue OnceValues"),
	"sync/atomic": words("generic type the interpreter cannot run", "Pointer"),
	"errors":      words("added after Go 1.22", "AsType"),
	"strings":     words("added after Go 1.22", "Lines SplitSeq SplitAfterSeq FieldsSeq FieldsFuncSeq"),
	"bytes":       words("added after Go 1.22", "Lines SplitSeq SplitAfterSeq FieldsSeq FieldsFuncSeq"),
	"runtime": {
		"NumGoroutine": "the interpreter's own goroutines are counted",
		"AddCleanup":   "added after Go 1.22",
	},
	"os": words("added after Go 1.22", "CopyFS"),
}

func words(msg, names string) map[string]string {
	m := map[string]string{}
	for _, n := range strings.Fields(names) {
		m[n] = msg
	}
	return m
}

// collect gathers the facts the checks need: imports, parents, local
// methods, Stringer types and iterator functions.
func (r *rewriter) collect() {
	r.imports = map[string]string{}
	r.methods = map[string]bool{}
	r.stringer = map[string]bool{}
	r.iterFunc = map[*ast.Object]bool{}
	r.iterMeth = map[string]bool{}
	r.parents = map[ast.Node]ast.Node{}
	r.intType = map[string]bool{}
	r.localTypes = map[string]bool{}
	r.errType = map[string]bool{}
	r.ifaceType = map[string]bool{}
	r.generic = map[*ast.Object]bool{}
	r.valueMethods = map[string]bool{}
	var stack []ast.Node
	ast.Inspect(r.file, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if len(stack) > 0 {
			r.parents[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		return true
	})
	for _, imp := range r.file.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		name := path[strings.LastIndex(path, "/")+1:]
		if strings.HasPrefix(path, "math/rand/v") {
			name = "rand"
		}
		if imp.Name != nil {
			name = imp.Name.Name
		}
		r.imports[name] = path
		if newPackages[path] {
			r.refuse(imp.Pos(), "package "+path, "it was added after Go 1.22")
		}
	}
	r.collectTypes()
	r.collectFuncs()
}

// collectTypes notes the local types: integer, interface and struct types.
func (r *rewriter) collectTypes() {
	ast.Inspect(r.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			r.localTypes[ts.Name.Name] = true
			switch t := ts.Type.(type) {
			case *ast.Ident:
				r.intType[ts.Name.Name] = intTypes[t.Name]
			case *ast.InterfaceType:
				r.ifaceType[ts.Name.Name] = true
			case *ast.StructType:
				for _, f := range t.Fields.List {
					for _, n := range f.Names {
						r.unexported = r.unexported || !n.IsExported()
					}
				}
			}
		}
		return true
	})
}

// collectFuncs notes the local functions and methods: generic ones,
// iterators, Error, String and Format methods, value receivers.
func (r *rewriter) collectFuncs() {
	for _, d := range r.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if fd.Type.TypeParams != nil && fd.Name.Obj != nil {
			r.generic[fd.Name.Obj] = true
		}
		if fd.Recv != nil && fd.Name.Name == "Error" && len(fd.Recv.List) == 1 {
			r.errType[baseTypeName(fd.Recv.List[0].Type)] = true
		}
		isIter := returnsFunc(fd.Type) || isPushIterator(fd.Type)
		if fd.Recv == nil {
			if isIter && fd.Name.Obj != nil {
				r.iterFunc[fd.Name.Obj] = true
			}
			continue
		}
		r.methods[fd.Name.Name] = true
		if len(fd.Recv.List) == 1 {
			if _, ptr := fd.Recv.List[0].Type.(*ast.StarExpr); !ptr {
				r.valueMethods[fd.Name.Name] = true
			}
		}
		if returnsFunc(fd.Type) {
			r.iterMeth[fd.Name.Name] = true
		}
		// A Format method decides the printing as String does.
		if (fd.Name.Name == "String" || fd.Name.Name == "Format") && len(fd.Recv.List) == 1 {
			if t := baseTypeName(fd.Recv.List[0].Type); t != "" {
				r.stringer[t] = true
			}
		}
	}
}

func returnsFunc(ft *ast.FuncType) bool {
	if ft.Results == nil || len(ft.Results.List) != 1 {
		return false
	}
	switch t := ft.Results.List[0].Type.(type) {
	case *ast.FuncType:
		return isPushIterator(t)
	case *ast.IndexExpr:
		return isIterSeq(t.X)
	case *ast.IndexListExpr:
		return isIterSeq(t.X)
	}
	return false
}

func isIterSeq(e ast.Expr) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && (s.Sel.Name == "Seq" || s.Sel.Name == "Seq2")
}

// isPushIterator reports whether ft is func(yield func(...) bool).
func isPushIterator(ft *ast.FuncType) bool {
	if ft.Results != nil && len(ft.Results.List) > 0 || ft.Params == nil || len(ft.Params.List) != 1 {
		return false
	}
	y, ok := ft.Params.List[0].Type.(*ast.FuncType)
	if !ok || y.Results == nil || len(y.Results.List) != 1 {
		return false
	}
	id, ok := y.Results.List[0].Type.(*ast.Ident)
	return ok && id.Name == "bool"
}

func baseTypeName(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

func isObj(e ast.Expr, obj *ast.Object) bool {
	id, ok := e.(*ast.Ident)
	return ok && obj != nil && id.Obj == obj
}

// pkgOf returns the import path of a selector's package, or "" when X is
// not an imported package name.
func (r *rewriter) pkgOf(s *ast.SelectorExpr) string {
	id, ok := s.X.(*ast.Ident)
	if !ok || id.Obj != nil {
		return ""
	}
	return r.imports[id.Name]
}

// isCall reports whether call is pkg.name(...) for the import path pkg.
func (r *rewriter) isCall(call *ast.CallExpr, pkg, name string) bool {
	s, ok := call.Fun.(*ast.SelectorExpr)
	return ok && s.Sel.Name == name && r.pkgOf(s) == pkg
}

// builtin returns the name of the predeclared function call calls, or "".
func builtin(call *ast.CallExpr) string {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || id.Obj != nil {
		return ""
	}
	switch id.Name {
	case "min", "max", "clear", "print", "println":
		return id.Name
	}
	return ""
}

// ancestors returns n's ancestors, innermost first.
func (r *rewriter) ancestors(n ast.Node) []ast.Node {
	var out []ast.Node
	for p := r.parents[n]; p != nil; p = r.parents[p] {
		out = append(out, p)
	}
	return out
}

func isLoop(n ast.Node) bool {
	switch n.(type) {
	case *ast.ForStmt, *ast.RangeStmt:
		return true
	}
	return false
}

func isFunc(n ast.Node) bool {
	switch n.(type) {
	case *ast.FuncLit, *ast.FuncDecl:
		return true
	}
	return false
}

func contains(n ast.Node, p token.Pos) bool { return n.Pos() <= p && p < n.End() }

// loopScoped reports whether obj, used at node at, is declared inside a
// loop that encloses at, within the function that declares obj: such a
// variable has one instance per iteration.
func (r *rewriter) loopScoped(obj *ast.Object, at ast.Node) bool {
	if obj == nil || obj.Kind != ast.Var {
		return false
	}
	d := obj.Pos()
	if !d.IsValid() {
		return false
	}
	for _, a := range r.ancestors(at) {
		if isLoop(a) && contains(a, d) {
			return true
		}
		if isFunc(a) && contains(a, d) {
			return false
		}
	}
	return false
}

// freeLoopVars returns the variables a func literal uses that are declared
// outside it, in a loop enclosing it.
func (r *rewriter) freeLoopVars(fl *ast.FuncLit) []string {
	var names []string
	seen := map[*ast.Object]bool{}
	ast.Inspect(fl.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || id.Obj == nil || seen[id.Obj] || contains(fl, id.Obj.Pos()) {
			return true
		}
		if r.loopScoped(id.Obj, fl) {
			seen[id.Obj] = true
			names = append(names, id.Name)
		}
		return true
	})
	return names
}
