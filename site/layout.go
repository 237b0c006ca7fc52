package site

import (
	"bytes"
	"embed"
	"fmt"
	"html"
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

// layout writes the HTML around the articles: header with search and theme
// toggle, left nav, right table of contents, previous/next links. Every
// URL is relative, so the site works opened from file://, and nothing is
// loaded from another origin.
type layout struct {
	cfg        *Config
	navHTML    map[string]string // nav rendered for a root prefix ("", "../")
	nav        []*NavItem
	byPath     map[string]*page
	order      []*page
	index      map[*page]int
	liveReload bool
}

func newLayout(cfg *Config, nav []*NavItem, byPath map[string]*page, order []*page, live bool) *layout {
	l := &layout{cfg: cfg, nav: nav, byPath: byPath, order: order, navHTML: map[string]string{}, index: map[*page]int{}, liveReload: live}
	for i, p := range order {
		l.index[p] = i
	}
	for _, p := range byPath {
		root := rootOf(p.URL)
		if _, ok := l.navHTML[root]; !ok {
			var b strings.Builder
			l.writeNav(&b, nav, root)
			l.navHTML[root] = b.String()
		}
	}
	return l
}

func (l *layout) writeNav(b *strings.Builder, items []*NavItem, root string) {
	b.WriteString("<ul>\n")
	for _, it := range items {
		switch {
		case it.Children != nil:
			fmt.Fprintf(b, "<li class=\"nav-section\"><span>%s</span>\n", html.EscapeString(it.Title))
			l.writeNav(b, it.Children, root)
			b.WriteString("</li>\n")
		case it.URL != "":
			// An external link is a link the reader follows, not a request the page makes.
			fmt.Fprintf(b, "<li><a class=\"nav-external\" href=\"%s\">%s</a></li>\n", html.EscapeString(it.URL), html.EscapeString(it.Title))
		default:
			p := l.byPath[it.Path]
			if p == nil {
				continue
			}
			title := it.Title
			if title == "" {
				title = p.Title
			}
			fmt.Fprintf(b, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(root+p.URL), html.EscapeString(title))
		}
	}
	b.WriteString("</ul>\n")
}

func (l *layout) head(b *bytes.Buffer, title, root string) {
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(b, "<title>%s</title>\n", html.EscapeString(title))
	if l.cfg.SiteDescription != "" {
		fmt.Fprintf(b, "<meta name=\"description\" content=\"%s\">\n", html.EscapeString(l.cfg.SiteDescription))
	}
	fmt.Fprintf(b, "<link rel=\"stylesheet\" href=\"%sassets/style.css\">\n", root)
	fmt.Fprintf(b, "<link rel=\"icon\" href=\"%sassets/favicon.svg\" type=\"image/svg+xml\">\n", root)
	// Set the theme before the first paint: no flash of the wrong colours.
	b.WriteString(`<script>try{var t=localStorage.getItem("theme")}catch(e){}` +
		`document.documentElement.dataset.theme=t||(matchMedia("(prefers-color-scheme: dark)").matches?"dark":"light")</script>` + "\n")
	b.WriteString("</head>\n")
}

func (l *layout) header(b *bytes.Buffer, root string) {
	b.WriteString("<body>\n<a class=\"skip\" href=\"#content\">Skip to content</a>\n<header class=\"top\">\n")
	b.WriteString("<button class=\"nav-toggle\" type=\"button\" aria-label=\"Menu\" aria-controls=\"nav\" aria-expanded=\"false\"><span></span></button>\n")
	fmt.Fprintf(b, "<a class=\"brand\" href=\"%sindex.html\">%s</a>\n", root, html.EscapeString(l.cfg.SiteName))
	b.WriteString("<div class=\"search\" role=\"search\"><input id=\"search\" type=\"search\" placeholder=\"Search\" aria-label=\"Search\" autocomplete=\"off\"><ol id=\"search-results\" hidden></ol></div>\n")
	b.WriteString("<button class=\"theme-toggle\" type=\"button\" aria-label=\"Switch between light and dark\" title=\"Switch between light and dark\"></button>\n")
	b.WriteString("</header>\n")
}

func (l *layout) scripts(b *bytes.Buffer, root string) {
	fmt.Fprintf(b, "<script src=\"%sassets/site.js\" data-root=\"%s\"></script>\n", root, root)
	if l.liveReload {
		fmt.Fprintf(b, "<script src=\"%sassets/livereload.js\"></script>\n", root)
	}
	b.WriteString("</body>\n</html>\n")
}

// page returns the complete HTML file of a page.
func (l *layout) page(p *page) []byte {
	root := rootOf(p.URL)
	var b bytes.Buffer
	b.Grow(len(p.content) + len(l.navHTML[root]) + 4096)
	title := p.Title
	if title != l.cfg.SiteName {
		title += " - " + l.cfg.SiteName
	}
	l.head(&b, title, root)
	l.header(&b, root)
	b.WriteString("<div class=\"layout\">\n<nav id=\"nav\" class=\"nav\" aria-label=\"Chapters\">\n")
	nav := l.navHTML[root]
	cur := `href="` + html.EscapeString(root+p.URL) + `"`
	if i := strings.Index(nav, cur); i >= 0 {
		nav = nav[:i] + `aria-current="page" ` + nav[i:]
	}
	b.WriteString(nav)
	b.WriteString("</nav>\n<main id=\"content\" class=\"content\">\n<article>\n")
	b.WriteString(p.content)
	b.WriteString("</article>\n")
	if i, ok := l.index[p]; ok {
		b.WriteString("<nav class=\"prevnext\" aria-label=\"Previous and next\">\n")
		if i > 0 {
			q := l.order[i-1]
			fmt.Fprintf(&b, "<a class=\"prev\" rel=\"prev\" href=\"%s\"><small>Previous</small>%s</a>\n", html.EscapeString(relURL(p.URL, q.URL)), html.EscapeString(q.Title))
		}
		if i+1 < len(l.order) {
			q := l.order[i+1]
			fmt.Fprintf(&b, "<a class=\"next\" rel=\"next\" href=\"%s\"><small>Next</small>%s</a>\n", html.EscapeString(relURL(p.URL, q.URL)), html.EscapeString(q.Title))
		}
		b.WriteString("</nav>\n")
	}
	b.WriteString(recordFooter(p))
	b.WriteString("</main>\n")
	b.WriteString("<aside class=\"toc\" aria-label=\"On this page\">\n")
	var toc []tocEntry
	for _, e := range p.toc {
		if e.Level >= 2 && e.Level <= 3 {
			toc = append(toc, e)
		}
	}
	if len(toc) > 0 {
		b.WriteString("<div class=\"toc-title\">On this page</div>\n<ul>\n")
		for _, e := range toc {
			fmt.Fprintf(&b, "<li class=\"toc-%d\"><a href=\"#%s\">%s</a></li>\n", e.Level, html.EscapeString(e.ID), html.EscapeString(e.Text))
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("</aside>\n</div>\n")
	l.scripts(&b, root)
	return b.Bytes()
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
	var b bytes.Buffer
	l.head(&b, "Page not found - "+l.cfg.SiteName, root)
	l.header(&b, root)
	b.WriteString("<div class=\"layout\">\n<nav id=\"nav\" class=\"nav\" aria-label=\"Chapters\">\n")
	var nb strings.Builder
	l.writeNav(&nb, l.nav, root)
	b.WriteString(nb.String())
	b.WriteString("</nav>\n<main id=\"content\" class=\"content\">\n<article>\n<h1 id=\"page-not-found\">Page not found</h1>\n")
	fmt.Fprintf(&b, "<p>There is no page at this address. Start from the <a href=\"%sindex.html\">first page</a> or search.</p>\n", root)
	b.WriteString("</article>\n</main>\n<aside class=\"toc\"></aside>\n</div>\n")
	l.scripts(&b, root)
	return b.Bytes()
}

// css returns the style sheet: the layout's and the code colours for the
// light and dark themes.
func (l *layout) css() []byte {
	return append(mustAsset("style.css"), chromaCSS("github", "github-dark")...)
}

// recordFooter names the machines of the chapter's golden timing records
// (chapters/X.timings.json, written by go run ./cmd/run -update), against
// which the page's measurements were compared.
func recordFooter(p *page) string {
	if p.file == "" {
		return ""
	}
	t, err := timing.ReadTimings(p.file)
	if err != nil || len(t.Records) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<footer class=\"page-footer\">")
	for _, r := range t.Records {
		fmt.Fprintf(&b, "<div>Timing record (%s): %d expectations measured %s on %s.</div>",
			html.EscapeString(r.Engine), len(r.Expectations), r.Date.Format("2006-01-02"), html.EscapeString(r.Machine.String()))
	}
	b.WriteString("</footer>\n")
	return b.String()
}
