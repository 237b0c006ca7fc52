package runner

import (
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/concurrency101/book/runner/internal/worker/symbols"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportsDocumented: the packages beyond the standard library that the
// interpreter lets cells import are the ones runner/doc.go and the book's
// introduction name, and both give the golang.org/x/sync version go.mod
// selects.
func TestImportsDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	index, err := os.ReadFile("../chapters/index.md")
	require.NoError(t, err)
	gomod, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	flat := func(b []byte) string {
		return strings.Join(strings.Fields(strings.ReplaceAll(string(b), "//", "")), " ")
	}
	docText, indexText := flat(doc), flat(index)
	require.NotEmpty(t, symbols.Symbols)
	for key := range symbols.Symbols {
		p := path.Dir(key)
		assert.Contains(t, docText, p, "runner/doc.go does not say cells may import %s", p)
		assert.Contains(t, indexText, "`"+p+"`", "chapters/index.md does not say cells may import %s", p)
	}
	m := regexp.MustCompile(`(?m)^\s*golang\.org/x/sync (v\S+)`).FindSubmatch(gomod)
	require.NotNil(t, m, "go.mod requires golang.org/x/sync")
	v := string(m[1])
	assert.Contains(t, docText, "golang.org/x/sync "+v, "runner/doc.go gives another version of golang.org/x/sync than go.mod's")
	assert.Contains(t, indexText, "go get golang.org/x/sync@"+v, "chapters/index.md gives another version of golang.org/x/sync than go.mod's")
}
