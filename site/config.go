package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A Config is what the site builder reads from mkdocs.yml. Fields keep
// MkDocs' names and defaults; keys the builder does not use are accepted and
// ignored, as MkDocs ignores unknown keys with a warning.
type Config struct {
	Path string // the file it was read from, for diagnostics
	Dir  string // the directory of the file: docs_dir and site_dir are relative to it

	SiteName         string
	SiteURL          string
	SiteDescription  string
	SiteAuthor       string
	RepoURL          string
	RepoName         string
	EditURI          string
	Copyright        string
	DocsDir          string // default "docs"
	SiteDir          string // default "site"
	UseDirectoryURLs bool   // default true
	Nav              []*NavItem
	NavOmitted       bool // no nav key: the nav is derived from the files
	Theme            Theme
	Extensions       []Extension
	Plugins          []Extension
	ExtraCSS         []string
	ExtraJS          []string
	Extra            map[string]any
}

// A NavItem is one entry of the nav: a page (Path set), an external link
// (URL set) or a section (Children set). Title is empty for a page whose
// title comes from the page itself.
type NavItem struct {
	Title    string
	Path     string // relative to docs_dir, slash-separated
	URL      string
	Children []*NavItem
	Line     int // line in mkdocs.yml; 0 for a derived nav
}

// Theme is the theme key: a name alone or a mapping.
type Theme struct {
	Name     string
	Palette  []Palette
	Features []string
	Options  map[string]any // every other key
}

// A Palette is one colour scheme of Material's palette key.
type Palette struct {
	Scheme  string
	Primary string
	Accent  string
	Toggle  map[string]any
	Media   string
}

// An Extension is one entry of markdown_extensions or plugins: a name with
// its options (nil when there are none).
type Extension struct {
	Name    string
	Options map[string]any
}

// HasExtension reports whether markdown_extensions lists name.
func (c *Config) HasExtension(name string) bool {
	return slices.ContainsFunc(c.Extensions, func(e Extension) bool { return e.Name == name })
}

// Extension returns the options of a Markdown extension, and whether the extension is listed.
func (c *Config) Extension(name string) (map[string]any, bool) {
	for _, e := range c.Extensions {
		if e.Name == name {
			return e.Options, true
		}
	}
	return nil, false
}

// DocsPath is the docs directory as a path from the current directory.
func (c *Config) DocsPath() string { return joinDir(c.Dir, c.DocsDir) }

// SitePath is the output directory as a path from the current directory.
func (c *Config) SitePath() string { return joinDir(c.Dir, c.SiteDir) }

func joinDir(base, dir string) string {
	dir = filepath.FromSlash(dir)
	if filepath.IsAbs(dir) {
		return dir
	}
	return filepath.Join(base, dir)
}

// LoadConfig reads and parses an mkdocs.yml file.
func LoadConfig(file string) (*Config, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseConfig(file, src, os.LookupEnv)
}

// ParseConfig parses the contents of an mkdocs.yml file. lookupEnv resolves
// the !ENV tag (os.LookupEnv in production; nil means no variable is set).
//
// Real-world files are tagged for PyYAML: !!python/name:mod.attr,
// !!python/object/apply:mod.func, !ENV [VAR, default] and !relative. The
// file is decoded into a yaml.Node tree first, the tags are rewritten into
// plain values (a python name becomes its dotted name as a string), then the
// tree is decoded field by field, so every error has its line.
func ParseConfig(file string, src []byte, lookupEnv func(string) (string, bool)) (*Config, error) {
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	c := &Config{
		Path:             file,
		Dir:              filepath.Dir(file),
		DocsDir:          "docs",
		SiteDir:          "site",
		UseDirectoryURLs: true,
		NavOmitted:       true,
		Plugins:          []Extension{{Name: "search"}},
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(doc.Content) == 0 {
		return c, nil // an empty file: all defaults
	}
	root := doc.Content[0]
	p := &configParser{file: file, env: lookupEnv}
	p.rewriteTags(root)
	if root.Kind != yaml.MappingNode {
		return nil, p.errorf(root, "want a mapping at the top level")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "site_name":
			c.SiteName = p.str(v)
		case "site_url":
			c.SiteURL = p.str(v)
		case "site_description":
			c.SiteDescription = p.str(v)
		case "site_author":
			c.SiteAuthor = p.str(v)
		case "repo_url":
			c.RepoURL = p.str(v)
		case "repo_name":
			c.RepoName = p.str(v)
		case "edit_uri":
			c.EditURI = p.str(v)
		case "copyright":
			c.Copyright = p.str(v)
		case "docs_dir":
			c.DocsDir = p.str(v)
		case "site_dir":
			c.SiteDir = p.str(v)
		case "use_directory_urls":
			p.decode(v, &c.UseDirectoryURLs)
		case "nav", "pages": // pages is the pre-1.0 name
			c.NavOmitted = v.Tag == "!!null"
			c.Nav = p.nav(v)
		case "theme":
			c.Theme = p.theme(v)
		case "markdown_extensions":
			c.Extensions = p.extensions(v)
		case "plugins":
			c.Plugins = p.extensions(v)
		case "extra_css":
			p.decode(v, &c.ExtraCSS)
		case "extra_javascript":
			c.ExtraJS = p.scriptList(v)
		case "extra":
			p.decode(v, &c.Extra)
		}
	}
	if c.SiteName == "" && len(p.errs) == 0 {
		p.errs = append(p.errs, fmt.Errorf("%s:1: site_name is required", file))
	}
	if err := errors.Join(p.errs...); err != nil {
		return nil, err
	}
	return c, nil
}

type configParser struct {
	file string
	env  func(string) (string, bool)
	errs []error
}

func (p *configParser) errorf(n *yaml.Node, format string, args ...any) error {
	err := fmt.Errorf("%s:%d: %s", p.file, n.Line, fmt.Sprintf(format, args...))
	p.errs = append(p.errs, err)
	return err
}

// rewriteTags replaces the PyYAML and MkDocs tags with plain values.
func (p *configParser) rewriteTags(n *yaml.Node) {
	for _, c := range n.Content {
		p.rewriteTags(c)
	}
	tag := n.Tag
	if rest, ok := strings.CutPrefix(tag, "tag:yaml.org,2002:"); ok {
		tag = "!!" + rest
	}
	switch {
	case tag == "" || strings.HasPrefix(tag, "!!") && !strings.HasPrefix(tag, "!!python/"):
		return
	case strings.HasPrefix(tag, "!!python/name:"), strings.HasPrefix(tag, "!!python/module:"):
		// !!python/name:material.extensions.emoji.twemoji "" names a Python
		// object: keep the name, as a string.
		_, name, _ := strings.Cut(tag, ":")
		*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name, Line: n.Line, Column: n.Column}
	case strings.HasPrefix(tag, "!!python/"):
		// !!python/object/apply:pymdownx.slugs.slugify {kwds: {...}}: the
		// arguments stay as they are, the call is dropped.
		n.Tag = ""
		n.Style = 0
	case tag == "!ENV":
		p.envTag(n)
	case tag == "!relative":
		// !relative $config_dir: a path that MkDocs resolves at run time.
		n.Tag = "!!str"
		if n.Kind != yaml.ScalarNode {
			*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Line: n.Line, Column: n.Column}
		}
	default:
		// Another application's tag: keep the value untagged.
		n.Tag = ""
		n.Style = 0
	}
}

// envTag resolves !ENV VAR and !ENV [VAR1, VAR2, default]: the first
// variable that is set wins, else the last item of a list of two or more is
// the default, else the value is null. The value is read as a YAML scalar,
// as pyyaml_env_tag does, so true is a boolean.
func (p *configParser) envTag(n *yaml.Node) {
	var names []string
	def, hasDef := (*yaml.Node)(nil), false
	switch n.Kind {
	case yaml.ScalarNode:
		names = []string{n.Value}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			names = append(names, c.Value)
		}
		if len(n.Content) > 1 {
			def, hasDef = n.Content[len(n.Content)-1], true
			names = names[:len(names)-1]
		}
	default:
		p.errorf(n, "!ENV: want a variable name or a list of them")
		return
	}
	line, col := n.Line, n.Column
	for _, name := range names {
		if v, ok := p.env(name); ok {
			*n = yaml.Node{Kind: yaml.ScalarNode, Value: v, Line: line, Column: col}
			return
		}
	}
	if hasDef {
		*n = *def
		return
	}
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "", Line: line, Column: col}
}

func (p *configParser) decode(n *yaml.Node, v any) {
	if err := n.Decode(v); err != nil {
		p.errorf(n, "%v", strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "))
	}
}

func (p *configParser) str(n *yaml.Node) string {
	if n.Tag == "!!null" {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "want a string")
		return ""
	}
	return n.Value
}

// nav parses the nav in its shapes: a page path, {title: path},
// {title: url}, {title: [items]} (a section), and a bare URL.
func (p *configParser) nav(n *yaml.Node) []*NavItem {
	if n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "nav: want a list")
		return nil
	}
	var items []*NavItem
	for _, c := range n.Content {
		if it := p.navItem(c); it != nil {
			items = append(items, it)
		}
	}
	return items
}

func (p *configParser) navItem(n *yaml.Node) *NavItem {
	switch n.Kind {
	case yaml.ScalarNode:
		return navTarget(&NavItem{Line: n.Line}, n.Value)
	case yaml.MappingNode:
		if len(n.Content) != 2 {
			p.errorf(n, "nav: an item with a title has exactly one key, got %d", len(n.Content)/2)
			return nil
		}
		k, v := n.Content[0], n.Content[1]
		it := &NavItem{Title: k.Value, Line: k.Line}
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Tag == "!!null" {
				p.errorf(v, "nav: %q has no page", k.Value)
				return nil
			}
			return navTarget(it, v.Value)
		case yaml.SequenceNode:
			it.Children = p.nav(v)
			return it
		}
		p.errorf(v, "nav: %q: want a page, a URL or a list", k.Value)
	default:
		p.errorf(n, "nav: want a page, {title: page} or {section: [...]}")
	}
	return nil
}

func navTarget(it *NavItem, target string) *NavItem {
	if isExternal(target) {
		it.URL = target
		if it.Title == "" {
			it.Title = target
		}
		return it
	}
	it.Path = path.Clean(strings.TrimPrefix(target, "/"))
	return it
}

// isExternal reports whether a link target leaves the site: it has a scheme
// (https:, mailto:) or is protocol-relative.
func isExternal(target string) bool {
	if strings.HasPrefix(target, "//") {
		return true
	}
	i := strings.IndexByte(target, ':')
	if i <= 0 {
		return false
	}
	for _, r := range target[:i] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// theme parses theme: material, or a mapping with name, palette (a mapping
// or a list of them), features and any other options.
func (p *configParser) theme(n *yaml.Node) Theme {
	var t Theme
	switch n.Kind {
	case yaml.ScalarNode:
		t.Name = n.Value
		return t
	case yaml.MappingNode:
	default:
		p.errorf(n, "theme: want a name or a mapping")
		return t
	}
	t.Options = map[string]any{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			t.Name = p.str(v)
		case "palette":
			switch v.Kind {
			case yaml.MappingNode:
				var pal Palette
				p.decodePalette(v, &pal)
				t.Palette = []Palette{pal}
			case yaml.SequenceNode:
				for _, c := range v.Content {
					var pal Palette
					p.decodePalette(c, &pal)
					t.Palette = append(t.Palette, pal)
				}
			default:
				p.errorf(v, "theme.palette: want a mapping or a list")
			}
		case "features":
			p.decode(v, &t.Features)
		default:
			var val any
			p.decode(v, &val)
			t.Options[k.Value] = val
		}
	}
	return t
}

func (p *configParser) decodePalette(n *yaml.Node, pal *Palette) {
	var raw struct {
		Scheme  string         `yaml:"scheme"`
		Primary string         `yaml:"primary"`
		Accent  string         `yaml:"accent"`
		Toggle  map[string]any `yaml:"toggle"`
		Media   string         `yaml:"media"`
	}
	p.decode(n, &raw)
	*pal = Palette(raw)
}

// extensions parses markdown_extensions or plugins: a list of names and
// {name: options} mappings, or a mapping of names to options.
func (p *configParser) extensions(n *yaml.Node) []Extension {
	var exts []Extension
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			switch c.Kind {
			case yaml.ScalarNode:
				exts = append(exts, Extension{Name: c.Value})
			case yaml.MappingNode:
				for i := 0; i+1 < len(c.Content); i += 2 {
					exts = append(exts, p.extension(c.Content[i], c.Content[i+1]))
				}
			default:
				p.errorf(c, "want a name or {name: options}")
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			exts = append(exts, p.extension(n.Content[i], n.Content[i+1]))
		}
	case yaml.ScalarNode:
		if n.Tag != "!!null" {
			p.errorf(n, "want a list")
		}
	}
	return exts
}

func (p *configParser) extension(k, v *yaml.Node) Extension {
	e := Extension{Name: k.Value}
	if v.Tag != "!!null" {
		if v.Kind != yaml.MappingNode {
			p.errorf(v, "%s: options: want a mapping", k.Value)
			return e
		}
		p.decode(v, &e.Options)
	}
	return e
}

// scriptList parses extra_javascript: paths, or {path: ..., type: ...}.
func (p *configParser) scriptList(n *yaml.Node) []string {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "extra_javascript: want a list")
		return nil
	}
	var out []string
	for _, c := range n.Content {
		if c.Kind == yaml.MappingNode {
			var s struct {
				Path string `yaml:"path"`
			}
			p.decode(c, &s)
			out = append(out, s.Path)
			continue
		}
		out = append(out, p.str(c))
	}
	return out
}

// A Page is one Markdown file of the docs directory.
type Page struct {
	Src   string // path relative to docs_dir, slash-separated ("io.md", "guide/index.md")
	URL   string // path of the HTML file relative to the site root ("io.html")
	Title string // from the nav, else the page itself (set when it is read)
	InNav bool
}

// navFromFiles returns the nav MkDocs derives when mkdocs.yml has none:
// index.md (or README.md) first, then the files of a directory before its
// subdirectories, each group in code-point order, a directory becoming a
// section titled after its name.
func navFromFiles(files []string) []*NavItem {
	type dir struct {
		files []string
		dirs  map[string]*dir
	}
	root := &dir{dirs: map[string]*dir{}}
	for _, f := range files {
		d := root
		parts := strings.Split(f, "/")
		for _, p := range parts[:len(parts)-1] {
			if d.dirs[p] == nil {
				d.dirs[p] = &dir{dirs: map[string]*dir{}}
			}
			d = d.dirs[p]
		}
		d.files = append(d.files, f)
	}
	var walk func(d *dir) []*NavItem
	walk = func(d *dir) []*NavItem {
		slices.SortFunc(d.files, func(a, b string) int {
			ai, bi := isIndex(a), isIndex(b)
			switch {
			case ai && !bi:
				return -1
			case bi && !ai:
				return 1
			}
			return strings.Compare(a, b)
		})
		var items []*NavItem
		for _, f := range d.files {
			items = append(items, &NavItem{Path: f})
		}
		names := make([]string, 0, len(d.dirs))
		for n := range d.dirs {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			items = append(items, &NavItem{Title: nameToTitle(n), Children: walk(d.dirs[n])})
		}
		return items
	}
	return walk(root)
}

func isIndex(p string) bool {
	b := path.Base(p)
	return b == "index.md" || b == "README.md"
}

// nameToTitle is MkDocs' title for a file or directory name: - and _ become
// spaces, and an all-lower-case name is capitalized.
func nameToTitle(name string) string {
	t := strings.NewReplacer("-", " ", "_", " ").Replace(name)
	if strings.ToLower(t) == t && t != "" {
		t = strings.ToUpper(t[:1]) + t[1:]
	}
	return t
}

// markdownFiles lists the .md files under dir, relative and slash-separated,
// skipping hidden files and directories (names starting with a dot), and
// README.md where the same directory has an index.md, as MkDocs does.
func markdownFiles(fsys fs.FS) ([]string, []string, error) {
	var md, other []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if strings.HasSuffix(p, ".md") {
			md = append(md, p)
		} else {
			other = append(other, p)
		}
		return nil
	})
	md = slices.DeleteFunc(md, func(p string) bool {
		return path.Base(p) == "README.md" && slices.Contains(md, path.Join(path.Dir(p), "index.md"))
	})
	return md, other, err
}

// pageURL is where a page is written: use_directory_urls is not honoured,
// because a site opened from file:// needs file names (x.md -> x.html).
func pageURL(src string) string {
	if path.Base(src) == "README.md" {
		return path.Join(path.Dir(src), "index.html")
	}
	return strings.TrimSuffix(src, ".md") + ".html"
}
