package chapter

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A program of several files: a file cell ({.go title="site.go"
// name="io-site" .file}) is a source file of package main without func
// main, shown once; a program names the file cells it is built with
// ({.go title="pool.go" with="io-site"}), and is compiled as one package
// of its own source and those files. See the package runner's
// documentation ("Programs of several files").

// fileOnlyAttrs are the attributes a file cell refuses: they are about
// running, and a file cell does not run on its own.
var fileOnlyAttrs = []string{"norun", "unchecked", "fails", "timeout", "engine", "race", "with"}

// checkFiles checks the file cells and the with= lists of the chapter,
// once every cell is known, and resolves each program's Uses. A problem
// makes the cell at fault invalid: it fails with the error, and the
// other cells still run.
func (p *parseState) checkFiles() {
	bad := func(c *Cell, format string, args ...any) {
		if c.Invalid != nil {
			return
		}
		c.Invalid = &Error{Path: p.ch.Path, Line: c.Line, Msg: fmt.Sprintf(format, args...), Cell: c}
		p.errs = append(p.errs, c.Invalid)
	}
	titles := map[string]*Cell{}
	used := map[string]bool{}
	for _, c := range p.ch.Cells {
		for _, n := range c.With {
			used[n] = true
		}
		if !c.File {
			continue
		}
		if msg := fileProblem(c); msg != "" {
			bad(c, "file cell: %s", msg)
		}
		if prev := titles[c.Title]; prev != nil && c.Title != "" {
			bad(c, "file cell: title %q already used by the file cell %s at line %d: each file of a program needs its own name", c.Title, prev.Name, prev.Line)
		} else if c.Title != "" {
			titles[c.Title] = c
		}
	}
	for _, c := range p.ch.Cells {
		if c.Test {
			if msg := testProblem(c); msg != "" {
				bad(c, "test cell: %s", msg)
			}
		}
	}
	for _, c := range p.ch.Cells {
		if c.File && !used[c.Name] {
			bad(c, "file cell %s: no program names it in with=; add with=%q to the programs built with it, or drop .file", c.Name, c.Name)
		}
		if len(c.With) > 0 && !c.File {
			if msg := p.resolveWith(c); msg != "" {
				bad(c, "%s", msg)
				c.Uses = nil
			}
		}
	}
}

// fileProblem says what is wrong with a file cell on its own, or "".
func fileProblem(c *Cell) string {
	for _, a := range c.Attrs {
		for _, k := range fileOnlyAttrs {
			if a.Key == k {
				if k == "with" {
					return "with= on a file cell: only a program names files (a file cell cannot use another, so files never form a cycle); put with= on the programs"
				}
				return fmt.Sprintf("attribute %s: a file cell does not run on its own; put it on the programs built with it", attrSpelling(k, a.Flag))
			}
		}
	}
	if c.Title == "" || !strings.HasSuffix(c.Title, ".go") || strings.ContainsAny(c.Title, "/\\ ") {
		return fmt.Sprintf("title=%q: a file cell needs title=\"NAME.go\", the name of its file", c.Title)
	}
	if why := ignoredName(c.Title); why != "" {
		return fmt.Sprintf("title=%q: go build leaves out a file so named (%s)", c.Title, why)
	}
	if !c.Program {
		return "a file cell is a Go source file: it starts with package main"
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", c.Code, parser.SkipObjectResolution)
	if err != nil {
		return "" // the compiler reports it, in the programs built with it
	}
	if f.Name.Name != "main" {
		return fmt.Sprintf("package %s: a file cell belongs to the programs that use it, package main", f.Name.Name)
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return "a file cell has no func main: the program built with it has its own"
		}
	}
	return ""
}

// testProblem says what is wrong with a test cell on its own, or "": its
// title must name a test file go test reads, and it must be a file of
// package main (the package of the chapter's programs and file cells).
func testProblem(c *Cell) string {
	if strings.ContainsAny(c.Title, "/\\ ") {
		return fmt.Sprintf("title=%q: a test cell's title is the name of its file, NAME_test.go", c.Title)
	}
	if why := ignoredName(strings.TrimSuffix(c.Title, "_test.go") + ".go"); why != "" {
		return fmt.Sprintf("title=%q: go test leaves out a file so named (%s)", c.Title, why)
	}
	if !c.Program {
		return "a test cell is a test file: it starts with package main"
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", c.Code, parser.PackageClauseOnly)
	if err == nil && f.Name.Name != "main" {
		return fmt.Sprintf("package %s: a test cell is a test file of package main, the package of the chapter's programs", f.Name.Name)
	}
	return ""
}

// resolveWith sets the Uses of program c from its with= list, or says
// what is wrong with it.
func (p *parseState) resolveWith(c *Cell) string {
	if !c.Program {
		return "with= on a fragment: only a complete program (package main) is built with file cells"
	}
	names := map[string]string{c.FileName(): c.Name}
	seen := map[string]bool{}
	for _, n := range c.With {
		f := p.ch.Cell(n)
		switch {
		case seen[n]:
			return fmt.Sprintf("with=: %q named twice", n)
		case f == nil:
			return fmt.Sprintf("with=: no cell named %q%s", n, p.nearestFile(n))
		case !f.File:
			return fmt.Sprintf("with=: cell %s (line %d) is not a file cell: mark it .file", n, f.Line)
		case f.Invalid != nil:
			return fmt.Sprintf("with=: the file cell %s (line %d) is invalid: %s", n, f.Line, f.Invalid.Msg)
		case names[f.Title] != "":
			return fmt.Sprintf("with=: two files named %s (%s and %s): each file of a program needs its own name", f.Title, names[f.Title], n)
		}
		seen[n] = true
		names[f.Title] = n
		c.Uses = append(c.Uses, f)
	}
	return ""
}

// nearestFile suggests the file cell whose name is nearest to n.
func (p *parseState) nearestFile(n string) string {
	best, bestD := "", 3
	var all []string
	for _, c := range p.ch.Cells {
		if !c.File {
			continue
		}
		all = append(all, c.Name)
		if d := editDistance(n, c.Name); d < bestD {
			best, bestD = c.Name, d
		}
	}
	switch {
	case best != "":
		return fmt.Sprintf(": did you mean %s?", best)
	case len(all) > 0:
		return fmt.Sprintf(" (file cells: %s)", strings.Join(all, ", "))
	}
	return " (the chapter has no file cells, {.go title=\"NAME.go\" name=\"...\" .file})"
}

// FileName is the name of a program's own file: for a test cell its
// title; for a program built with file cells its title, when that is a
// .go file name go build reads; else main.go.
func (c *Cell) FileName() string {
	if c.Test {
		return c.Title
	}
	if len(c.With) > 0 && strings.HasSuffix(c.Title, ".go") && !strings.ContainsAny(c.Title, "/\\ ") && ignoredName(c.Title) == "" {
		return c.Title
	}
	return "main.go"
}

// The operating systems and architectures that a file name's suffix
// restricts a file to (go/build's lists; go tool dist list).
var (
	knownOS   = strings.Fields("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos")
	knownArch = strings.Fields("386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm")
)

// ignoredName says why go build would leave a .go file of this name out
// of a package on some machine, or "".
func ignoredName(name string) string {
	base := strings.TrimSuffix(name, ".go")
	switch {
	case strings.HasPrefix(name, "_") || strings.HasPrefix(name, "."):
		return "it starts with _ or ."
	case strings.HasSuffix(base, "_test"):
		return "a _test.go file is a test"
	}
	parts := strings.Split(base, "_")
	if n := len(parts); n > 1 {
		last := parts[n-1]
		if slices.Contains(knownOS, last) || slices.Contains(knownArch, last) {
			return "the suffix _" + last + " restricts it to one system or architecture"
		}
	}
	return ""
}

// A Source is one file of a program.
type Source struct {
	Name string // the file name: a file cell's title, the program's FileName
	Code string
	Line int   // the chapter's line of its first line
	Cell *Cell // the cell it comes from
}

// Sources are the files a program is built from, sorted by name as go
// build sorts a package's files: its own and those of the file cells it
// uses.
func (c *Cell) Sources() []Source {
	srcs := []Source{{Name: c.FileName(), Code: c.Code, Line: c.CodeLine, Cell: c}}
	for _, f := range c.Uses {
		srcs = append(srcs, Source{Name: f.Title, Code: f.Code, Line: f.CodeLine, Cell: f})
	}
	sort.SliceStable(srcs, func(i, j int) bool { return srcs[i].Name < srcs[j].Name })
	return srcs
}

// A merged file: the import specs of every file, each once, and each
// file's text without its package clause and imports.
type merged struct {
	imports []mergedImport
	bodies  []string // each file's text, package clause and imports blanked
}

type mergedImport struct {
	name, path string
	src        Source
	line, col  int // of the spec in its file
}

// ErrImportClash is the error of Concat and Program for files that import
// different packages under one name, which one file cannot do.
var ErrImportClash = errors.New("the files cannot be read as one file")

// merge reads the files of a program. Two files that import different
// packages under one name cannot become one file: that is an error.
func merge(srcs []Source) (*merged, error) {
	m := &merged{}
	byName := map[string]mergedImport{}
	seen := map[string]bool{}
	for _, s := range srcs {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, s.Name, s.Code, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", s.Name, err)
		}
		body := []byte(s.Code)
		blank := func(from, to token.Pos) {
			for i := fset.Position(from).Offset; i < fset.Position(to).Offset; i++ {
				if body[i] != '\n' {
					body[i] = ' '
				}
			}
		}
		blank(f.Package, f.Name.End())
		for _, d := range f.Decls {
			blank(d.Pos(), d.End())
		}
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			name := ""
			if spec.Name != nil {
				name = spec.Name.Name
			}
			key := name
			if key == "" {
				key = path[strings.LastIndexByte(path, '/')+1:]
			}
			pos := fset.Position(spec.Pos())
			im := mergedImport{name: name, path: path, src: s, line: pos.Line, col: pos.Column}
			if seen[name+" "+path] {
				continue
			}
			if prev, ok := byName[key]; ok && key != "_" && key != "." && prev.path != path {
				return nil, fmt.Errorf("%s imports %q and %s imports %q, both as %s: %w", prev.src.Name, prev.path, s.Name, path, key, ErrImportClash)
			}
			seen[name+" "+path] = true
			byName[key] = im
			m.imports = append(m.imports, im)
		}
		m.bodies = append(m.bodies, string(body))
	}
	return m, nil
}

// Concat makes one Go file of a program's files, for the interpreter: the
// imports of every file, each once, then each file with its package
// clause and imports blanked out, so that every token stays at its line
// and column, which //line directives map to the chapter (path). A
// compile error in a file names the file's own line in the chapter.
func Concat(path string, srcs []Source) (string, error) {
	m, err := merge(srcs)
	if err != nil {
		return "", err
	}
	path = strings.ReplaceAll(path, "\n", "")
	var b strings.Builder
	fmt.Fprintf(&b, "//line %s:%d:1\npackage main\n", path, srcs[0].Line)
	for _, im := range m.imports {
		// A /*line*/ directive puts the spec at its own place.
		spec := fmt.Sprintf("%q", im.path)
		if im.name != "" {
			spec = im.name + " " + spec
		}
		fmt.Fprintf(&b, "import /*line %s:%d:%d*/%s\n", path, im.src.Line+im.line-1, im.col, spec)
	}
	for i, s := range srcs {
		fmt.Fprintf(&b, "\n//line %s:%d:1\n%s", path, s.Line, m.bodies[i])
	}
	return b.String(), nil
}

// Program is what a reader copies to run a program of several files: one
// file that go run builds, the imports of every file, each once, then each
// file's declarations under a comment with its name, formatted by gofmt.
func Program(srcs []Source) (string, error) {
	m, err := merge(srcs)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	b.WriteString("package main\n\nimport (\n")
	for _, im := range m.imports {
		if im.name != "" {
			b.WriteString(im.name + " ")
		}
		fmt.Fprintf(&b, "%q\n", im.path)
	}
	b.WriteString(")\n")
	for i, s := range srcs {
		fmt.Fprintf(&b, "\n// %s\n\n%s\n", s.Name, strings.TrimSpace(m.bodies[i]))
	}
	out, err := format.Source(b.Bytes())
	if err != nil {
		return "", err
	}
	return string(out), nil
}
