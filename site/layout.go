package site

import (
	"bytes"
	"embed"
	"html/template"
	"strings"

	"github.com/concurrency101/book/runner/timing"
)

//go:embed assets
var assets embed.FS

func mustAsset(name string) []byte {
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		panic(err) // embedded at build time: cannot happen
	}
	return b
}

//go:embed templates
var templateFiles embed.FS

// templates are the layout's: "page", "404" and the parts they share.
var templates = template.Must(template.ParseFS(templateFiles, "templates/*.html"))

// layout renders the HTML around the articles (templates/layout.html):
// header with search and theme toggle, left nav, right table of contents,
// previous/next links.
type layout struct {
	cfg        *Config
	nav        []*NavItem
	byPath     map[string]*page
	order      []*page
	index      map[*page]int
	liveReload bool
}

// layoutData is what the templates show of a page.
type layoutData struct {
	Title, Description, SiteName string
	Root                         string // the site root, relative to the page: "", "../"
	Nav                          []navLink
	Content                      template.HTML // the article, rendered by goldmark
	InOrder                      bool          // the page is in the nav: it has previous/next links
	Prev, Next                   *navLink
	Records                      []timingRecord
	TOC                          []tocEntry
	LiveReload                   bool
}

// A navLink is an entry of the nav, or a previous/next link.
type navLink struct {
	Title, Href       string
	Section, External bool
	Current           bool // the page shown
	Children          []navLink
}

// A timingRecord names a machine of a chapter's golden timing records.
type timingRecord struct {
	Engine, Date, Machine string
	Expectations          int
}

func newLayout(cfg *Config, nav []*NavItem, byPath map[string]*page, order []*page, live bool) *layout {
	l := &layout{cfg: cfg, nav: nav, byPath: byPath, order: order, index: map[*page]int{}, liveReload: live}
	for i, p := range order {
		l.index[p] = i
	}
	return l
}

// navLinks is the nav seen from a page at root (cur: the page shown, or nil).
func (l *layout) navLinks(items []*NavItem, root string, cur *page) []navLink {
	var links []navLink
	for _, it := range items {
		switch {
		case it.Children != nil:
			links = append(links, navLink{Title: it.Title, Section: true, Children: l.navLinks(it.Children, root, cur)})
		case it.URL != "":
			links = append(links, navLink{Title: it.Title, Href: it.URL, External: true})
		default:
			p := l.byPath[it.Path]
			if p == nil {
				continue
			}
			title := it.Title
			if title == "" {
				title = p.Title
			}
			links = append(links, navLink{Title: title, Href: root + p.URL, Current: p == cur})
		}
	}
	return links
}

func (l *layout) data(title, root string) *layoutData {
	return &layoutData{Title: title, Description: l.cfg.SiteDescription, SiteName: l.cfg.SiteName, Root: root, LiveReload: l.liveReload}
}

// page returns the complete HTML file of a page.
func (l *layout) page(p *page) []byte {
	root := rootOf(p.URL)
	title := p.Title
	if title != l.cfg.SiteName {
		title += " - " + l.cfg.SiteName
	}
	d := l.data(title, root)
	d.Nav = l.navLinks(l.nav, root, p)
	d.Content = template.HTML(p.content) // goldmark's output: the chapter's raw HTML is dropped
	if i, ok := l.index[p]; ok {
		d.InOrder = true
		if i > 0 {
			q := l.order[i-1]
			d.Prev = &navLink{Title: q.Title, Href: relURL(p.URL, q.URL)}
		}
		if i+1 < len(l.order) {
			q := l.order[i+1]
			d.Next = &navLink{Title: q.Title, Href: relURL(p.URL, q.URL)}
		}
	}
	d.Records = timingRecords(p)
	for _, e := range p.toc {
		if e.Level >= 2 && e.Level <= 3 {
			d.TOC = append(d.TOC, e)
		}
	}
	return l.execute("page", d, len(p.content)+8192)
}

// notFound returns 404.html. A server shows it at any depth, so its URLs
// start from the site root: the path of site_url (GitHub Pages serves a
// project under /repo/), or / when there is none.
func (l *layout) notFound() []byte {
	root := "/"
	if u := l.cfg.SiteURL; u != "" && !l.liveReload {
		if i := strings.Index(u, "://"); i >= 0 {
			u = u[i+3:]
			if j := strings.IndexByte(u, '/'); j >= 0 {
				root = u[j:]
			}
		}
		if !strings.HasSuffix(root, "/") {
			root += "/"
		}
	}
	d := l.data("Page not found - "+l.cfg.SiteName, root)
	d.Nav = l.navLinks(l.nav, root, nil)
	return l.execute("404", d, 8192)
}

func (l *layout) execute(name string, d *layoutData, size int) []byte {
	var b bytes.Buffer
	b.Grow(size)
	if err := templates.ExecuteTemplate(&b, name, d); err != nil {
		panic(err) // the templates are embedded and the data typed: a bug
	}
	return b.Bytes()
}

// css returns the style sheet: the layout's and the code colours for the
// light and dark themes.
func (l *layout) css() []byte {
	return append(mustAsset("style.css"), chromaCSS("github", "github-dark")...)
}

// timingRecords names the machines of the chapter's golden timing records
// (chapters/X.timings.json, written by go run ./cmd/run -update), against
// which the page's measurements were compared.
func timingRecords(p *page) []timingRecord {
	if p.file == "" {
		return nil
	}
	t, err := timing.ReadTimings(p.file)
	if err != nil {
		return nil
	}
	var recs []timingRecord
	for _, r := range t.Records {
		recs = append(recs, timingRecord{Engine: r.Engine, Expectations: len(r.Expectations), Date: r.Date.Format("2006-01-02"), Machine: r.Machine.String()})
	}
	return recs
}
