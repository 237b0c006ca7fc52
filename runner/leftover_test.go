package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concurrency101/book/runner/report"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runChapterText writes src as a chapter and runs it; under -short with
// the interpreter alone, otherwise with both engines, so that the goldens
// of the chapter are also what the toolchain prints.
func runChapterText(t *testing.T, src string) *report.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chapter.md")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	engine := "both"
	if testing.Short() {
		engine = "yaegi"
	}
	var out bytes.Buffer
	rep, err := RunChapter(context.Background(), path, &Options{Progress: printProgress(&report.Printer{W: &out, Verbose: true}), Engine: engine})
	require.NoError(t, err)
	assert.False(t, rep.Failed(), "%s%s", out.String(), strings.Join(rep.Errors, "\n"))
	return rep
}

// TestPrintBuiltins: print and println write to standard error with the
// runtime's formatting, in a session's fragments (a statement, a loop, a
// function declared in one cell and called in another) and in a program.
func TestPrintBuiltins(t *testing.T) {
	src := "```go\nx := 2.5\nprintln(\"x is\", x, x > 2)\n```\n\n```output stderr\nx is 2.5 true\n```\n\n" +
		"```go\nfor i := range 2 {\n\tprint(i, \"-\")\n}\nprintln()\n```\n\n```output stderr\n0-1-\n```\n\n" +
		"```go\nfunc show(e error) { println(\"err:\", e == nil, e) }\n```\n\n" +
		"```go\nshow(nil)\n```\n\n```output stderr\nerr: true (0x0,0x0)\n```\n\n" +
		"```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"out\")\n\tprintln(float32(0.1), 1e21, 'a')\n}\n```\n\n" +
		"```output\nout\n```\n\n```output stderr\n0.1 1e+21 97\n```\n"
	rep := runChapterText(t, src)
	require.Len(t, rep.Results, 5)
}
