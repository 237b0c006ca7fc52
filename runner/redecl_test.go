package runner

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRedeclareChapters runs the chapters of the redeclaration rule
// (runner/doc.go, Complete programs and fragments) under each engine: the
// golden outputs are the toolchain's, and the refused cells fail alike.
func TestRedeclareChapters(t *testing.T) {
	engines := []string{"yaegi", "go"}
	if !testing.Short() {
		engines = append(engines, "both")
	}
	for _, file := range []string{"testdata/redecl/redecl.md", "testdata/redecl/refused.md"} {
		for _, engine := range engines {
			t.Run(engine+"/"+file[len("testdata/redecl/"):], func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				rep, err := RunChapter(ctx, file, &Options{Engine: engine})
				require.NoError(t, err)
				require.Empty(t, rep.Errors)
				for _, r := range rep.Results {
					assert.Equal(t, chapter.Pass, r.Status, "cell %s under %s: %s %v", r.Cell, engine, r.Error, r.Problems)
				}
			})
		}
	}
}

// frag builds the go engine's view of a fragment, as fragment() does.
func frag(t *testing.T, e *goEngine, code string, line int) (*goFragment, error) {
	t.Helper()
	return e.fragment(&chapter.Cell{Code: code, CodeLine: line, Line: line - 1})
}

func TestRenamedSession(t *testing.T) {
	e := &goEngine{ch: &chapter.Chapter{Path: "x.md"}, nonce: "n"}
	for i, code := range []string{
		"import \"fmt\"\nfunc greet() string { return \"a\" }\nfunc caller() string { return greet() }\nx := 1\nf := func() int { return x }\nm := map[int]string{x: \"a\"}\n",
		"func greet() int { return 2 }\nx := \"s\"\nfmt.Println(greet(), caller(), x, f(), T{greet: 1})\n",
	} {
		f, err := frag(t, e, code, 10*i+2)
		require.NoError(t, err)
		if i == 0 {
			e.session = append(e.session, f)
			continue
		}
		src := e.assemble(f, nil)
		assert.Contains(t, src, "func greet_bookrt0() string { return \"a\" }")
		assert.Contains(t, src, "func caller() string { return greet_bookrt0() }")
		assert.Contains(t, src, "x_bookrt0 := 1\nf := func() int { return x_bookrt0 }")
		assert.Contains(t, src, "func greet() int { return 2 }")
		assert.Contains(t, src, "x := \"s\"\nfmt.Println(greet(), caller(), x, f(), T{greet: 1})", "the latest declarations keep their names; composite literal keys are left alone")
		assert.Contains(t, src, "_ = x_bookrt0\n_ = f\n_ = m\n_ = x\n")
		assert.Contains(t, src, "m := map[int]string{x_bookrt0: \"a\"}", "the keys of a map literal are expressions")
	}
}

func TestRedeclareRefused(t *testing.T) {
	for _, tc := range []struct{ first, second, want string }{
		{"type T[P any] int", "type T int", "x.md:12:6: T redeclared: a generic function or type cannot"},
		{"type T int", "T := 1", "x.md:12:1: T redeclared: a type cannot replace or be replaced by a declaration of another kind"},
		{"var T = 1", "type T int", "x.md:12:6: T redeclared: a type"},
		{"type T int\nfunc (T) M() {}", "func (t *T) M() {}", "x.md:12:13: method T.M redeclared (the earlier one is at x.md:3:10)"},
		{"func g[T any](v T) T { return v }", "func g(v int) int { return v }", "x.md:12:6: g redeclared: a generic function or type cannot replace"},
		{"func g(v int) int { return v }", "func g[T any](v T) T { return v }", "x.md:12:6: g redeclared: a generic function or type"},
		{"x := 1", "x := x + 1", "x.md:12:1: x redeclared, and the x it replaces (declared at x.md:2:1) used in the same fragment, at x.md:12:6:"},
		{"x := 1", "println(x)\nvar x = 2", "x.md:13:5: x redeclared, and the x it replaces (declared at x.md:2:1) used in the same fragment, at x.md:12:9:"},
		{"func f() {}", "g := func() { f() }\nf := 2", "x.md:13:1: f redeclared, and the f it replaces (declared at x.md:2:6) used in the same fragment, at x.md:12:15:"},
	} {
		e := &goEngine{ch: &chapter.Chapter{Path: "x.md"}, nonce: "n"}
		f, err := frag(t, e, tc.first, 2)
		require.NoError(t, err, tc.first)
		e.session = append(e.session, f)
		_, err = frag(t, e, tc.second, 12)
		if assert.Error(t, err, "%q after %q", tc.second, tc.first) {
			assert.True(t, strings.HasPrefix(err.Error(), tc.want), "%q after %q: %v", tc.second, tc.first, err)
		}
	}
	// Allowed: a new method, a func or var of another type, x := x + 1
	// in the fragment that declared x, a local variable of the old name.
	e := &goEngine{ch: &chapter.Chapter{Path: "x.md"}, nonce: "n"}
	f, err := frag(t, e, "type T int\nfunc (T) M() {}\nfunc f() {}\nx := 1", 2)
	require.NoError(t, err)
	e.session = append(e.session, f)
	for _, ok := range []string{"func (T) N() {}", "type T string\nfunc (T) M() {}", "var f = 3", "y := 1\ny := y + 1", "func g() { x := 2; _ = x }"} {
		_, err := frag(t, e, ok, 12)
		assert.NoError(t, err, ok)
	}
}

// TestRenamedTypes: under the go engine a type declared again renames the
// earlier one, as a function does; in the pieces the interpreter gets,
// the types alone are renamed, from their second declaration on.
func TestRenamedTypes(t *testing.T) {
	e := &goEngine{ch: &chapter.Chapter{Path: "x.md"}, nonce: "n"}
	f, err := frag(t, e, "type P struct{ A int }\nfunc g() int { return 1 }\nv := P{1}\n", 2)
	require.NoError(t, err)
	e.session = append(e.session, f)
	c := &chapter.Cell{Code: "type P struct{ A, B int }\nfunc (p P) M() {}\nfunc g() int { return 2 }\nw := P{1, 2}\nfor i := 0; i < g(); i++ { _ = P{i, i} }\n", CodeLine: 12, Line: 11}
	f, err = e.fragment(c)
	require.NoError(t, err)
	src := e.assemble(f, nil)
	for _, want := range []string{
		"type P_bookrt0 struct{ A int }\nfunc g_bookrt0() int { return 1 }",
		"v := P_bookrt0{1}",
		"type P struct{ A, B int }\nfunc (p P) M() {}\nfunc g() int { return 2 }",
		"w := P{1, 2}\nfor i := 0; i < g(); i++ { _ = P{i, i} }",
	} {
		assert.Contains(t, src, want)
	}
	tc := &typeChecker{asm: e, pending: f}
	pieces := tc.chunks(c)
	require.Len(t, pieces, 2)
	assert.Equal(t, "type P_bookrt_v1 struct{ A, B int }\nfunc (p P_bookrt_v1) M() {}\nfunc g() int { return 2 }", pieces[0].Code)
	stmts := pieces[1]
	assert.Equal(t, "w := P_bookrt_v1{1, 2}\nfor i := 0; i < g(); i++ { _ = P_bookrt_v1{i, i} }", stmts.Code)
	require.Len(t, stmts.Compound, 1)
	assert.Equal(t, "for i := 0; i < g(); i++ { _ = P_bookrt_v1{i, i} }", stmts.Code[stmts.Compound[0][0]:stmts.Compound[0][1]], "the compound statement's range follows the renaming")
}

func TestFragmentNames(t *testing.T) {
	declares, uses := FragmentNames("import \"fmt\"\n\ntype P struct{ A int }\n\nfunc (p P) Sum() int { return p.A + base }\n\nfunc greet() string { return prefix + \"hi\" }\n\nx, err := 1, error(nil)\nfor i := 0; i < x; i++ {\n\tfmt.Println(greet(), P{A: i}, err)\n}\n")
	assert.Equal(t, []string{"P", "err", "greet", "x"}, declares)
	assert.Equal(t, []string{"base", "error", "fmt", "int", "nil", "prefix", "string"}, uses)
	declares, uses = FragmentNames("x := (")
	assert.Nil(t, declares)
	assert.Nil(t, uses)
}
