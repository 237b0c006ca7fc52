package runner

import (
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/internal/worker"
)

// Before the interpreter runs a cell, go/types checks it, so that a
// compile error is Go's, in Go's words and at Go's column ("undefined:
// time.Slep" at the selector), not the interpreter's. A program is checked
// as it stands; a fragment as the go engine builds it, in one program with
// the session so far (goEngine.assemble), so that the earlier fragments'
// names are in scope. Imports are read from the export data the Go
// command keeps in its build cache (go list -export, run once per set of
// new import paths in a process, about half a second when the cache is
// warm); every package stays loaded for the process, so checking a cell
// costs milliseconds. A syntax error, or an import the toolchain cannot
// resolve, is left to the interpreter to report, as before.

// A typeChecker checks the cells of one chapter, in order.
type typeChecker struct {
	asm     *goEngine   // assembles fragments with the session; never builds
	pending *goFragment // the fragment checked last, until it has run
	tmp     string      // the Go command's temporary files go here (GOTMPDIR)
}

// newTypeChecker makes the checker of a chapter's cells; the Go command it
// runs keeps its temporary files in tmp, an engine's scratch directory,
// so that a run killed meanwhile leaves nothing the next one does not
// sweep ("" for the system's).
func newTypeChecker(ch *chapter.Chapter, opts *Options, tmp string) *typeChecker {
	return &typeChecker{asm: &goEngine{ch: ch, opts: opts, nonce: "typecheck"}, tmp: tmp}
}

// check returns Go's compile errors for cell c, or "" when it type-checks
// or cannot be checked.
func (t *typeChecker) check(c *chapter.Cell) string {
	t.pending = nil
	if c.Program {
		var srcs []string
		for _, s := range c.Sources() {
			srcs = append(srcs, worker.LineDirective(t.asm.ch.Path, s.Line, 1)+s.Code)
		}
		return checkSource(false, t.tmp, srcs...)
	}
	f, err := t.asm.fragment(c)
	if err != nil {
		return err.Error() // what the session's rule refuses (redecl.go)
	}
	t.pending = f
	msg := checkSource(true, t.tmp, t.asm.assemble(f, nil))
	if msg != "" {
		msg = t.asm.explainCompile(msg, f)
	}
	return msg
}

// chunks returns the pieces of fragment c as the interpreter evaluates
// them, after check: the type names redecl.go gives a type declared again
// are written in (the interpreter cannot declare a type again).
func (t *typeChecker) chunks(c *chapter.Cell) []worker.Chunk {
	raw := worker.SplitFragment(c.Code, c.CodeLine)
	f := t.pending
	if f == nil || f.cell != c {
		return raw
	}
	frags := append(append([]*goFragment(nil), t.asm.session...), f)
	r := newRenamer(frags, true)
	n := map[string]int{}
	for k := range raw {
		if kind := raw[k].Kind; kind != "import" {
			raw[k] = r.chunk(len(frags)-1, kind == "stmt", n[kind], raw[k])
			n[kind]++
		}
	}
	return raw
}

// ran tells the checker how fragment c ended: one that ran without failing
// joins the session that later fragments are checked with.
func (t *typeChecker) ran(c *chapter.Cell, ok bool) {
	if f := t.pending; f != nil && f.cell == c && ok {
		t.asm.session = append(t.asm.session, f)
	}
	t.pending = nil
}

// generatedFile is where the runner's own code of an assembled fragment
// stands (see generated).
const generatedFile = "book-runner-generated.go"

// maxTypeErrors is how many errors a cell reports, as go build stops at
// ten.
const maxTypeErrors = 10

// checkSource type-checks a program (package main) of one or more files
// and returns its errors, one a line, at the positions their //line
// directives give. In a fragment's program an import that nothing uses is
// no error: a later fragment may use it.
func checkSource(fragment bool, tmp string, srcs ...string) string {
	typesMu.Lock()
	defer typesMu.Unlock()
	var files []*ast.File
	var paths []string
	for i, src := range srcs {
		file, err := parser.ParseFile(typesFset, fmt.Sprintf("file%d.go", i), src, parser.SkipObjectResolution)
		if err != nil {
			return "" // the interpreter reports syntax errors as it always has
		}
		files = append(files, file)
		paths = append(paths, importPaths(file)...)
	}
	if !loadExports(paths, tmp) {
		return ""
	}
	var errs []types.Error
	conf := types.Config{
		Importer: typesImporter,
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) {
				errs = append(errs, te)
			}
		},
	}
	conf.Check("main", typesFset, files, nil)
	// As the compiler, in the order of the source.
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := typesFset.Position(errs[i].Pos), typesFset.Position(errs[j].Pos)
		return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
	})
	var lines []string
	for _, e := range errs {
		if fragment && e.Soft && strings.Contains(e.Msg, "imported and not used") {
			continue
		}
		pos := typesFset.Position(e.Pos)
		if strings.HasPrefix(e.Msg, "could not import") || pos.Filename == generatedFile {
			return "" // the toolchain's trouble, or the runner's own code: not the cell's
		}
		if len(lines) == maxTypeErrors {
			lines = append(lines, "too many errors")
			break
		}
		lines = append(lines, fmt.Sprintf("%s:%d:%d: %s", pos.Filename, pos.Line, pos.Column, e.Msg))
	}
	return strings.Join(lines, "\n")
}

func importPaths(f *ast.File) []string {
	var paths []string
	for _, im := range f.Imports {
		if p, err := strconv.Unquote(im.Path.Value); err == nil {
			paths = append(paths, p)
		}
	}
	return paths
}

// The packages the process has loaded for type-checking: the export data
// files by import path ("" for a path the toolchain cannot build), and the
// importer that reads them, which keeps every package it read.
var (
	typesMu       sync.Mutex
	typesFset     = token.NewFileSet()
	typesExports  = map[string]string{}
	typesImporter = importer.ForCompiler(typesFset, "gc", func(path string) (io.ReadCloser, error) {
		file := typesExports[path]
		if file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})
)

// loadExports makes sure the export data of paths and their dependencies
// is known, asking the Go command for what is not; it reports whether
// every path can be imported. typesMu must be held.
func loadExports(paths []string, tmp string) bool {
	var missing []string
	for _, p := range paths {
		if _, ok := typesExports[p]; !ok && p != "C" && p != "unsafe" {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		for p, file := range listExports(missing, tmp) {
			typesExports[p] = file
		}
		for _, p := range missing {
			if _, ok := typesExports[p]; !ok {
				typesExports[p] = "" // not importable: the interpreter will say so
			}
		}
	}
	for _, p := range paths {
		if p != "unsafe" && typesExports[p] == "" {
			return false
		}
	}
	return true
}

// listExports runs go list -export in the book's module, where the cells'
// dependencies resolve, and returns the export data files by import path;
// nil when the toolchain cannot say.
func listExports(paths []string, tmp string) map[string]string {
	goCmd, err := goCommand()
	if err != nil {
		return nil
	}
	root, err := moduleRoot()
	if err != nil {
		return nil
	}
	args := append([]string{"list", "-e", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}\t{{if .Error}}x{{end}}"}, paths...)
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = root
	if tmp != "" {
		cmd.Env = append(os.Environ(), "GOTMPDIR="+tmp)
	}
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		f := strings.Split(l, "\t")
		if len(f) == 3 && f[1] != "" && f[2] == "" {
			m[f[0]] = f[1]
		}
	}
	return m
}
