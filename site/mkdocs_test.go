package site

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concurrency101/book/runner/chapter"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// mkdocsBinary returns the path of mkdocs, or skips the test.
func mkdocsBinary(t testing.TB) string {
	p, err := exec.LookPath("mkdocs")
	if err != nil {
		t.Skip("mkdocs not installed (apt-get install -y mkdocs mkdocs-material python3-pymdownx): skipping the MkDocs cross-check")
	}
	return p
}

// copyBook copies mkdocs.yml and the chapters into a fresh directory, so
// that MkDocs writes nothing into the checkout.
func copyBook(t testing.TB) (dir string, cfg *Config) {
	t.Helper()
	cfg, err := LoadConfig("../mkdocs.yml")
	require.NoError(t, err)
	dir = t.TempDir()
	require.NoError(t, os.CopyFS(filepath.Join(dir, cfg.DocsDir), os.DirFS(cfg.DocsPath())))
	src, err := os.ReadFile("../mkdocs.yml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "mkdocs.yml"), src, 0o644))
	return dir, cfg
}

// TestMkDocsBuildsBook runs the real mkdocs build --strict on the book's
// chapters and mkdocs.yml: the chapters stay a valid MkDocs site.
func TestMkDocsBuildsBook(t *testing.T) {
	bin := mkdocsBinary(t)
	dir, cfg := copyBook(t)
	var missing []string
	var walk func([]*NavItem)
	walk = func(items []*NavItem) {
		for _, it := range items {
			walk(it.Children)
			if it.Path != "" {
				if _, err := os.Stat(filepath.Join(cfg.DocsPath(), it.Path)); err != nil {
					missing = append(missing, it.Path)
				}
			}
		}
	}
	walk(cfg.Nav)
	if len(missing) > 0 {
		t.Skipf("chapters in mkdocs.yml's nav not written yet: %s", strings.Join(missing, ", "))
	}
	cmd := exec.Command(bin, "build", "--strict", "--site-dir", filepath.Join(dir, "out"))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "mkdocs build --strict:\n%s", out)
	// An exit status of 0 says little: superfences shows a fence it does
	// not accept as a paragraph of text. Every cell must be a code block.
	cells := 0
	for _, p := range cfg.navPaths() {
		// Cells the runner refuses are kept (Cell.Invalid): check them too.
		ch, err := chapter.ReadFile(filepath.Join(cfg.DocsPath(), p))
		require.NotNil(t, ch, "%v", err)
		html := filepath.Join(dir, "out", strings.TrimSuffix(p, ".md")+".html")
		for _, miss := range missingCells(t, ch, codeBlocks(t, html)) {
			t.Errorf("%s: MkDocs does not show this cell as code", miss)
		}
		cells += len(ch.Cells)
	}
	assert.Positive(t, cells)
}

// navPaths lists the pages of the nav, in order.
func (c *Config) navPaths() []string {
	var paths []string
	var walk func([]*NavItem)
	walk = func(items []*NavItem) {
		for _, it := range items {
			if it.Path != "" {
				paths = append(paths, it.Path)
			}
			walk(it.Children)
		}
	}
	walk(c.Nav)
	return paths
}

// A codeBlock is a code block of a page MkDocs built: its text and the
// title above it.
type codeBlock struct{ title, code string }

// codeBlocks returns the code blocks of a page built by MkDocs (Pygments
// markup: div.highlight, with span.filename for a title), in order.
func codeBlocks(t testing.TB, file string) []codeBlock {
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	doc, err := html.Parse(f)
	require.NoError(t, err)
	var blocks []codeBlock
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || n.Data != "div" || !hasClass(n, "highlight") {
			continue
		}
		var b codeBlock
		for d := range n.Descendants() {
			switch {
			case d.Type == html.ElementNode && d.Data == "span" && hasClass(d, "filename") && b.title == "":
				b.title = textOf(d)
			case d.Type == html.ElementNode && d.Data == "code":
				b.code += textOf(d)
			}
		}
		blocks = append(blocks, b)
	}
	return blocks
}

func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && slices.Contains(strings.Fields(a.Val), class) {
			return true
		}
	}
	return false
}

// missingCells lists the cells of ch (as file:line) that are not among the
// code blocks, in order, with their code and title.
func missingCells(t testing.TB, ch *chapter.Chapter, blocks []codeBlock) []string {
	var missing []string
	i := 0
	for _, c := range ch.Cells {
		j := i
		for j < len(blocks) && !(sameCode(blocks[j].code, c.Code) && blocks[j].title == c.Title) {
			j++
		}
		if j == len(blocks) {
			missing = append(missing, ch.Pos(c.Line))
			continue
		}
		i = j + 1
	}
	return missing
}

// sameCode compares code as Python-Markdown and Pygments pass it on: tabs
// expanded, trailing blanks and surrounding blank lines dropped.
func sameCode(a, b string) bool {
	norm := func(s string) string {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			lines = append(lines, strings.TrimRight(expandTabs(l), " "))
		}
		return strings.Trim(strings.Join(lines, "\n"), "\n")
	}
	return norm(a) == norm(b)
}

func expandTabs(s string) string {
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 4 - col%4
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}

// TestMkDocsHeadingIDs builds the Markdown fixture with MkDocs and with this
// package and compares the heading ids: links written for one keep working
// on the other.
func TestMkDocsHeadingIDs(t *testing.T) {
	bin := mkdocsBinary(t)
	out := buildFixture(t, "markdown", false)
	dir := filepath.Dir(out)
	cmd := exec.Command(bin, "build", "--strict", "--site-dir", filepath.Join(dir, "mk"))
	cmd.Dir = dir
	log, err := cmd.CombinedOutput()
	require.NoError(t, err, "mkdocs build --strict:\n%s", log)
	for _, page := range []string{"index.html", "sub/page.html"} {
		ours := headingIDs(t, filepath.Join(out, page))
		theirs := headingIDs(t, filepath.Join(dir, "mk", page))
		require.NotEmpty(t, ours)
		for _, id := range ours {
			assert.Contains(t, theirs, id, "%s: heading id %q is not MkDocs'", page, id)
		}
	}
}

// headingIDs returns the ids of the headings that carry a permalink.
func headingIDs(t testing.TB, file string) []string {
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	doc, err := html.Parse(f)
	require.NoError(t, err)
	var ids []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || len(n.Data) != 2 || n.Data[0] != 'h' || n.Data[1] < '1' || n.Data[1] > '6' {
			continue
		}
		for _, a := range n.Attr {
			if a.Key == "id" {
				ids = append(ids, a.Val)
			}
		}
	}
	return ids
}

// TestMkDocsBlocks builds the containers fixture with MkDocs and with this
// package and compares the markup of admonitions, details and content tabs
// (elements, classes, ids, labels, nesting): Material's stylesheet and
// ours style the same HTML.
func TestMkDocsBlocks(t *testing.T) {
	bin := mkdocsBinary(t)
	out := buildFixture(t, "containers", false)
	dir := filepath.Dir(out)
	cmd := exec.Command(bin, "build", "--strict", "--site-dir", filepath.Join(dir, "mk"))
	cmd.Dir = dir
	log, err := cmd.CombinedOutput()
	require.NoError(t, err, "mkdocs build --strict:\n%s", log)
	ours := blockMarkup(t, filepath.Join(out, "index.html"))
	require.Contains(t, strings.Join(ours, "\n"), "tabbed-set")
	assert.Equal(t, blockMarkup(t, filepath.Join(dir, "mk", "index.html")), ours, "block markup: ours (+) differs from MkDocs' (-)")
}

// blockMarkup lists the elements of admonitions, details and content tabs
// in document order, each indented by how many of them enclose it.
func blockMarkup(t testing.TB, file string) []string {
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	doc, err := html.Parse(f)
	require.NoError(t, err)
	var lines []string
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			attrs := map[string]string{}
			for _, a := range c.Attr {
				attrs[a.Key] = a.Val
			}
			class := attrs["class"]
			block := strings.HasPrefix(class, "admonition") || strings.HasPrefix(class, "tabbed-") ||
				c.Data == "details" || c.Data == "summary" || (c.Data == "input" && attrs["type"] == "radio") ||
				(c.Data == "label" && attrs["for"] != "")
			if !block {
				walk(c, depth)
				continue
			}
			line := strings.Repeat("  ", depth) + c.Data
			for _, k := range []string{"class", "id", "name", "type", "checked", "for", "data-tabs", "open"} {
				if v, ok := attrs[k]; ok {
					line += fmt.Sprintf(" %s=%q", k, v)
				}
			}
			if c.Data == "label" || c.Data == "summary" || class == "admonition-title" {
				line += " " + strings.TrimSpace(textOf(c))
			}
			lines = append(lines, line)
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	return lines
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}
