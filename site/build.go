package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/concurrency101/book/runner/chapter"
	"github.com/concurrency101/book/runner/report"
)

// Options configures a build. Its zero value, with a Config, builds the
// site without captured outputs (code and golden outputs only).
type Options struct {
	Config *Config
	// Reports holds the results of each chapter, keyed by the page's path
	// relative to docs_dir ("io.md"). A page without a report shows its
	// golden outputs.
	Reports map[string]*report.Report
	// LiveReload adds the script that reloads a page when the site is
	// rebuilt (see Server).
	LiveReload bool
	// Docs replaces the docs directory, for tests; nil reads Config.DocsPath().
	Docs fs.FS
}

// A Site is a built site held in memory: the pages, then every file to write.
type Site struct {
	Config *Config
	Pages  []*Page
	Files  map[string][]byte // path relative to the output directory -> content
	copies map[string]string // output path -> source file to copy
	pages  []*page           // in file order
	order  []*page           // the nav's pages in order, then the others
}

// Content returns the HTML of the article of the page with the given Src,
// without the layout (for golden tests).
func (s *Site) Content(src string) (string, bool) {
	for _, p := range s.pages {
		if p.Src == src {
			return p.content, true
		}
	}
	return "", false
}

// Build loads the site described by opts and writes it into the site_dir of
// the config. The error lists every problem found, as file:line: message.
func Build(opts Options) (*Site, error) {
	s, err := Load(opts)
	if s == nil {
		return nil, err
	}
	// A page with a broken link is still written: the errors are reported,
	// and the preview server keeps showing the rest of the book.
	return s, errors.Join(err, s.Write(opts.Config.SitePath()))
}

// Load reads, checks and renders every page in memory. It returns every
// problem found, each as file:line: message; the Site is complete even then.
func Load(opts Options) (*Site, error) {
	cfg := opts.Config
	docs := opts.Docs
	if docs == nil {
		docs = os.DirFS(cfg.DocsPath())
	}
	mdFiles, others, err := markdownFiles(docs)
	if err != nil {
		return nil, fmt.Errorf("%s: docs_dir: %w", cfg.Path, err)
	}
	s := &Site{Config: cfg, Files: map[string][]byte{}, copies: map[string]string{}}
	docsPrefix := filepath.ToSlash(filepath.Clean(cfg.DocsPath()))
	byPath := map[string]*page{}
	for _, f := range mdFiles {
		p := &page{Page: Page{Src: f, URL: pageURL(f)}, file: path.Join(docsPrefix, f)}
		byPath[f] = p
		s.pages = append(s.pages, p)
	}
	fileSet := map[string]bool{}
	for _, f := range others {
		fileSet[f] = true
		s.copies[f] = filepath.Join(cfg.DocsPath(), filepath.FromSlash(f))
	}

	// The nav: from mkdocs.yml, or from the files.
	nav := cfg.Nav
	if cfg.NavOmitted {
		nav = navFromFiles(mdFiles)
	}
	order, errs := navOrder(cfg, nav, byPath)
	s.renderPages(docs, opts.Reports, byPath, fileSet)
	for _, p := range s.pages {
		sort.SliceStable(p.errs, func(i, j int) bool { return errLine(p.errs[i]) < errLine(p.errs[j]) })
		errs = append(errs, p.errs...)
		s.Pages = append(s.Pages, &p.Page)
	}
	s.order = order
	for _, p := range s.pages {
		if !p.InNav {
			s.order = append(s.order, p)
		}
	}
	s.addFiles(newLayout(cfg, nav, byPath, order, opts.LiveReload), order, opts.LiveReload)
	return s, errors.Join(errs...)
}

// navOrder marks the pages the nav lists, gives them the nav's titles, and
// returns them in nav order (for previous/next), with an error for each
// entry that names no page.
func navOrder(cfg *Config, nav []*NavItem, byPath map[string]*page) (order []*page, errs []error) {
	var walk func(items []*NavItem)
	walk = func(items []*NavItem) {
		for _, it := range items {
			switch {
			case it.Children != nil:
				walk(it.Children)
			case it.Path != "":
				p := byPath[it.Path]
				if p == nil {
					errs = append(errs, fmt.Errorf("%s:%d: nav: %s is not a page of %s", cfg.Path, it.Line, it.Path, cfg.DocsDir))
					continue
				}
				if !p.InNav {
					order = append(order, p)
				}
				p.InNav = true
				if it.Title != "" && p.Title == "" {
					p.Title = it.Title
				}
			}
		}
	}
	walk(nav)
	return order, errs
}

// renderPages parses every page (in parallel: each has its own tree), then
// resolves links, which needs the ids of every page, then renders.
func (s *Site) renderPages(docs fs.FS, reports map[string]*report.Report, byPath map[string]*page, files map[string]bool) {
	parallel(s.pages, func(p *page) {
		src, err := fs.ReadFile(docs, p.Src)
		if err != nil {
			p.errs = append(p.errs, err)
			return
		}
		parsePage(p, src, reports[p.Src])
		if p.Title == "" {
			p.Title = pageTitle(p)
		}
		if len(p.sections) > 0 {
			p.sections[0].Title = p.Title
		}
	})
	md := newMarkdown()
	parallel(s.pages, func(p *page) {
		if p.doc == nil {
			return
		}
		p.resolveLinks(byPath, files)
		var b bytes.Buffer
		if err := md.Renderer().Render(&b, p.src, p.doc); err != nil {
			p.errs = append(p.errs, fmt.Errorf("%s: render: %w", p.file, err))
		}
		p.content = b.String()
	})
}

// addFiles lays out every page and adds it to the site's files, with the
// 404 page, the assets, the search index and the sitemap.
func (s *Site) addFiles(l *layout, order []*page, liveReload bool) {
	parallel(s.pages, func(p *page) {
		p.out = l.page(p)
	})
	for _, p := range s.pages {
		s.Files[p.URL] = p.out
		p.out = nil
	}
	s.Files["404.html"] = l.notFound()
	s.Files["assets/style.css"] = l.css()
	s.Files["assets/site.js"] = mustAsset("site.js")
	s.Files["assets/favicon.svg"] = mustAsset("favicon.svg")
	if liveReload {
		s.Files["assets/livereload.js"] = mustAsset("livereload.js")
	}
	idx, idxJS := searchIndex(s.pages, order)
	s.Files["search/search_index.json"] = idx
	s.Files["search/search_index.js"] = idxJS
	s.Files["sitemap.xml"] = sitemap(s.Config, s.pages)
}

// pageTitle is a page's own title: front matter title, else the first H1 if
// it is the first element, else "Home" for the top index page, else the
// file name (MkDocs' precedence after the nav title).
func pageTitle(p *page) string {
	switch {
	case p.fmTitle != "":
		return p.fmTitle
	case p.h1 != "":
		return p.h1
	case p.Src == "index.md" || p.Src == "README.md":
		return "Home"
	case isIndex(p.Src):
		return nameToTitle(path.Base(path.Dir(p.Src)))
	}
	return nameToTitle(strings.TrimSuffix(path.Base(p.Src), ".md"))
}

func parallel(pages []*page, f func(*page)) {
	workers := runtime.GOMAXPROCS(0)
	if len(pages) < 2 || workers < 2 {
		for _, p := range pages {
			f(p)
		}
		return
	}
	var wg sync.WaitGroup
	ch := make(chan *page)
	for range workers {
		wg.Go(func() {
			for p := range ch {
				f(p)
			}
		})
	}
	for _, p := range pages {
		ch <- p
	}
	close(ch)
	wg.Wait()
}

// Write writes the site into dir, replacing the files it wrote before;
// files of dir the site does not have are removed, so a deleted chapter
// does not linger.
func (s *Site) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	keep := map[string]bool{}
	write := func(rel string, data []byte) error {
		keep[rel] = true
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
			return nil // unchanged: keep the mtime, browsers keep their cache
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, p)
	}
	names := make([]string, 0, len(s.Files))
	for n := range s.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := write(n, s.Files[n]); err != nil {
			return err
		}
	}
	for rel, src := range s.copies {
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := write(rel, data); err != nil {
			return err
		}
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !keep[filepath.ToSlash(rel)] {
			return os.Remove(p)
		}
		return nil
	})
}

// A searchDoc is an entry of search_index.json, in MkDocs' format.
type searchDoc struct {
	Location string `json:"location"`
	Title    string `json:"title"`
	Text     string `json:"text"`
}

// searchIndex returns search/search_index.json as MkDocs writes it (one
// entry per page and per heading), and the same data as a script, which a
// page opened from file:// can load where fetch is refused.
func searchIndex(pages []*page, order []*page) (jsonData, script []byte) {
	idx := struct {
		Config map[string]any `json:"config"`
		Docs   []searchDoc    `json:"docs"`
	}{
		Config: map[string]any{"lang": []string{"en"}, "separator": `[\s\-]+`, "pipeline": []string{"stopWordFilter"}},
		Docs:   []searchDoc{},
	}
	seen := map[*page]bool{}
	all := append(append([]*page{}, order...), pages...)
	for _, p := range all {
		if seen[p] || p.doc == nil {
			continue
		}
		seen[p] = true
		var whole strings.Builder
		for _, s := range p.sections {
			whole.WriteString(s.Text.String())
		}
		idx.Docs = append(idx.Docs, searchDoc{Location: p.URL, Title: p.Title, Text: squeeze(whole.String())})
		for _, s := range p.sections[1:] {
			idx.Docs = append(idx.Docs, searchDoc{Location: p.URL + "#" + s.ID, Title: s.Title, Text: squeeze(s.Text.String())})
		}
	}
	j, _ := json.Marshal(idx)
	script = append([]byte("window.bookSearchIndex="), j...)
	script = append(script, ";\n"...)
	return j, script
}

func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

// sitemap returns sitemap.xml: absolute URLs when site_url is set, else
// URLs relative to the site root.
func sitemap(cfg *Config, pages []*page) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	base := cfg.SiteURL
	if base != "" && !strings.HasSuffix(base, "/") {
		base += "/"
	}
	for _, p := range pages {
		fmt.Fprintf(&b, "<url><loc>%s</loc></url>\n", html.EscapeString(base+p.URL))
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

func errLine(err error) int {
	if e, ok := err.(*chapter.Error); ok {
		return e.Line
	}
	return 0
}
