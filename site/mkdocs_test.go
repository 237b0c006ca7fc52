package site

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
