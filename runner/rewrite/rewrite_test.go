package rewrite

import (
	"errors"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// main wraps statements into a program for File.
func main(body string) string {
	return "package main\n\nfunc main() {\n" + body + "\n}\n"
}

// printed is main with the print package imported on the package line.
func printed(body string) string {
	return strings.Replace(main(body), "package main", "package main; "+RuntimeImport, 1)
}

var rewriteTests = []struct {
	name, in, want string
}{
	{
		"println operands go through typed temporaries",
		main("\tprintln(\"x\", f(), 1.5)"),
		printed("\t{ _pa1, _pa2, _pa3 := \"x\", f(), 1.5; _bookrt.Println(&_pa1, &_pa2, &_pa3) }"),
	},
	{
		"named results start at zero at every call",
		"package main\n\nfunc g() (n int, _ bool) {\n\treturn\n}\n",
		"package main\n\nfunc g() (n int, _ bool) { n = *new(int);\n\treturn\n}\n",
	},
	{
		"tuple assignment evaluates its right-hand side first",
		main("\tx[1], y[0] = at(0), at(1)"),
		main("\t{ _at1, _at2 := at(0), at(1); x[1], y[0] = _at1, _at2 }"),
	},
	{
		"tuple assignment evaluates index operands first, constants stay",
		main("\ti, x[i] = 1, f()"),
		main("\t{ _ai1 := i; _at2 := f(); i, x[_ai1] = 1, _at2 }"),
	},
	{
		"range over a string literal decodes as gc",
		main("\tfor i, r := range \"\\xca\\xfe\" {\n\t\tuse(i, r)\n\t}"),
		printed("\tfor _, _ro1 := range _bookrt.RangeString(\"\\xca\\xfe\") { i := _ro1.Off; r := _ro1.Rune;\n\t\tuse(i, r)\n\t}"),
	},
	{
		"range over a string parameter, index only",
		"package main\n\nfunc f(s string) {\n\tfor i := range s {\n\t\tuse(i)\n\t}\n}\n",
		"package main; " + RuntimeImport + "\n\nfunc f(s string) {\n\tfor _, _ro1 := range _bookrt.RangeString(s) { i := _ro1.Off;\n\t\tuse(i)\n\t}\n}\n",
	},
	{
		"print without operands",
		main("\tprint()"),
		printed("\t_bookrt.Print()"),
	},
	{
		"deferred println evaluates at the defer",
		main("\tdefer println(x)"),
		printed("\t{ _pa1 := x; defer _bookrt.Println(&_pa1) }"),
	},
	{
		"println keeps lines of its operands",
		main("\tprintln(\n\t\ta,\n\t\tb,\n\t)"),
		printed("\t{ _pa1, _pa2 :=\n a,\n\t\tb; _bookrt.Println(&_pa1, &_pa2)\n }"),
	},
	{
		"println of a local multi-value call",
		"package main\n\nfunc two() (int, string) { return 1, \"\" }\n\nfunc main() { println(two()) }\n",
		"package main; " + RuntimeImport + "\n\nfunc two() (int, string) { return 1, \"\" }\n\nfunc main() { { _pa1, _pa2 := two(); _bookrt.Println(&_pa1, &_pa2) } }\n",
	},
	{
		"range loop var captured by goroutine",
		main("\tfor _, v := range xs {\n\t\tgo func() { use(v) }()\n\t}"),
		main("\tfor _, v := range xs { v := v;\n\t\tgo func() { use(v) }()\n\t}"),
	},
	{
		"range loop var not captured is left alone",
		main("\tfor _, v := range xs {\n\t\tuse(v)\n\t}"),
		main("\tfor _, v := range xs {\n\t\tuse(v)\n\t}"),
	},
	{
		"range loop var with address taken",
		main("\tfor i, v := range xs {\n\t\tps = append(ps, &v)\n\t\tuse(i)\n\t}"),
		main("\tfor i, v := range xs { v := v;\n\t\tps = append(ps, &v)\n\t\tuse(i)\n\t}"),
	},
	{
		"user's own copy is kept",
		main("\tfor _, v := range xs {\n\t\tv := v\n\t\tgo func() { use(v) }()\n\t}"),
		main("\tfor _, v := range xs {\n\t\tv := v\n\t\tgo func() { use(v) }()\n\t}"),
	},
	{
		"three-clause loop var renamed with copy back",
		main("\tfor i := 0; i < 3; i++ {\n\t\tgo func() { use(i) }()\n\t}"),
		main("\tfor _lv1 := 0; _lv1 < 3; _lv1++ { i := _lv1;\n\t\tgo func() { use(i) }()\n\t; _lv1 = i }"),
	},
	{
		"continue copies back",
		main("\tfor i := 0; i < 3; i++ {\n\t\tf := func() int { return i }\n\t\tif i == 1 {\n\t\t\tcontinue\n\t\t}\n\t\tuse(f)\n\t}"),
		main("\tfor _lv1 := 0; _lv1 < 3; _lv1++ { i := _lv1;\n\t\tf := func() int { return i }\n\t\tif i == 1 {\n\t\t\t{ _lv1 = i; continue }\n\t\t}\n\t\tuse(f)\n\t; _lv1 = i }"),
	},
	{
		"func literal passed to a call in a loop is wrapped",
		main("\tfor i := range xs {\n\t\twg.Go(func() { use(i) })\n\t}"),
		main("\tfor i := range xs { i := i;\n\t\twg.Go(func() func() { return func() { use(i) } }())\n\t}"),
	},
	{
		"func literal with results keeps its type",
		main("\tfor _, u := range us {\n\t\tg.Go(func() error { return get(u) })\n\t}"),
		main("\tfor _, u := range us { u := u;\n\t\tg.Go(func() func() error { return func() error { return get(u) } }())\n\t}"),
	},
	{
		"func literal outside loops is not wrapped",
		main("\tx := 1\n\twg.Go(func() { use(x) })"),
		main("\tx := 1\n\twg.Go(func() { use(x) })"),
	},
	{
		"range over int literal",
		main("\tfor i := range 3 {\n\t\tuse(i)\n\t}"),
		main("\tfor _rn1, _ri2 := 3, (3)-(3); _ri2 < _rn1; _ri2++ { i := _ri2;\n\t\tuse(i)\n\t}"),
	},
	{
		"range over int without key, labeled",
		main("\tn := 2\nL:\n\tfor range n {\n\t\tbreak L\n\t}"),
		main("\tn := 2\nL:\n\tfor _rn1, _ri2 := n, (n)-(n); _ri2 < _rn1; _ri2++ {\n\t\tbreak L\n\t}"),
	},
	{
		"range over int of a call is evaluated once",
		main("\tfor i := range int(f()) {\n\t\tuse(i)\n\t}"),
		main("\t{ _rn1 := int(f()); for _ri2 := _rn1 - _rn1; _ri2 < _rn1; _ri2++ { i := _ri2;\n\t\tuse(i)\n\t} }"),
	},
	{
		"range over a slice of channels becomes an index loop",
		"package main\n\nfunc merge(cs ...<-chan int) {\n\tfor _, c := range cs {\n\t\tuse(c)\n\t}\n}\n",
		"package main\n\nfunc merge(cs ...<-chan int) {\n\tfor _ri1 := 0; _ri1 < len(cs); _ri1++ { c := cs[_ri1];\n\t\tuse(c)\n\t}\n}\n",
	},
	{
		"deferred arguments hoisted",
		main("\tx := 1\n\tdefer fmt.Println(\"x\", x, time.Since(t))\n\tx = 2"),
		main("\tx := 1\n\t{ _d1 := x; _d2 := time.Since(t); defer fmt.Println(\"x\", _d1, _d2) }\n\tx = 2"),
	},
	{
		"defer without arguments untouched",
		main("\tdefer mu.Unlock()\n\tdefer func() { recover() }()\n\tdefer trace(\"x\")()"),
		main("\tdefer mu.Unlock()\n\tdefer func() { recover() }()\n\tdefer trace(\"x\")()"),
	},
	{
		"labeled break and continue in select",
		main("L:\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\t\tcontinue L\n\t\tcase <-b:\n\t\t\tbreak L\n\t\t}\n\t}"),
		main("L:\n\tfor {\n\t\tselect {\n\t\tcase <-a:\n\t\t\tif true { continue L }\n\t\tcase <-b:\n\t\t\tif true { break L }\n\t\t}\n\t}"),
	},
	{
		"min and max statements",
		main("\tlo := min(a, b)\n\thi := max(1, a, b)\n\tbest = min(best, v)\n\tc := min(2, 1)\n\tuse(lo, hi, c)"),
		main("\tlo := a; if b < lo { lo = b }\n\thi := a; if 1 > hi { hi = 1 }; if b > hi { hi = b }\n\tif v < best { best = v }\n\tc := (1)\n\tuse(lo, hi, c)"),
	},
	{
		"clear statement",
		main("\tclear(m)"),
		main("\tfor _ck1 := range m { delete(m, _ck1) }"),
	},
}

func TestFile(t *testing.T) {
	for _, tt := range rewriteTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := File([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			assertLinesKept(t, tt.in, string(got))
		})
	}
}

// identLines returns, per line, the identifiers on it, in order.
func identLines(src string) map[int][]string {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(f, []byte(src), nil, scanner.ScanComments)
	lines := map[int][]string{}
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return lines
		}
		if tok == token.IDENT {
			line := fset.Position(pos).Line
			lines[line] = append(lines[line], lit)
		}
	}
}

// assertLinesKept checks that the output has as many lines as the input and
// that every identifier of an input line is still on that line (as a
// multiset: the rewrite may reorder within a line), except the builtins and
// blank identifiers the rewrite replaces.
func assertLinesKept(t checker, in, out string) {
	t.Helper()
	if !assert.Equal(t, strings.Count(in, "\n"), strings.Count(out, "\n"), "line count changed") {
		return
	}
	inLines, outLines := identLines(in), identLines(out)
	for line, ids := range inLines {
		have := map[string]int{}
		for _, id := range outLines[line] {
			have[id]++
		}
		wildcards := 0 // hidden names stand for the variables they rename
		for id, n := range have {
			if hidden.MatchString(id) {
				wildcards += n
			}
		}
		for _, id := range ids {
			if replaced[id] {
				continue
			}
			if have[id] == 0 && wildcards > 0 {
				wildcards--
				continue
			}
			if have[id] == 0 {
				t.Errorf("line %d: identifier %s of %v missing from %v", line, id, ids, outLines[line])
				break
			}
			have[id]--
		}
	}
}

// replaced are the identifiers a rewrite may remove from a line.
var replaced = map[string]bool{"min": true, "max": true, "clear": true, "print": true, "println": true, "_": true}

// hidden matches the names the rewrite introduces.
var hidden = regexp.MustCompile(`^_[a-z]+[0-9]+$`)

func TestLinesKeptCorpus(t *testing.T) {
	progs, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.go"))
	require.NoError(t, err)
	rewritten := 0
	for _, p := range progs {
		src, err := os.ReadFile(p)
		require.NoError(t, err)
		out, err := File(src)
		var ref *Refusal
		if errors.As(err, &ref) {
			continue
		}
		require.NoError(t, err, p)
		if string(out) != string(src) {
			rewritten++
		}
		t.Run(filepath.Base(p), func(t *testing.T) { assertLinesKept(t, string(src), string(out)) })
	}
	assert.Greater(t, rewritten, 30, "most corpus programs need a rewrite")
}

type checker interface {
	Helper()
	Errorf(format string, args ...any)
}

// recorder is a checker that remembers whether a check failed.
type recorder struct{ failed bool }

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }

func TestAssertLinesKeptFails(t *testing.T) {
	// The line check must catch an inserted newline, a moved identifier and
	// a lost one, and accept insertions within a line.
	for _, bad := range []string{"a\nb\n\nc\n", "b\na\nc\n", "a\n\nc\n"} {
		var rec recorder
		assertLinesKept(&rec, "a\nb\nc\n", bad)
		assert.True(t, rec.failed, "not caught: %q", bad)
	}
	var rec recorder
	assertLinesKept(&rec, "a\nb\nc\n", "x a\nb y\nc\n")
	assert.False(t, rec.failed)
}

var refusalTests = []struct {
	name, in  string
	construct string
	line, col int
}{
	{"range over func", main("\tfor v := range func(yield func(int) bool) {} {\n\t\tuse(v)\n\t}"), "range over func", 4, 17},
	{"iterator function", "package main\n\nfunc seq(yield func(int) bool) {}\n\nfunc main() {\n\tfor v := range seq {\n\t\tuse(v)\n\t}\n}\n", "range over func", 6, 17},
	{"iter package", "package main\n\nimport \"iter\"\n\nvar _ iter.Seq[int]\n", "package iter", 3, 8},
	{"strings.Lines", "package main\n\nimport \"strings\"\n\nvar _ = strings.Lines(\"\")\n", "strings.Lines", 5, 9},
	{"sync.OnceValue", "package main\n\nimport \"sync\"\n\nvar _ = sync.OnceValue(f)\n", "sync.OnceValue", 5, 9},
	{"atomic.Pointer", "package main\n\nimport \"sync/atomic\"\n\nvar p atomic.Pointer[int]\n", "sync/atomic.Pointer", 5, 7},
	{"slices.Sort", "package main\n\nimport \"slices\"\n\nfunc main() { slices.Sort(s) }\n", "slices.Sort", 5, 15},
	{"NumGoroutine", "package main\n\nimport \"runtime\"\n\nvar n = runtime.NumGoroutine()\n", "runtime.NumGoroutine", 5, 9},
	{"errors.As local type", "package main\n\nimport \"errors\"\n\ntype E struct{}\n\nfunc (E) Error() string { return \"\" }\n\nfunc main() {\n\tvar e *E\n\t_ = errors.As(err, &e)\n}\n", "errors.As with an interpreted error type", 11, 6},
	{"method expression", "package main\n\ntype T struct{}\n\nfunc (T) M() {}\n\nvar f = T.M\n", "method expression T.M", 7, 9},
	{"pointer method expression", "package main\n\ntype T struct{}\n\nfunc (*T) M() {}\n\nvar f = (*T).M\n", "method expression (*T).M", 7, 9},
	{"println as a value", main("\tuse(println(\"x\"))"), "builtin println in an expression", 4, 6},
	{"unused variable", main("\tx := 1"), "unused variable x", 4, 2},
	{"recovered value printed", main("\tdefer func() { fmt.Println(recover()) }()"), "use of a recovered panic value", 4, 29},
	{"recovered value kept", main("\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\tuse(r)\n\t\t}\n\t}()"), "use of a recovered panic value", 5, 11},
	{"type switch case error", main("\tswitch x.(type) {\n\tcase error:\n\t}"), "type switch case error", 5, 7},
	{"method value", "package main\n\ntype T struct{}\n\nfunc (T) M() {}\n\nfunc main() {\n\tvar t T\n\tf := t.M\n\tf()\n}\n", "method value t.M", 9, 7},
	{"unused import", "package main\n\nimport \"os\"\n\nfunc main() {}\n", "unused import \"os\"", 3, 8},
	{"missing return", "package main\n\nfunc f(x int) int {\n\tif x > 0 {\n\t\treturn 1\n\t}\n}\n", "missing return", 7, 1},
	{"constant overflow", main("\tconst c = 10\n\tvar b byte = c * 30\n\tuse(b)"), "constant overflow", 5, 15},
	{"conversion overflow", main("\tuse(int8(200))"), "constant overflow", 4, 11},
	{"%#v with local types", "package main\n\nimport \"fmt\"\n\ntype T struct{}\n\nfunc main() { fmt.Printf(\"%#v\", T{}) }\n", "fmt verb %#v", 7, 15},
	{"%+v with unexported fields", "package main\n\nimport \"fmt\"\n\ntype T struct{ a int }\n\nfunc main() { fmt.Printf(\"%+v\", T{}) }\n", "fmt verb %+v", 7, 15},
	{"range assigning an index", main("\tfor i, x[i] = range x {\n\t}"), "range assigning to an index or field expression", 4, 2},
	{"multi-line tuple assignment", main("\ta, b = f(),\n\t\tg()"), "assignment of several values over several lines", 4, 2},
	{"unused range value", main("\tfor i, v := range xs {\n\t\tuse(i)\n\t}"), "unused variable v", 4, 9},
	{"min in expression", main("\tuse(min(a, b))"), "builtin min in an expression", 4, 6},
	{"deferred closure in loop", main("\tfor i := 0; i < 3; i++ {\n\t\tdefer func() { use(i) }()\n\t}"), "deferred closure using loop variable i", 5, 3},
	{"stringer %d", "package main\n\nimport \"fmt\"\n\ntype C int\n\nfunc (c C) String() string { return \"\" }\n\nfunc main() {\n\tc := C(1)\n\tfmt.Printf(\"%d\", c)\n}\n", "fmt verb %d", 11, 2},
	{"range int assign", main("\tfor i = range 3 {\n\t}"), "range over int assigning an outer variable", 4, 2},
	{"multi-line defer argument", main("\tdefer f(g(\n\t\tx))"), "deferred call with a multi-line argument", 4, 10},
}

func TestRefusals(t *testing.T) {
	for _, tt := range refusalTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := File([]byte(tt.in))
			var ref *Refusal
			require.ErrorAs(t, err, &ref)
			assert.Contains(t, ref.Construct, tt.construct)
			assert.Equal(t, tt.line, ref.Line, "line")
			assert.Equal(t, tt.col, ref.Col, "col")
			assert.Contains(t, ref.Error(), "is not supported by the interpreter")
			assert.True(t, strings.HasSuffix(ref.Error(), `; add engine="go" to the cell`), ref.Error())
		})
	}
}

func TestRefusalError(t *testing.T) {
	r := &Refusal{Line: 3, Col: 7, Construct: "range over func", Msg: "iterators need Go 1.23"}
	assert.Equal(t, `3:7: range over func is not supported by the interpreter: iterators need Go 1.23; add engine="go" to the cell`, r.Error())
}

func TestSyntaxError(t *testing.T) {
	for _, tt := range []struct {
		name string
		fn   func([]byte) ([]byte, error)
		src  string
		want string
	}{
		{"file", File, "package main\nfunc main() { x := }\n", "2:20"},
		{"stmts line 1", Stmts, "x := )", "1:6"},
		{"stmts line 2", Stmts, "x := 1\ny := )", "2:6"},
		{"decls line 1", Decls, "func f( {}", "1:9"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.fn([]byte(tt.src))
			require.Error(t, err)
			var ref *Refusal
			assert.False(t, errors.As(err, &ref), "a syntax error is not a refusal")
			assert.True(t, strings.HasPrefix(err.Error(), tt.want+":"), "got %q, want prefix %q", err, tt.want)
		})
	}
}

func TestStmts(t *testing.T) {
	in := "for i := range 3 {\n\tgo func() { ch <- i }()\n}\nx := 1"
	got, err := Stmts([]byte(in))
	require.NoError(t, err)
	assert.Equal(t, "for _rn1, _ri2 := 3, (3)-(3); _ri2 < _rn1; _ri2++ { i := _ri2;\n\tgo func() { ch <- i }()\n}\nx := 1", string(got))
	assertLinesKept(t, in, string(got))

	// Top-level variables of a fragment are package-level: unused is fine,
	// but not inside a block.
	_, err = Stmts([]byte("if true {\n\ty := 2\n}"))
	var ref *Refusal
	require.ErrorAs(t, err, &ref)
	assert.Equal(t, 2, ref.Line)
	_, err = Stmts([]byte("y := max(a, b)"))
	require.NoError(t, err)
	_, err = Stmts([]byte("use(max(a, b))"))
	require.ErrorAs(t, err, &ref)
	assert.Equal(t, 1, ref.Line)
	assert.Equal(t, 5, ref.Col, "column on line 1 is relative to the fragment")
}

func TestDecls(t *testing.T) {
	in := "import \"fmt\"\n\nfunc show(xs []int) {\n\tfor _, x := range xs {\n\t\tdefer fmt.Println(x)\n\t}\n}"
	got, err := Decls([]byte(in))
	require.NoError(t, err)
	assert.Equal(t, "import \"fmt\"\n\nfunc show(xs []int) {\n\tfor _, x := range xs {\n\t\t{ _d1 := x; defer fmt.Println(_d1) }\n\t}\n}", string(got))
	assertLinesKept(t, in, string(got))
}

// cell is a typical ~40 line notebook cell.
const cell = `package main

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

type result struct {
	id  int
	dur time.Duration
}

func worker(id int, jobs <-chan int, out chan<- result) {
	for j := range jobs {
		start := time.Now()
		time.Sleep(time.Duration(j) * time.Millisecond)
		out <- result{id, time.Since(start)}
	}
}

func main() {
	jobs := make(chan int, 10)
	out := make(chan result, 10)
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() { worker(w, jobs, out) })
	}
	for i := 0; i < 10; i++ {
		jobs <- i
	}
	close(jobs)
	defer fmt.Println("done", len(out))
	wg.Wait()
	close(out)
	var ids []int
	for r := range out {
		ids = append(ids, r.id)
	}
	sort.Ints(ids)
	fmt.Println(len(ids))
}
`

func BenchmarkRewrite(b *testing.B) {
	src := []byte(cell)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := File(src); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSession: a range over an integer declared by an earlier piece of the
// session is recognized; shadowing or redeclaring the name as a non-integer
// turns it off again.
func TestSession(t *testing.T) {
	var s Session
	_, err := s.Decls([]byte("const workers, jobs = 4, 10\nvar names = []string{\"a\"}"))
	require.NoError(t, err)
	_, err = s.Stmts([]byte("n := 3\nlabel := \"x\""))
	require.NoError(t, err)

	for _, x := range []string{"workers", "jobs", "n"} {
		out, err := s.Stmts([]byte("for i := range " + x + " { println2(i) }"))
		require.NoError(t, err)
		assert.Contains(t, string(out), "++", "range over %s: want a three-clause loop, got %s", x, out)
	}
	for _, x := range []string{"names", "label"} {
		out, err := s.Stmts([]byte("for i := range " + x + " { println2(i) }"))
		require.NoError(t, err)
		assert.NotContains(t, string(out), "++", "range over %s is not over an integer: %s", x, out)
	}
	// Without the session nothing is known.
	out, err := Stmts([]byte("for i := range workers { println2(i) }"))
	require.NoError(t, err)
	assert.NotContains(t, string(out), "++")
	// A local declaration shadows the session's.
	out, err = s.Stmts([]byte("{ workers := []int{1}; for i := range workers { println2(i) } }"))
	require.NoError(t, err)
	assert.NotContains(t, string(out), "_ri")
	// Redeclared as a slice, it is forgotten.
	_, err = s.Stmts([]byte("n := []int{1}"))
	require.NoError(t, err)
	out, err = s.Stmts([]byte("for i := range n { println2(i) }"))
	require.NoError(t, err)
	assert.NotContains(t, string(out), "++")
}
