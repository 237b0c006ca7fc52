package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseConfig parses mkdocs.yml files shaped like those of real
// projects (Material's own, FastAPI's, pydantic's, older MkDocs ones).
func TestParseConfig(t *testing.T) {
	env := map[string]string{"SITE_NAME": "From env", "GOOGLE_ANALYTICS_KEY": "G-1"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for _, tc := range []struct {
		name  string
		src   string
		check func(t *testing.T, c *Config)
	}{
		{"defaults", "site_name: Minimal\n", func(t *testing.T, c *Config) {
			assert.Equal(t, "docs", c.DocsDir)
			assert.Equal(t, "site", c.SiteDir)
			assert.True(t, c.UseDirectoryURLs)
			assert.True(t, c.NavOmitted)
			assert.Equal(t, []Extension{{Name: "search"}}, c.Plugins)
		}},
		{"material-style", `
site_name: !ENV [SITE_NAME, "Default name"]
site_url: !ENV [MISSING_URL, "https://example.org/"]
docs_dir: content
theme:
  name: material
  custom_dir: !relative $config_dir/overrides
  palette:
    - scheme: default
      primary: indigo
      toggle: {icon: material/brightness-7, name: Dark}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Light}
  features: [navigation.tabs, content.code.copy]
  font: false
markdown_extensions:
  - toc:
      permalink: "#"
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - admonition
plugins:
  - search
  - social:
      enabled: !ENV [CI, false]
extra:
  analytics:
    provider: google
    property: !ENV GOOGLE_ANALYTICS_KEY
  version: !ENV UNSET_VARIABLE
`, func(t *testing.T, c *Config) {
			assert.Equal(t, "From env", c.SiteName)
			assert.Equal(t, "https://example.org/", c.SiteURL)
			assert.Equal(t, "content", c.DocsDir)
			assert.Equal(t, "material", c.Theme.Name)
			require.Len(t, c.Theme.Palette, 2)
			assert.Equal(t, "slate", c.Theme.Palette[1].Scheme)
			assert.Equal(t, "Dark", c.Theme.Palette[0].Toggle["name"])
			assert.Equal(t, []string{"navigation.tabs", "content.code.copy"}, c.Theme.Features)
			assert.Equal(t, "$config_dir/overrides", c.Theme.Options["custom_dir"])
			assert.Equal(t, false, c.Theme.Options["font"])
			toc, ok := c.Extension("toc")
			require.True(t, ok)
			assert.Equal(t, "#", toc["permalink"])
			assert.Equal(t, map[string]any{"kwds": map[string]any{"case": "lower"}}, toc["slugify"])
			emoji, _ := c.Extension("pymdownx.emoji")
			assert.Equal(t, "material.extensions.emoji.twemoji", emoji["emoji_index"])
			assert.True(t, c.HasExtension("admonition"))
			require.Len(t, c.Plugins, 2)
			assert.Equal(t, map[string]any{"enabled": false}, c.Plugins[1].Options)
			assert.Equal(t, map[string]any{"provider": "google", "property": "G-1"}, c.Extra["analytics"])
			assert.Nil(t, c.Extra["version"])
		}},
		{"nav shapes", `
site_name: Nav
nav:
  - index.md
  - Intro: intro.md
  - Guide:
      - guide/index.md
      - Setup: guide/setup.md
      - Deeper:
          - guide/deep/a.md
  - GitHub: https://github.com/concurrency101/book
  - https://go.dev/
  - Absolute: /about.md
`, func(t *testing.T, c *Config) {
			require.False(t, c.NavOmitted)
			require.Len(t, c.Nav, 6)
			assert.Equal(t, &NavItem{Path: "index.md", Line: 4}, c.Nav[0])
			assert.Equal(t, &NavItem{Title: "Intro", Path: "intro.md", Line: 5}, c.Nav[1])
			g := c.Nav[2]
			assert.Equal(t, "Guide", g.Title)
			require.Len(t, g.Children, 3)
			assert.Equal(t, "guide/setup.md", g.Children[1].Path)
			assert.Equal(t, "guide/deep/a.md", g.Children[2].Children[0].Path)
			assert.Equal(t, "https://github.com/concurrency101/book", c.Nav[3].URL)
			assert.Equal(t, &NavItem{Title: "https://go.dev/", URL: "https://go.dev/", Line: 12}, c.Nav[4])
			assert.Equal(t, "about.md", c.Nav[5].Path)
		}},
		{"old style", `
site_name: Old
pages:
  - Home: index.md
theme: readthedocs
markdown_extensions:
  toc:
    permalink: true
  admonition:
plugins: []
extra_css: [css/extra.css]
extra_javascript:
  - js/a.js
  - path: js/b.mjs
    type: module
use_directory_urls: false
`, func(t *testing.T, c *Config) {
			assert.Equal(t, "readthedocs", c.Theme.Name)
			assert.Equal(t, "index.md", c.Nav[0].Path)
			assert.Equal(t, []Extension{{Name: "toc", Options: map[string]any{"permalink": true}}, {Name: "admonition"}}, c.Extensions)
			assert.Empty(t, c.Plugins)
			assert.Equal(t, []string{"css/extra.css"}, c.ExtraCSS)
			assert.Equal(t, []string{"js/a.js", "js/b.mjs"}, c.ExtraJS)
			assert.False(t, c.UseDirectoryURLs)
		}},
		{"null nav and unknown tags", `
site_name: Tags
nav:
copyright: !custom "© 2024"
`, func(t *testing.T, c *Config) {
			assert.True(t, c.NavOmitted)
			assert.Equal(t, "© 2024", c.Copyright)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c *Config
			var err error
			c, err = ParseConfig("mkdocs.yml", []byte(tc.src), lookup)
			require.NoError(t, err)
			tc.check(t, c)
		})
	}
}

// bookProblems checks a book's mkdocs.yml against the book's own rules,
// not against a copy of its table of contents: every nav entry is a page
// with a title, every chapter is in the nav once, pages are files (for
// file://), and the extensions the chapters' syntax needs are on.
func bookProblems(c *Config) []string {
	var probs []string
	inNav := map[string]int{}
	for _, p := range c.navPaths() {
		inNav[p]++
		if _, err := os.Stat(filepath.Join(c.DocsPath(), p)); err != nil {
			probs = append(probs, fmt.Sprintf("nav entry %s: no such file in %s", p, c.DocsDir))
		}
	}
	var walk func([]*NavItem)
	walk = func(items []*NavItem) {
		for _, it := range items {
			if it.Title == "" {
				probs = append(probs, fmt.Sprintf("nav entry %s has no title", it.Path))
			}
			walk(it.Children)
		}
	}
	walk(c.Nav)
	files, _ := filepath.Glob(filepath.Join(c.DocsPath(), "*.md"))
	for _, f := range files {
		switch n := inNav[filepath.Base(f)]; {
		case n == 0:
			probs = append(probs, fmt.Sprintf("chapter %s is not in the nav", filepath.Base(f)))
		case n > 1:
			probs = append(probs, fmt.Sprintf("chapter %s is in the nav %d times", filepath.Base(f), n))
		}
	}
	if c.UseDirectoryURLs {
		probs = append(probs, "use_directory_urls must be false: the site is opened from file:// too")
	}
	for _, e := range []string{"admonition", "pymdownx.details", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.tabbed", "toc", "attr_list"} {
		if !c.HasExtension(e) {
			probs = append(probs, "markdown_extensions lacks "+e)
		}
	}
	return probs
}

// TestBookConfig holds the book's mkdocs.yml to the book's rules.
func TestBookConfig(t *testing.T) {
	c, err := LoadConfig("../mkdocs.yml")
	require.NoError(t, err)
	assert.Empty(t, bookProblems(c))
	assert.NotEmpty(t, c.SiteName)
}

// TestBookRules: the rules accept a book that grew a chapter, and catch a
// chapter left out of the nav, a nav entry without a file, a missing
// extension.
func TestBookRules(t *testing.T) {
	yml := func(nav string) string {
		return "site_name: B\ndocs_dir: chapters\nuse_directory_urls: false\nnav:\n" + nav +
			"markdown_extensions:\n  - admonition\n  - pymdownx.details\n  - pymdownx.superfences\n  - pymdownx.highlight\n  - pymdownx.tabbed\n  - toc\n  - attr_list\n"
	}
	for _, tc := range []struct {
		name, yml string
		files     []string
		want      []string
	}{
		{"grown", yml("  - Intro: index.md\n  - New: new.md\n"), []string{"index.md", "new.md"}, nil},
		{"orphan", yml("  - Intro: index.md\n"), []string{"index.md", "new.md"}, []string{"chapter new.md is not in the nav"}},
		{"missing", yml("  - Intro: index.md\n  - Gone: gone.md\n"), []string{"index.md"}, []string{"nav entry gone.md: no such file in chapters"}},
		{"untitled", yml("  - index.md\n"), []string{"index.md"}, []string{"nav entry index.md has no title"}},
		{"extension", strings.Replace(yml("  - Intro: index.md\n"), "  - attr_list\n", "", 1), []string{"index.md"}, []string{"markdown_extensions lacks attr_list"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "mkdocs.yml"), []byte(tc.yml), 0o644))
			require.NoError(t, os.Mkdir(filepath.Join(dir, "chapters"), 0o755))
			for _, f := range tc.files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "chapters", f), []byte("# "+f+"\n"), 0o644))
			}
			c, err := LoadConfig(filepath.Join(dir, "mkdocs.yml"))
			require.NoError(t, err)
			assert.Equal(t, tc.want, bookProblems(c))
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"site_name: [", "mkdocs.yml: yaml: line 1: did not find expected node content"},
		{"- a\n- b\n", "mkdocs.yml:1: want a mapping at the top level"},
		{"docs_dir: x\n", "mkdocs.yml:1: site_name is required"},
		{"site_name: x\nnav:\n  - A: a.md\n    B: b.md\n", "mkdocs.yml:3: nav: an item with a title has exactly one key, got 2"},
		{"site_name: x\nnav: index.md\n", "mkdocs.yml:2: nav: want a list"},
		{"site_name: x\nnav:\n  - Empty:\n", "mkdocs.yml:3: nav: \"Empty\" has no page"},
		{"site_name: x\nuse_directory_urls: maybe\n", "mkdocs.yml:2: line 2: cannot unmarshal !!str `maybe` into bool"},
		{"site_name: x\nmarkdown_extensions:\n  - toc: 3\n", "mkdocs.yml:3: toc: options: want a mapping"},
		{"site_name: x\ntheme: [a]\n", "mkdocs.yml:2: theme: want a name or a mapping"},
		{"site_name: !ENV {a: b}\n", "mkdocs.yml:1: !ENV: want a variable name or a list of them"},
	} {
		_, err := ParseConfig("mkdocs.yml", []byte(tc.src), nil)
		if assert.Error(t, err, "%q", tc.src) {
			assert.Contains(t, err.Error(), tc.want, "%q", tc.src)
		}
	}
}

func TestNavFromFiles(t *testing.T) {
	nav := navFromFiles([]string{"z.md", "b/x.md", "a.md", "index.md", "b/index.md", "B.md", "b/c/d.md", "about-us_page.md"})
	var flat []string
	var walk func([]*NavItem, string)
	walk = func(items []*NavItem, indent string) {
		for _, it := range items {
			if it.Children != nil {
				flat = append(flat, indent+"["+it.Title+"]")
				walk(it.Children, indent+"  ")
				continue
			}
			flat = append(flat, indent+it.Path)
		}
	}
	walk(nav, "")
	assert.Equal(t, []string{"index.md", "B.md", "a.md", "about-us_page.md", "z.md", "[B]", "  b/index.md", "  b/x.md", "  [C]", "    b/c/d.md"}, flat)
	assert.Equal(t, "About us page", nameToTitle("about-us_page"))
	assert.Equal(t, "API Reference", nameToTitle("API-Reference"))
}
