package runner

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadAttributeIsOneFailure: a misspelt attribute fails its cell with
// one error that suggests the right name and lists the valid ones; the
// cell keeps its place, so its output block and the expectation naming it
// raise nothing more, and the other cells run.
func TestBadAttributeIsOneFailure(t *testing.T) {
	src := "# Bad\n\n```{.go name=\"slow\" timout=\"30s\"}\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n```\n\n" +
		"```output\nhi\n```\n\n```{.go name=\"fast\"}\npackage main\n\nfunc main() {}\n```\n\n" +
		"```expect\nspeedup fast over slow >= 0.1\n```\n"
	path := filepath.Join(t.TempDir(), "bad.md")
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	rep, err := RunChapter(context.Background(), path, &Options{Short: true})
	require.NoError(t, err)
	assert.Empty(t, rep.Errors, "the attribute's error belongs to its cell")
	require.Len(t, rep.Results, 2, "the cell with a bad attribute is counted")
	slow, fast := rep.Result("slow"), rep.Result("fast")
	require.NotNil(t, slow)
	assert.Equal(t, chapter.Fail, slow.Status)
	require.Len(t, slow.Problems, 1)
	assert.Equal(t, path+`:3: unknown cell attribute "timout": did you mean timeout? (valid: name, title, timeout, fails, engine, with, linenums, hl_lines; flags .norun, .race, .unchecked, .file)`, slow.Problems[0])
	assert.Empty(t, slow.Stdout, "a cell with a bad attribute is not run")
	assert.Equal(t, chapter.Pass, fast.Status)
}
