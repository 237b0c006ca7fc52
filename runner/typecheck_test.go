package runner

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTypeCheck: under the interpreter, a compile error is Go's, at Go's
// line and column, for programs and for fragments (with the session's
// names in scope), one error per mistake; code Go accepts runs.
func TestTypeCheck(t *testing.T) {
	md := "```{.go name=\"prog\"}\npackage main\n\nimport \"time\"\n\nfunc main() {\n\ttime.Slep(1)\n}\n```\n\n" +
		"```{.go name=\"unused\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tx := 1\n}\n```\n\n" +
		"```{.go name=\"setup\"}\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\ntype point struct{ x, y int }\n\nn := 2\n```\n\n" +
		"```{.go name=\"use\"}\np := point{n, 3}\nfmt.Println(p.x + p.y)\n```\n\n```output\n5\n```\n\n" +
		"```{.go name=\"typo\"}\nfmt.Println(p.z)\n```\n"
	path := writeChapter(t, "tc.md", md)
	rep, err := RunChapter(context.Background(), path, &Options{})
	require.NoError(t, err)
	pos := func(s string, col int) string {
		return "chapters/tc.md:" + strconv.Itoa(lineOf(t, md, s)) + ":" + strconv.Itoa(col) + ": "
	}
	assert.Equal(t, pos("time.Slep(1)", 7)+"undefined: time.Slep", rep.Result("prog").Error)
	assert.Equal(t, pos(`import "fmt"`, 8)+`"fmt" imported and not used`+"\n"+pos("x := 1", 2)+"declared and not used: x", rep.Result("unused").Error)
	assert.Equal(t, chapter.Pass, rep.Result("setup").Status, "an import the fragment does not use yet is no error: %s", rep.Result("setup").Error)
	assert.Equal(t, chapter.Pass, rep.Result("use").Status, "%s %v", rep.Result("use").Error, rep.Result("use").Problems)
	assert.Equal(t, pos("fmt.Println(p.z)", 15)+"p.z undefined (type point has no field or method z)", rep.Result("typo").Error)
	for _, name := range []string{"prog", "unused", "typo"} {
		assert.Equal(t, chapter.FailCompile, rep.Result(name).FailKind, name)
	}

	// Checking a cell, once the packages are loaded, costs milliseconds.
	ch, err := chapter.ReadFile(path)
	require.NoError(t, err)
	tc := newTypeChecker(ch, &Options{}, "")
	t0 := time.Now()
	for _, c := range ch.Cells[:4] {
		msg := tc.check(c)
		tc.ran(c, msg == "")
	}
	t.Logf("4 cells checked in %v", time.Since(t0))
	assert.Less(t, time.Since(t0), time.Second)
}
