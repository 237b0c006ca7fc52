//lint:file-ignore SA1019 A fragment does not type-check on its own (it uses names earlier fragments declare), so its declarations and the references to them come from the parser's object resolution (ast.Object), which is exact for the package-level names of one file.

package runner

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"

	"github.com/concurrency101/book/runner/internal/worker"
)

// This file is the session's rule for names a later fragment declares
// again (runner/doc.go, Complete programs and fragments): the later
// declaration replaces the earlier one from its fragment on, and the code
// of earlier fragments keeps the declaration it was written against, as
// the interpreter binds names when it compiles a piece. The go engine
// assembles the session into one program, where a name has one
// declaration; so every declaration that a later fragment replaces is
// renamed (greet becomes greet_bookrt0), and so are the references that
// the earlier fragments' code makes to it. The interpreter cannot declare a
// type again: what it evaluates names a type's later declarations apart
// (typeChecker.chunks). What the interpreter cannot do faithfully is
// refused, under both engines, at the declaration's line.

// A fragScope is what a fragment declares at its top level and which of
// its identifiers refer to names of the session.
type fragScope struct {
	declared map[string]declSite // session-level names: funcs, types, vars, consts, := variables
	methods  []methodSite
	refs     []identRef
	ok       bool // the fragment parsed; else nothing is known and nothing renamed
}

// A declSite is where and as what a fragment declares a name.
type declSite struct {
	kind  string // "func", "generic func", "type", "generic type", "var", "const" or ":="
	pos   string // chapter file:line:col
	chunk int    // chapter line of the chunk that holds it
}

// A methodSite is a method a fragment declares.
type methodSite struct {
	recv, name, pos string
}

// An identRef is an identifier of a fragment that names a session-level
// name: the fragment's own declaration of it (own), or an earlier
// fragment's (an identifier the fragment leaves unresolved).
type identRef struct {
	stmt  bool // in a statement chunk, else in a declaration chunk
	chunk int  // index in the fragment's decls or stmts
	off   int  // byte offset in the chunk's code
	name  string
	own   bool
	line  int    // chapter line of the chunk that holds it
	pos   string // chapter file:line:col
}

// A chunkSpan is where a chunk stands in the source analysed.
type chunkSpan struct {
	stmt       bool
	chunk      int
	start, end int
	c          *worker.Chunk
}

// scopeOf analyses a fragment's declaration and statement chunks as the go
// engine assembles them: declarations at package level, statements in one
// function. The statements' code must be the fragment's own (before
// defineOnce, which keeps every offset).
func scopeOf(path string, decls, stmts []worker.Chunk) *fragScope {
	fs := &fragScope{declared: map[string]declSite{}}
	var b strings.Builder
	var spans []chunkSpan
	add := func(stmt bool, cs []worker.Chunk) {
		for i := range cs {
			start := b.Len()
			b.WriteString(cs[i].Code)
			spans = append(spans, chunkSpan{stmt, i, start, b.Len(), &cs[i]})
			b.WriteString("\n")
		}
	}
	b.WriteString("package p\n")
	add(false, decls)
	b.WriteString("func _() {\n")
	add(true, stmts)
	b.WriteString("}\n")
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", b.String(), 0)
	if err != nil {
		return fs
	}
	fs.ok = true
	at := func(p token.Pos) (chunkSpan, int) {
		off := fset.Position(p).Offset
		for _, s := range spans {
			if off >= s.start && off < s.end {
				return s, off - s.start
			}
		}
		return chunkSpan{}, -1
	}
	where := func(kind string, p token.Pos) declSite {
		s, off := at(p)
		if off < 0 {
			return declSite{kind, path, 0}
		}
		line, col := chunkPos(s.c, off)
		return declSite{kind, fmt.Sprintf("%s:%d:%d", path, line, col), s.c.Line}
	}
	own := fs.declare(file, where)
	fs.collectRefs(file, own, at, where)
	return fs
}

// declare records the fragment's session-level declarations and methods,
// and returns their objects.
func (fs *fragScope) declare(file *ast.File, where func(string, token.Pos) declSite) map[*ast.Object]bool {
	own := map[*ast.Object]bool{}
	for name, obj := range file.Scope.Objects {
		id, _ := objIdent(obj)
		if name == "_" || name == "init" || id == nil {
			continue
		}
		own[obj] = true
		kind := obj.Kind.String()
		switch d := obj.Decl.(type) {
		case *ast.FuncDecl:
			if d.Type.TypeParams != nil {
				kind = "generic func"
			}
		case *ast.TypeSpec:
			if d.TypeParams != nil {
				kind = "generic type"
			}
		}
		fs.declared[name] = where(kind, id.Pos())
	}
	for _, d := range file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		if fd.Recv != nil && len(fd.Recv.List) == 1 {
			if base := recvBase(fd.Recv.List[0].Type); base != "" {
				fs.methods = append(fs.methods, methodSite{base, fd.Name.Name, where("method", fd.Name.Pos()).pos})
			}
		}
		if fd.Name.Name != "_" || fd.Recv != nil || fd.Body == nil {
			continue
		}
		for _, st := range fd.Body.List {
			as, ok := st.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE {
				continue
			}
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" && id.Obj != nil && id.Obj.Decl == as {
					own[id.Obj] = true
					if _, dup := fs.declared[id.Name]; !dup {
						fs.declared[id.Name] = where(":=", id.Pos())
					}
				}
			}
		}
	}
	return own
}

// objIdent returns the identifier that declares a package-level object.
func objIdent(obj *ast.Object) (*ast.Ident, bool) {
	switch d := obj.Decl.(type) {
	case *ast.FuncDecl:
		return d.Name, true
	case *ast.TypeSpec:
		return d.Name, true
	case *ast.ValueSpec:
		for _, n := range d.Names {
			if n.Name == obj.Name {
				return n, true
			}
		}
	}
	return nil, false
}

// collectRefs lists the identifiers that name the fragment's own
// session-level declarations or are left unresolved (an earlier
// fragment's name, a predeclared one, an import). The key of a composite
// literal is an expression only in a literal of a map or array type
// written out; elsewhere it may be a field name, and it is not renamed.
func (fs *fragScope) collectRefs(file *ast.File, own map[*ast.Object]bool, at func(token.Pos) (chunkSpan, int), where func(string, token.Pos) declSite) {
	unresolved := map[*ast.Ident]bool{}
	for _, id := range file.Unresolved {
		unresolved[id] = true
	}
	keys := map[*ast.Ident]bool{}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CompositeLit:
			switch n.Type.(type) {
			case *ast.MapType, *ast.ArrayType:
				return true
			}
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						keys[id] = true
					}
				}
			}
		case *ast.Ident:
			if keys[n] || !(own[n.Obj] || n.Obj == nil && unresolved[n]) {
				return true
			}
			if s, off := at(n.Pos()); off >= 0 {
				fs.refs = append(fs.refs, identRef{s.stmt, s.chunk, off, n.Name, n.Obj != nil, s.c.Line, where("", n.Pos()).pos})
			}
		}
		return true
	})
}

// recvBase is the name of a method receiver's base type.
func recvBase(x ast.Expr) string {
	for {
		switch t := x.(type) {
		case *ast.StarExpr:
			x = t.X
		case *ast.ParenExpr:
			x = t.X
		case *ast.IndexExpr:
			x = t.X
		case *ast.IndexListExpr:
			x = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// chunkPos is the chapter line and column of byte off of a chunk's code.
func chunkPos(c *worker.Chunk, off int) (int, int) {
	before := c.Code[:off]
	nl := strings.LastIndexByte(before, '\n')
	if nl < 0 {
		return c.Line, c.Col + off
	}
	return c.Line + strings.Count(before, "\n"), off - nl
}

// checkRedeclare refuses what the rule cannot give under both engines
// alike, naming the declaration's file:line:col: a type that replaces a
// declaration of another kind, or is replaced by one; a generic function
// or type declared again (the interpreter keeps the old one); a method
// declared again on the same type (the interpreter keeps the old method);
// and a fragment that declares a name again and also uses the declaration
// it replaces (the interpreter sees the new, zero, variable there:
// x := x + 1 gives 1).
func checkRedeclare(session []*goFragment, f *goFragment) error {
	fs := f.scope
	if !fs.ok {
		return nil
	}
	frags := append(append([]*goFragment(nil), session...), f)
	earlier := map[string]declSite{}
	methods := map[string]string{}
	for i, s := range session {
		for n, d := range s.scope.declared {
			earlier[n] = d
		}
		for _, m := range s.scope.methods {
			methods[methodKey(frags, i, m)] = m.pos
		}
	}
	// uses holds the names the fragment uses in their earlier meaning:
	// an identifier it leaves unresolved, or one that comes in a chunk
	// before the chunk declaring it, which the interpreter runs first.
	uses := map[string]string{}
	for _, r := range fs.refs {
		if (!r.own || r.line < fs.declared[r.name].chunk) && uses[r.name] == "" {
			uses[r.name] = r.pos
		}
	}
	var errs []string
	for _, n := range sortedNames(fs.declared) {
		d := fs.declared[n]
		old, ok := earlier[n]
		switch {
		case !ok:
		case isType(d.kind) != isType(old.kind):
			errs = append(errs, fmt.Sprintf("%s: %s redeclared: a type cannot replace or be replaced by a declaration of another kind in the session (the earlier %s %s is at %s); give the new declaration another name, or restart the session", d.pos, n, old.kind, n, old.pos))
		case strings.HasPrefix(d.kind, "generic") || strings.HasPrefix(old.kind, "generic"):
			errs = append(errs, fmt.Sprintf("%s: %s redeclared: a generic function or type cannot replace or be replaced by another declaration in the session (the earlier %s %s is at %s; the interpreter keeps the old one); give the new declaration another name, or restart the session", d.pos, n, old.kind, n, old.pos))
		case uses[n] != "":
			errs = append(errs, fmt.Sprintf("%s: %s redeclared, and the %s it replaces (declared at %s) used in the same fragment, at %s: the interpreter cannot tell them apart; assign with = or use another name", d.pos, n, n, old.pos, uses[n]))
		}
	}
	for _, m := range fs.methods {
		if old, ok := methods[methodKey(frags, len(session), m)]; ok {
			errs = append(errs, fmt.Sprintf("%s: method %s.%s redeclared (the earlier one is at %s): the methods of a type cannot be replaced in the session; declare the type again with them, or restart the session", m.pos, m.recv, m.name, old))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(errs, "\n"))
}

func isType(kind string) bool { return kind == "type" || kind == "generic type" }

// methodKey names a method of fragment i by its receiver's declaration:
// a method of a type declared again is a method of the new type.
func methodKey(frags []*goFragment, i int, m methodSite) string {
	v := -1
	for j := i; j >= 0; j-- {
		if _, ok := frags[j].scope.declared[m.recv]; ok {
			v = j
			break
		}
	}
	return fmt.Sprintf("%s@%d.%s", m.recv, v, m.name)
}

func sortedNames(m map[string]declSite) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// renamer gives each fragment of an assembled session the names its code
// must use. For the go engine, a declaration that a later fragment
// replaces, and the references to it, get a name of their own
// (greet_bookrt0, after the fragment's index), and the latest declaration
// keeps the name, so that messages about the fragment being run speak of
// the chapter's names. For the interpreter (interp), which binds functions,
// variables and constants as the rule says but cannot declare a type
// again, only types are renamed, the other way round: the first
// declaration keeps the name, the later ones are point_bookrt_v1,
// point_bookrt_v2, ... (the interpreter's %T never shows a type's name).
type renamer struct {
	frags  []*goFragment
	last   map[string]int // the last fragment that declares a name
	interp bool
}

func newRenamer(frags []*goFragment, interp bool) *renamer {
	r := &renamer{frags: frags, last: map[string]int{}, interp: interp}
	for i, f := range frags {
		for n := range f.scope.declared {
			r.last[n] = i
		}
	}
	return r
}

// name is what name n declared by fragment v is called.
func (r *renamer) name(n string, v int) string {
	if r.interp {
		k := 0
		for j := 0; j < v; j++ {
			if _, ok := r.frags[j].scope.declared[n]; ok {
				k++
			}
		}
		if k == 0 {
			return n
		}
		return fmt.Sprintf("%s_bookrt_v%d", n, k)
	}
	if r.last[n] == v {
		return n
	}
	return fmt.Sprintf("%s_bookrt%d", n, v)
}

// version is the fragment whose declaration of n fragment i's reference
// means, or -1 (a name no fragment declared).
func (r *renamer) version(i int, ref identRef) int {
	if ref.own {
		return i
	}
	for j := i - 1; j >= 0; j-- {
		if _, ok := r.frags[j].scope.declared[ref.name]; ok {
			return j
		}
	}
	return -1
}

// code returns fragment i's chunk as the assembled program holds it.
func (r *renamer) code(i int, stmt bool, chunk int) string {
	c := r.frags[i].decls
	if stmt {
		c = r.frags[i].stmts
	}
	return r.chunk(i, stmt, chunk, c[chunk]).Code
}

// chunk renames the identifiers of c, fragment i's declaration or
// statement chunk number n (its code as split, or after defineOnce, which
// keeps every offset). The byte ranges of compound statements follow.
func (r *renamer) chunk(i int, stmt bool, n int, c worker.Chunk) worker.Chunk {
	type edit struct {
		off      int
		from, to string
	}
	var edits []edit
	for _, ref := range r.frags[i].scope.refs {
		if ref.stmt != stmt || ref.chunk != n {
			continue
		}
		v := r.version(i, ref)
		if v < 0 || r.interp && !isType(r.frags[v].scope.declared[ref.name].kind) {
			continue
		}
		if to := r.name(ref.name, v); to != ref.name && strings.HasPrefix(c.Code[ref.off:], ref.name) {
			edits = append(edits, edit{ref.off, ref.name, to})
		}
	}
	sort.Slice(edits, func(a, b int) bool { return edits[a].off > edits[b].off })
	compound := append([][2]int(nil), c.Compound...)
	for _, e := range edits {
		c.Code = c.Code[:e.off] + e.to + c.Code[e.off+len(e.from):]
		d := len(e.to) - len(e.from)
		for k := range compound {
			if compound[k][0] > e.off {
				compound[k][0] += d
			}
			if compound[k][1] > e.off {
				compound[k][1] += d
			}
		}
	}
	c.Compound = compound
	return c
}

// FragmentNames reports the names a fragment's code declares at its top
// level (functions, types, variables with var or :=, constants: what a
// later fragment may use, and what the fragment replaces when an earlier
// one declared it) and the names its code uses without declaring them
// (an earlier fragment's, a predeclared one, an imported package's), each
// sorted; nil, nil when the code does not parse. A notebook marks stale
// the cells that use a name an edited cell declares.
func FragmentNames(code string) (declares, uses []string) {
	var decls, stmts []worker.Chunk
	for _, c := range worker.SplitFragment(code, 1) {
		switch c.Kind {
		case "decl":
			decls = append(decls, c)
		case "stmt":
			stmts = append(stmts, c)
		}
	}
	fs := scopeOf("", decls, stmts)
	if !fs.ok {
		return nil, nil
	}
	seen := map[string]declSite{}
	for _, r := range fs.refs {
		if !r.own {
			seen[r.name] = declSite{}
		}
	}
	return sortedNames(fs.declared), sortedNames(seen)
}
