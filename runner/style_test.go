package runner

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxFuncLines is the longest a non-test function of the repository may
// be: a longer one keeps too much state in its head. A flat table or a
// tree walk that reads better whole says so with a comment containing
// "reads better whole" just above it.
const maxFuncLines = 80

func TestFunctionLength(t *testing.T) {
	long := longFunctions(t, "..")
	assert.Empty(t, long, "functions over %d lines (split them, or say why they read better whole)", maxFuncLines)
}

// TestFunctionLengthCatches checks the check: a generated long function is
// found.
func TestFunctionLengthCatches(t *testing.T) {
	dir := t.TempDir()
	body := strings.Repeat("\tx++\n", maxFuncLines)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n\nfunc long() {\n\tx := 0\n"+body+"\t_ = x\n}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.go"), []byte("package a\n\n// table reads better whole.\nfunc table() {\n\tx := 0\n"+body+"\t_ = x\n}\n"), 0o644))
	assert.Equal(t, []string{filepath.Join(dir, "a.go") + ":3: long is 84 lines"}, longFunctions(t, dir))
}

func longFunctions(t *testing.T, root string) []string {
	var long []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || name == "symbols") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			start, end := fset.Position(fd.Pos()), fset.Position(fd.End())
			n := end.Line - start.Line + 1
			if n > maxFuncLines && !strings.Contains(fd.Doc.Text(), "reads better whole") {
				long = append(long, fmt.Sprintf("%s:%d: %s is %d lines", path, start.Line, fd.Name.Name, n))
			}
		}
		return nil
	})
	require.NoError(t, err)
	return long
}
