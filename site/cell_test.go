package site

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cellChapter is a chapter with an unnamed fragment, an unnamed program, a
// named cell and a second fragment with the same code as the first.
const cellChapter = "# C\n\nSome prose.\n\n```go\nfmt.Println(1)\n```\n\n" +
	"```go\npackage main\n\nfunc main() {}\n```\n\n```{.go name=\"named\"}\nx := 2\n```\n\n```go\nfmt.Println(1)\n```\n"

// pageCells builds a one-page site from a chapter and returns the id and
// title of each cell, in order.
func pageCells(t *testing.T, md string) (ids, titles []string) {
	t.Helper()
	a := &archive{Files: []archiveFile{
		{Name: "mkdocs.yml", Data: "site_name: T\ndocs_dir: chapters\nuse_directory_urls: false\n"},
		{Name: "chapters/index.md", Data: md},
	}}
	s, _, err := buildArchive(t, a)
	require.NoError(t, err)
	require.Len(t, s.order, 1)
	re := regexp.MustCompile(`<div class="cell cell-\w+" id="([^"]*)">\n<div class="cell-head"><span class="cell-title">([^<]*)</span>`)
	for _, m := range re.FindAllStringSubmatch(s.order[0].content, -1) {
		ids = append(ids, m[1])
		titles = append(titles, m[2])
	}
	return ids, titles
}

// TestCellAnchorsSurviveEdits: a cell's anchor does not change when prose
// above it moves it to another line; unnamed cells are not titled by
// their line, and anchors are unique in the page.
func TestCellAnchorsSurviveEdits(t *testing.T) {
	ids, titles := pageCells(t, cellChapter)
	require.Len(t, ids, 4)
	moved, _ := pageCells(t, strings.Replace(cellChapter, "Some prose.\n", "Some prose.\n\nA new paragraph,\nover two lines.\n", 1))
	assert.Equal(t, ids, moved, "anchors changed when the prose above moved the cells")
	assert.Equal(t, []string{"fragment", "program", "named", "fragment"}, titles)
	assert.Equal(t, "cell-named", ids[2])
	assert.NotEqual(t, ids[0], ids[3], "two cells with the same code share an anchor")
	for _, id := range ids {
		assert.NotRegexp(t, `^cell-L\d+$`, id)
	}
}
