package site

import (
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
		{"ours", "", func(t *testing.T, c *Config) {}}, // replaced below by the repository's mkdocs.yml
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
			if tc.name == "ours" {
				c, err = LoadConfig("../mkdocs.yml")
				require.NoError(t, err)
				assert.Equal(t, "Go Concurrency 101", c.SiteName)
				assert.Equal(t, "chapters", c.DocsDir)
				assert.Equal(t, "public", c.SiteDir)
				assert.False(t, c.UseDirectoryURLs)
				var paths []string
				for _, it := range c.Nav {
					paths = append(paths, it.Path)
					assert.NotEmpty(t, it.Title, "nav item %s has no title", it.Path)
				}
				assert.Equal(t, []string{"index.md", "concurrency.md", "parallelism.md", "useful.md", "io.md", "cpu.md", "when.md", "pitfalls.md"}, paths)
				for _, e := range []string{"admonition", "pymdownx.superfences", "pymdownx.highlight", "toc", "attr_list"} {
					assert.True(t, c.HasExtension(e), "markdown_extensions lacks %s", e)
				}
				return
			}
			c, err = ParseConfig("mkdocs.yml", []byte(tc.src), lookup)
			require.NoError(t, err)
			tc.check(t, c)
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
