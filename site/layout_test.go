package site

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLayout checks the HTML around the articles: the current page marked
// in the nav, previous/next links, the table of contents, the 404 page's
// absolute root, and names from mkdocs.yml shown as text, never as markup.
func TestLayout(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	require.NoError(t, os.MkdirAll(filepath.Join(docs, "sub"), 0o755))
	for name, src := range map[string]string{
		"index.md":   "# One\n\n## First `<part>`\n\n### Deeper\n\n#### Not in the TOC\n",
		"sub/two.md": "# Two\n",
		"three.md":   "# Three\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(docs, filepath.FromSlash(name)), []byte(src), 0o644))
	}
	yml := `site_name: 'A <b> & "B"'
site_url: https://example.org/book
nav:
  - index.md
  - Part:
      - Second: sub/two.md
  - Evil: javascript:alert(1)
`
	cfg, err := ParseConfig(filepath.Join(dir, "mkdocs.yml"), []byte(yml), nil)
	require.NoError(t, err)
	s, err := Load(Options{Config: cfg})
	require.NoError(t, err)

	one := string(s.Files["index.html"])
	assert.Contains(t, one, "<title>One - A &lt;b&gt; &amp; &#34;B&#34;</title>")
	assert.Contains(t, one, `<a class="brand" href="index.html">A &lt;b&gt; &amp; &#34;B&#34;</a>`)
	assert.Contains(t, one, `<li><a aria-current="page" href="index.html">One</a></li>`)
	assert.Contains(t, one, "<li class=\"nav-section\"><span>Part</span>\n<ul>\n<li><a href=\"sub/two.html\">Second</a></li>\n</ul>\n</li>")
	assert.NotContains(t, one, "javascript:", "a script URL in the nav is neutralised")
	assert.Contains(t, one, `<a class="next" rel="next" href="sub/two.html"><small>Next</small>Second</a>`)
	assert.NotContains(t, one, `rel="prev"`)
	assert.Contains(t, one, "<li class=\"toc-2\"><a href=\"#first-part\">First &lt;part&gt;</a></li>\n<li class=\"toc-3\"><a href=\"#deeper\">Deeper</a></li>\n</ul>")
	assert.NotContains(t, one, `toc-4`)

	two := string(s.Files["sub/two.html"])
	assert.Contains(t, two, `<link rel="stylesheet" href="../assets/style.css">`)
	assert.Contains(t, two, `<li><a aria-current="page" href="../sub/two.html">Second</a></li>`)
	assert.Contains(t, two, `<li><a href="../index.html">One</a></li>`)
	assert.Contains(t, two, `<a class="prev" rel="prev" href="../index.html"><small>Previous</small>One</a>`)
	assert.Contains(t, two, `<script src="../assets/site.js" data-root="../"></script>`)

	three := string(s.Files["three.html"])
	assert.NotContains(t, three, "prevnext", "a page outside the nav has no previous/next")
	assert.NotContains(t, three, "aria-current")

	nf := string(s.Files["404.html"])
	assert.Contains(t, nf, `<link rel="stylesheet" href="/book/assets/style.css">`)
	assert.Contains(t, nf, `Start from the <a href="/book/index.html">first page</a>`)
	assert.NotContains(t, nf, "aria-current")
}
