package chapter

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failKindConsts reads the names and values of the FailKind constants
// declared in failkind.go.
func failKindConsts(t *testing.T) map[string]FailKind {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "failkind.go", nil, 0)
	require.NoError(t, err)
	consts := map[string]FailKind{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "FailKind" {
				continue
			}
			for i, name := range vs.Names {
				lit := vs.Values[i].(*ast.BasicLit)
				consts[name.Name] = FailKind(strings.Trim(lit.Value, `"`))
			}
		}
	}
	return consts
}

// TestFailKindsComplete: every FailKind constant is classified (expectable
// or not) and listed in FailKinds, and FailureKinds, the kinds fails=
// accepts, are the expectable ones.
func TestFailKindsComplete(t *testing.T) {
	consts := failKindConsts(t)
	require.NotEmpty(t, consts)
	for name, k := range consts {
		_, classified := expectable[k]
		assert.True(t, classified, "%s is not classified in expectable", name)
		assert.Contains(t, FailKinds, k, "%s is not listed in FailKinds", name)
	}
	assert.Len(t, FailKinds, len(consts), "FailKinds lists a kind that is no constant, or one twice")
	assert.Len(t, expectable, len(consts), "expectable classifies a kind that is no constant")
	var want []string
	for _, k := range FailKinds {
		if k.Expectable() {
			want = append(want, string(k))
		}
	}
	assert.Equal(t, want, FailureKinds)
	assert.Equal(t, []string{"compile", "panic", "fatal", "exit", "timeout", "race", "memory"}, FailureKinds,
		"the kinds a cell can expect changed: update runner/doc.go")
}

// TestFailKindsDocumented: the Failures section of the runner's package
// doc, the specification of record, lists every kind.
func TestFailKindsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../doc.go")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(doc), "\n# Failures\n")
	require.True(t, ok, "runner/doc.go has no Failures section")
	section, _, _ = strings.Cut(section, "\n# ")
	for _, k := range FailKinds {
		assert.Contains(t, section, "\n\t"+string(k)+" ", "runner/doc.go's Failures section does not list %s", k)
	}
}

// TestFailsAttributeAcceptsExpectable: the attribute parser accepts
// fails="KIND" for exactly the expectable kinds.
func TestFailsAttributeAcceptsExpectable(t *testing.T) {
	for _, k := range append(slices.Clone(FailKinds), "bogus", "") {
		info := fmt.Sprintf("{.go fails=%q", k)
		if k == FailRace {
			info += " .race"
		}
		info += "}"
		in, err := ParseInfo(info)
		require.NoError(t, err)
		c := &Cell{}
		err = c.setAttrs(info, in)
		if k.Expectable() {
			if assert.NoError(t, err, "fails=%q", k) {
				assert.Equal(t, k, c.Fails.Kind)
			}
		} else {
			assert.Error(t, err, "fails=%q must be refused", k)
		}
	}
}

// failKindPackages are the packages whose code sets FailKinds, relative to
// this directory.
var failKindPackages = []string{".", "..", "../internal/worker"}

// TestNoFailKindLiterals: no code of the runner gives a FailKind the value
// of a string literal ("timeout"), in an assignment, a comparison, a case
// or a return; it names the constant. The empty literal, the zero value
// (the run ended normally), is allowed. The packages are
// type-checked (against the export data go list -export provides for their
// imports), and every string literal whose type is FailKind outside the
// constants' declaration is reported.
func TestNoFailKindLiterals(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the runner with go list -export")
	}
	exports := exportData(t)
	for _, dir := range failKindPackages {
		for _, bad := range failKindLiterals(t, dir, exports) {
			t.Errorf("%s: a FailKind from a string literal: use the constant", bad)
		}
	}
}

// TestNoFailKindLiteralsFails: the check finds a literal where there is
// one.
func TestNoFailKindLiteralsFails(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks with go list -export")
	}
	dir := t.TempDir()
	data, err := os.ReadFile("failkind.go")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "failkind.go"), data, 0o644))
	src := "package chapter\n\ntype R struct{ K FailKind }\n\nfunc f(r *R) {\n\tr.K = \"timeout\"\n\tif r.K == FailPanic || r.K == \"panic\" || r.K == \"\" {\n\t}\n}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.go"), []byte(src), 0o644))
	bad := failKindLiterals(t, dir, exportData(t))
	assert.Len(t, bad, 2, "%v", bad)
}

// exportData maps the import paths the runner depends on to their export
// data files.
func exportData(t *testing.T) map[string]string {
	args := []string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}
	out, err := exec.Command("go", append(args, failKindPackages...)...).Output()
	require.NoError(t, err, "go list -export")
	m := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(l, "\t"); ok && file != "" {
			m[path] = file
		}
	}
	return m
}

// failKindLiterals type-checks the non-test files of the package in dir
// and returns the positions of string literals of type FailKind outside
// the const declarations of failkind.go.
func failKindLiterals(t *testing.T, dir string, exports map[string]string) []string {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, name); err != nil || !ok {
			continue // another build's (timing_race.go)
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		require.NoError(t, err)
		files = append(files, f)
	}
	require.NotEmpty(t, files, "no Go files in %s", dir)
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: imp}
	_, err = conf.Check("p", fset, files, info)
	require.NoError(t, err, "type-checking %s", dir)
	var bad []string
	for _, f := range files {
		inConsts := filepath.Base(fset.Position(f.Pos()).Filename) == "failkind.go"
		ast.Inspect(f, func(n ast.Node) bool {
			if g, ok := n.(*ast.GenDecl); ok && g.Tok == token.CONST && inConsts {
				return false
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || lit.Value == `""` {
				return true // "" is the zero FailKind: the run ended normally
			}
			if named, ok := info.Types[lit].Type.(*types.Named); ok && named.Obj().Name() == "FailKind" {
				bad = append(bad, fset.Position(lit.Pos()).String())
			}
			return true
		})
	}
	return bad
}
